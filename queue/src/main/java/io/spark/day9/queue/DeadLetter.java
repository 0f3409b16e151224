package io.spark.day9.queue;

/**
 * A job in the dead-letter queue: it will not be delivered again unless redriven.
 *
 * @param id the job id
 * @param attempts deliveries made before it was dead-lettered
 * @param enqueuedAt epoch milliseconds of the enqueue
 * @param deadAt epoch milliseconds when it was dead-lettered
 * @param reason why, in words (for example "max deliveries (5) exhausted")
 * @param payload the enqueued bytes, or an empty array when the record is unreadable (the
 *     reason then says so; a corrupt payload is never returned)
 */
public record DeadLetter(long id, int attempts, long enqueuedAt, long deadAt, String reason,
                         byte[] payload) {
}
