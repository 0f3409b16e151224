package io.spark.day9.market;

import java.util.List;

/** Binance market-data payloads, as parsed by {@link MessageParser}. */
final class MarketMessages {
    private MarketMessages() {
    }

    /** Anything a market stream delivers. */
    sealed interface Message permits DepthUpdate, BookTicker, Trade, Other {
        String symbol();
    }

    /**
     * {@code depthUpdate}: changes to the book between update ids {@code firstId} (U) and
     * {@code lastId} (u), inclusive.
     */
    record DepthUpdate(String symbol, long eventTime, long firstId, long lastId,
                       List<PriceLevel> bids, List<PriceLevel> asks) implements Message {
    }

    /** {@code bookTicker}: best bid and ask. */
    record BookTicker(String symbol, long updateId, PriceLevel bid, PriceLevel ask)
            implements Message {
    }

    /** {@code trade}. {@code buyerMaker} true means the seller was the aggressor. */
    record Trade(String symbol, long tradeId, PriceLevel trade, long time, boolean buyerMaker)
            implements Message {
    }

    /** A message of a kind we do not use (subscription answers, unknown events). */
    record Other(String symbol, String kind) implements Message {
    }

    /** A REST depth snapshot. */
    record DepthSnapshot(long lastUpdateId, List<PriceLevel> bids, List<PriceLevel> asks) {
    }
}
