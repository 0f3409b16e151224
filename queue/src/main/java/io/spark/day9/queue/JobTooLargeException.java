package io.spark.day9.queue;

/** Enqueue refused: the payload exceeds {@code QUEUE_MAX_JOB_BYTES}. HTTP 413. */
public final class JobTooLargeException extends QueueException {
    private JobTooLargeException(String queue, String message) {
        super(queue, message);
    }

    /** A payload of {@code size} bytes against a limit of {@code max}. */
    public static JobTooLargeException of(String queue, int size, int max) {
        return new JobTooLargeException(queue, "job payload is " + size
                + " bytes, QUEUE_MAX_JOB_BYTES is " + max);
    }
}
