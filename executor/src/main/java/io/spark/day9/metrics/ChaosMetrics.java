package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosEvent;
import io.spark.day9.chaos.ExchangeFault;
import io.spark.day9.market.BinanceRest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Chaos metrics, driven by the engine's events.
 * <ul>
 *   <li>{@code spark_chaos_http_errors_total{route}}: injected inbound errors</li>
 *   <li>{@code spark_chaos_http_latency_seconds}: injected inbound latency</li>
 *   <li>{@code spark_chaos_outbound_errors_total{endpoint}}: injected exchange-call errors</li>
 *   <li>{@code spark_chaos_ws_flaps_total}: market connection drops</li>
 *   <li>{@code spark_chaos_exchange_faults_total{fault}}: exchange-protocol faults injected</li>
 *   <li>{@code spark_chaos_recovery_total{fault}}, {@code spark_chaos_recovery_failed_total{fault}},
 *       {@code spark_chaos_recovery_seconds{fault}}: recoveries, missed deadlines, and the time
 *       from injection to recovered (the "chaos recovery" SLO is the first over both)</li>
 *   <li>{@code spark_chaos_active}: 1 while any fault is on</li>
 * </ul>
 * Series exist from the start at 0: every exchange fault kind and {@code ws-flap} for the
 * fault-labelled metrics, every exchange endpoint of the REST client for outbound errors, and
 * every route template for inbound errors once the HTTP server has declared them
 * ({@link #declareRoutes}).
 */
public final class ChaosMetrics {
    private final Counter httpErrors;
    private final Histogram httpLatency;
    private final Counter outboundErrors;
    private final Counter flaps;
    private final Counter exchangeFaults;
    private final Counter recoveries;
    private final Counter recoveryFailed;
    private final Histogram recoverySeconds;

    public ChaosMetrics(PrometheusRegistry registry, ChaosEngine engine) {
        httpErrors = Counter.builder().name("spark_chaos_http_errors_total")
                .help("inbound requests answered with an injected error, by route")
                .labelNames("route").register(registry);
        httpLatency = Histogram.builder().name("spark_chaos_http_latency_seconds")
                .help("latency injected into inbound requests")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
        outboundErrors = Counter.builder().name("spark_chaos_outbound_errors_total")
                .help("exchange REST calls failed on purpose before leaving, by endpoint")
                .labelNames("endpoint").register(registry);
        flaps = Counter.builder().name("spark_chaos_ws_flaps_total")
                .help("market WebSocket connections dropped on purpose").register(registry);
        exchangeFaults = Counter.builder().name("spark_chaos_exchange_faults_total")
                .help("exchange-protocol faults injected through the simulator, by fault")
                .labelNames("fault").register(registry);
        recoveries = Counter.builder().name("spark_chaos_recovery_total")
                .help("flaps and injected faults the executor recovered from, by fault")
                .labelNames("fault").register(registry);
        recoveryFailed = Counter.builder().name("spark_chaos_recovery_failed_total")
                .help("flaps and injected faults not recovered from within the deadline")
                .labelNames("fault").register(registry);
        recoverySeconds = Histogram.builder().name("spark_chaos_recovery_seconds")
                .help("time from a flap or injected fault until the executor recovered")
                .unit(Unit.SECONDS).classicOnly().labelNames("fault")
                .classicUpperBounds(0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
        GaugeWithCallback.builder().name("spark_chaos_active")
                .help("1 while any chaos fault is switched on")
                .callback(cb -> cb.call(engine.state().active() ? 1 : 0)).register(registry);
        List<String> faults = new ArrayList<>(List.of("ws-flap"));
        for (ExchangeFault f : ExchangeFault.values()) {
            faults.add(f.id());
            exchangeFaults.labelValues(f.id());
        }
        for (String f : faults) {
            // present from the start, so rate() and the SLO ratio have a baseline
            recoveries.labelValues(f);
            recoveryFailed.labelValues(f);
            recoverySeconds.labelValues(f);
        }
        BinanceRest.ENDPOINTS.forEach(outboundErrors::labelValues);
        engine.subscribe(this::onEvent);
    }

    /** Creates the inbound-error series of each route template at 0. */
    public void declareRoutes(Collection<String> routeTemplates) {
        routeTemplates.forEach(httpErrors::labelValues);
    }

    private void onEvent(ChaosEvent e) {
        if (e instanceof ChaosEvent.HttpInjected h) {
            if (h.status() != 0) {
                httpErrors.labelValues(h.route()).inc();
            }
            if (h.latencyMs() > 0) {
                httpLatency.observe(h.latencyMs() / 1000.0);
            }
        } else if (e instanceof ChaosEvent.OutboundInjected o && o.status() != 0) {
            outboundErrors.labelValues(o.endpoint()).inc();
        } else if (e instanceof ChaosEvent.Flapped) {
            flaps.inc();
        } else if (e instanceof ChaosEvent.ExchangeInjected x) {
            exchangeFaults.labelValues(x.fault().id()).inc();
        } else if (e instanceof ChaosEvent.Recovered r) {
            recoveries.labelValues(r.fault()).inc();
            recoverySeconds.labelValues(r.fault()).observe(r.millis() / 1000.0);
        } else if (e instanceof ChaosEvent.RecoveryFailed f) {
            recoveryFailed.labelValues(f.fault()).inc();
        }
    }
}
