package io.spark.day9.queue;

import java.nio.file.Path;

/**
 * The whole configuration of one file-journal queue: its {@link #name()}, the
 * backend-neutral {@link #policy()} and the {@link #fileJournal()} storage settings, flattened
 * into one record so existing call sites and {@code with*} copies keep working. A backend that
 * does not store files (in-memory, JetStream) reads only {@link #policy()}. Immutable, checked
 * as it is built: the name by {@link QueueNames}, the rest by {@link QueuePolicy} and
 * {@link FileJournalConfig}. Durations are milliseconds unless the name says otherwise; sizes
 * are bytes.
 *
 * @param dir the queue root ({@code QUEUE_DIR}); this queue's files live in
 *     {@code dir/<name>/}
 * @param name the queue name ({@code QUEUE_NAME}); see {@link QueueNames}
 * @param fsync when records are forced to disk ({@code QUEUE_FSYNC})
 * @param visibilityMs default claim visibility ({@code QUEUE_VISIBILITY_MS})
 * @param maxDeliveries deliveries before a job is dead-lettered ({@code QUEUE_MAX_DELIVERIES})
 * @param dedupWindowMs how long a dedup key binds, from the first enqueue
 *     ({@code QUEUE_DEDUP_WINDOW_MS})
 * @param maxPending bound on ready + delayed + in-flight jobs ({@code QUEUE_MAX_PENDING})
 * @param maxBytes bound on journal bytes of pending and dead jobs ({@code QUEUE_MAX_BYTES})
 * @param maxJobBytes bound on one payload ({@code QUEUE_MAX_JOB_BYTES})
 * @param backoffBaseMs nack backoff for the first delivery; doubles per delivery
 *     ({@code QUEUE_BACKOFF_BASE_MS})
 * @param backoffMaxMs cap of the nack backoff ({@code QUEUE_BACKOFF_MAX_MS})
 * @param batchWindowMicros in {@link FsyncMode#BATCH}, the longest a commit leader waits for
 *     callers that are about to append, before its fsync ({@code QUEUE_FSYNC_BATCH_WINDOW_US})
 * @param compactMinBytes the journal is compacted when it is larger than this and more than
 *     twice the bytes of its live records ({@code QUEUE_COMPACT_MIN_BYTES})
 */
