/**
 * Time for the executor: the {@link io.spark.day9.time.Scheduler} that every time-driven
 * component uses beside its injected clock, and its wall-clock implementation
 * {@link io.spark.day9.time.SystemScheduler}. Tests use {@code io.spark.day9.testing
 * .ManualScheduler}, which moves a manual clock and runs what falls due. Plain Java: no
 * Javalin, no Prometheus.
 */
package io.spark.day9.time;
