package io.spark.day9.snapshot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One snapshot file as listed or just written.
 *
 * @param file      its path
 * @param name      the snapshot's name
 * @param kind      state or manual
 * @param createdAt when it was created, UTC (from the envelope; from the file name when the
 *                  envelope cannot be read)
 * @param size      the file's size in bytes
 * @param sha256    the data's SHA-256 as recorded in the envelope (null when unreadable)
 * @param valid     true when the envelope parses and the data matches its hash
 * @param problem   why it is not valid (null when valid)
 */
public record SnapshotInfo(Path file, String name, SnapshotKind kind, Instant createdAt,
                           long size, String sha256, boolean valid, String problem) {
    public SnapshotInfo {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The file's name, without its directory. */
    public String fileName() {
        return file.getFileName().toString();
    }
}
