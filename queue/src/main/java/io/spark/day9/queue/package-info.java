/**
 * A dependency-light durable job queue. The contract is {@link io.spark.day9.queue.JobQueue};
 * backends are made by a {@link io.spark.day9.queue.JobQueueFactory} ({@link
 * io.spark.day9.queue.QueueBackends}: the file journal and the in-memory reference); the
 * policy every backend honours is {@link io.spark.day9.queue.QueuePolicy}.
 *
 * <h2>File journal: parts and lock order</h2>
 * {@link io.spark.day9.queue.FileJournalQueue} is the public front; its package-private parts
 * are {@code JobStore} (index, heaps, counts, dedup, the state transitions of live operations
 * and replay), {@code RecoveryFiles} (replay cursor, quarantine), {@code Compaction} (writes
 * the live records to the new journal), {@code AsyncCommitter} (the commit thread of
 * {@code enqueueAsync}), {@code JournalCodec} (line encoding and checks), {@code JobIndex},
 * {@code LongHeaps} and {@code JournalIo} (the I/O seam the fault tests replace). The front
 * keeps replay, the journal writer (group commit, epochs, storage failures) and the
 * operations. Two locks:
 * <ol>
 *   <li>{@code commitLock}: held by whoever rewrites or reloads the journal file as a whole
 *   (open, recovery after a storage failure, compaction, close) and, briefly, by the group
 *   commit leader hand-off; a leader writes and forces its batch with {@code flushing} set and
 *   <em>no</em> lock held;</li>
 *   <li>{@code lock} (the state lock): every in-memory structure and the write buffer.</li>
 * </ol>
 * Always take {@code commitLock} before {@code lock}, never the other way round; never wait for
 * durability or publish events while holding {@code lock}; listeners run with no lock held.
 * The one shared sequence of a write operation: under {@code lock} check, append the line(s)
 * and apply the change in memory; release; wait until durable (group commit); then publish
 * the events and return.
 */
package io.spark.day9.queue;
