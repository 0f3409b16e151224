package io.spark.day9.queue;

/** The queue was closed; no further operations are possible. HTTP 503. */
public final class QueueClosedException extends QueueException {
    private QueueClosedException(String queue) {
        super(queue, "queue is closed");
    }

    /** The named queue is closed. */
    public static QueueClosedException of(String queue) {
        return new QueueClosedException(queue);
    }
}
