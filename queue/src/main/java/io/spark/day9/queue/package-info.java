/**
 * A dependency-light durable job queue. The contract is {@link io.spark.day9.queue.JobQueue};
 * backends are made by a {@link io.spark.day9.queue.JobQueueFactory} ({@link
 * io.spark.day9.queue.QueueBackends}: the file journal and the in-memory reference); the
 * policy every backend honours is {@link io.spark.day9.queue.QueuePolicy}.
 *
 * <h2>File journal: parts and lock order</h2>
 * {@link io.spark.day9.queue.FileJournalQueue} is the public front: argument checks, the one
 * operation sequence ({@code stage}/{@code writeOp}), events, open and close. Its parts are
 * package-private and {@code final}:
 * <ul>
 *   <li>{@code JournalWriter}: owns {@code journal.ndjson} and documents its format and the
 *   commit rule; the write buffer, group commit, fsync modes, epochs, storage-failure state,
 *   reading lines back; it holds {@code commitLock};</li>
 *   <li>{@code Recovery}: replay at open and after a storage failure (scan, torn tail,
 *   quarantine decisions, cursor use and writing); {@code RecoveryFiles}: the cursor and
 *   quarantine files;</li>
 *   <li>{@code JobStore}: index, heaps, counts, dedup, id and receipt counters, and the state
 *   transitions of live operations and replay (one state machine, {@code JobState.canMoveTo});
 *   its doc holds the visibility-tracking model and cost;</li>
 *   <li>{@code Enqueuer}: stages enqueues (dedup, bounds, E line, index), single and batch;
 *   {@code Deliveries}: the under-lock part of claim, ack, nack, extend, dead-letter, redrive
 *   and purge (ownership check, record, transition);</li>
 *   <li>{@code JobLines}: reads stored jobs' lines back and checks them (claim's run reads,
 *   the dead-letter view, stats, compaction);</li>
 *   <li>{@code Compaction}: rewrites the journal to its live records, the commit rule beside
 *   each step;</li>
 *   <li>{@code AsyncCommitter}: the commit thread of {@code enqueueAsync};</li>
 *   <li>{@code QueueDirectory}: the directory and its OS lock; {@code QueueArgs}: argument
 *   checks shared with {@code InMemoryJobQueue}; {@code JournalCodec} (line encoding and
 *   checks), {@code JobIndex}, {@code LongHeaps} and {@code JournalIo} (the I/O seam the fault
 *   tests replace).</li>
 * </ul>
 * Locks, in the order they are taken (the OS lock on the directory's {@code lock} file is
 * taken once at open, before either, and held until close):
 * <ol>
 *   <li>{@code commitLock} (in {@code JournalWriter}): held by whoever rewrites or reloads the
 *   journal file as a whole (open, recovery after a storage failure, compaction, checkpoint,
 *   close: {@code JournalWriter.lockAll}, which also waits until no batch is being written)
 *   and, briefly, by the group-commit leader hand-off; a leader writes and forces its batch
 *   with {@code flushing} set and <em>no</em> lock held;</li>
 *   <li>{@code lock} (the state lock, made by the front and shared by every part): every
 *   in-memory structure and the write buffer. {@code AsyncCommitter} and the group-commit
 *   leader take it alone.</li>
 * </ol>
 * Always take {@code commitLock} before {@code lock}, never the other way round; never wait for
 * durability or publish events while holding {@code lock}; listeners run with no lock held.
 * The one shared sequence of a write operation: under {@code lock} check, append the line(s)
 * and apply the change in memory; release; wait until durable (group commit); then publish
 * the events and return.
 */
package io.spark.day9.queue;
