package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
 *   <li><b>Batches.</b> {@link #enqueueAll} admits a batch all or nothing and makes it
 *   durable with one commit; {@link #ackAll} judges each item on its own and makes the applied
 *   ones durable with one commit; {@link #enqueueAsync} completes its future only once the
 *   job is durable. Nothing is acknowledged as durable before it is.</li>
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
     * Stores several jobs durably in one call, in list order (their ids are consecutive in a
     * backend that can, and always increasing). Every job gets the same {@code options}.
     *
     * <p><b>All or nothing on admission:</b> if the whole batch would pass {@code maxPending}
     * or {@code maxBytes}, or any payload is over {@code maxJobBytes}, nothing is stored and
     * the call throws. <b>Durable before return, together:</b> the call returns only once every
     * job of the batch is durable (one commit for the batch); if the commit fails it throws
     * {@link QueueStorageException} and none of the batch counts as stored (the file journal
     * cuts it off when it recovers; retry the whole batch).
     *
     * <p>The default loops over {@link #enqueue}, which is durable per job but not all or
     * nothing; backends override it.
     *
     * @param payloads the jobs, at least zero; none null
     * @param options delay for every job; a dedup key is refused here (it names one job: use
     *     {@link #enqueue} for keyed jobs)
     * @return one result per payload, in order
     * @throws IllegalArgumentException when {@code options} has a dedup key
     * @throws QueueFullException when the batch does not fit; nothing was stored
     * @throws JobTooLargeException when any payload is too large; nothing was stored
     * @throws QueueStorageException when the journal cannot be written or forced
     */
    default List<EnqueueResult> enqueueAll(List<byte[]> payloads, EnqueueOptions options) {
        if (options.dedupKey() != null) {
            throw new IllegalArgumentException("dedupKey is not accepted by enqueueAll: it names "
                    + "one job; enqueue keyed jobs one by one");
        }
        List<EnqueueResult> out = new ArrayList<>(payloads.size());
        for (byte[] p : payloads) {
            out.add(enqueue(p, options));
        }
        return out;
    }

    /**
     * Starts a durable enqueue and returns at once. The future completes with the result only
     * once the job is durable, exactly as {@link #enqueue} would return; it completes
     * exceptionally with the {@link QueueException} or {@link QueueStorageException}
     * {@code enqueue} would have thrown (queue full, too large, closed, storage failure). A
     * producer can so keep many enqueues in flight without a blocked thread each. Completion
     * runs on the queue's commit thread: keep dependent actions short or move them to an
     * executor.
     *
     * <p>The default runs {@link #enqueue} on the calling thread.
     *
     * @throws NullPointerException when {@code payload} or {@code options} is null
     */
    default CompletableFuture<EnqueueResult> enqueueAsync(byte[] payload,
                                                          EnqueueOptions options) {
        java.util.Objects.requireNonNull(payload, "payload");
        java.util.Objects.requireNonNull(options, "options");
        try {
            return CompletableFuture.completedFuture(enqueue(payload, options));
        } catch (QueueException | QueueStorageException e) {
            return CompletableFuture.failedFuture(e);
        }
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
     * {@link #claim(int, long)}, naming the consumer that takes the jobs (a worker thread's
     * name, an HTTP caller's identity), so {@link #inFlight} can say who holds each claim. The
     * name is kept in memory with the claim, cut to {@link InFlightJob#MAX_CONSUMER_LENGTH}
     * characters; it is not stored (after a reopen a replayed claim has no consumer).
     *
     * <p>The default ignores the name.
     *
     * @param consumer who claims; null when unknown
     */
    default List<ClaimedJob> claim(int max, long visibilityMs, String consumer) {
        return claim(max, visibilityMs);
    }

    /**
     * The jobs in flight now (claimed, neither settled nor lapsed), by id: at most
     * {@code limit}, only those claimed at least {@code minAgeMs} ago on the queue's clock (a
     * claim of unknown age is listed only when {@code minAgeMs} is 0). Operator view for
     * "which jobs are stuck": it reads no payload and changes nothing. Cost: one pass over the
     * stored jobs under the lock.
     *
     * <p>The default throws {@link UnsupportedOperationException}; every backend overrides it.
     *
     * @throws IllegalArgumentException when {@code minAgeMs < 0} or {@code limit < 1}
     */
    default List<InFlightJob> inFlight(long minAgeMs, int limit) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " cannot list its claims");
    }

    /**
     * Acknowledges a delivery: the job is done and removed for good.
     *
     * @throws StaleReceiptException when {@code receipt} no longer owns the job
     * @throws UnknownJobException when the job is not pending
     */
    void ack(long id, String receipt);

    /**
     * Acknowledges several deliveries in one call, each judged on its own: one stale receipt
     * or unknown id is reported in its {@link AckResult} and does not stop the others. Returns
     * only once every applied ack is durable (one commit for the batch); if that commit fails
     * the call throws {@link QueueStorageException} and no item of it counts as acknowledged
     * (the jobs stay owned by their receipts). The same delivery listed twice is acked once
     * and reported stale the second time.
     *
     * <p>The default loops over {@link #ack}; backends override it with one commit.
     *
     * @return one result per item, in order
     * @throws IllegalArgumentException when a receipt is malformed (nothing is applied)
     */
    default List<AckResult> ackAll(List<Ack> acks) {
        List<AckResult> out = new ArrayList<>(acks.size());
        for (Ack a : acks) {
            try {
                ack(a.id(), a.receipt());
                out.add(AckResult.acked(a.id()));
            } catch (StaleReceiptException e) {
                out.add(new AckResult(a.id(), AckResult.Status.STALE_RECEIPT, e.getMessage()));
            } catch (UnknownJobException e) {
                out.add(new AckResult(a.id(), AckResult.Status.UNKNOWN_JOB, e.getMessage()));
            }
        }
        return out;
    }

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

    /**
     * Heartbeat for many claims at once (a consumer holding many jobs): each claim that its
     * receipt still owns now lapses {@code visibilityMs} from now, judged item by item as
     * {@link #extend} would; returns only once every applied extension is durable (one commit
     * for the batch). A claim that is no longer owned (stale receipt, unknown job) is reported
     * as -1 and does not stop the others.
     *
     * <p>The default loops over {@link #extend}; backends override it with one commit.
     *
     * @param claims the deliveries, as {@link Ack}s of their id and receipt
     * @return per item, in order, the new deadline in epoch milliseconds, or -1 when the
     *     receipt no longer owns the job
     * @throws IllegalArgumentException when a receipt is malformed or the visibility out of
     *     range (nothing is applied)
     * @throws QueueStorageException when the commit fails (no item counts as extended)
     */
    default long[] extendAll(List<Ack> claims, long visibilityMs) {
        long[] out = new long[claims.size()];
        for (int i = 0; i < out.length; i++) {
            Ack a = claims.get(i);
            try {
                out[i] = extend(a.id(), a.receipt(), visibilityMs);
            } catch (StaleReceiptException | UnknownJobException e) {
                out[i] = -1;
            }
        }
        return out;
    }

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
