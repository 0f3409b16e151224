package io.spark.day9.queue;

/**
 * An ack, nack or extend carried a receipt that no longer owns the job: the visibility timeout
 * expired, the job was claimed again, or it was already settled. The call was not applied to
 * any newer claim. HTTP 409.
 */
public final class StaleReceiptException extends QueueException {
    private final long jobId;

    private StaleReceiptException(String queue, long jobId, String message) {
        super(queue, message);
        this.jobId = jobId;
    }

    /** The receipt does not match the job's current claim. */
    public static StaleReceiptException of(String queue, long jobId, String receipt,
                                           JobState state, int attempt) {
        return new StaleReceiptException(queue, jobId, "receipt " + receipt + " for job " + jobId
                + " is stale: the job is " + state + " at delivery " + attempt
                + " (visibility expired, claimed again, or already settled)");
    }

    /** The job id the receipt was presented for. */
    public long jobId() {
        return jobId;
    }
}