public record QueueConfig(Path dir, String name, FsyncMode fsync, long visibilityMs,
                          int maxDeliveries, long dedupWindowMs, long maxPending, long maxBytes,
                          int maxJobBytes, long backoffBaseMs, long backoffMaxMs,
                          int batchWindowMicros, long compactMinBytes) {

    public static final Path DEFAULT_DIR = FileJournalConfig.DEFAULT_DIR;
    public static final String DEFAULT_NAME = "signals";
    public static final FsyncMode DEFAULT_FSYNC = FileJournalConfig.DEFAULT_FSYNC;
    public static final long DEFAULT_VISIBILITY_MS = QueuePolicy.DEFAULT_VISIBILITY_MS;
    public static final int DEFAULT_MAX_DELIVERIES = QueuePolicy.DEFAULT_MAX_DELIVERIES;
    public static final long DEFAULT_DEDUP_WINDOW_MS = QueuePolicy.DEFAULT_DEDUP_WINDOW_MS;
    public static final long DEFAULT_MAX_PENDING = QueuePolicy.DEFAULT_MAX_PENDING;
    public static final long DEFAULT_MAX_BYTES = QueuePolicy.DEFAULT_MAX_BYTES;
    public static final int DEFAULT_MAX_JOB_BYTES = QueuePolicy.DEFAULT_MAX_JOB_BYTES;
    public static final long DEFAULT_BACKOFF_BASE_MS = QueuePolicy.DEFAULT_BACKOFF_BASE_MS;
    public static final long DEFAULT_BACKOFF_MAX_MS = QueuePolicy.DEFAULT_BACKOFF_MAX_MS;
    public static final int DEFAULT_BATCH_WINDOW_MICROS =
            FileJournalConfig.DEFAULT_BATCH_WINDOW_MICROS;
    public static final long DEFAULT_COMPACT_MIN_BYTES =
            FileJournalConfig.DEFAULT_COMPACT_MIN_BYTES;

    /** Longest visibility a claim or extend may ask for: 7 days. */
    public static final long MAX_VISIBILITY_MS = QueuePolicy.MAX_VISIBILITY_MS;
    /** Largest accepted {@link #maxJobBytes}: 64 MiB. */
    public static final int MAX_JOB_BYTES_LIMIT = QueuePolicy.MAX_JOB_BYTES_LIMIT;

    public QueueConfig {
        QueueNames.check(name);
        new FileJournalConfig(dir, fsync, batchWindowMicros, compactMinBytes);
        new QueuePolicy(visibilityMs, maxDeliveries, dedupWindowMs, maxPending, maxBytes,
                maxJobBytes, backoffBaseMs, backoffMaxMs);
    }

    /** Queue {@code name} with the given policy and file-journal settings. */
    public static QueueConfig of(String name, QueuePolicy policy, FileJournalConfig file) {
        return new QueueConfig(file.dir(), name, file.fsync(), policy.visibilityMs(),
                policy.maxDeliveries(), policy.dedupWindowMs(), policy.maxPending(),
                policy.maxBytes(), policy.maxJobBytes(), policy.backoffBaseMs(),
                policy.backoffMaxMs(), file.batchWindowMicros(), file.compactMinBytes());
    }

    /** The backend-neutral part: delivery, dedup, bounds, backoff. */
    public QueuePolicy policy() {
        return new QueuePolicy(visibilityMs, maxDeliveries, dedupWindowMs, maxPending, maxBytes,
                maxJobBytes, backoffBaseMs, backoffMaxMs);
    }

    /** The file-journal part: directory, fsync, batch window, compaction. */
    public FileJournalConfig fileJournal() {
        return new FileJournalConfig(dir, fsync, batchWindowMicros, compactMinBytes);
    }

    /** All defaults, for the queue {@code name} under {@code dir}. */
    public static QueueConfig of(Path dir, String name) {
        return new QueueConfig(dir, name, DEFAULT_FSYNC, DEFAULT_VISIBILITY_MS,
                DEFAULT_MAX_DELIVERIES, DEFAULT_DEDUP_WINDOW_MS, DEFAULT_MAX_PENDING,
                DEFAULT_MAX_BYTES, DEFAULT_MAX_JOB_BYTES, DEFAULT_BACKOFF_BASE_MS,
                DEFAULT_BACKOFF_MAX_MS, DEFAULT_BATCH_WINDOW_MICROS, DEFAULT_COMPACT_MIN_BYTES);
    }

    /** All defaults: {@code runtime/queue/signals}. */
    public static QueueConfig ofDefaults() {
        return of(DEFAULT_DIR, DEFAULT_NAME);
    }

    /** This queue's directory: {@code dir/name}. */
    public Path queueDir() {
        return dir.resolve(name);
    }

    /** A copy with another name (same settings). */
    public QueueConfig withName(String newName) {
        return new QueueConfig(dir, newName, fsync, visibilityMs, maxDeliveries, dedupWindowMs,
                maxPending, maxBytes, maxJobBytes, backoffBaseMs, backoffMaxMs, batchWindowMicros,
                compactMinBytes);
    }

    /** A copy with another fsync mode. */
    public QueueConfig withFsync(FsyncMode mode) {
        return new QueueConfig(dir, name, mode, visibilityMs, maxDeliveries, dedupWindowMs,
                maxPending, maxBytes, maxJobBytes, backoffBaseMs, backoffMaxMs, batchWindowMicros,
                compactMinBytes);
    }

    /** A copy with other limits. */
    public QueueConfig withLimits(long newMaxPending, long newMaxBytes, int newMaxJobBytes) {
        return new QueueConfig(dir, name, fsync, visibilityMs, maxDeliveries, dedupWindowMs,
                newMaxPending, newMaxBytes, newMaxJobBytes, backoffBaseMs, backoffMaxMs,
                batchWindowMicros, compactMinBytes);
    }

    /** A copy with other delivery settings. */
    public QueueConfig withDelivery(long newVisibilityMs, int newMaxDeliveries,
                                    long newBackoffBaseMs, long newBackoffMaxMs) {
        return new QueueConfig(dir, name, fsync, newVisibilityMs, newMaxDeliveries,
                dedupWindowMs, maxPending, maxBytes, maxJobBytes, newBackoffBaseMs,
                newBackoffMaxMs, batchWindowMicros, compactMinBytes);
    }

    /** A copy with another dedup window. */
    public QueueConfig withDedupWindowMs(long newDedupWindowMs) {
        return new QueueConfig(dir, name, fsync, visibilityMs, maxDeliveries, newDedupWindowMs,
                maxPending, maxBytes, maxJobBytes, backoffBaseMs, backoffMaxMs, batchWindowMicros,
                compactMinBytes);
    }

    /** A copy with another compaction threshold. */
    public QueueConfig withCompactMinBytes(long newCompactMinBytes) {
        return new QueueConfig(dir, name, fsync, visibilityMs, maxDeliveries, dedupWindowMs,
                maxPending, maxBytes, maxJobBytes, backoffBaseMs, backoffMaxMs, batchWindowMicros,
                newCompactMinBytes);
    }
}
