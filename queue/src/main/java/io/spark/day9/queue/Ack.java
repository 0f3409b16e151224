package io.spark.day9.queue;

import java.util.Objects;

/**
 * One item of {@link JobQueue#ackAll}: the job id and the receipt of the delivery being
 * acknowledged, as {@link ClaimedJob} gave them.
 *
 * @param id the job id
 * @param receipt the delivery's receipt; never null
 */
public record Ack(long id, String receipt) {
    public Ack {
        Objects.requireNonNull(receipt, "receipt");
    }

    /** The ack for a claimed job. */
    public static Ack of(ClaimedJob job) {
        return new Ack(job.id(), job.receipt());
    }
}
