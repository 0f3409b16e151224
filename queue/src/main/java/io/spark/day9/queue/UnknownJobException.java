package io.spark.day9.queue;

/** No such job: never enqueued, or already acknowledged or purged. HTTP 404. */
public final class UnknownJobException extends QueueException {
    private final long jobId;

    private UnknownJobException(String queue, long jobId, String message) {
        super(queue, message);
        this.jobId = jobId;
    }

    /** The id is not a pending or dead job. */
    public static UnknownJobException of(String queue, long jobId) {
        return new UnknownJobException(queue, jobId, "job " + jobId
                + " is unknown (never enqueued, or already acked or purged)");
    }

    /** The id exists but is not in the dead-letter queue (redrive/purge). */
    public static UnknownJobException notDead(String queue, long jobId, JobState state) {
        return new UnknownJobException(queue, jobId, "job " + jobId
                + " is not a dead letter, it is " + state);
    }

    /** The job id asked for. */
    public long jobId() {
        return jobId;
    }
}
