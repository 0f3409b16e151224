package io.spark.day9.queue;

/**
 * When the journal forces its writes to stable storage ({@code QUEUE_FSYNC}).
 *
 * <p>Whatever the mode, a call that changes the queue returns only after its record has been
 * written to the journal file, so a killed process ({@code kill -9}) never loses an operation
 * that returned. The modes differ in what survives a power loss or kernel crash.
 */
public enum FsyncMode {
    /** One {@code fsync} per record, inside the write lock: simplest, slowest (Tape-like). */
    ALWAYS,
    /**
     * Group commit: the record is durable ({@code fsync}ed) before the call returns, and
     * concurrent callers share one {@code fsync}. A leader may wait up to
     * {@link QueueConfig#batchWindowMicros()} for callers that are about to append. The default.
     */
    BATCH,
    /**
     * Records reach the OS page cache before the call returns (they survive {@code kill -9});
     * {@code fsync} runs only at compaction and close. A power loss can lose recent operations.
     */
    NONE;

    /** Parses {@code always|batch|none}, case-insensitively, as {@code QUEUE_FSYNC} spells it. */
    public static FsyncMode parse(String text) {
        for (FsyncMode m : values()) {
            if (m.name().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "QUEUE_FSYNC must be one of always|batch|none, but got '" + text + "'");
    }
}
