package io.spark.day9.shadow;

/**
 * An order refused because trading is stopped in its scope (an emergency stop, a dead-man
 * switch that fired, or a reduce-only scope and an order that does not reduce). Mapped to the
 * 409 problem {@code trading-halted}. Nothing was placed or recorded for the order.
 *
 * @see OrderGate
 */
public final class TradingHalted extends RuntimeException {
    private final String mode;
    private final String scope;
    private final String reason;
    private final long since;

    /**
     * @param mode   {@code HALTED} or {@code REDUCING}
     * @param scope  the covering stop's scope label ({@code all}, {@code strategy=a}, …)
     * @param reason the stop's reason
     * @param since  when the stop began (epoch ms)
     */
    public TradingHalted(String mode, String scope, String reason, long since) {
        super("trading is " + mode + " for scope " + scope + " since "
                + java.time.Instant.ofEpochMilli(since) + " ("
                + reason + ")" + ("REDUCING".equals(mode)
                ? ": only orders that reduce an existing position are accepted" : ""),
                null, false, false);
        this.mode = mode;
        this.scope = scope;
        this.reason = reason;
        this.since = since;
    }

    public String mode() {
        return mode;
    }

    public String scope() {
        return scope;
    }

    public String reason() {
        return reason;
    }

    public long since() {
        return since;
    }
}
