package io.spark.day9.snapshot;

/**
 * A snapshot request the service refuses before writing anything: a bad {@code name}, or
 * {@code data} over {@code SNAPSHOT_MAX_BYTES} or not a JSON object. Names the field at fault.
 */
public final class InvalidSnapshotRequest extends RuntimeException {
    private final String field;
    private final boolean tooLarge;

    public InvalidSnapshotRequest(String field, String message, boolean tooLarge) {
        super(message, null, false, false);
        this.field = field;
        this.tooLarge = tooLarge;
    }

    /** The request field at fault ({@code name} or {@code data}). */
    public String field() {
        return field;
    }

    /** True when the data is over the size limit (a 413). */
    public boolean tooLarge() {
        return tooLarge;
    }
}
