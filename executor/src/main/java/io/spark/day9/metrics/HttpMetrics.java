package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * HTTP server metrics, labelled by route template (never the raw path, so cardinality stays
 * bounded), method and status:
 * <ul>
 *   <li>{@code spark_http_requests_total{route,method,status}}</li>
 *   <li>{@code spark_http_request_duration_seconds{route,method}} (histogram)</li>
 *   <li>{@code spark_http_auth_failures_total{result}}: {@code wrong_token} (a bearer token
 *       that matched no role) and {@code rate_limited} (refused with 429 because the address
 *       failed too often); read from the auth policy's own counters at each scrape</li>
 * </ul>
 * Requests that matched no route are labelled {@code route="unmatched"}; unknown methods
 * {@code method="OTHER"}. Each served route's series exist from the start: the server
 * {@linkplain #declare declares} every route and method, created at 0 with {@code status="200"}.
 */
public final class HttpMetrics {
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private final Counter requests;
    private final Histogram duration;

    public HttpMetrics(PrometheusRegistry registry) {
        requests = Counter.builder()
                .name("spark_http_requests_total")
                .help("HTTP requests served, by route template, method and status")
                .labelNames("route", "method", "status")
                .register(registry);
        duration = Histogram.builder()
                .name("spark_http_request_duration_seconds")
                .help("HTTP request handling time, by route template and method")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .labelNames("route", "method")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                        0.5, 1, 2.5, 5, 10)
                .register(registry);
    }

    /**
     * Exports the auth policy's failure counters as {@code spark_http_auth_failures_total}
     * (both series exist from the start, at 0).
     *
     * @param wrongToken  failed authentications (a wrong bearer token) since start
     * @param rateLimited requests refused with 429 for too many failures since start
     */
    public static void observeAuth(PrometheusRegistry registry, LongSupplier wrongToken,
                                   LongSupplier rateLimited) {
        CounterWithCallback.builder()
                .name("spark_http_auth_failures_total")
                .help("Failed authentications on private routes: a wrong bearer token, or a "
                        + "request refused (429) because its address failed too often")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(wrongToken.getAsLong(), "wrong_token");
                    cb.call(rateLimited.getAsLong(), "rate_limited");
                })
                .register(registry);
    }

    /** Creates the series of {@code route} and {@code method} at 0 (with status 200). */
    public void declare(String route, String method) {
        String m = method(method);
        requests.labelValues(route, m, "200");
        duration.labelValues(route, m);
    }

    private static String method(String method) {
        String m = method == null ? "OTHER" : method.toUpperCase(Locale.ROOT);
        return METHODS.contains(m) ? m : "OTHER";
    }

    /** Records one request. */
    public void observe(String route, String method, int status, double seconds) {
        String m = method(method);
        requests.labelValues(route, m, Integer.toString(status)).inc();
        duration.labelValues(route, m).observe(seconds);
    }
}
