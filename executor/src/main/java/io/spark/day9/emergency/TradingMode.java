package io.spark.day9.emergency;

/**
 * The trading state of a scope, after Nautilus Trader's trading states. A stop moves a scope
 * from {@link #ACTIVE} to {@link #HALTED} or {@link #REDUCING}; a resume moves it back to
 * {@link #ACTIVE}. A stop may also move a stopped scope between the two stopped modes.
 */
public enum TradingMode {
    /** Orders flow. */
    ACTIVE,
    /** Every new order in scope is refused. */
    HALTED,
    /** Only orders that reduce an existing position are accepted in scope. */
    REDUCING;

    /** True for the two modes a stop can set. */
    public boolean stopped() {
        return this != ACTIVE;
    }
}
