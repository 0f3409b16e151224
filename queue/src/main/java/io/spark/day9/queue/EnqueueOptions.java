package io.spark.day9.queue;

/**
 * Per-job options of {@link JobQueue#enqueue(byte[], EnqueueOptions)}.
 *
 * @param dedupKey optional key; see {@link JobQueue} for the exact deduplication rule. At most
 *     {@link #MAX_DEDUP_KEY_LENGTH} characters, no control characters.
 * @param delayMs the job becomes claimable this many milliseconds after the enqueue; 0 = now
 */
public record EnqueueOptions(String dedupKey, long delayMs) {
    /** Longest accepted dedup key, in characters. */
    public static final int MAX_DEDUP_KEY_LENGTH = 256;
    /** Longest accepted delay: 30 days. */
    public static final long MAX_DELAY_MS = 30L * 24 * 3600 * 1000;

    private static final EnqueueOptions NONE = new EnqueueOptions(null, 0);

    public EnqueueOptions {
        if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
            throw new IllegalArgumentException(
                    "delayMs must be in 0.." + MAX_DELAY_MS + ", but got " + delayMs);
        }
        if (dedupKey != null) {
            if (dedupKey.isEmpty() || dedupKey.length() > MAX_DEDUP_KEY_LENGTH) {
                throw new IllegalArgumentException("dedupKey must have 1.." + MAX_DEDUP_KEY_LENGTH
                        + " characters, but has " + dedupKey.length());
            }
            for (int i = 0; i < dedupKey.length(); i++) {
                if (Character.isISOControl(dedupKey.charAt(i))) {
                    throw new IllegalArgumentException(
                            "dedupKey must not contain control characters (index " + i + ")");
                }
            }
        }
    }

    /** No dedup key, no delay. */
    public static EnqueueOptions none() {
        return NONE;
    }

    /** With the given dedup key and no delay. */
    public static EnqueueOptions dedup(String key) {
        return new EnqueueOptions(key, 0);
    }

    /** With the given delay and no dedup key. */
    public static EnqueueOptions delayed(long delayMs) {
        return new EnqueueOptions(null, delayMs);
    }
}
