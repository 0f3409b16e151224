package io.spark.day9.chaos;

import java.util.Locale;

/**
 * The exchange-protocol faults the engine can inject through the simulator, and how the
 * client's recovery from each is recognised.
 */
public enum ExchangeFault {
    /** The socket stays open but nothing arrives: recovered when the client has noticed,
     *  reconnected and resynced every book. */
    STALE,
    /** One depth update is skipped: recovered when the affected book is resynced. */
    GAP,
    /** Depth updates arrive twice: recovered when the client has dropped a duplicate and every
     *  book is still in sync. */
    DUPLICATE,
    /** REST answers 429/418 with Retry-After: recovered when a call succeeds again after the
     *  client has waited as told. */
    RATE_LIMIT,
    /** The exchange clock is skewed: recovered when a signed call succeeds again, after the
     *  client has met {@code -1021} and re-measured the offset. */
    CLOCK_SKEW;

    /** Lower-case, dash-separated name used in the API, metrics and logs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The fault called {@code id} ({@code stale}, {@code gap}, {@code duplicate},
     *  {@code rate-limit}, {@code clock-skew}). */
    public static ExchangeFault of(String id) {
        for (ExchangeFault f : values()) {
            if (f.id().equals(id)) {
                return f;
            }
        }
        throw new ChaosException.Invalid("fault", "must be one of stale, gap, duplicate, "
                + "rate-limit, clock-skew, got '" + id + "'");
    }
}
