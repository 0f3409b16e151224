package io.spark.day9.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.spark.day9.emergency.ActiveStop;
import io.spark.day9.emergency.Emergency;
import io.spark.day9.emergency.EmergencyEvent;
import io.spark.day9.emergency.EmergencyView;
import io.spark.day9.event.Subscription;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Emergency-stop metrics, driven by the emergency's events.
 * <ul>
 *   <li>{@code spark_emergency_active{scope}}: 1 per scope label ({@code Scope.label()}) while
 *       a stop is in force there, 0 after its resume; {@code all} exists from the start</li>
 *   <li>{@code spark_emergency_stops_total{reason}}: stops that took effect ({@code dead-man}
 *       and {@code operator} exist from the start; the label is {@code dead-man} for the
 *       dead-man switch and {@code operator} for every other reason, which is free text and
 *       would make a series per stop)</li>
 *   <li>{@code spark_emergency_stop_duration_seconds}: request until new orders are refused
 *       and the state is durable (the guide's SLO, under 100 ms)</li>
 *   <li>{@code spark_emergency_verify_duration_seconds}: request until the end state was read
 *       again</li>
 *   <li>{@code spark_emergency_orders_refused_total}: orders the gate refused</li>
 *   <li>{@code spark_emergency_verified}: 1 when the last stop's end state was verified (or no
 *       stop ran yet), 0 when it was not: the {@code Day9EmergencyNotVerified} alert</li>
 *   <li>{@code spark_deadman_armed}: 1 while the dead-man switch is armed</li>
 * </ul>
 * Buckets of both histograms run from 0.5 ms to 1 s, fine enough to see the 5 ms goal.
 *
 * <p>Threading: the handlers run on the publishing thread ({@code Refused} on an order's own
 * thread): a counter increment, or a gauge set; nothing blocks.
 */
public final class EmergencyMetrics {
    /** The {@code reason} label of a stop by the dead-man switch. */
    public static final String DEAD_MAN = Emergency.DEAD_MAN;
    /** The {@code reason} label of every other stop. */
    public static final String OPERATOR = "operator";
    private static final double[] BUCKETS = {0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1};

    private final Gauge active;
    private final Counter stops;
    private final Histogram stopSeconds;
    private final Histogram verifySeconds;
    private final CounterDataPoint refused;
    private final Gauge verified;
    private final Gauge deadManArmed;

    /**
     * Registers every metric at 0 and subscribes.
     *
     * @param registry  where the metrics go
     * @param subscribe the emergency's {@code subscribe}
     * @param state     the emergency's {@code view} (read once at start: a restart that kept
     *                  a stop in force or the dead-man switch armed shows it at once)
     */
    public EmergencyMetrics(PrometheusRegistry registry,
                            Function<Consumer<? super EmergencyEvent>, Subscription> subscribe,
                            Supplier<EmergencyView> state) {
        active = Gauge.builder().name("spark_emergency_active")
                .help("1 while an emergency stop is in force for the scope, else 0")
                .labelNames("scope").register(registry);
        stops = Counter.builder().name("spark_emergency_stops_total")
                .help("emergency stops that took effect, by reason (dead-man or operator)")
                .labelNames("reason").register(registry);
        stopSeconds = Histogram.builder().name("spark_emergency_stop_duration_seconds")
                .help("stop request until new orders are refused and the state is durable")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(BUCKETS)
                .register(registry);
        verifySeconds = Histogram.builder().name("spark_emergency_verify_duration_seconds")
                .help("stop request until the end state was read again and verified (or not)")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(BUCKETS)
                .register(registry);
        refused = Counter.builder().name("spark_emergency_orders_refused_total")
                .help("new orders refused because an emergency stop covers them")
                .register(registry).labelValues();
        verified = Gauge.builder().name("spark_emergency_verified")
                .help("1 when the last emergency stop was verified or none ran, 0 when not")
                .register(registry);
        deadManArmed = Gauge.builder().name("spark_deadman_armed")
                .help("1 while the dead-man switch is armed").register(registry);
        active.labelValues("all").set(0);
        stops.labelValues(DEAD_MAN);
        stops.labelValues(OPERATOR);
        verified.set(1);
        deadManArmed.set(0);
        restore(state.get());
        subscribe.apply(this::onEvent);
    }

    /** The state a restart kept: stops in force, the last verification, the switch. */
    private void restore(EmergencyView view) {
        if (view == null) {
            return;
        }
        view.stops().forEach(s -> setActive(s.scope().label(), 1));
        if (view.lastVerification() != null) {
            verified.set(view.lastVerification().verified() ? 1 : 0);
        }
        deadManArmed.set(view.deadMan() != null && view.deadMan().armed() ? 1 : 0);
    }

    private void onEvent(EmergencyEvent e) {
        if (e instanceof EmergencyEvent.Refused) {
            refused.inc();
        } else if (e instanceof EmergencyEvent.Stopped s) {
            setActive(s.stop().scope().label(), 1);
            stops.labelValues(reasonLabel(s.stop())).inc();
            stopSeconds.observe(s.nanos() / 1e9);
        } else if (e instanceof EmergencyEvent.Verified v) {
            verifySeconds.observe(v.nanos() / 1e9);
            verified.set(v.verification().verified() ? 1 : 0);
        } else if (e instanceof EmergencyEvent.Resumed r) {
            resumed(r.stops());
        } else if (e instanceof EmergencyEvent.DeadManArmed) {
            deadManArmed.set(1);
        } else if (e instanceof EmergencyEvent.DeadManDisarmed
                || e instanceof EmergencyEvent.DeadManFired) {
            deadManArmed.set(0);
        }
    }

    private void resumed(List<ActiveStop> ended) {
        ended.forEach(s -> setActive(s.scope().label(), 0));
    }

    private void setActive(String label, int value) {
        active.labelValues(label).set(value);
    }

    /** The {@code reason} label: {@value #DEAD_MAN} or {@value #OPERATOR}. */
    static String reasonLabel(ActiveStop stop) {
        return DEAD_MAN.equals(stop.reason()) ? DEAD_MAN : OPERATOR;
    }
}
