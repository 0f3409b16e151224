package io.spark.day9.emergency;

import java.util.List;

/**
 * The answer to a stop: each step with its time, what was cancelled and flattened, and the
 * verification.
 *
 * @param stop         the stop in force
 * @param steps        the steps in the order they ran
 * @param cancelled    orders cancelled
 * @param flattened    market orders placed to close positions
 * @param verification the end state read again
 * @param stopSeconds  request to refused-and-durable (the guide's SLO, the histogram)
 * @param verifySeconds request to verified
 */
public record StopResult(ActiveStop stop, List<Step> steps,
                         List<TradingDesk.OpenOrder> cancelled,
                         List<TradingDesk.Flattened> flattened, Verification verification,
                         double stopSeconds, double verifySeconds) {

    /**
     * One step of a stop.
     *
     * @param name   {@code refuse}, {@code persist}, {@code chaos-off}, {@code cancel},
     *               {@code pause}, {@code flatten}, {@code verify}
     * @param at     when it ended (epoch ms)
     * @param micros how long it took
     * @param ok     false when it failed ({@code detail} says why)
     * @param detail what it did, in a few words
     */
    public record Step(String name, long at, long micros, boolean ok, String detail) {
    }
}
