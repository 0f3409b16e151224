package io.spark.day9.queue;

/**
 * The backend-neutral policy of one queue: delivery, dedup, bounds and backoff. Every backend
 * (file journal, in-memory, JetStream) honours these settings exactly as {@link JobQueue}
 * describes; nothing here depends on how jobs are stored. Immutable, checked as it is built.
 * Durations are milliseconds; sizes are bytes.
 *
 * @param visibilityMs default claim visibility ({@code QUEUE_VISIBILITY_MS})
 * @param maxDeliveries deliveries before a job is dead-lettered ({@code QUEUE_MAX_DELIVERIES})
 * @param dedupWindowMs how long a dedup key binds, from the first enqueue
 *     ({@code QUEUE_DEDUP_WINDOW_MS})
 * @param maxPending bound on ready + delayed + in-flight jobs ({@code QUEUE_MAX_PENDING})
 * @param maxBytes bound on stored bytes of pending and dead jobs ({@code QUEUE_MAX_BYTES})
 * @param maxJobBytes bound on one payload ({@code QUEUE_MAX_JOB_BYTES})
 * @param backoffBaseMs nack backoff for the first delivery; doubles per delivery
 *     ({@code QUEUE_BACKOFF_BASE_MS})
 * @param backoffMaxMs cap of the nack backoff ({@code QUEUE_BACKOFF_MAX_MS})
 */
public record QueuePolicy(long visibilityMs, int maxDeliveries, long dedupWindowMs,
                          long maxPending, long maxBytes, int maxJobBytes, long backoffBaseMs,
                          long backoffMaxMs) {

    public static final long DEFAULT_VISIBILITY_MS = 10_000;
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final long DEFAULT_DEDUP_WINDOW_MS = 120_000;
    public static final long DEFAULT_MAX_PENDING = 1_000_000;
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final int DEFAULT_MAX_JOB_BYTES = 256 * 1024;
    public static final long DEFAULT_BACKOFF_BASE_MS = 1_000;
    public static final long DEFAULT_BACKOFF_MAX_MS = 300_000;
    /** Longest visibility a claim or extend may ask for: 7 days. */
    public static final long MAX_VISIBILITY_MS = 7L * 24 * 3600 * 1000;
    /** Largest accepted {@link #maxJobBytes}: 64 MiB. */
    public static final int MAX_JOB_BYTES_LIMIT = 64 << 20;

    public QueuePolicy {
        positive("visibilityMs (QUEUE_VISIBILITY_MS)", visibilityMs, MAX_VISIBILITY_MS);
        positive("maxDeliveries (QUEUE_MAX_DELIVERIES)", maxDeliveries, 1_000_000);
        positive("dedupWindowMs (QUEUE_DEDUP_WINDOW_MS)", dedupWindowMs, 30L * 24 * 3600 * 1000);
        positive("maxPending (QUEUE_MAX_PENDING)", maxPending, Integer.MAX_VALUE - 16);
        positive("maxBytes (QUEUE_MAX_BYTES)", maxBytes, Long.MAX_VALUE / 4);
        positive("maxJobBytes (QUEUE_MAX_JOB_BYTES)", maxJobBytes, MAX_JOB_BYTES_LIMIT);
        positive("backoffBaseMs (QUEUE_BACKOFF_BASE_MS)", backoffBaseMs, MAX_VISIBILITY_MS);
        positive("backoffMaxMs (QUEUE_BACKOFF_MAX_MS)", backoffMaxMs, MAX_VISIBILITY_MS);
        if (backoffMaxMs < backoffBaseMs) {
            throw new IllegalArgumentException("backoffMaxMs " + backoffMaxMs
                    + " must be >= backoffBaseMs " + backoffBaseMs);
        }
        if (maxBytes < maxJobBytes) {
            throw new IllegalArgumentException("maxBytes " + maxBytes
                    + " must be >= maxJobBytes " + maxJobBytes);
        }
    }

    static void positive(String what, long value, long max) {
        if (value <= 0 || value > max) {
            throw new IllegalArgumentException(what + " must be in 1.." + max + ", but got "
                    + value);
        }
    }

    /** All defaults. */
    public static QueuePolicy ofDefaults() {
        return new QueuePolicy(DEFAULT_VISIBILITY_MS, DEFAULT_MAX_DELIVERIES,
                DEFAULT_DEDUP_WINDOW_MS, DEFAULT_MAX_PENDING, DEFAULT_MAX_BYTES,
                DEFAULT_MAX_JOB_BYTES, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS);
    }

    /** Exponential backoff for a job nacked on delivery {@code attempt}, capped. */
    public long backoffMs(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long b = backoffBaseMs << shift;
        return b <= 0 || b > backoffMaxMs ? backoffMaxMs : b;
    }
}
