package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.queue.event.QueueListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-journal implementation of {@link JobQueue}: one append-only NDJSON journal per queue,
 * group commit, a compact in-memory index, compaction, and crash recovery. Open it with
 * {@link #open(QueueConfig)} or {@link #builder(QueueConfig)}.
 *
 * <h2>Parts</h2>
 * This class is the front: it checks arguments, runs every write operation through one
 * sequence ({@code stage}, {@code writeOp}), publishes events, opens and closes. The
 * package-private parts do the rest (the package doc lists them with the lock order):
 * {@code JournalWriter} owns the journal file and its format (the files of
 * {@code QUEUE_DIR/<queue>/}, the line format and the commit rule are documented there, once),
 * the write buffer, group commit, fsync modes and storage failures; {@code Recovery} replays
 * the journal at open and after a storage failure (torn tail, quarantine, cursor);
 * {@code JobStore} holds the jobs and the state machine replay and live operations share;
 * {@code Enqueuer} stages enqueues; {@code Deliveries} does claim, ack, nack, extend,
 * dead-letter, redrive and purge under the lock; {@code JobLines} reads jobs' lines back and
 * checks them; {@code Compaction} rewrites the journal to its live records;
 * {@code AsyncCommitter} is the commit thread of {@link #enqueueAsync}; {@code QueueDirectory}
 * holds the directory's lock.
 *
 * <h2>Commit rule, in short</h2>
 * Every operation, under the state lock, checks the in-memory index, appends its line to the
 * write buffer and applies its change to memory; outside the lock it waits until its line is
 * durable, and only then returns and publishes its event. If a write or fsync fails, every
 * caller whose line is not durable gets a {@link QueueStorageException}, the queue refuses
 * further work, and on the next call it truncates the journal to its last durable byte and
 * rebuilds memory from disk; the failure stays reported
 * ({@link QueueStats#storageFailing()}) until a write succeeds again.
 *
 * <h2>Recovery on open</h2>
 * Take the directory lock (else {@link QueueLockedException}); delete {@code *.tmp}; replay
 * (invalid complete lines go to {@code quarantine.ndjson}, counted; an unterminated last line
 * is cut, counted in {@code tornTailBytes}); compact if lines were quarantined. A line is
 * valid only if its checksum matches, so a corrupt payload is never delivered.
 *
 * <h2>Visibility tracking, cost, threading</h2>
 * No timer runs in the background: every operation first promotes the delayed jobs and
 * claims that are due; the model, its cost and memory are in {@code JobStore}'s doc. Thread
 * safety: all state is guarded by one state lock; the fsync runs outside it (group commit),
 * so producers keep appending while a leader forces the previous batch. The one background
 * thread is the commit thread of {@link #enqueueAsync}, started on first use.
 */
public final class FileJournalQueue implements JobQueue {
    static final String JOURNAL = "journal.ndjson";
    static final String CURSOR = "cursor.txt";
    static final String QUARANTINE = "quarantine.ndjson";
    static final String LOCK = "lock";
    static final String TMP = ".tmp";
    static final Logger LOG = LoggerFactory.getLogger(FileJournalQueue.class);
    private static final long CURSOR_EVERY_BYTES = 4L << 20;

    private final QueueConfig config;
    final String name;
    private final Path dir;
    private final Path journalPath;
    private final LongSupplier clock;
    private final JournalIo io;
    private final CopyOnWriteArrayList<QueueListener> listeners = new CopyOnWriteArrayList<>();

    /** The state lock: guards the store, the writer's buffers and every part's state. */
    final ReentrantLock lock = new ReentrantLock();
    /** Line encoder and the last decoded record, shared by the parts; used under lock only. */
    private final JournalCodec codec = new JournalCodec();
    private final JournalCodec.Rec rec = new JournalCodec.Rec();
    /** Jobs, heaps, counts, dedup keys, id and receipt counters. Guarded by lock. */
    private final JobStore store = new JobStore();
    /** The journal file, group commit and storage failures. */
    final JournalWriter writer;
    /** Claim, ack, nack, extend, dead-letter, redrive, purge: checks, records, transitions. */
    private final Deliveries deliveries;
    /** Stages enqueues: dedup, bounds, the E line, the index. Guarded by lock. */
    private final Enqueuer enqueuer;
    /** Reads and checks jobs' lines back. Guarded by lock. */
    private final JobLines lines;
    /** Rewrites the journal to its live records. */
    private final Compaction compaction;
    /** Replay at open and after a storage failure; the cursor. */
    private final Recovery recovery;
    /** The commit thread of enqueueAsync and its waiters. */
    private final AsyncCommitter async = new AsyncCommitter(this);

    /** The locked queue directory; null until open. */
    private QueueDirectory directory;
    volatile boolean closed;

    private FileJournalQueue(QueueConfig config, LongSupplier clock, JournalIo io,
                             List<QueueListener> initial) {
        this.config = config;
        this.name = config.name();
        this.dir = config.queueDir();
        this.journalPath = dir.resolve(JOURNAL);
        this.clock = clock;
        this.io = io;
        this.listeners.addAll(initial);
        this.writer = new JournalWriter(config, journalPath, io, lock, this::publish);
        this.deliveries = new Deliveries(config, writer, store, codec);
        this.enqueuer = new Enqueuer(config, clock, writer, store, codec);
        this.lines = new JobLines(name, writer, store, codec, rec);
        this.recovery = new Recovery(config, journalPath, io, writer, store, codec, rec);
        this.compaction = new Compaction(config, clock, io, writer, store, lines, recovery, codec,
                rec);
    }

    /** Opens (creating if needed) the queue with the system clock. */
    public static FileJournalQueue open(QueueConfig config) {
        return builder(config).open();
    }

    /** A builder to set the clock and initial listeners (which also see recovery events). */
    public static Builder builder(QueueConfig config) {
        return new Builder(config);
    }

    /** Builds a {@link FileJournalQueue}. */
    public static final class Builder {
        private final QueueConfig config;
        private LongSupplier clock = System::currentTimeMillis;
        private JournalIo io = JournalIo.system();
        private final List<QueueListener> listeners = new ArrayList<>();

        private Builder(QueueConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The clock, in epoch milliseconds (default {@code System::currentTimeMillis}). */
        public Builder clock(LongSupplier millis) {
            this.clock = Objects.requireNonNull(millis, "clock");
            return this;
        }

        /** A listener subscribed before recovery runs. */
        public Builder listener(QueueListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        Builder io(JournalIo journalIo) {
            this.io = Objects.requireNonNull(journalIo, "io");
            return this;
        }

        /**
         * Opens the queue: takes the directory lock and recovers the journal.
         *
         * @throws QueueLockedException when another process has the queue open
         * @throws QueueStorageException when the journal cannot be read or repaired
         */
        public FileJournalQueue open() {
            FileJournalQueue q = new FileJournalQueue(config, clock, io, listeners);
            q.openFiles();
            return q;
        }
    }

    // =============================================================== open and recovery

    private void openFiles() {
        List<QueueEvent> events = new ArrayList<>();
        try {
            directory = QueueDirectory.lock(config);
        } catch (IOException e) {
            throw QueueStorageException.of(name, "opening " + dir, e);
        }
        writer.lockAll();
        try {
            io.deleteIfExists(dir.resolve(JOURNAL + TMP));
            io.deleteIfExists(dir.resolve(CURSOR + TMP));
            load(events);
        } catch (IOException e) {
            closeQuietly();
            throw QueueStorageException.of(name, "recovering " + journalPath, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        } finally {
            writer.unlockAll();
        }
        publish(events);
    }

    /**
     * Rebuilds all in-memory state from the journal ({@link Recovery#replay}), then compacts
     * when replay asks for it. Holds commitLock and lock.
     */
    private void load(List<QueueEvent> events) throws IOException {
        if (!recovery.replay(clock.getAsLong(), events)) {
            return;
        }
        try {
            compaction.run(events);
        } catch (IOException e) {
            if (writer.failure != null) {
                throw e;
            }
            LOG.warn("queue '{}': compaction after recovery failed ({}); the old journal "
                    + "stays and is repaired again at the next open", name, e.toString());
        }
    }

    // =============================================================== storage failure

    /**
     * Before an operation: if a storage failure is pending, truncate the journal to its last
     * durable byte and reload from disk. Throws if the disk is still failing.
     */
    void ensureHealthy() {
        if (closed) {
            throw QueueClosedException.of(name);
        }
        if (writer.failure == null) {
            return;
        }
        List<QueueEvent> events = new ArrayList<>();
        writer.lockAll();
        try {
            if (closed) {
                throw QueueClosedException.of(name);
            }
            if (writer.failure == null) {
                return;
            }
            try {
                writer.cutToDurable();
                load(events);
                writer.failure = null;
                // storageError stays set (and health DEGRADED) until a write succeeds: the
                // cut above works even on a full disk, so it proves nothing.
                LOG.warn("queue '{}': journal reloaded after a storage failure; writes are "
                        + "tried again", name);
            } catch (IOException e) {
                writer.failure = e;
                throw QueueStorageException.of(name, "recovering the journal", e);
            }
        } finally {
            writer.unlockAll();
            writer.drainPendingEvents();
            publish(events);
        }
    }

    // =============================================================== operations

    @Override
    public String name() {
        return name;
    }

    @Override
    public EnqueueResult enqueue(byte[] payload, EnqueueOptions options) {
        boolean verbatim = checkPayload(payload, options);
        ensureHealthy();
        Enqueuer.Staged staged;
        writer.appending.incrementAndGet();
        lock.lock();
        try {
            staged = stageEnqueue(payload, options, verbatim);
        } finally {
            lock.unlock();
            writer.appending.decrementAndGet();
        }
        writer.awaitDurable(staged.ep(), staged.end());
        publish(List.of(staged.event()));
        return staged.result();
    }

    /** Checks an enqueue's arguments; returns whether the payload is stored verbatim. */
    private boolean checkPayload(byte[] payload, EnqueueOptions options) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(options, "options");
        if (payload.length > config.maxJobBytes()) {
            throw JobTooLargeException.of(name, payload.length, config.maxJobBytes());
        }
        return JournalCodec.isEmbeddableJson(payload);
    }

    /** Stages one enqueue ({@link Enqueuer#stage}) once the queue is usable. Holds lock. */
    Enqueuer.Staged stageEnqueue(byte[] payload, EnqueueOptions options, boolean verbatim) {
        checkUsable();
        return enqueuer.stage(payload, options, verbatim);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the N lines are built and checked under the state lock, appended as one block
     * (contiguous on disk, consecutive ids) and made durable by one group commit (in ALWAYS
     * mode: one write and one force). Bounds are checked for the whole batch before anything
     * is appended, so a refused batch leaves no trace. If the commit fails, the queue cuts the
     * journal back to its last durable byte when it recovers: none of the batch survives.
     */
    @Override
    public List<EnqueueResult> enqueueAll(List<byte[]> payloads, EnqueueOptions options) {
        QueueArgs.checkBatch(payloads, options);
        int n = payloads.size();
        if (n == 0) {
            return List.of();
        }
        boolean[] verbatim = new boolean[n];
        for (int i = 0; i < n; i++) {
            verbatim[i] = checkPayload(QueueArgs.payload(payloads, i), options);
        }
        ensureHealthy();
        List<QueueEvent> events = new ArrayList<>(n);
        long firstId;
        String[] uids = new String[n];
        long ep;
        long end;
        writer.appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            firstId = enqueuer.stageBatch(payloads, options, verbatim, uids, events);
            end = writer.appendedLogical;
            ep = writer.epoch;
        } finally {
            lock.unlock();
            writer.appending.decrementAndGet();
        }
        writer.awaitDurable(ep, end);
        publish(events);
        List<EnqueueResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new EnqueueResult(firstId + i, false, uids[i]));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the calling thread only checks the payload (size, JSON) and hands the job to the
     * queue's commit thread ({@code day9-queue-commit-<queue>}, a daemon started on first use)
     * through a lock-free inbox, so many producers never contend for the state lock. The commit
     * thread takes the inbox in bulk and stages each job under one hold of the state lock
     * exactly as {@link #enqueue} would (bounds, dedup, id, E line, index; a refused job's
     * future fails with its exception), then leads the group commit (ALWAYS: one write and one
     * force for the bulk) and completes every future whose line is durable, in journal order,
     * after publishing its event. If a commit fails, the futures whose lines were not durable
     * complete exceptionally with the {@link QueueStorageException}. Close flushes and
     * completes the outstanding futures, or fails them with {@link QueueClosedException}.
     * Jobs of one producer keep their order; ids follow the order of the hand-off.
     */
    @Override
    public CompletableFuture<EnqueueResult> enqueueAsync(byte[] payload,
                                                         EnqueueOptions options) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(options, "options");
        CompletableFuture<EnqueueResult> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(QueueClosedException.of(name));
            return future;
        }
        boolean verbatim;
        try {
            verbatim = checkPayload(payload, options);
        } catch (QueueException e) {
            future.completeExceptionally(e);
            return future;
        }
        async.submit(payload, options, verbatim, future);
        return future;
    }

    private void checkUsable() {
        if (closed) {
            throw QueueClosedException.of(name);
        }
        IOException f = writer.failure;
        if (f != null) {
            throw QueueStorageException.of(name, "journal", f);
        }
    }

    @Override
    public List<ClaimedJob> claim(int max) {
        return claim(max, config.visibilityMs());
    }

    @Override
    public List<ClaimedJob> claim(int max, long visibilityMs) {
        return claim(max, visibilityMs, null);
    }

    @Override
    public List<ClaimedJob> claim(int max, long visibilityMs, String consumer) {
        QueueArgs.checkClaim(max, visibilityMs);
        String by = InFlightJob.consumerName(consumer);
        List<QueueEvent> events = new ArrayList<>();
        Deliveries.Claims c = stage(events, true,
                (now, ev) -> deliveries.take(max, now, visibilityMs, by, ev));
        long[] ids = c.ids();
        long[] seqs = c.seqs();
        int n = c.n();
        List<ClaimedJob> out = new ArrayList<>(n);
        List<Integer> corrupt = null;
        lock.lock();
        try {
            int[] slots = new int[n];
            for (int i = 0; i < n; i++) {
                int slot = store.index.find(ids[i]);
                // settled or re-claimed meanwhile (visibility shorter than I/O): skip
                slots[i] = slot < 0 || store.index.state(slot) != JobState.IN_FLIGHT
                        || store.index.aux[slot] != seqs[i] ? -1 : slot;
            }
            ClaimedJob[] jobs = lines.readClaims(slots, seqs, n);
            for (int i = 0; i < n; i++) {
                if (slots[i] < 0) {
                    continue;
                }
                ClaimedJob job = jobs[i];
                if (job == null) {
                    if (corrupt == null) {
                        corrupt = new ArrayList<>();
                    }
                    corrupt.add(i);
                    continue;
                }
                out.add(job);
                events.add(new QueueEvent.Claimed(name, ids[i], job.attempt()));
                if (job.attempt() > 1) {
                    events.add(new QueueEvent.Redelivered(name, ids[i], job.attempt()));
                }
            }
        } finally {
            lock.unlock();
        }
        if (corrupt != null) {
            deadLetterCorrupt(ids, seqs, corrupt, events);
        }
        publish(events);
        return out;
    }

    private void deadLetterCorrupt(long[] ids, long[] seqs, List<Integer> which,
                                   List<QueueEvent> events) {
        long ep;
        long end;
        lock.lock();
        try {
            checkUsable();
            deliveries.deadLetterCorrupt(ids, seqs, which, clock.getAsLong(), events);
            end = writer.appendedLogical;
            ep = writer.epoch;
        } finally {
            lock.unlock();
        }
        writer.awaitDurable(ep, end);
    }

    @Override
    public void ack(long id, String receipt) {
        long seq = QueueArgs.parseReceipt(receipt);
        writeOp((now, events) -> {
            deliveries.ack(id, receipt, seq, events);
            return null;
        });
        maintenance();
    }

    /** One write operation's part under the state lock (see {@link #stage}). */
    @FunctionalInterface
    private interface Op<T> {
        /** Checks, appends the line(s), applies the change in memory; adds its events. */
        T apply(long now, List<QueueEvent> events);
    }

    /**
     * The one sequence of a write operation (the commit rule): recover from a past storage
     * failure if needed; under the state lock check that the queue is usable, promote due
     * timers, then let {@code op} check, append and apply ({@code multiLine}: its lines wait
     * in the write buffer so ALWAYS mode writes and forces them once); release the lock; wait
     * until the appended lines are durable (group commit). The caller then publishes
     * {@code events} and returns; a failed commit throws {@link QueueStorageException} and
     * nothing is published. {@link #enqueue}, {@link #enqueueAll} and {@link #ackAll} spell
     * the same steps out (enqueues without the promote, which cannot change what they check)
     * so their hot paths allocate no lambda per call.
     */
    private <T> T stage(List<QueueEvent> events, boolean multiLine, Op<T> op) {
        ensureHealthy();
        T result;
        long ep;
        long end;
        writer.appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            long now = clock.getAsLong();
            store.promote(now);
            writer.deferForce = multiLine;
            result = op.apply(now, events);
            if (multiLine) {
                writer.commitDeferred();
            }
            end = writer.appendedLogical;
            ep = writer.epoch;
        } finally {
            writer.deferForce = false;
            lock.unlock();
            writer.appending.decrementAndGet();
        }
        writer.awaitDurable(ep, end);
        return result;
    }

    /** A single-job write operation: {@link #stage}, then publish its events. */
    private <T> T writeOp(Op<T> op) {
        List<QueueEvent> events = new ArrayList<>(2);
        T result = stage(events, false, op);
        publish(events);
        return result;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: every receipt is parsed first (a malformed one throws and nothing is applied);
     * then, under the state lock, each item is judged against the index as {@link #ack}
     * would, its A line appended when it owns the job; one group commit (in ALWAYS mode one
     * force) makes them durable before the results are returned.
     */
    @Override
    public List<AckResult> ackAll(List<Ack> acks) {
        Objects.requireNonNull(acks, "acks");
        int n = acks.size();
        if (n == 0) {
            return List.of();
        }
        long[] seqs = QueueArgs.parseReceipts(acks);
        ensureHealthy();
        AckResult[] out = new AckResult[n];
        List<QueueEvent> events = new ArrayList<>(n);
        long ep;
        long end;
        writer.appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            store.promote(clock.getAsLong());
            writer.deferForce = true;
            for (int i = 0; i < n; i++) {
                Ack a = acks.get(i);
                out[i] = deliveries.ackItem(a.id(), a.receipt(), seqs[i], events);
            }
            writer.commitDeferred();
            end = writer.appendedLogical;
            ep = writer.epoch;
        } finally {
            writer.deferForce = false;
            lock.unlock();
            writer.appending.decrementAndGet();
        }
        writer.awaitDurable(ep, end);
        publish(events);
        if (!events.isEmpty()) {
            maintenance();
        }
        return Arrays.asList(out);
    }

    @Override
    public JobState nack(long id, String receipt, Long delayMs) {
        long seq = QueueArgs.parseReceipt(receipt);
        QueueArgs.checkNackDelay(delayMs);
        return writeOp((now, events) -> deliveries.nack(id, receipt, seq, delayMs, now, events));
    }

    @Override
    public void deadLetter(long id, String receipt, String reason) {
        long seq = QueueArgs.parseReceipt(receipt);
        String why = QueueArgs.consumerReason(reason);
        writeOp((now, events) -> deliveries.deadLetter(deliveries.owned(id, receipt, seq), now,
                why, events));
    }

    @Override
    public long extend(long id, String receipt, long visibilityMs) {
        long seq = QueueArgs.parseReceipt(receipt);
        QueueArgs.checkVisibility(visibilityMs);
        return writeOp((now, events) -> deliveries.extend(id, receipt, seq, visibilityMs, now));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: every receipt is parsed first; then, under the state lock, each item is judged
     * against the index as {@link #extend} would and its X line appended when it owns the job;
     * one group commit (in ALWAYS mode one force) makes them durable before the deadlines are
     * returned.
     */
    @Override
    public long[] extendAll(List<Ack> claims, long visibilityMs) {
        Objects.requireNonNull(claims, "claims");
        QueueArgs.checkVisibility(visibilityMs);
        if (claims.isEmpty()) {
            return new long[0];
        }
        long[] seqs = QueueArgs.parseReceipts(claims);
        return stage(new ArrayList<>(0), true, (now, ev) -> {
            long[] out = new long[seqs.length];
            for (int i = 0; i < seqs.length; i++) {
                Ack a = claims.get(i);
                try {
                    out[i] = deliveries.extend(a.id(), a.receipt(), seqs[i], visibilityMs, now);
                } catch (StaleReceiptException | UnknownJobException e) {
                    out[i] = -1;
                }
            }
            return out;
        });
    }

    @Override
    public QueueStats stats() {
        if (writer.failure != null) {
            try {
                ensureHealthy(); // stats should show the journal's truth after a failure
            } catch (QueueStorageException e) {
                // still failing: report memory as it stands
            }
        }
        return readPromoted(now -> {
            long[] c = store.counts;
            return new QueueStats(name, store.pendingCount(), c[JobState.READY.ordinal()],
                    c[JobState.DELAYED.ordinal()], c[JobState.IN_FLIGHT.ordinal()],
                    c[JobState.DEAD.ordinal()], store.storedBytes, writer.size(),
                    lines.oldestReadyAge(now), recovery.quarantined, recovery.tornTailBytes,
                    writer.storageError != null, writer.storageError);
        });
    }

    /**
     * A read of the state as of now: delayed jobs that are due promoted first (unless the
     * journal is failing: then memory is reported as it stands), under the state lock.
     */
    private <T> T readPromoted(java.util.function.LongFunction<T> read) {
        if (closed) {
            throw QueueClosedException.of(name);
        }
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (writer.failure == null) {
                store.promote(now);
            }
            return read.apply(now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: one pass over the index under the state lock; the claim time comes from the
     * {@code C} line ({@code ts}), the consumer from memory only.
     */
    @Override
    public List<InFlightJob> inFlight(long minAgeMs, int limit) {
        QueueArgs.checkInFlight(minAgeMs, limit);
        return readPromoted(now -> deliveries.inFlight(now, minAgeMs, limit));
    }

    @Override
    public List<DeadLetter> deadLetters(long afterId, int limit) {
        QueueArgs.checkLimit(limit);
        if (closed) {
            throw QueueClosedException.of(name);
        }
        lock.lock();
        try {
            return lines.deadLetters(afterId, limit);
        } finally {
            lock.unlock();
        }
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
        int done = stage(events, false, (now, ev) -> deliveries.settleDead(ids, purge, now, ev));
        publish(events);
        if (purge) {
            maintenance();
        }
        return done;
    }

    // =============================================================== compaction

    /** After removals: compact the journal or move the cursor when worthwhile. */
    private void maintenance() {
        long size;
        long stored;
        long headMoved;
        lock.lock();
        try {
            if (store.index.wantsCompaction()) {
                store.index.compactInPlace();
            }
            size = writer.size();
            stored = store.storedBytes;
            long head = store.index.live() == 0 ? writer.appendedLogical
                    : store.index.offsets[store.index.head()];
            long cursorHead = recovery.cursorHeadOffset;
            headMoved = cursorHead < 0 ? Long.MAX_VALUE : head - cursorHead;
        } finally {
            lock.unlock();
        }
        boolean wantCompact = size > config.compactMinBytes() && size > 2 * stored;
        if (wantCompact) {
            try {
                compact();
            } catch (QueueStorageException e) {
                LOG.warn("queue '{}': compaction failed: {}", name, e.getMessage());
            }
        } else if (headMoved >= CURSOR_EVERY_BYTES) {
            checkpoint();
        }
    }

    /** Flushes and writes cursor.txt so the next open replays from the oldest live job. */
    void checkpoint() {
        writer.lockAll();
        try {
            if (closed || writer.failure != null) {
                return;
            }
            writer.flushLocked();
            recovery.writeCursor();
        } catch (IOException e) {
            LOG.warn("queue '{}': checkpoint failed: {}", name, e.toString());
        } finally {
            writer.unlockAll();
            writer.drainPendingEvents();
        }
    }

    /**
     * Rewrites the journal to its live records now (normally automatic once the journal is
     * larger than {@code compactMinBytes} and twice its live bytes). Blocks other operations
     * while it runs.
     *
     * @throws QueueStorageException if it fails; the queue then goes on with the old journal
     *     (or, if the failure came after the atomic rename, reloads from disk)
     */
    public void compact() {
        ensureHealthy();
        List<QueueEvent> events = new ArrayList<>();
        writer.lockAll();
        try {
            checkUsable();
            writer.flushLocked();
            compaction.run(events);
        } catch (IOException e) {
            throw QueueStorageException.of(name, "compaction", e);
        } finally {
            writer.unlockAll();
            writer.drainPendingEvents();
        }
        publish(events);
    }

    // =============================================================== events, close

    @Override
    public AutoCloseable subscribe(QueueListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    void publish(List<QueueEvent> events) {
        for (QueueEvent e : events) {
            for (QueueListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.warn("queue '{}': listener failed on {}: {}", name, e, ex.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        writer.lockAll();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (writer.failure == null && writer.isOpen()) {
                try {
                    writer.flushLocked();
                    writer.force();
                    recovery.writeCursor();
                } catch (IOException e) {
                    LOG.error("queue '{}': flush at close failed: {}", name, e.toString());
                }
            }
            closeQuietly();
        } finally {
            writer.unlockAll();
        }
        async.closed(QueueClosedException.of(name));
    }

    /** Test hook: drop file handles and the lock as a killed process would, writing nothing. */
    void simulateCrash() {
        lock.lock();
        try {
            closed = true;
            closeQuietly();
        } finally {
            lock.unlock();
        }
        // a real crash takes the callers with it; here they hear "closed" (outcome unknown)
        async.closed(QueueClosedException.of(name));
    }

    private void closeQuietly() {
        try {
            writer.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (directory != null) {
            directory.release();
        }
    }

    /** The configuration this queue was opened with. */
    public QueueConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "FileJournalQueue[" + journalPath + "]";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
