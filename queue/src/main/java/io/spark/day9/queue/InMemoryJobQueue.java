package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.queue.event.QueueListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The in-memory {@link JobQueue}: the reference implementation of the contract and a fast test
 * double. It keeps every guarantee of {@link JobQueue} except durability across the process:
 * "durable" here means stored in this object's {@link Store}, which lives as long as the
 * {@link QueueBackends#memory memory factory} that made it (so a close and reopen keeps the
 * jobs). Open one with {@link QueueBackends#memory(LongSupplier)}.
 *
 * <p>Model and cost: jobs in a map by id; ready ids in a sorted set (FIFO by id); delayed jobs
 * and claims in a min-heap by time, promoted lazily at the start of every call (stale heap
 * entries are skipped when popped). Stored bytes are counted as the file journal would
 * store the job, roughly: the payload (its base64 size unless it is embeddable JSON) plus
 * {@link #RECORD_OVERHEAD}. Thread safety: one
 * lock per store guards all state; events are published after it is released.
 */
public final class InMemoryJobQueue implements JobQueue {
    /** Bytes counted per job besides its payload (toward {@code maxBytes}). */
    public static final int RECORD_OVERHEAD = 100;

    /** One queue's state; outlives the handles opened on it. */
    static final class Store {
        final ReentrantLock lock = new ReentrantLock();
        final TreeMap<Long, Job> jobs = new TreeMap<>();
        final TreeSet<Long> ready = new TreeSet<>();
        final PriorityQueue<long[]> timers = new PriorityQueue<>(
                (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        final Map<String, long[]> dedup = new HashMap<>();
        final long[] counts = new long[JobState.values().length];
        long nextId = 1;
        long nextSeq = 1;
        long storedBytes;
        boolean open;
    }

    private static final class Job {
        final long id;
        final byte[] payload;
        final String key;
        final Map<String, String> attributes;
        final long enqueuedAt;
        final int bytes;
        JobState state;
        int attempt;
        long time;
        long seq;
        String reason;
        long claimedAt;
        String consumer;

        Job(long id, byte[] payload, String key, Map<String, String> attributes,
            long enqueuedAt) {
            this.id = id;
            this.payload = payload;
            this.key = key;
            this.attributes = attributes;
            this.enqueuedAt = enqueuedAt;
            this.bytes = sizeOf(payload);
        }

        int bytes() {
            return bytes;
        }
    }

    private static int sizeOf(byte[] payload) {
        int body = JournalCodec.isEmbeddableJson(payload) ? payload.length
                : (payload.length + 2) / 3 * 4 + 2;
        return body + RECORD_OVERHEAD;
    }

    private final String name;
    private final QueuePolicy policy;
    private final LongSupplier clock;
    private final Store st;
    private final CopyOnWriteArrayList<QueueListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private InMemoryJobQueue(String name, QueuePolicy policy, LongSupplier clock, Store store,
                             List<QueueListener> initial) {
        this.name = name;
        this.policy = policy;
        this.clock = clock;
        this.st = store;
        this.listeners.addAll(initial);
    }

    static InMemoryJobQueue open(String name, QueuePolicy policy, LongSupplier clock,
                                 Store store, List<QueueListener> listeners) {
        Objects.requireNonNull(policy, "policy");
        store.lock.lock();
        try {
            if (store.open) {
                throw QueueLockedException.of(name, java.nio.file.Path.of("memory:" + name));
            }
            store.open = true;
        } finally {
            store.lock.unlock();
        }
        return new InMemoryJobQueue(name, policy, clock, store, listeners);
    }

    @Override
    public String name() {
        return name;
    }

    // ------------------------------------------------------------------ helpers (under lock)

    private void checkOpen() {
        if (closed) {
            throw QueueClosedException.of(name);
        }
    }

    private long pending() {
        return st.counts[JobState.READY.ordinal()] + st.counts[JobState.DELAYED.ordinal()]
                + st.counts[JobState.IN_FLIGHT.ordinal()];
    }

    private void move(Job j, JobState to) {
        if (!j.state.canMoveTo(to)) {
            throw new IllegalStateException("job " + j.id + ": illegal move " + j.state + " -> "
                    + to);
        }
        st.counts[j.state.ordinal()]--;
        if (j.state == JobState.READY) {
            st.ready.remove(j.id);
        }
        j.state = to;
        if (to == JobState.ACKED) {
            st.jobs.remove(j.id);
            st.storedBytes -= j.bytes();
            return;
        }
        st.counts[to.ordinal()]++;
        if (to == JobState.READY) {
            st.ready.add(j.id);
        } else if (to == JobState.DELAYED || to == JobState.IN_FLIGHT) {
            st.timers.add(new long[] {j.time, j.id});
        }
    }

    private void promote(long now) {
        while (!st.timers.isEmpty() && st.timers.peek()[0] <= now) {
            long[] t = st.timers.poll();
            Job j = st.jobs.get(t[1]);
            if (j == null || j.time != t[0]) {
                continue;
            }
            if (j.state == JobState.DELAYED || j.state == JobState.IN_FLIGHT) {
                j.seq = 0;
                move(j, JobState.READY);
            }
        }
    }

    private Job owned(long id, String receipt, long seq) {
        Job j = st.jobs.get(id);
        if (j == null) {
            if (id <= 0 || id >= st.nextId) {
                throw UnknownJobException.of(name, id);
            }
            throw StaleReceiptException.settled(name, id, receipt);
        }
        if (j.state != JobState.IN_FLIGHT || j.seq != seq) {
            throw StaleReceiptException.of(name, id, receipt, j.state, j.attempt);
        }
        return j;
    }

    private void checkPayload(byte[] payload, EnqueueOptions options) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(options, "options");
        if (payload.length > policy.maxJobBytes()) {
            throw JobTooLargeException.of(name, payload.length, policy.maxJobBytes());
        }
    }

    private void deadLetter(Job j, long now, String reason, List<QueueEvent> events) {
        String why = QueueArgs.clipReason(reason);
        j.reason = why;
        j.seq = 0;
        j.time = now;
        move(j, JobState.DEAD);
        events.add(new QueueEvent.DeadLettered(name, j.id, j.attempt, why));
    }

    private void publish(List<QueueEvent> events) {
        for (QueueEvent e : events) {
            for (QueueListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ignored) {
                    // a listener's failure is its own
                }
            }
        }
    }

    // ------------------------------------------------------------------ operations

    @Override
    public EnqueueResult enqueue(byte[] payload, EnqueueOptions options) {
        checkPayload(payload, options);
        List<QueueEvent> events = new ArrayList<>(1);
        EnqueueResult r;
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            String dk = options.dedupKey();
            if (dk != null) {
                long[] d = st.dedup.get(dk);
                Job orig = d == null || d[1] <= now ? null : st.jobs.get(d[0]);
                if (orig != null && orig.state.isPending()) {
                    events.add(new QueueEvent.DedupHit(name, orig.id, dk));
                    r = new EnqueueResult(orig.id, true, orig.key);
                    return r;
                }
            }
            if (pending() >= policy.maxPending()) {
                throw QueueFullException.pending(name, pending(), policy.maxPending());
            }
            int bytes = sizeOf(payload);
            if (st.storedBytes + bytes > policy.maxBytes()) {
                throw QueueFullException.bytes(name, st.storedBytes, bytes, policy.maxBytes());
            }
            Job j = store(payload, options, now);
            if (dk != null) {
                st.dedup.put(dk, new long[] {j.id, now + policy.dedupWindowMs()});
            }
            events.add(new QueueEvent.Enqueued(name, j.id, j.bytes(), options.delayMs()));
            r = new EnqueueResult(j.id, false, j.key);
        } finally {
            st.lock.unlock();
            publish(events);
        }
        return r;
    }

    private Job store(byte[] payload, EnqueueOptions options, long now) {
        Job j = new Job(st.nextId++, payload.clone(), JobKeys.next(), options.attributes(), now);
        j.time = now + options.delayMs();
        j.state = options.delayMs() > 0 ? JobState.DELAYED : JobState.READY;
        st.jobs.put(j.id, j);
        st.counts[j.state.ordinal()]++;
        st.storedBytes += j.bytes();
        if (j.state == JobState.READY) {
            st.ready.add(j.id);
        } else {
            st.timers.add(new long[] {j.time, j.id});
        }
        if (st.dedup.size() > 4096) {
            st.dedup.values().removeIf(d -> d[1] <= now);
        }
        return j;
    }

    @Override
    public List<EnqueueResult> enqueueAll(List<byte[]> payloads, EnqueueOptions options) {
        QueueArgs.checkBatch(payloads, options);
        long bytes = 0;
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = QueueArgs.payload(payloads, i);
            checkPayload(p, options);
            bytes += sizeOf(p);
        }
        List<EnqueueResult> out = new ArrayList<>(payloads.size());
        List<QueueEvent> events = new ArrayList<>(payloads.size());
        st.lock.lock();
        try {
            checkOpen();
            if (payloads.isEmpty()) {
                return List.of();
            }
            long now = clock.getAsLong();
            promote(now);
            if (pending() + payloads.size() > policy.maxPending()) {
                throw QueueFullException.pendingBatch(name, pending(), payloads.size(),
                        policy.maxPending());
            }
            if (st.storedBytes + bytes > policy.maxBytes()) {
                throw QueueFullException.bytes(name, st.storedBytes, bytes, policy.maxBytes());
            }
            for (byte[] p : payloads) {
                Job j = store(p, options, now);
                events.add(new QueueEvent.Enqueued(name, j.id, j.bytes(), options.delayMs()));
                out.add(new EnqueueResult(j.id, false, j.key));
            }
        } finally {
            st.lock.unlock();
            publish(events);
        }
        return out;
    }

    @Override
    public List<ClaimedJob> claim(int max) {
        return claim(max, policy.visibilityMs());
    }

    @Override
    public List<ClaimedJob> claim(int max, long visibilityMs) {
        return claim(max, visibilityMs, null);
    }

    @Override
    public List<ClaimedJob> claim(int max, long visibilityMs, String consumer) {
        QueueArgs.checkClaim(max, visibilityMs);
        String by = InFlightJob.consumerName(consumer);
        List<ClaimedJob> out = new ArrayList<>();
        List<QueueEvent> events = new ArrayList<>();
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            while (out.size() < max && !st.ready.isEmpty()) {
                Job j = st.jobs.get(st.ready.first());
                if (j.attempt >= policy.maxDeliveries()) {
                    deadLetter(j, now, "max deliveries (" + policy.maxDeliveries()
                            + ") exhausted", events);
                    continue;
                }
                j.attempt++;
                j.seq = st.nextSeq++;
                j.time = now + visibilityMs;
                j.claimedAt = now;
                j.consumer = by;
                move(j, JobState.IN_FLIGHT);
                out.add(new ClaimedJob(j.id, Long.toString(j.seq), j.attempt, j.enqueuedAt,
                        j.time, j.payload.clone(), j.key, j.attributes));
                events.add(new QueueEvent.Claimed(name, j.id, j.attempt));
                if (j.attempt > 1) {
                    events.add(new QueueEvent.Redelivered(name, j.id, j.attempt));
                }
            }
        } finally {
            st.lock.unlock();
            publish(events);
        }
        return out;
    }

    @Override
    public void ack(long id, String receipt) {
        long seq = QueueArgs.parseReceipt(receipt);
        List<QueueEvent> events = new ArrayList<>(1);
        st.lock.lock();
        try {
            checkOpen();
            promote(clock.getAsLong());
            Job j = owned(id, receipt, seq);
            move(j, JobState.ACKED);
            events.add(new QueueEvent.Acked(name, id, j.attempt));
        } finally {
            st.lock.unlock();
            publish(events);
        }
    }

    @Override
    public List<AckResult> ackAll(List<Ack> acks) {
        Objects.requireNonNull(acks, "acks");
        long[] seqs = QueueArgs.parseReceipts(acks);
        List<AckResult> out = new ArrayList<>(seqs.length);
        List<QueueEvent> events = new ArrayList<>();
        st.lock.lock();
        try {
            checkOpen();
            promote(clock.getAsLong());
            for (int i = 0; i < seqs.length; i++) {
                Ack a = acks.get(i);
                try {
                    Job j = owned(a.id(), a.receipt(), seqs[i]);
                    move(j, JobState.ACKED);
                    events.add(new QueueEvent.Acked(name, a.id(), j.attempt));
                    out.add(AckResult.acked(a.id()));
                } catch (StaleReceiptException e) {
                    out.add(new AckResult(a.id(), AckResult.Status.STALE_RECEIPT,
                            e.getMessage()));
                } catch (UnknownJobException e) {
                    out.add(new AckResult(a.id(), AckResult.Status.UNKNOWN_JOB, e.getMessage()));
                }
            }
        } finally {
            st.lock.unlock();
            publish(events);
        }
        return out;
    }

    @Override
    public JobState nack(long id, String receipt, Long delayMs) {
        long seq = QueueArgs.parseReceipt(receipt);
        QueueArgs.checkNackDelay(delayMs);
        List<QueueEvent> events = new ArrayList<>(1);
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            Job j = owned(id, receipt, seq);
            if (j.attempt >= policy.maxDeliveries()) {
                deadLetter(j, now, "nacked on the last allowed delivery (" + j.attempt + " of "
                        + policy.maxDeliveries() + ")", events);
                return JobState.DEAD;
            }
            long delay = delayMs != null ? delayMs : policy.backoffMs(j.attempt);
            j.seq = 0;
            j.time = now + delay;
            JobState to = delay > 0 ? JobState.DELAYED : JobState.READY;
            move(j, to);
            events.add(new QueueEvent.Nacked(name, id, j.attempt, delay));
            return to;
        } finally {
            st.lock.unlock();
            publish(events);
        }
    }

    @Override
    public void deadLetter(long id, String receipt, String reason) {
        long seq = QueueArgs.parseReceipt(receipt);
        String why = QueueArgs.consumerReason(reason);
        List<QueueEvent> events = new ArrayList<>(1);
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            deadLetter(owned(id, receipt, seq), now, why, events);
        } finally {
            st.lock.unlock();
            publish(events);
        }
    }

    @Override
    public long extend(long id, String receipt, long visibilityMs) {
        long seq = QueueArgs.parseReceipt(receipt);
        QueueArgs.checkVisibility(visibilityMs);
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            Job j = owned(id, receipt, seq);
            j.time = now + visibilityMs;
            st.timers.add(new long[] {j.time, j.id});
            return j.time;
        } finally {
            st.lock.unlock();
        }
    }

    @Override
    public long[] extendAll(List<Ack> claims, long visibilityMs) {
        Objects.requireNonNull(claims, "claims");
        QueueArgs.checkVisibility(visibilityMs);
        long[] seqs = QueueArgs.parseReceipts(claims);
        long[] out = new long[seqs.length];
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            for (int i = 0; i < seqs.length; i++) {
                Ack a = claims.get(i);
                try {
                    Job j = owned(a.id(), a.receipt(), seqs[i]);
                    j.time = now + visibilityMs;
                    st.timers.add(new long[] {j.time, j.id});
                    out[i] = j.time;
                } catch (StaleReceiptException | UnknownJobException e) {
                    out[i] = -1;
                }
            }
            return out;
        } finally {
            st.lock.unlock();
        }
    }

    @Override
    public List<InFlightJob> inFlight(long minAgeMs, int limit) {
        QueueArgs.checkInFlight(minAgeMs, limit);
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            List<InFlightJob> out = new ArrayList<>();
            for (Job j : st.jobs.values()) {
                if (out.size() >= limit) {
                    break;
                }
                long age = Math.max(0, now - j.claimedAt);
                if (j.state == JobState.IN_FLIGHT && age >= minAgeMs) {
                    out.add(new InFlightJob(j.id, j.attempt, j.claimedAt, age, j.time,
                            j.consumer));
                }
            }
            return out;
        } finally {
            st.lock.unlock();
        }
    }

    @Override
    public QueueStats stats() {
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            long age = st.ready.isEmpty() ? 0
                    : Math.max(0, now - st.jobs.get(st.ready.first()).enqueuedAt);
            long[] c = st.counts;
            return new QueueStats(name, pending(), c[JobState.READY.ordinal()],
                    c[JobState.DELAYED.ordinal()], c[JobState.IN_FLIGHT.ordinal()],
                    c[JobState.DEAD.ordinal()], st.storedBytes, st.storedBytes, age, 0);
        } finally {
            st.lock.unlock();
        }
    }

    @Override
    public List<DeadLetter> deadLetters(long afterId, int limit) {
        QueueArgs.checkLimit(limit);
        List<DeadLetter> out = new ArrayList<>();
        st.lock.lock();
        try {
            checkOpen();
            for (Job j : st.jobs.tailMap(afterId, false).values()) {
                if (out.size() >= limit) {
                    break;
                }
                if (j.state == JobState.DEAD) {
                    out.add(new DeadLetter(j.id, j.attempt, j.enqueuedAt, j.time, j.reason,
                            j.payload.clone()));
                }
            }
        } finally {
            st.lock.unlock();
        }
        return out;
    }

    @Override
    public int redrive(List<Long> ids) {
        return settleDead(ids, false);
    }

    @Override
    public int redriveAll() {
        return settleDead(null, false);
    }

    @Override
    public int purge(List<Long> ids) {
        return settleDead(ids, true);
    }

    @Override
    public int purgeAll() {
        return settleDead(null, true);
    }

    private int settleDead(List<Long> ids, boolean purge) {
        List<QueueEvent> events = new ArrayList<>();
        st.lock.lock();
        try {
            checkOpen();
            long now = clock.getAsLong();
            promote(now);
            List<Job> targets = new ArrayList<>();
            if (ids == null) {
                for (Job j : st.jobs.values()) {
                    if (j.state == JobState.DEAD) {
                        targets.add(j);
                    }
                }
            } else {
                for (long id : ids) {
                    Job j = st.jobs.get(id);
                    if (j == null) {
                        throw UnknownJobException.of(name, id);
                    }
                    if (j.state != JobState.DEAD) {
                        throw UnknownJobException.notDead(name, id, j.state);
                    }
                    if (!targets.contains(j)) {
                        targets.add(j);
                    }
                }
            }
            for (Job j : targets) {
                if (purge) {
                    move(j, JobState.ACKED);
                    events.add(new QueueEvent.Purged(name, j.id));
                } else {
                    j.attempt = 0;
                    j.reason = null;
                    j.time = now;
                    move(j, JobState.READY);
                    events.add(new QueueEvent.Redriven(name, j.id));
                }
            }
            return targets.size();
        } finally {
            st.lock.unlock();
            publish(events);
        }
    }

    @Override
    public AutoCloseable subscribe(QueueListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        st.lock.lock();
        try {
            if (!closed) {
                closed = true;
                st.open = false;
            }
        } finally {
            st.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryJobQueue[" + name + "]";
    }
}
