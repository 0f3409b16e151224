package io.spark.day9.queue.event;

/**
 * Small typed events a queue publishes for adapters (metrics, audit, health) to subscribe to.
 * Each names its queue. Published only after the change is durable.
 */
public sealed interface QueueEvent {
    /** The queue the event belongs to. */
    String queue();

    /** A new job was stored. {@code bytes} is its journal record size. */
    record Enqueued(String queue, long id, int bytes, long delayMs) implements QueueEvent { }

    /** An enqueue matched a pending job's dedup key and returned its id; nothing was stored. */
    record DedupHit(String queue, long id, String dedupKey) implements QueueEvent { }

    /** A job was handed to a consumer; {@code attempt} is 1 on the first delivery. */
    record Claimed(String queue, long id, int attempt) implements QueueEvent { }

    /** A claim that is a second or later delivery (after a visibility timeout or a nack). */
    record Redelivered(String queue, long id, int attempt) implements QueueEvent { }

    /** A job was acknowledged and removed. {@code enqueuedAt} allows end-to-end latency. */
    record Acked(String queue, long id, int attempt) implements QueueEvent { }

    /** A job was given back; it becomes claimable after {@code delayMs}. */
    record Nacked(String queue, long id, int attempt, long delayMs) implements QueueEvent { }

    /** A job moved to the dead-letter queue. */
    record DeadLettered(String queue, long id, int attempts, String reason)
            implements QueueEvent { }

    /** A dead letter was put back into the queue. */
    record Redriven(String queue, long id) implements QueueEvent { }

    /** A dead letter was deleted. */
    record Purged(String queue, long id) implements QueueEvent { }

    /** One group commit: {@code records} records, {@code bytes} bytes, written and forced. */
    record FsyncBatch(String queue, int records, long bytes, long durationNanos)
            implements QueueEvent { }

    /** A corrupt journal line was moved to the quarantine file during recovery. */
    record LineQuarantined(String queue, long offset, int length, String reason)
            implements QueueEvent { }

    /** A torn (incomplete) tail was cut off the journal during recovery. */
    record TailTruncated(String queue, long offset, long bytes) implements QueueEvent { }

    /** The journal was rewritten to its live records. */
    record Compacted(String queue, long bytesBefore, long bytesAfter, long liveJobs,
                     long durationNanos) implements QueueEvent { }

    /** A journal write, fsync or read failed; the queue refuses writes until it recovers. */
    record StorageFailed(String queue, String message) implements QueueEvent { }

    /** The queue recovered from a storage failure and accepts writes again. */
    record StorageRecovered(String queue) implements QueueEvent { }
}
