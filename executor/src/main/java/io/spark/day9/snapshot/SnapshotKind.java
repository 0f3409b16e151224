package io.spark.day9.snapshot;

import java.util.Locale;

/** Who made a snapshot's data; stored in the envelope and the file name. */
public enum SnapshotKind {
    /** Captured by the service from its registered {@link StateSection}s; restored at start. */
    STATE,
    /** Data given by the caller of {@code POST /api/private/snapshot}; never restored. */
    MANUAL;

    /** The lower-case id used in files, JSON and metric labels. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of {@code id}, or null when it is none. */
    public static SnapshotKind ofId(String id) {
        for (SnapshotKind k : values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        return null;
    }
}
