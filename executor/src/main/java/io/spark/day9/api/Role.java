package io.spark.day9.api;

/**
 * Who may call a route. Roles are ordered: a higher role can do everything a lower one can
 * ({@link #covers}), so a route declares the one lowest role it needs.
 *
 * <ul>
 *   <li>{@link #PUBLIC}: no credentials (liveness, readiness, the metrics scrape, the OpenAPI
 *       document). Only paths outside {@code /api/private} may be public.</li>
 *   <li>{@link #READ}: {@code READ_TOKEN} - health, stats, books, positions, reports.</li>
 *   <li>{@link #TRADE}: {@code API_TOKEN} - enqueue signals, place and cancel orders,
 *       claim/ack for outside consumers.</li>
 *   <li>{@link #ADMIN}: {@code ADMIN_TOKEN} - chaos, DLQ purge, logger levels.</li>
 * </ul>
 */
public enum Role {
    PUBLIC(""),
    READ("READ_TOKEN"),
    TRADE("API_TOKEN"),
    ADMIN("ADMIN_TOKEN");

    private final String token;

    Role(String token) {
        this.token = token;
    }

    /** True when a caller with this role may call a route that needs {@code needed}. */
    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The configuration variable holding this role's bearer token ("" for public). */
    public String tokenVariable() {
        return token;
    }

    /** The lower-case name used in the OpenAPI document and the README ({@code trade}). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
