package io.spark.day9.market;

import java.math.BigDecimal;

/** What the market stream reports to adapters (metrics, logs, the chaos engine). */
public sealed interface MarketEvent {

    /** A WebSocket connection opened (a {@code planned} one replaces an ageing connection). */
    record Connected(long connection, boolean planned) implements MarketEvent {
    }

    /**
     * The serving connection was lost. {@code reason}: {@code server-close}, {@code error},
     * {@code stale}, {@code flap}, {@code connect-failed}.
     */
    record Disconnected(long connection, String reason) implements MarketEvent {
        /** Every reason the stream gives (metrics create a series for each at start). */
        public static final java.util.List<String> REASONS = java.util.List.of("server-close",
                "error", "stale", "flap", "connect-failed");
    }

    /** After a disconnect, every symbol's book is synced again: {@code downMs} after it. */
    record Recovered(long connection, long downMs, String cause) implements MarketEvent {
    }

    /** One symbol's book was discarded and is being rebuilt: {@code gap}, {@code stale-snapshot}. */
    record BookResync(String symbol, String reason) implements MarketEvent {
        /** Every reason the stream gives. */
        public static final java.util.List<String> REASONS = java.util.List.of("gap",
                "stale-snapshot");
    }

    /** A book resynced after a gap on the serving connection, {@code millis} after the gap. */
    record BookResynced(String symbol, long millis) implements MarketEvent {
    }

    /** An ageing connection was replaced without the book ever going out of sync. */
    record PlannedReconnect(long oldConnection, long newConnection) implements MarketEvent {
    }

    /**
     * A trade printed on the serving connection ({@code buyerMaker}: the seller was the taker,
     * so resting bids at that price were hit).
     */
    record TradePrint(String symbol, BigDecimal price, BigDecimal qty, boolean buyerMaker,
                      long time) implements MarketEvent {
    }

    /** A message could not be parsed (it was skipped). */
    record ParseError(String detail) implements MarketEvent {
    }
}
