package io.spark.day9.queue;

/**
 * Base of the queue's policy outcomes: the caller asked for something the queue refuses by
 * design (queue full, stale receipt, unknown job, job too large, queue locked). Each subclass
 * maps to one HTTP problem type in the service. Storage failures are
 * {@link QueueStorageException} instead.
 */
public abstract class QueueException extends RuntimeException {
    private final String queue;

    protected QueueException(String queue, String message) {
        super("queue '" + queue + "': " + message);
        this.queue = queue;
    }

    /** The queue that refused. */
    public String queue() {
        return queue;
    }
}
