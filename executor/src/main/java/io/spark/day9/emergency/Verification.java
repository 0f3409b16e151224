package io.spark.day9.emergency;

import java.util.List;

/**
 * The end state of a stop, read again after its actions.
 *
 * @param verified   true when nothing is open in scope (and no position, when flattened) and
 *                   every read succeeded
 * @param at         when it was read (epoch ms)
 * @param stillOpen  orders still open in scope
 * @param positions  positions still held in scope (checked when the stop flattens)
 * @param errors     reads or actions that failed
 */
public record Verification(boolean verified, long at, List<TradingDesk.OpenOrder> stillOpen,
                           List<TradingDesk.Position> positions, List<String> errors) {
    public Verification {
        stillOpen = List.copyOf(stillOpen);
        positions = List.copyOf(positions);
        errors = List.copyOf(errors);
    }
}
