package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueEvent;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Stages enqueues for the file journal, under the queue's state lock: checks dedup and the
 * bounds ({@code maxPending}, {@code maxBytes}), encodes the {@code E} line straight into the
 * codec's buffer, appends it and indexes the job. Nothing is appended unless every check
 * passed; a batch is checked as a whole and appended as one contiguous block with consecutive
 * ids. Durability is the caller's part (group commit, outside the lock). The single-job path
 * allocates only its result and event.
 *
 * <p>Threading: none of its own; every method runs under the queue's state lock.
 */
final class Enqueuer {
    private final QueueConfig config;
    private final String name;
    private final LongSupplier clock;
    private final JournalWriter writer;
    private final JobStore store;
    private final JournalCodec codec;
    /** Lines of one batch being built. */
    private byte[] batchBuf = new byte[64 * 1024];

    /** An enqueue applied to memory and the write buffer, not yet known durable. */
    record Staged(EnqueueResult result, QueueEvent event, long ep, long end) {
    }

    Enqueuer(QueueConfig config, LongSupplier clock, JournalWriter writer, JobStore store,
             JournalCodec codec) {
        this.config = config;
        this.name = config.name();
        this.clock = clock;
        this.writer = writer;
        this.store = store;
        this.codec = codec;
    }

    /** Checks dedup and bounds, appends the E line and indexes the job. */
    Staged stage(byte[] payload, EnqueueOptions options, boolean verbatim) {
        long now = clock.getAsLong();
        String key = options.dedupKey();
        JobStore.Dedup hit = key == null ? null : store.dedupLookup(key, now);
        if (hit != null) {
            return new Staged(new EnqueueResult(hit.id(), true, hit.key()),
                    new QueueEvent.DedupHit(name, hit.id(), key), writer.epoch,
                    writer.appendedLogical);
        }
        long pendingJobs = store.pendingCount();
        if (pendingJobs >= config.maxPending()) {
            throw QueueFullException.pending(name, pendingJobs, config.maxPending());
        }
        long at = now + options.delayMs();
        codec.begin('E').num("id", store.nextId).num("ts", now).num("at", at).num("n", 0);
        if (key != null) {
            codec.str("k", key);
        }
        String uid = codec.newKey();
        codec.attributes(options.attributes()).payload(payload, verbatim)
                .finish();
        int length = codec.length();
        if (store.storedBytes + length > config.maxBytes()) {
            throw QueueFullException.bytes(name, store.storedBytes, length, config.maxBytes());
        }
        long id = store.nextId;
        long off = writer.append(codec.buffer(), length, 1);
        store.nextId++;
        store.indexNew(id, off, at, options.delayMs() > 0, length);
        if (key != null) {
            store.dedup.remove(key);
            store.dedup.put(key, new JobStore.Dedup(id, now + config.dedupWindowMs(), uid));
        }
        return new Staged(new EnqueueResult(id, false, uid),
                new QueueEvent.Enqueued(name, id, length, options.delayMs()), writer.epoch,
                writer.appendedLogical);
    }

    /**
     * Stages a batch of {@code payloads.size()} enqueues (no dedup key): checks the bounds for
     * the whole batch, then appends every E line as one block and indexes the jobs. Fills
     * {@code uids} with the job keys and adds one event per job; returns the first job's id
     * (the others follow it).
     */
    long stageBatch(List<byte[]> payloads, EnqueueOptions options, boolean[] verbatim,
                    String[] uids, List<QueueEvent> events) {
        int n = payloads.size();
        long now = clock.getAsLong();
        long pendingJobs = store.pendingCount();
        if (pendingJobs + n > config.maxPending()) {
            throw QueueFullException.pendingBatch(name, pendingJobs, n, config.maxPending());
        }
        long at = now + options.delayMs();
        int[] lineEnd = new int[n];
        int len = 0;
        for (int i = 0; i < n; i++) {
            codec.begin('E').num("id", store.nextId + i).num("ts", now).num("at", at)
                    .num("n", 0);
            uids[i] = codec.newKey();
            codec.attributes(options.attributes()).payload(payloads.get(i), verbatim[i])
                    .finish();
            int l = codec.length();
            if (len + l > batchBuf.length) {
                batchBuf = Arrays.copyOf(batchBuf, Math.max(batchBuf.length * 2, len + l));
            }
            System.arraycopy(codec.buffer(), 0, batchBuf, len, l);
            len += l;
            lineEnd[i] = len;
        }
        if (store.storedBytes + len > config.maxBytes()) {
            throw QueueFullException.bytes(name, store.storedBytes, len, config.maxBytes());
        }
        // Commit rule: the block is appended first; memory follows; the caller waits for
        // durability outside the lock.
        long start = writer.append(batchBuf, len, n);
        long firstId = store.nextId;
        store.nextId += n;
        for (int i = 0; i < n; i++) {
            int from = i == 0 ? 0 : lineEnd[i - 1];
            int l = lineEnd[i] - from;
            store.indexNew(firstId + i, start + from, at, options.delayMs() > 0, l);
            events.add(new QueueEvent.Enqueued(name, firstId + i, l, options.delayMs()));
        }
        if (batchBuf.length > (1 << 20)) {
            batchBuf = new byte[64 * 1024]; // do not keep a huge batch's buffer
        }
        return firstId;
    }
}
