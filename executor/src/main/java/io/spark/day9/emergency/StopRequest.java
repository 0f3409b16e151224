package io.spark.day9.emergency;

import java.util.Objects;

/**
 * What a stop asks for; every field of the HTTP body is optional and the API fills the
 * defaults ({@link Scope#ALL}, {@link TradingMode#HALTED}, no flatten, no whole-queue pause).
 *
 * @param reason     why (required here; the API defaults it to {@code "unspecified"})
 * @param scope      what it covers
 * @param mode       {@link TradingMode#HALTED} or {@link TradingMode#REDUCING}
 * @param flatten    close positions in scope with market orders after the cancels
 * @param pauseQueue also pause the whole queue's consumption (only with scope everything)
 */
public record StopRequest(String reason, Scope scope, TradingMode mode, boolean flatten,
                          boolean pauseQueue) {
    public StopRequest {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(mode, "mode");
        if (!mode.stopped()) {
            throw new IllegalArgumentException("a stop's mode is HALTED or REDUCING, not " + mode);
        }
        if (pauseQueue && !scope.all()) {
            throw new IllegalArgumentException("pauseQueue needs the scope everything; scope is "
                    + scope.label());
        }
    }

    /** A halt of everything. */
    public static StopRequest haltAll(String reason) {
        return new StopRequest(reason, Scope.ALL, TradingMode.HALTED, false, false);
    }
}
