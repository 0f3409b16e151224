package io.spark.day9.market;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.time.Scheduler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Market connectivity as an executor component: the REST client and the book-keeping stream for
 * the configured symbols, against Binance, Binance testnet or the embedded simulator (whose
 * URLs are only known once it has started, hence the endpoint supplier).
 *
 * <p>Start waits up to {@value #INITIAL_SYNC_MS} ms for the first books, then goes on: a market
 * outage must not keep the executor (and its queue) from starting. Health is UP when every book
 * is synced and fresh, DEGRADED otherwise (connecting, resyncing, disconnected). Stale
 * detection, reconnects and availability ticks run on the injected {@link Scheduler}; the wait
 * for the first books at start is real time (it waits for sockets, not for the clock).
 */
public final class MarketComponent implements Component, MarketData {
    private static final Logger log = LoggerFactory.getLogger(MarketComponent.class);
    static final long INITIAL_SYNC_MS = 5_000;

    /** Where the exchange is, resolved at start. */
    public record Endpoints(String source, String restUrl, String wsUrl, String apiKey,
                            String apiSecret) {
    }

    private final Supplier<Endpoints> endpoints;
    private final MarketConfig settings;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final ObjectMapper json;
    private final EventPublisher<MarketEvent> events = new EventPublisher<>("market");
    private final Scheduler scheduler;
    private volatile Endpoints resolved;
    private volatile BinanceRest rest;
    private volatile MarketStream stream;
    private volatile BinanceRest.Interceptor interceptor;

    /**
     * @param settings  the market settings; an empty {@code wsUrl} is replaced at start by the
     *                  resolved endpoint's
     * @param endpoints where the exchange is, resolved at start
     */
    public MarketComponent(MarketConfig settings, Supplier<Endpoints> endpoints,
                           LongSupplier clock, RandomGenerator random, Scheduler scheduler,
                           ObjectMapper json) {
        this.settings = settings;
        this.scheduler = java.util.Objects.requireNonNull(scheduler, "scheduler");
        this.endpoints = endpoints;
        this.clock = clock;
        this.random = random;
        this.json = json;
    }

    @Override
    public String name() {
        return "market";
    }

    /** Installs an interceptor on the REST client, now or when it is built (chaos). */
    public void interceptRest(BinanceRest.Interceptor i) {
        this.interceptor = i;
        BinanceRest r = rest;
        if (r != null) {
            r.intercept(i);
        }
    }

    /**
     * Subscribes to stream events, of this and every later connection (see
     * {@link EventPublisher} for threading).
     */
    public Subscription subscribe(Consumer<? super MarketEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    @Override
    public void start() throws InterruptedException {
        resolved = endpoints.get();
        rest = new BinanceRest(resolved.restUrl(), resolved.apiKey(), resolved.apiSecret(),
                settings.recvWindowMs(), clock, json);
        rest.intercept(interceptor);
        try {
            long offset = rest.syncTime();
            log.info("market {}: REST {} answers; clock offset {} ms", resolved.source(),
                    resolved.restUrl(), offset);
        } catch (ExchangeException e) {
            log.warn("market {}: REST {} not reachable yet ({}); signed calls use the local clock",
                    resolved.source(), resolved.restUrl(), e.getMessage());
        }
        MarketStream s = new MarketStream(settings.withWsUrl(resolved.wsUrl()), rest, clock,
                random, scheduler, events);
        stream = s;
        s.start();
        long deadline = System.nanoTime() + INITIAL_SYNC_MS * 1_000_000;
        while (!s.allSynced() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        log.info("market {}: ws {} for {}: {}", resolved.source(), resolved.wsUrl(),
                settings.symbols(), s.allSynced() ? "books synced" : "still syncing");
    }

    @Override
    public void stop() {
        MarketStream s = stream;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public Health health() {
        MarketStream s = stream;
        if (s == null) {
            return Health.down(Map.of("reason", "not started"));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", resolved.source());
        details.put("connected", s.connected());
        details.put("connectionAgeSeconds", Math.max(0, s.connectionAgeMs()) / 1000);
        boolean all = true;
        for (String symbol : settings.symbols()) {
            BookView v = s.book(symbol, 1).orElseThrow();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("synced", v.synced());
            one.put("ageMs", v.ageMs());
            one.put("lastUpdateId", v.lastUpdateId());
            v.bestBid().ifPresent(b -> one.put("bestBid", b.price().toPlainString()));
            v.bestAsk().ifPresent(a -> one.put("bestAsk", a.price().toPlainString()));
            MarketStream.Availability a = s.availability().get(symbol);
            long observed = a.observedMs().get();
            one.put("availability", observed == 0 ? 0.0 : (double) a.upMs().get() / observed);
            details.put(symbol, one);
            all &= v.synced() && v.ageMs() <= settings.staleMs();
        }
        return all && s.connected() ? Health.up(details) : Health.degraded(details);
    }

    @Override
    public List<String> symbols() {
        return settings.symbols();
    }

    @Override
    public Optional<BookView> book(String symbol, int limit) {
        MarketStream s = stream;
        return s == null ? Optional.empty() : s.book(symbol, limit);
    }

    @Override
    public boolean connected() {
        MarketStream s = stream;
        return s != null && s.connected();
    }

    /** The running stream (flap hook, availability, counters); null before start. */
    public MarketStream stream() {
        return stream;
    }

    /** The REST client (orders on testnet/live, round-trip measurements); null before start. */
    public BinanceRest rest() {
        return rest;
    }

    /** Where the exchange turned out to be; null before start. */
    public Endpoints endpoints() {
        return resolved;
    }
}
