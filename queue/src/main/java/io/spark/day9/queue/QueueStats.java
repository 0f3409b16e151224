package io.spark.day9.queue;

/**
 * A consistent snapshot of one queue's counters, taken under the queue's lock.
 *
 * @param queue the queue name
 * @param depth ready + delayed + in flight: jobs not yet acknowledged or dead
 * @param ready claimable now
 * @param delayed waiting for a delay or a nack backoff
 * @param inFlight claimed and not yet acked, nacked or expired
 * @param dead in the dead-letter queue
 * @param bytes journal bytes of the records of pending and dead jobs (what QUEUE_MAX_BYTES
 *     bounds)
 * @param journalBytes current size of the journal file, including garbage awaiting compaction
 * @param oldestReadyAgeMs age (now - enqueuedAt) of the oldest ready job, 0 when none: the
 *     queue lag
 * @param quarantinedLines complete journal lines set aside in the quarantine file since this
 *     queue opened: corrupt lines in the middle of the journal and complete but invalid lines
 *     at its end alike (the recovery at open included)
 * @param tornTailBytes bytes of an unterminated last line cut at recovery since this queue
 *     opened: a write that never completed, so never acknowledged (no fault, not quarantined)
 * @param storageFailing true from a failed journal write or fsync until a write succeeds again
 *     (a recovery that only truncates does not end it)
 * @param lastStorageError the failure while {@code storageFailing}, else null
 */
public record QueueStats(String queue, long depth, long ready, long delayed, long inFlight,
                         long dead, long bytes, long journalBytes, long oldestReadyAgeMs,
                         long quarantinedLines, long tornTailBytes, boolean storageFailing,
                         String lastStorageError) {

    /** Stats of a backend without torn tails or storage failures. */
    public QueueStats(String queue, long depth, long ready, long delayed, long inFlight,
                      long dead, long bytes, long journalBytes, long oldestReadyAgeMs,
                      long quarantinedLines) {
        this(queue, depth, ready, delayed, inFlight, dead, bytes, journalBytes,
                oldestReadyAgeMs, quarantinedLines, 0, false, null);
    }
}
