package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueListener;
import java.util.List;

/**
 * A durable job queue with at-least-once delivery, shared by producers and consumers. The
 * contract below is backend-neutral: the file journal ({@link FileJournalQueue}) implements it
 * now, a NATS JetStream backend later (AckWait = visibility, MaxDeliver = dead letter,
 * Nats-Msg-Id = dedup key). All methods are thread-safe.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>At-least-once.</b> {@link #enqueue} returns only once the job is durable. A job is
 *   delivered until it is acked, dead-lettered or purged; it may be delivered more than once
 *   (after a visibility timeout, a nack or a crash while in flight), so consumers must be
 *   idempotent.</li>
 *   <li><b>FIFO first delivery.</b> Ready jobs are claimed in id order, and ids are assigned in
 *   enqueue order. A delayed or nacked job takes its place by id once it is ready again.</li>
 *   <li><b>Visibility.</b> A claim hides the job for {@code visibilityMs}; unless acked, nacked
 *   or extended before then it becomes claimable again. Each delivery has its own receipt; a
 *   call with an older receipt throws {@link StaleReceiptException} and never touches the newer
 *   claim. Once the visibility has expired the receipt is stale, even if nobody claimed the job
 *   again. {@link #extend} has no cap relative to the first delivery.</li>
 *   <li><b>Delivery count is durable.</b> A claim is recorded before the job is handed out, so a
 *   job that crashes its consumer (or the process) on every delivery still reaches the
 *   dead-letter queue after {@code maxDeliveries}.</li>
 *   <li><b>Nack backoff.</b> {@code nack(id, receipt, null)} delays redelivery by
 *   {@code backoffBaseMs * 2^(attempt-1)} capped at {@code backoffMaxMs}; a non-null delay
 *   overrides it (0 = at once). A nack on the last allowed delivery dead-letters the job.</li>
 *   <li><b>Dedup rule.</b> An enqueue with a dedup key returns the original id (and
 *   {@link EnqueueResult#duplicate()} true) iff a job enqueued with the same key less than
 *   {@code dedupWindowMs} ago is still <em>pending</em> (ready, delayed or in flight). Once
 *   that job is acked, dead-lettered or purged the key is free again, and the next enqueue
 *   with it creates a new job: a legitimate retry of finished work is never dropped silently.
 *   The window is measured from the first enqueue and is not extended by hits.</li>
 *   <li><b>Bounds.</b> Past {@code maxPending} pending jobs or {@code maxBytes} stored bytes,
 *   enqueue throws {@link QueueFullException}; payloads over {@code maxJobBytes} throw
 *   {@link JobTooLargeException}. A job is never dropped silently.</li>
 *   <li><b>Errors.</b> Policy outcomes are {@link QueueException}s; storage failures are
 *   {@link QueueStorageException}s, after which the outcome of that one call is unknown
 *   (retry an enqueue with a dedup key to make it safe) and nothing earlier is lost.</li>
 * </ul>
 */
public interface JobQueue extends AutoCloseable {

    /** The queue name. */
    String name();

    /**
     * Stores a job durably.
     *
     * @param payload the job, up to {@code maxJobBytes}; stored and returned byte for byte
     * @param options dedup key and delay; never null (use {@link EnqueueOptions#none()})
     * @return the new job's id, or the pending original's id on a dedup hit
     * @throws QueueFullException past {@code maxPending} or {@code maxBytes}
     * @throws JobTooLargeException past {@code maxJobBytes}
     * @throws QueueStorageException when the journal cannot be written
     */
    EnqueueResult enqueue(byte[] payload, EnqueueOptions options);

    /** {@link #enqueue(byte[], EnqueueOptions)} without options. */
    default EnqueueResult enqueue(byte[] payload) {
        return enqueue(payload, EnqueueOptions.none());
    }

    /**
     * Claims up to {@code max} ready jobs, oldest first, each hidden for {@code visibilityMs}.
     * Returns an empty list when none is ready; never blocks waiting for jobs. Each claim is
     * durable before this returns.
     */
    List<ClaimedJob> claim(int max, long visibilityMs);

    /** {@link #claim(int, long)} with the configured default visibility. */
    List<ClaimedJob> claim(int max);

    /**
     * Acknowledges a delivery: the job is done and removed for good.
     *
     * @throws StaleReceiptException when {@code receipt} no longer owns the job
     * @throws UnknownJobException when the job is not pending
     */
    void ack(long id, String receipt);

    /**
     * Gives a delivery back. With {@code delayMs} null the delay is the exponential backoff of
     * the job's delivery count; otherwise exactly {@code delayMs} (0 = ready at once). On the
     * last allowed delivery the job is dead-lettered instead.
     *
     * @return the state the job moved to: {@code READY}, {@code DELAYED} or {@code DEAD}
     */
    JobState nack(long id, String receipt, Long delayMs);

    /**
     * Sends a delivery straight to the dead-letter queue, with {@code reason} (for a job that can
     * never succeed, such as an unknown job type), instead of retrying it.
     *
     * @throws StaleReceiptException when {@code receipt} no longer owns the job
     * @throws UnknownJobException when the job is not pending
     */
    void deadLetter(long id, String receipt, String reason);

    /**
     * Heartbeat: the claim now lapses {@code visibilityMs} from now (no cap counted from the
     * first delivery). Returns the new deadline in epoch milliseconds.
     */
    long extend(long id, String receipt, long visibilityMs);

    /** Counters and lag; cheap (a few reads under the lock). */
    QueueStats stats();

    /** Up to {@code limit} dead letters with id greater than {@code afterId}, by id. */
    List<DeadLetter> deadLetters(long afterId, int limit);

    /**
     * Puts the given dead letters back as ready jobs with a fresh delivery count.
     *
     * @return how many were redriven
     * @throws UnknownJobException if any id is not a dead letter (then none is redriven)
     */
    int redrive(List<Long> ids);

    /** Redrives every dead letter; returns how many. */
    int redriveAll();

    /**
     * Deletes the given dead letters for good.
     *
     * @throws UnknownJobException if any id is not a dead letter (then none is purged)
     */
    int purge(List<Long> ids);

    /** Deletes every dead letter; returns how many. */
    int purgeAll();

    /** Adds a listener for this queue's events; returns a handle that removes it. */
    AutoCloseable subscribe(QueueListener listener);

    /** Flushes and releases the queue. Idempotent. Later calls throw {@link QueueClosedException}. */
    @Override
    void close();
}
