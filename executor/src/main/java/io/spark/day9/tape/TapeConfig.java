package io.spark.day9.tape;

import io.spark.day9.retention.RetentionPolicy;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The market tape's settings ({@code TAPE_*}), checked as the record is built; errors name the
 * variable and the value.
 *
 * @param enabled         {@code TAPE_ENABLED}: write the tape at all
 * @param dir             {@code TAPE_DIR}: where the segments go
 * @param retention       {@code TAPE_RETENTION_DAYS} and {@code TAPE_KEEP_LAST}
 * @param minIntervalMs   {@code TAPE_MIN_INTERVAL_MS}: the sampling period; top of book is
 *                        written at most once per period per symbol, and only when it changed
 * @param segmentBytes    {@code TAPE_SEGMENT_BYTES}: a segment rolls over past this size
 * @param maxTradesPerTick trades written per period at most; the rest are dropped and counted
 */
public record TapeConfig(boolean enabled, Path dir, RetentionPolicy retention, long minIntervalMs,
                         long segmentBytes, int maxTradesPerTick) {
    /** Default sampling period, ms. */
    public static final long DEFAULT_MIN_INTERVAL_MS = 100;
    /** Default segment size, bytes (64 MiB). */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Default trade cap per period. */
    public static final int DEFAULT_MAX_TRADES_PER_TICK = 1_000;

    public TapeConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(retention, "retention");
        if (minIntervalMs < 10 || minIntervalMs > 60_000) {
            throw new IllegalArgumentException("TAPE_MIN_INTERVAL_MS=" + minIntervalMs
                    + " is invalid: must be an integer from 10 to 60000");
        }
        if (segmentBytes < 4096 || segmentBytes > (1L << 34)) {
            throw new IllegalArgumentException("TAPE_SEGMENT_BYTES=" + segmentBytes
                    + " is invalid: must be an integer from 4096 to " + (1L << 34));
        }
        if (maxTradesPerTick < 1) {
            throw new IllegalArgumentException("maxTradesPerTick must be >= 1, got "
                    + maxTradesPerTick);
        }
    }

    /** The settings with the default segment size and trade cap. */
    public static TapeConfig of(boolean enabled, Path dir, int retentionDays, int keepLast,
                                long minIntervalMs) {
        return new TapeConfig(enabled, dir, new RetentionPolicy(retentionDays, keepLast),
                minIntervalMs, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_TRADES_PER_TICK);
    }
}
