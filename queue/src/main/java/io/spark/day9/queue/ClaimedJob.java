package io.spark.day9.queue;

import java.util.Map;

/**
 * A job handed to a consumer by {@link JobQueue#claim}. The consumer must
 * {@link JobQueue#ack ack}, {@link JobQueue#nack nack} or {@link JobQueue#extend extend} it with
 * {@link #receipt()} before {@link #visibleUntil()}, or it is delivered again.
 *
 * @param id the job id returned by enqueue
 * @param receipt the fencing token of this delivery; a later delivery of the same job gets a
 *     different receipt and this one stops working
 * @param attempt the delivery count, 1 on first delivery; persisted, so it survives restarts
 * @param enqueuedAt epoch milliseconds of the enqueue
 * @param visibleUntil epoch milliseconds at which the claim lapses unless extended
 * @param payload exactly the bytes that were enqueued (the array is the caller's to keep)
 * @param key the job's key, unique for good ({@link EnqueueResult#key()}); null only for a
 *     job stored before keys existed
 * @param attributes the attributes given at enqueue ({@link EnqueueOptions#attributes()}),
 *     never null, unmodifiable
 */
public record ClaimedJob(long id, String receipt, int attempt, long enqueuedAt,
                         long visibleUntil, byte[] payload, String key,
                         Map<String, String> attributes) {

    public ClaimedJob {
        attributes = attributes == null ? Map.of() : attributes;
    }

    /** A job without key or attributes. */
    public ClaimedJob(long id, String receipt, int attempt, long enqueuedAt, long visibleUntil,
                      byte[] payload) {
        this(id, receipt, attempt, enqueuedAt, visibleUntil, payload, null, Map.of());
    }
}
