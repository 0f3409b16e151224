package io.spark.day9.queue;

import java.nio.file.Path;

/**
 * The settings only the file-journal backend has: where its files live, when it forces them
 * to disk, how long a commit leader gathers callers, and when it compacts. Immutable, checked
 * as it is built.
 *
 * @param dir the queue root ({@code QUEUE_DIR}); queue {@code q} keeps its files in
 *     {@code dir/q/}
 * @param fsync when records are forced to disk ({@code QUEUE_FSYNC})
 * @param batchWindowMicros in {@link FsyncMode#BATCH}, the longest a commit leader waits for
 *     callers that are about to append, before its fsync ({@code QUEUE_FSYNC_BATCH_WINDOW_US})
 * @param compactMinBytes the journal is compacted when it is larger than this and more than
 *     twice the bytes of its live records ({@code QUEUE_COMPACT_MIN_BYTES})
 */
public record FileJournalConfig(Path dir, FsyncMode fsync, int batchWindowMicros,
                                long compactMinBytes) {
    public static final Path DEFAULT_DIR = Path.of("runtime", "queue");
    public static final FsyncMode DEFAULT_FSYNC = FsyncMode.BATCH;
    public static final int DEFAULT_BATCH_WINDOW_MICROS = 500;
    public static final long DEFAULT_COMPACT_MIN_BYTES = 64L << 20;

    public FileJournalConfig {
        if (dir == null) {
            throw new IllegalArgumentException("dir (QUEUE_DIR) must be set");
        }
        if (fsync == null) {
            throw new IllegalArgumentException("fsync (QUEUE_FSYNC) must be set");
        }
        if (batchWindowMicros < 0 || batchWindowMicros > 100_000) {
            throw new IllegalArgumentException("batchWindowMicros (QUEUE_FSYNC_BATCH_WINDOW_US) "
                    + "must be in 0..100000, but got " + batchWindowMicros);
        }
        QueuePolicy.positive("compactMinBytes (QUEUE_COMPACT_MIN_BYTES)", compactMinBytes,
                Long.MAX_VALUE);
    }

    /** All defaults, under {@code dir}. */
    public static FileJournalConfig of(Path dir) {
        return new FileJournalConfig(dir, DEFAULT_FSYNC, DEFAULT_BATCH_WINDOW_MICROS,
                DEFAULT_COMPACT_MIN_BYTES);
    }
}
