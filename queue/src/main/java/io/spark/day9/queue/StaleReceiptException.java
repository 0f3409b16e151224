package io.spark.day9.queue;

/**
 * An ack, nack or extend carried a receipt that no longer owns the job: the visibility timeout
 * expired, the job was claimed again, or it was already settled. The call was not applied to
 * any newer claim. The message says what superseded the receipt: the newer delivery (by its
 * number), the expiry or nack that made the job claimable again, the dead-lettering, or the
 * settlement. HTTP 409.
 */
public final class StaleReceiptException extends QueueException {
    private final long jobId;

    private StaleReceiptException(String queue, long jobId, String message) {
        super(queue, message);
        this.jobId = jobId;
    }

    /**
     * The receipt does not match the job's current state.
     *
     * @param state the job's state now
     * @param attempt the job's delivery count now: the delivery that superseded the receipt
     *     when {@code state} is {@code IN_FLIGHT}
     */
    public static StaleReceiptException of(String queue, long jobId, String receipt,
                                           JobState state, int attempt) {
        String what = switch (state) {
            case IN_FLIGHT -> "superseded by delivery " + attempt
                    + " (the job was claimed again after this receipt's visibility expired)";
            case READY, DELAYED -> "the job is " + state + " again after delivery " + attempt
                    + " (its visibility expired or it was nacked)";
            case DEAD -> "the job was dead-lettered after delivery " + attempt;
            case ACKED -> "the job was already acked or purged";
        };
        return new StaleReceiptException(queue, jobId, "receipt " + receipt + " for job " + jobId
                + " is stale: " + what);
    }

    /** The job is no longer stored: it was acked or purged (its last delivery is gone). */
    public static StaleReceiptException settled(String queue, long jobId, String receipt) {
        return of(queue, jobId, receipt, JobState.ACKED, 0);
    }

    /** The job id the receipt was presented for. */
    public long jobId() {
        return jobId;
    }
}
