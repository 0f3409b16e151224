package io.spark.day9.shadow;

import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.ExchangeException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The shadow executor's {@link ShadowExecutor.RoundTripProbe} on Binance's
 * {@code POST /api/v3/order/test}: a tiny market buy of the first symbol, which the exchange
 * validates and never places. What counts as a round trip:
 * <ul>
 *   <li>any answer, including a 4xx (a filter, say): the request went there and back;</li>
 *   <li>not a timeout or connection failure (status 0), a rate limit, or a 5xx: those throw,
 *       and the shadow executor does not record them.</li>
 * </ul>
 */
public final class OrderTestProbe implements ShadowExecutor.RoundTripProbe {
    private final Supplier<BinanceRest> rest;
    private final String symbol;

    /**
     * @param rest   the market's REST client (taken per probe: it exists once the market
     *               component has started)
     * @param symbol the symbol of the test order
     */
    public OrderTestProbe(Supplier<BinanceRest> rest, String symbol) {
        this.rest = Objects.requireNonNull(rest, "rest");
        this.symbol = Objects.requireNonNull(symbol, "symbol");
    }

    @Override
    public double roundTripMs() {
        long t0 = System.nanoTime();
        try {
            rest.get().testOrder(Map.of("symbol", symbol, "side", "BUY", "type", "MARKET",
                    "quantity", "0.001"));
        } catch (ExchangeException e) {
            if (!countsAsRoundTrip(e)) {
                throw e;
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** True for an answer that still went there and back (a 4xx that is not a rate limit). */
    static boolean countsAsRoundTrip(ExchangeException e) {
        return e.httpStatus() != 0 && !e.rateLimited() && e.httpStatus() < 500;
    }
}
