package io.spark.day9.lifecycle;

/**
 * A part of the executor that the {@link Lifecycle} starts, stops and asks for health.
 * Components are built with plain constructors in one wiring class and added in start order;
 * they are stopped in reverse. A component never looks another one up, and knows nothing of
 * metrics: it publishes events, and metrics adapters, built with the registry, subscribe.
 */
public interface Component {

    /** Stable short name, used as the key in {@code /api/private/health}. */
    String name();

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
