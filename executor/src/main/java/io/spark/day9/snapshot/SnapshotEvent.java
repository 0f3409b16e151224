package io.spark.day9.snapshot;

import java.time.Instant;

/** What the snapshot service publishes; metrics and the audit log subscribe. */
public sealed interface SnapshotEvent {

    /** A snapshot file was committed. */
    record Created(SnapshotInfo snapshot, String actor) implements SnapshotEvent {
    }

    /** A snapshot could not be written; nothing that passes verify was left behind. */
    record Failed(String name, SnapshotKind kind, SnapshotFailure.Reason reason, String error,
                  String actor) implements SnapshotEvent {
    }

    /** At start, a state snapshot could not be used for restore and an older one was tried. */
    record Skipped(String file, String problem) implements SnapshotEvent {
    }

    /**
     * The outcome of the restore at start.
     *
     * @param outcome  what happened
     * @param file     the snapshot restored from (null when none)
     * @param at       its created-at (null when none)
     * @param skipped  invalid state snapshots skipped on the way
     * @param sections the sections restored
     * @param detail   a line for people
     */
    record Restored(RestoreOutcome outcome, String file, Instant at, int skipped,
                    java.util.List<String> sections, String detail) implements SnapshotEvent {
    }
}
