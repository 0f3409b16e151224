package io.spark.day9.market;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Optional;

/**
 * A read-only copy of one symbol's local book at one moment, for the rest of the executor
 * (shadow fills, the HTTP book endpoint, health). Only a {@link #synced()} book is correct;
 * an unsynced one is empty or stale and must not be traded against.
 *
 * @param symbol         e.g. {@code BTCUSDT}
 * @param synced         true while the book follows the stream without gaps
 * @param lastUpdateId   the last depth update applied
 * @param ageMs          ms since the last update was applied (-1 when not synced)
 * @param bids           best bids, best first, up to the requested depth
 * @param asks           best asks, best first, up to the requested depth
 * @param tickerBid      last bookTicker best bid (null before the first)
 * @param tickerAsk      last bookTicker best ask (null before the first)
 * @param lastTrade      last trade's price and quantity (null before the first)
 * @param lastTradeTime  exchange time of the last trade (ms)
 * @param bidLevels      total bid levels held
 * @param askLevels      total ask levels held
 */
public record BookView(String symbol, boolean synced, long lastUpdateId, long ageMs,
                       List<PriceLevel> bids, List<PriceLevel> asks, PriceLevel tickerBid,
                       PriceLevel tickerAsk, PriceLevel lastTrade, long lastTradeTime,
                       int bidLevels, int askLevels) {

    public Optional<PriceLevel> bestBid() {
        return bids.isEmpty() ? Optional.empty() : Optional.of(bids.get(0));
    }

    public Optional<PriceLevel> bestAsk() {
        return asks.isEmpty() ? Optional.empty() : Optional.of(asks.get(0));
    }

    /** (best bid + best ask) / 2, when both sides exist. */
    public Optional<BigDecimal> mid() {
        if (bids.isEmpty() || asks.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(bids.get(0).price().add(asks.get(0).price())
                .divide(BigDecimal.valueOf(2), MathContext.DECIMAL64));
    }

    /** best ask - best bid, when both sides exist. */
    public Optional<BigDecimal> spread() {
        if (bids.isEmpty() || asks.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(asks.get(0).price().subtract(bids.get(0).price()));
    }
}
