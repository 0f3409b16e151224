package io.spark.day9.queue;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Immutable configuration of one queue, checked as it is built. Durations are milliseconds
 * unless the name says otherwise; sizes are bytes.
 *
 * @param dir the queue root ({@code QUEUE_DIR}); this queue's files live in
 *     {@code dir/<name>/}
 * @param name the queue name ({@code QUEUE_NAME}): 1..64 of {@code [A-Za-z0-9_.-]}, not
 *     starting with a dot
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

    public static final Path DEFAULT_DIR = Path.of("runtime", "queue");
    public static final String DEFAULT_NAME = "signals";
    public static final FsyncMode DEFAULT_FSYNC = FsyncMode.BATCH;
    public static final long DEFAULT_VISIBILITY_MS = 10_000;
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final long DEFAULT_DEDUP_WINDOW_MS = 120_000;
    public static final long DEFAULT_MAX_PENDING = 1_000_000;
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final int DEFAULT_MAX_JOB_BYTES = 256 * 1024;
    public static final long DEFAULT_BACKOFF_BASE_MS = 1_000;
    public static final long DEFAULT_BACKOFF_MAX_MS = 300_000;
    public static final int DEFAULT_BATCH_WINDOW_MICROS = 500;
    public static final long DEFAULT_COMPACT_MIN_BYTES = 64L << 20;

    /** Longest visibility a claim or extend may ask for: 7 days. */
    public static final long MAX_VISIBILITY_MS = 7L * 24 * 3600 * 1000;
    /** Largest accepted {@link #maxJobBytes}: 64 MiB. */
    public static final int MAX_JOB_BYTES_LIMIT = 64 << 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");

    public QueueConfig {
        if (dir == null) {
            throw new IllegalArgumentException("dir (QUEUE_DIR) must be set");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("queue name must be 1..64 of [A-Za-z0-9_.-], "
                    + "not starting with '.', but got '" + name + "'");
        }
        if (fsync == null) {
            throw new IllegalArgumentException("fsync (QUEUE_FSYNC) must be set");
        }
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
        if (batchWindowMicros < 0 || batchWindowMicros > 100_000) {
            throw new IllegalArgumentException(
                    "batchWindowMicros must be in 0..100000, but got " + batchWindowMicros);
        }
        positive("compactMinBytes (QUEUE_COMPACT_MIN_BYTES)", compactMinBytes, Long.MAX_VALUE);
        if (maxBytes < maxJobBytes) {
            throw new IllegalArgumentException("maxBytes " + maxBytes
                    + " must be >= maxJobBytes " + maxJobBytes);
        }
    }

    private static void positive(String what, long value, long max) {
        if (value <= 0 || value > max) {
            throw new IllegalArgumentException(what + " must be in 1.." + max + ", but got "
                    + value);
        }
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

    /**
     * Reads {@code QUEUE_DIR, QUEUE_NAME, QUEUE_FSYNC, QUEUE_VISIBILITY_MS,
     * QUEUE_MAX_DELIVERIES, QUEUE_DEDUP_WINDOW_MS, QUEUE_MAX_PENDING, QUEUE_MAX_BYTES,
     * QUEUE_MAX_JOB_BYTES, QUEUE_BACKOFF_BASE_MS, QUEUE_BACKOFF_MAX_MS,
     * QUEUE_FSYNC_BATCH_WINDOW_US, QUEUE_COMPACT_MIN_BYTES} from {@code env}, defaulting
     * each one that is absent or blank.
     */
    public static QueueConfig fromEnv(Map<String, String> env) {
        Function<String, String> get = k -> {
            String v = env.get(k);
            return v == null || v.isBlank() ? null : v.trim();
        };
        return new QueueConfig(
                get.apply("QUEUE_DIR") == null ? DEFAULT_DIR : Path.of(get.apply("QUEUE_DIR")),
                get.apply("QUEUE_NAME") == null ? DEFAULT_NAME : get.apply("QUEUE_NAME"),
                get.apply("QUEUE_FSYNC") == null ? DEFAULT_FSYNC
                        : FsyncMode.parse(get.apply("QUEUE_FSYNC")),
                num(get, "QUEUE_VISIBILITY_MS", DEFAULT_VISIBILITY_MS),
                (int) num(get, "QUEUE_MAX_DELIVERIES", DEFAULT_MAX_DELIVERIES),
                num(get, "QUEUE_DEDUP_WINDOW_MS", DEFAULT_DEDUP_WINDOW_MS),
                num(get, "QUEUE_MAX_PENDING", DEFAULT_MAX_PENDING),
                num(get, "QUEUE_MAX_BYTES", DEFAULT_MAX_BYTES),
                (int) num(get, "QUEUE_MAX_JOB_BYTES", DEFAULT_MAX_JOB_BYTES),
                num(get, "QUEUE_BACKOFF_BASE_MS", DEFAULT_BACKOFF_BASE_MS),
                num(get, "QUEUE_BACKOFF_MAX_MS", DEFAULT_BACKOFF_MAX_MS),
                (int) num(get, "QUEUE_FSYNC_BATCH_WINDOW_US", DEFAULT_BATCH_WINDOW_MICROS),
                num(get, "QUEUE_COMPACT_MIN_BYTES", DEFAULT_COMPACT_MIN_BYTES));
    }

    private static long num(Function<String, String> get, String key, long dflt) {
        String v = get.apply(key);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n > Integer.MAX_VALUE && (key.endsWith("DELIVERIES") || key.endsWith("JOB_BYTES")
                    || key.endsWith("_US"))) {
                throw new IllegalArgumentException(key + " is too large: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, but got '" + v + "'");
        }
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
