package io.spark.day9.snapshot;

import io.spark.day9.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The snapshot service's settings, checked as they are built (the config loader checks the
 * environment variables first and names them).
 *
 * @param dir       {@code SNAPSHOT_DIR}
 * @param interval  {@code SNAPSHOT_INTERVAL_SEC}: automatic state snapshots; zero = off
 * @param maxBytes  {@code SNAPSHOT_MAX_BYTES}: largest data (canonical bytes) of one snapshot
 * @param retention {@code SNAPSHOT_RETENTION_DAYS} and {@code SNAPSHOT_KEEP_LAST}
 */
public record SnapshotSettings(Path dir, Duration interval, long maxBytes,
                               RetentionPolicy retention) {
    /** Default {@code SNAPSHOT_MAX_BYTES}: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** Default {@code SNAPSHOT_INTERVAL_SEC}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    /** How often retention runs on its own, besides after each snapshot. */
    public static final Duration RETENTION_PERIOD = Duration.ofHours(1);

    public SnapshotSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(retention, "retention");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("SNAPSHOT_INTERVAL_SEC must be >= 0, got "
                    + interval.toSeconds());
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("SNAPSHOT_MAX_BYTES must be >= 1024, got "
                    + maxBytes);
        }
    }
}
