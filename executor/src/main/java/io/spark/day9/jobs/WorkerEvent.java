package io.spark.day9.jobs;

/** What the built-in {@link Worker} reports to adapters (metrics; later the SLO engine). */
public sealed interface WorkerEvent {

    /**
     * One job was handled and settled.
     *
     * @param queue   the queue it came from
     * @param route   the handler route that took it ({@code unknown} when none did)
     * @param outcome {@code ack}, {@code retry}, {@code dead} or {@code error}
     * @param nanos   claim to settle
     */
    record Handled(String queue, String route, String outcome, long nanos)
            implements WorkerEvent {
    }
}
