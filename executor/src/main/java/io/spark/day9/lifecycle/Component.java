package io.spark.day9.lifecycle;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A part of the executor that the {@link Lifecycle} starts, stops, asks for health and lets
 * register metrics. Components are built with plain constructors in one wiring class and added
 * in start order; they are stopped in reverse. A component never looks another one up.
 */
public interface Component {

    /** Stable short name, used as the key in {@code /api/private/health}. */
    String name();

    /** Registers this component's metrics. Called once, before {@link #start()}. */
    default void registerMetrics(PrometheusRegistry registry) {
    }

    /** Starts; may block until ready. A failure aborts start-up, and earlier components stop. */
    default void start() throws Exception {
    }

    /** Flushes and closes. Called once, in reverse start order, even if a later one failed. */
    default void stop() throws Exception {
    }

    /** Current health; must be cheap and must not throw. */
    default Health health() {
        return Health.up();
    }
}
