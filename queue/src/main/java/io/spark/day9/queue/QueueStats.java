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
 * @param quarantinedLines corrupt lines moved to the quarantine file since this queue opened
 */
public record QueueStats(String queue, long depth, long ready, long delayed, long inFlight,
                         long dead, long bytes, long journalBytes, long oldestReadyAgeMs,
                         long quarantinedLines) {
}
