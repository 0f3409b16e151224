package io.spark.day9.queue;

/**
 * A claimed job as an operator sees it ({@link JobQueue#inFlight}): who holds it, since when,
 * and until when. No payload: listing the claims reads no job from storage.
 *
 * @param id           the job id
 * @param attempt      the delivery count of the current claim (1 on first delivery)
 * @param claimedAt    epoch milliseconds of the claim on the queue's clock (extends do not
 *                     move it); -1 when unknown (a claim replayed from a journal written
 *                     before claim times were recorded)
 * @param ageMs        how long the job has been claimed, on the queue's clock; -1 when
 *                     {@code claimedAt} is unknown
 * @param visibleUntil epoch milliseconds at which the claim lapses unless extended
 * @param consumer     who claimed it, as the claimer named itself
 *                     ({@link JobQueue#claim(int, long, String)}); null when it did not say, or
 *                     when the claim was made before the queue was last opened (consumers are
 *                     not stored)
 */
public record InFlightJob(long id, int attempt, long claimedAt, long ageMs, long visibleUntil,
                          String consumer) {

    /** Longest consumer name kept; longer names are cut to this. */
    public static final int MAX_CONSUMER_LENGTH = 200;

    public InFlightJob {
        if (id < 1) {
            throw new IllegalArgumentException("id must be >= 1, got " + id);
        }
    }

    /** {@code consumer} cut to {@link #MAX_CONSUMER_LENGTH} characters (null stays null). */
    public static String consumerName(String consumer) {
        return consumer == null || consumer.length() <= MAX_CONSUMER_LENGTH ? consumer
                : consumer.substring(0, MAX_CONSUMER_LENGTH);
    }
}
