package io.spark.day9.shadow;

import java.math.BigDecimal;

/**
 * A shadow order's status, with Binance's names (the API and the trail write {@link #name()}).
 *
 * <p>Moves: {@code NEW → PARTIALLY_FILLED → FILLED}, {@code NEW → FILLED}, and from either
 * resting state to {@code CANCELED} (by request) or {@code EXPIRED} (IOC/FOK/MARKET remainder,
 * or the resting TTL passed). {@code FILLED}, {@code CANCELED} and {@code EXPIRED} are final.
 */
public enum OrderStatus {
    /** Resting, nothing filled yet. */
    NEW,
    /** Resting with some fills. */
    PARTIALLY_FILLED,
    /** Wholly filled. */
    FILLED,
    /** Cancelled by request while resting. */
    CANCELED,
    /** The remainder expired: IOC/FOK/MARKET at once, a resting order at its TTL. */
    EXPIRED;

    /** True while the order rests on the book and may still fill. */
    public boolean resting() {
        return this == NEW || this == PARTIALLY_FILLED;
    }

    /** The status after a fill that leaves {@code remaining} to fill. */
    public static OrderStatus afterFill(BigDecimal remaining) {
        return remaining.signum() == 0 ? FILLED : PARTIALLY_FILLED;
    }
}
