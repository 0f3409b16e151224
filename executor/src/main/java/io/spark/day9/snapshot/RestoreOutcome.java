package io.spark.day9.snapshot;

import java.util.Locale;

/** How the restore at start went; a metric label and a health detail. */
public enum RestoreOutcome {
    /** Not run yet (the service has not started). */
    PENDING,
    /** No state snapshot on disk: a first start, nothing to restore. */
    NONE,
    /** Restored from the newest valid state snapshot (older invalid ones may have been skipped). */
    RESTORED,
    /** State snapshots exist but none is valid: the service starts empty. */
    ALL_INVALID,
    /** A section refused its state; the others were restored, the service starts. */
    SECTION_FAILED;

    /** The lower-case id, e.g. {@code all-invalid}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
