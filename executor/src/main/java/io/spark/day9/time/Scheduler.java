package io.spark.day9.time;

import java.time.Duration;

/**
 * Runs tasks later, once or periodically, on the executor's time: the injected partner of the
 * injected clock. Every time-driven behaviour (chaos TTL, flaps and periodic faults, shadow
 * ticks and expiry, market stale detection and reconnects, worker heartbeats, simulator ticks,
 * and the coming SLO windows, snapshot schedule, retention and dead-man timer) is scheduled
 * through this interface, so tests drive it exactly with a manual scheduler instead of sleeping.
 *
 * <p>Guarantees, for every implementation:
 * <ul>
 *   <li>A task never runs before its due time, measured on the scheduler's clock.</li>
 *   <li>Tasks of one {@link #lane(String) lane} never run concurrently; due tasks of a lane run
 *       in due order (ties in the order they were scheduled).</li>
 *   <li>A periodic task runs at a fixed rate ({@code initialDelay + k·period}); a run that
 *       overruns delays the next one, it never overlaps it.</li>
 *   <li>After {@link Handle#cancel()} returns, the task is not started again (a run already in
 *       progress finishes).</li>
 *   <li>A task that throws is logged; a periodic task keeps its schedule.</li>
 * </ul>
 */
public interface Scheduler {

    /** Runs {@code task} once, {@code delay} from now (zero or negative: as soon as possible). */
    Handle once(Duration delay, Runnable task);

    /** Runs {@code task} at {@code initialDelay}, then every {@code period} until cancelled. */
    Handle every(Duration initialDelay, Duration period, Runnable task);

    /**
     * A named lane: its tasks run one at a time, in due order, and {@link Lane#close()} cancels
     * all of them at once. A component takes one lane in {@code start()} and closes it in
     * {@code stop()}. The name appears in thread names and logs.
     */
    Lane lane(String name);

    /** A scheduled task. */
    interface Handle {
        /** Stops future runs; idempotent. Returns false when it was already cancelled. */
        boolean cancel();

        /** True once cancelled, or once a one-shot task has run. */
        boolean done();
    }

    /** A component's serial share of the scheduler; see {@link Scheduler#lane(String)}. */
    interface Lane extends Scheduler, AutoCloseable {
        /** The lane's name. */
        String name();

        /**
         * Cancels every task of this lane; scheduling on a closed lane throws
         * {@link IllegalStateException}. Idempotent; does not wait for a run in progress.
         */
        @Override
        void close();

        /**
         * After {@link #close()}, waits up to {@code timeout} for a run in progress to finish
         * (a component that closes files after its tasks calls this). True when none runs.
         */
        boolean awaitTermination(Duration timeout) throws InterruptedException;
    }

    /** Checks a task's timing arguments; the message names the argument and its value. */
    static void check(String what, Duration d, boolean positive) {
        if (d == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (positive && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(what + " must be > 0, got " + d.toMillis()
                    + " ms");
        }
    }
}
