package io.spark.day9.chaos;

import java.util.List;
import java.util.Objects;

/**
 * What chaos is switched on: an immutable value, replaced whole on every change.
 *
 * <table>
 *   <caption>Fields (all zero/empty = chaos off)</caption>
 *   <tr><th>field</th><th>range</th><th>meaning</th></tr>
 *   <tr><td>httpErrorPct</td><td>0–100</td><td>share of in-scope requests answered with an
 *       injected error (reached after {@code rampSec})</td></tr>
 *   <tr><td>errorStatus</td><td>500, 502, 503, 504, 429</td><td>status of injected errors
 *       (429 carries {@code Retry-After})</td></tr>
 *   <tr><td>latencyMs</td><td>0–60 000</td><td>latency added to each in-scope request</td></tr>
 *   <tr><td>latencyJitterMs</td><td>0–60 000</td><td>plus a uniform 0..jitter on top</td></tr>
 *   <tr><td>wsFlapSec</td><td>0 or ≥ 1</td><td>drop the market WebSocket every N s</td></tr>
 *   <tr><td>routes / exclude</td><td>globs</td><td>request paths in scope (empty = all) and
 *       never in scope; {@code *} is one path segment, {@code **} any number</td></tr>
 *   <tr><td>ttlSec</td><td>1–604 800</td><td>chaos switches itself off this long after the last
 *       change that left it on</td></tr>
 *   <tr><td>rampSec</td><td>0–86 400</td><td>the error rate grows linearly from 0 to
 *       {@code httpErrorPct} over this time</td></tr>
 *   <tr><td>seed</td><td>any long or null</td><td>makes the error and jitter draws
 *       reproducible</td></tr>
 *   <tr><td>outbound</td><td>{@link Outbound}</td><td>faults on the executor's own REST calls to
 *       the exchange</td></tr>
 *   <tr><td>exchange</td><td>{@link Exchange}</td><td>exchange-protocol faults through the
 *       simulator's hooks</td></tr>
 * </table>
 */
