package io.spark.day9.shadow;

import java.math.BigDecimal;

/**
 * Admission of new orders: the one check every order passes (HTTP, queue, every mode) before
 * anything is placed. The emergency stop implements it; {@link #OPEN} admits everything.
 *
 * <p>The shadow executor calls it under its monitor at the instant it creates the order, with
 * the strategy's current net position in the symbol; the order router calls it once more
 * before a real leg is sent. So an order is either created before a stop flips the gate (and
 * is then cancelled by the stop) or refused: never accepted after it.
 *
 * <p>Implementations must be fast and non-blocking (a volatile read and a few comparisons):
 * they run on the order hot path, under the shadow executor's monitor.
 */
@FunctionalInterface
public interface OrderGate {
    /** Admits every order. */
    OrderGate OPEN = (r, p) -> { };

    /**
     * Admits or refuses one order.
     *
     * @param request  the order (strategy and symbol set)
     * @param position the strategy's net position in the order's symbol, in base units
     *                 (positive long, negative short, zero flat)
     * @throws TradingHalted when a stop covers the order (in {@code REDUCING} mode: unless the
     *                       order reduces {@code position} without crossing zero)
     */
    void admit(OrderRequest request, BigDecimal position);
}
