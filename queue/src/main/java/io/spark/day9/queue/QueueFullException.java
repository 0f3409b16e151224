package io.spark.day9.queue;

/**
 * Enqueue refused because the queue reached {@code QUEUE_MAX_PENDING} or
 * {@code QUEUE_MAX_BYTES}. Nothing was written; the job was not silently dropped. HTTP 429/503.
 */
public final class QueueFullException extends QueueException {
    private final long current;
    private final long limit;

    private QueueFullException(String queue, String message, long current, long limit) {
        super(queue, message);
        this.current = current;
        this.limit = limit;
    }

    /** Too many pending jobs. */
    public static QueueFullException pending(String queue, long pending, long max) {
        return new QueueFullException(queue, "queue full: " + pending
                + " pending jobs, QUEUE_MAX_PENDING is " + max
                + "; retry later or raise the limit", pending, max);
    }

    /** A batch of {@code incoming} jobs would pass the pending limit; none of it was stored. */
    public static QueueFullException pendingBatch(String queue, long pending, int incoming,
                                                  long max) {
        return new QueueFullException(queue, "queue full: " + pending + " pending jobs + "
                + incoming + " in this batch exceeds QUEUE_MAX_PENDING " + max
                + "; nothing of the batch was stored; retry later, in smaller batches, or raise "
                + "the limit", pending + incoming, max);
    }

    /** Too many stored bytes. */
    public static QueueFullException bytes(String queue, long bytes, long incoming, long max) {
        return new QueueFullException(queue, "queue full: " + bytes + " bytes stored + "
                + incoming + " incoming exceeds QUEUE_MAX_BYTES " + max
                + "; retry later, purge dead letters or raise the limit", bytes + incoming, max);
    }

    /** The count (jobs or bytes) that hit the limit. */
    public long current() {
        return current;
    }

    /** The configured limit. */
    public long limit() {
        return limit;
    }
}