public record ChaosSettings(double httpErrorPct, int errorStatus, int latencyMs,
                            int latencyJitterMs, int wsFlapSec, List<String> routes,
                            List<String> exclude, int ttlSec, int rampSec, Long seed,
                            Outbound outbound, Exchange exchange) {

    /** Statuses an injected error may have. */
    public static final List<Integer> ERROR_STATUSES = List.of(500, 502, 503, 504, 429);
    public static final int DEFAULT_TTL_SEC = 900;
    public static final int MAX_LATENCY_MS = 60_000;

    public ChaosSettings {
        routes = List.copyOf(Objects.requireNonNull(routes, "routes"));
        exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(exchange, "exchange");
        check("httpErrorPct", httpErrorPct >= 0 && httpErrorPct <= 100,
                "must be from 0 to 100, got " + httpErrorPct);
        check("errorStatus", ERROR_STATUSES.contains(errorStatus),
                "must be one of " + ERROR_STATUSES + ", got " + errorStatus);
        check("latencyMs", latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS,
                "must be from 0 to 60000, got " + latencyMs);
        check("latencyJitterMs", latencyJitterMs >= 0 && latencyJitterMs <= MAX_LATENCY_MS,
                "must be from 0 to 60000, got " + latencyJitterMs);
        check("wsFlapSec", wsFlapSec >= 0 && wsFlapSec <= 86_400,
                "must be 0 (off) or from 1 to 86400, got " + wsFlapSec);
        check("ttlSec", ttlSec >= 1 && ttlSec <= 604_800,
                "must be from 1 to 604800 (a week), got " + ttlSec);
        check("rampSec", rampSec >= 0 && rampSec <= 86_400,
                "must be from 0 to 86400, got " + rampSec);
        for (int i = 0; i < routes.size(); i++) {
            RoutePattern.check("routes[" + i + "]", routes.get(i));
        }
        for (int i = 0; i < exclude.size(); i++) {
            RoutePattern.check("exclude[" + i + "]", exclude.get(i));
        }
    }

    /** Everything off, with the default TTL: what chaos off returns to (see ChaosEngine). */
    public static ChaosSettings off() {
        return new ChaosSettings(0, 503, 0, 0, 0, List.of(), List.of(), DEFAULT_TTL_SEC, 0, null,
                Outbound.OFF, Exchange.OFF);
    }

    /** True when any fault is switched on. */
    public boolean active() {
        return httpActive() || wsFlapSec > 0 || outbound.active() || exchange.active();
    }

    /** True when inbound HTTP requests may be delayed or failed. */
    public boolean httpActive() {
        return httpErrorPct > 0 || latencyMs > 0 || latencyJitterMs > 0;
    }

    static void check(String field, boolean ok, String message) {
        if (!ok) {
            throw new ChaosException.Invalid(field, message);
        }
    }

    /**
     * Faults on the executor's REST calls to the exchange, applied before the request leaves.
     *
     * @param errorPct    share of calls that fail with {@code errorStatus} without reaching the
     *                    exchange (0–100)
     * @param errorStatus 500, 502, 503, 504 or 429
     * @param latencyMs   added before each call (0–60 000)
     */
    public record Outbound(double errorPct, int errorStatus, int latencyMs) {
        public static final Outbound OFF = new Outbound(0, 503, 0);

        public Outbound {
            check("outbound.errorPct", errorPct >= 0 && errorPct <= 100,
                    "must be from 0 to 100, got " + errorPct);
            check("outbound.errorStatus", ERROR_STATUSES.contains(errorStatus),
                    "must be one of " + ERROR_STATUSES + ", got " + errorStatus);
            check("outbound.latencyMs", latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS,
                    "must be from 0 to 60000, got " + latencyMs);
        }

        public boolean active() {
            return errorPct > 0 || latencyMs > 0;
        }
    }

    /**
     * Exchange-protocol faults, injected through the simulated exchange's hooks every N seconds
     * (0 = off). Each injection is then watched until the client has detected and recovered
     * from it (see {@link ExchangeFault}).
     *
     * @param staleEverySec     the stream goes silent (socket open) long enough to be stale
     * @param gapEverySec       one depth update is skipped: a sequence gap
     * @param duplicateEverySec three depth updates are sent twice
     * @param rateLimitEverySec REST answers {@code rateLimitStatus} with {@code Retry-After: 1}
     *                          for 1.5 s
     * @param rateLimitStatus   429 (too many requests) or 418 (IP ban)
     * @param clockSkewMs       the exchange clock runs this far off while set (−600 000..600 000):
     *                          signed calls meet {@code -1021} until the client re-measures
     */
    public record Exchange(int staleEverySec, int gapEverySec, int duplicateEverySec,
                           int rateLimitEverySec, int rateLimitStatus, long clockSkewMs) {
        public static final Exchange OFF = new Exchange(0, 0, 0, 0, 429, 0);

        public Exchange {
            period("exchange.staleEverySec", staleEverySec);
            period("exchange.gapEverySec", gapEverySec);
            period("exchange.duplicateEverySec", duplicateEverySec);
            period("exchange.rateLimitEverySec", rateLimitEverySec);
            check("exchange.rateLimitStatus", rateLimitStatus == 429 || rateLimitStatus == 418,
                    "must be 429 or 418, got " + rateLimitStatus);
            check("exchange.clockSkewMs", Math.abs(clockSkewMs) <= 600_000,
                    "must be from -600000 to 600000, got " + clockSkewMs);
        }

        private static void period(String field, int sec) {
            check(field, sec >= 0 && sec <= 86_400, "must be 0 (off) or from 1 to 86400, got "
                    + sec);
        }

        public boolean active() {
            return staleEverySec > 0 || gapEverySec > 0 || duplicateEverySec > 0
                    || rateLimitEverySec > 0 || clockSkewMs != 0;
        }

        /** The period of {@code fault} in seconds (0 = off); clock skew is not periodic. */
        int everySec(ExchangeFault fault) {
            return switch (fault) {
                case STALE -> staleEverySec;
                case GAP -> gapEverySec;
                case DUPLICATE -> duplicateEverySec;
                case RATE_LIMIT -> rateLimitEverySec;
                case CLOCK_SKEW -> 0;
            };
        }
    }
}
