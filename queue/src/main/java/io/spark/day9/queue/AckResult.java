package io.spark.day9.queue;

/**
 * The outcome of one item of {@link JobQueue#ackAll}. One item's outcome never affects the
 * others: a stale receipt or unknown id is reported here, not thrown.
 *
 * @param id the job id of the item
 * @param status what happened to it
 * @param detail why, for {@link Status#STALE_RECEIPT} and {@link Status#UNKNOWN_JOB} (the
 *     message the single {@link JobQueue#ack} would have thrown); null when acked
 */
public record AckResult(long id, Status status, String detail) {

    /** Per-item outcomes of a batch ack. */
    public enum Status {
        /** Acknowledged: the job is done and removed for good, durably. */
        ACKED,
        /** The receipt no longer owns the job (see {@link StaleReceiptException}); no change. */
        STALE_RECEIPT,
        /** No such pending job (see {@link UnknownJobException}); no change. */
        UNKNOWN_JOB
    }

    /** The job was acknowledged. */
    public static AckResult acked(long id) {
        return new AckResult(id, Status.ACKED, null);
    }

    /** True when this item was acknowledged. */
    public boolean acked() {
        return status == Status.ACKED;
    }
}
