package io.spark.day9.chaos;

import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.ExchangeException;
import io.spark.day9.market.MarketComponent;
import io.spark.day9.market.MarketStream;
import io.spark.day9.sim.SimFaults;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The chaos engine's edges on the market client and the simulator: the
 * {@link ChaosTargets} it acts on, and the outbound interceptor it puts on the REST client.
 * Every adapter looks its target up per call, because the market's stream and REST client exist
 * only once the market component has started (and the stream is replaced on reconnect).
 */
public final class MarketTargets {

    private MarketTargets() {
    }

    /** The flap hook and recovery checks over the market component's serving stream. */
    public static ChaosTargets.Market market(MarketComponent market) {
        Objects.requireNonNull(market, "market");
        return new ChaosTargets.Market() {
            @Override
            public boolean connected() {
                return market.connected();
            }

            @Override
            public boolean allSynced() {
                MarketStream s = market.stream();
                return s != null && s.allSynced();
            }

            @Override
            public void flap() {
                MarketStream s = market.stream();
                if (s != null) {
                    s.flap();
                }
            }

            @Override
            public long duplicatesIgnored() {
                MarketStream s = market.stream();
                return s == null ? 0 : s.duplicatesIgnored();
            }
        };
    }

    /**
     * Outbound faults on the REST client: delays the call, then fails it with an injected
     * {@link ExchangeException} (never sent); a 429 carries a 1 s retry-after.
     */
    public static BinanceRest.Interceptor outbound(ChaosEngine engine) {
        Objects.requireNonNull(engine, "engine");
        return (method, path) -> {
            HttpFault f = engine.outbound(method + " " + path);
            if (f.latencyMs() > 0) {
                try {
                    engine.delay(f.latencyMs()); // on the injected scheduler
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (f.fails()) {
                throw ExchangeException.injected(f.status(), "chaos: injected " + f.status()
                        + " on " + method + " " + path + " (not sent)", f.status() == 429
                        ? 1000 : 0);
            }
        };
    }

    /** The simulator's fault hooks ({@code faults} is looked up per call). */
    public static ChaosTargets.ExchangeHooks simulator(Supplier<SimFaults> faults) {
        Objects.requireNonNull(faults, "faults");
        return new ChaosTargets.ExchangeHooks() {
            @Override
            public void silence(long ms) {
                faults.get().silence(ms);
            }

            @Override
            public void skipDepthUpdates(int n) {
                faults.get().skipDepthUpdates(n);
            }

            @Override
            public void duplicateDepthUpdates(int n) {
                faults.get().duplicateDepthUpdates(n);
            }

            @Override
            public void rateLimit(int status, int retryAfterSec, long ms) {
                faults.get().rateLimit(status, retryAfterSec, ms);
            }

            @Override
            public void clockSkew(long ms) {
                faults.get().clockSkew(ms);
            }

            @Override
            public void clear() {
                faults.get().clear();
            }
        };
    }

    /**
     * Recovery probes through the executor's own REST client: {@code ping}, and a signed
     * {@code order/test} of a tiny market buy of {@code symbol}.
     */
    public static ChaosTargets.ExchangeProbe probe(MarketComponent market, String symbol) {
        Objects.requireNonNull(market, "market");
        return new ChaosTargets.ExchangeProbe() {
            @Override
            public void ping() {
                market.rest().ping();
            }

            @Override
            public void signed() {
                market.rest().testOrder(Map.of("symbol", symbol, "side", "BUY",
                        "type", "MARKET", "quantity", "0.001"));
            }
        };
    }
}
