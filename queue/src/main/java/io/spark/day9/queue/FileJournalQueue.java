package io.spark.day9.queue;

import io.spark.day9.queue.JournalIo.JournalFile;
import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.queue.event.QueueListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-journal implementation of {@link JobQueue}: one append-only NDJSON journal per queue,
 * group commit, a compact in-memory index, compaction, and crash recovery. Open it with
 * {@link #open(QueueConfig)} or {@link #builder(QueueConfig)}.
 *
 * <h2>Files in {@code QUEUE_DIR/<queue>/} (directory 0700, files 0600)</h2>
 * <table>
 *   <caption>Files</caption>
 *   <tr><th>file</th><th>content</th></tr>
 *   <tr><td>{@code journal.ndjson}</td><td>the journal: one record per line (below); the only
 *       file that holds jobs</td></tr>
 *   <tr><td>{@code cursor.txt}</td><td>replay checkpoint: one {@code K} line naming the journal
 *       generation, the byte offset of the oldest live job's {@code E} line and the id and
 *       receipt counters. Replay starts there when it matches the journal; deleting it is
 *       always safe and means a full replay</td></tr>
 *   <tr><td>{@code quarantine.ndjson}</td><td>corrupt lines moved out of the journal at
 *       recovery, verbatim, one per line</td></tr>
 *   <tr><td>{@code lock}</td><td>empty; held with an OS file lock while the queue is
 *       open</td></tr>
 *   <tr><td>{@code *.tmp}</td><td>a compaction or cursor being written; deleted at
 *       open</td></tr>
 * </table>
 *
 * <h2>Journal line format</h2>
 * Every line is a flat JSON object, written in this member order, ending with
 * {@code "c"}: the CRC32C of all bytes of the line before {@code ,"c":}, as 8 lowercase hex
 * digits. Numbers are decimal; times are epoch milliseconds; ids start at 1.
 * <table>
 *   <caption>Records</caption>
 *   <tr><th>t</th><th>members</th><th>meaning</th></tr>
 *   <tr><td>H</td><td>v, gen, nid, nseq</td><td>header, first line of every journal file:
 *       format version 1, generation (+1 per compaction), next job id, next receipt</td></tr>
 *   <tr><td>E</td><td>id, ts, at, n, [k], [u], [a], p | b</td><td>enqueue: job id,
 *       enqueued-at, visible-at, deliveries so far, optional dedup key, the job key (22
 *       base64url characters, 128 random bits, never reused; absent in records written before
 *       keys), the attributes as a flat object of strings (absent when none), then the
 *       payload: {@code p} holds it verbatim when it is one JSON value in valid UTF-8 with no
 *       CR/LF, else {@code b} holds it in base64. The payload is always the last member before
 *       {@code c}</td></tr>
 *   <tr><td>C</td><td>id, r, n, dl</td><td>claim: receipt, delivery count after this claim,
 *       visibility deadline</td></tr>
 *   <tr><td>X</td><td>id, r, dl</td><td>extend: new deadline for receipt r</td></tr>
 *   <tr><td>N</td><td>id, r, at</td><td>nack: the job is visible again at {@code at}</td></tr>
 *   <tr><td>A</td><td>id, r</td><td>ack: the job is done and removed</td></tr>
 *   <tr><td>D</td><td>id, ts, n, why</td><td>dead-lettered at ts after n deliveries</td></tr>
 *   <tr><td>R</td><td>id, at</td><td>redrive: dead letter ready again, delivery count 0</td></tr>
 *   <tr><td>P</td><td>id</td><td>purge: dead letter removed</td></tr>
 * </table>
 * Example: {@code {"t":"E","id":7,"ts":1700000000000,"at":1700000000000,"n":0,
 * "p":{"job":"test-job-1","data":"test-data"},"c":"5f1e0a9b"}}
 *
 * <h2>Commit rule</h2>
 * Every operation, under the state lock, checks the in-memory index, appends its line to the
 * write buffer and applies its change to memory; outside the lock it waits until its line is
 * durable, and only then returns and publishes its event. The journal is the truth: memory is
 * only ever ahead of the journal for callers that have not returned yet. If a write or fsync
 * fails, every caller whose line is not durable gets a {@link QueueStorageException}, the
 * queue refuses further work, and on the next call it truncates the journal to its last
 * durable byte and rebuilds memory from disk (resuming when the disk has recovered). The
 * failure stays reported ({@link QueueStats#storageFailing()}) until a write succeeds again:
 * the cut alone proves nothing, as it works on a full disk.
 * Batch calls follow the same rule for all their lines at once: {@link #enqueueAll} checks
 * the bounds of the whole batch before appending anything, appends one contiguous block and
 * waits for one commit; {@link #ackAll} appends one line per owning item and waits for one
 * commit; {@link #enqueueAsync} appends on the caller's thread and completes its future from
 * the commit thread once the line is durable. In ALWAYS mode a multi-line call writes its
 * lines with one write and one force.
 *
 * <h2>Recovery on open</h2>
 * Take the directory lock (else {@link QueueLockedException}); delete {@code *.tmp}; replay
 * from the cursor (or from the start) through {@link JobStore}, so {@link JobState#canMoveTo}
 * governs replay too; move every invalid complete line, wherever it is, to
 * {@code quarantine.ndjson} (each counted in {@code quarantinedLines}, logged, published as
 * {@link QueueEvent.LineQuarantined}); cut an unterminated last line (a torn write, never
 * acknowledged: counted in {@code tornTailBytes}, not quarantined); compact so quarantined
 * lines leave the journal. A line is valid only if its
 * checksum matches, so a corrupt payload is never delivered; payloads are checked again when
 * read for a claim.
 *
 * <h2>Visibility tracking: model, cost, threading</h2>
 * Ready jobs sit in a min-heap of ids (oldest first); delayed jobs and claims sit in a
 * min-heap of (time, id) pairs keyed by visible-at or deadline. No timer runs in the
 * background: every operation first promotes the timer entries that are due ({@code O(k log n)}
 * for k due entries). Timer entries are never removed early: an extend or settle leaves the
 * old entry behind and it is discarded when popped (its time no longer matches the index);
 * the heap is rebuilt from the index when stale entries outnumber live ones, so it stays
 * {@code O(pending)}. Claim is {@code O(log n)} per job plus one positional read per run of
 * nearby enqueue lines (each line checksummed on its own); ack, nack and extend are one
 * binary search plus one appended line. Memory: 40 bytes per stored job in {@link JobIndex},
 * plus 8 (ready) or 16 (timer) bytes of heap, with growth
 * slack at most 1.5x: below 100 bytes per pending job; payloads stay on disk. Dedup keys cost a
 * map entry (about 100 bytes plus the key) each, for at most the dedup window. Thread safety:
 * all state is guarded by one state lock; the fsync runs outside it under a separate commit
 * lock, so producers keep appending while a leader forces the previous batch. The one
 * background thread is the commit thread of {@link #enqueueAsync}, started on first use.
 */
public final class FileJournalQueue implements JobQueue {
    static final String JOURNAL = "journal.ndjson";
    static final String CURSOR = "cursor.txt";
    static final String QUARANTINE = "quarantine.ndjson";
    static final String LOCK = "lock";
    static final String TMP = ".tmp";
    static final Logger LOG = LoggerFactory.getLogger(FileJournalQueue.class);
    private static final int READ_CHUNK = 1 << 20;
    private static final long CURSOR_EVERY_BYTES = 4L << 20;
    private static final int MAX_CLAIM = 10_000;
    private static final int MAX_REASON = 400;
    /** Claim reads: largest gap between lines read over rather than split into two reads. */
    private static final int RUN_GAP = 4096;
    /** Claim reads: largest single read. */
    private static final int RUN_MAX = 1 << 20;

    private final QueueConfig config;
    final String name;
    private final Path dir;
    private final Path journalPath;
    private final LongSupplier clock;
    private final JournalIo io;
    private final CopyOnWriteArrayList<QueueListener> listeners = new CopyOnWriteArrayList<>();

    /** Guards every field below that is not volatile. */
    final ReentrantLock lock = new ReentrantLock();
    /** Held by the commit leader while it writes and forces a batch; taken before lock. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Signalled (under commitLock) when a leader's batch is done: durable advanced or failed. */
    private final java.util.concurrent.locks.Condition batchDone = commitLock.newCondition();
    /** True while a leader writes and forces a batch outside commitLock. Guarded by it. */
    private boolean flushing;
    private final AtomicInteger appending = new AtomicInteger();
    private final JournalCodec codec = new JournalCodec();
    private final JournalCodec.Rec rec = new JournalCodec.Rec();

    private FileChannel lockChannel;
    private FileLock fileLock;
    private JournalFile journal;
    private long gen;
    private long nextId = 1;
    private long nextSeq = 1;

    // Positions are logical: they only grow, across compactions and recoveries.
    // file offset = logical - fileBase.
    private long fileBase;
    private long appendedLogical;
    volatile long durableLogical;
    private byte[] pending = new byte[64 * 1024];
    private int pendingLen;
    private volatile int pendingRecords;
    private byte[] inFlightBuf;
    private long inFlightStart;
    private int inFlightLen;
    private byte[] spare;

    volatile long epoch;
    final List<Long> epochDurableEnds = new CopyOnWriteArrayList<>();
    volatile IOException failure;
    volatile boolean closed;

    /** ALWAYS mode: a multi-line operation buffers its lines and forces once. Under lock. */
    boolean deferForce;
    /** Lines of one enqueueAll being built. Guarded by lock. */
    private byte[] batchBuf = new byte[64 * 1024];
    /** The commit thread of enqueueAsync and its waiters. */
    private final AsyncCommitter async = new AsyncCommitter(this);

    /** Jobs, heaps, counts and dedup keys. Guarded by lock. */
    private final JobStore store = new JobStore();
    private long quarantined;
    /** Bytes of unterminated last lines cut at recovery. Guarded by lock. */
    private long tornTailBytes;
    /** The storage failure, from a failed write until a write succeeds again. */
    private volatile String storageError;
    private long cursorHeadOffset = -1;

    private FileJournalQueue(QueueConfig config, LongSupplier clock, JournalIo io,
                             List<QueueListener> initial) {
        this.config = config;
        this.name = config.name();
        this.dir = config.queueDir();
        this.journalPath = dir.resolve(JOURNAL);
        this.clock = clock;
        this.io = io;
        this.listeners.addAll(initial);
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
            boolean rootExisted = Files.isDirectory(config.dir());
            Files.createDirectories(dir);
            if (!rootExisted) {
                JournalIo.SystemIo.restrict(config.dir(), JournalIo.SystemIo.DIR_MODE);
            }
            JournalIo.SystemIo.restrict(dir, JournalIo.SystemIo.DIR_MODE);
            Path lockPath = dir.resolve(LOCK);
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            JournalIo.SystemIo.restrict(lockPath, JournalIo.SystemIo.FILE_MODE);
            try {
                fileLock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                fileLock = null;
            }
            if (fileLock == null) {
                lockChannel.close();
                throw QueueLockedException.of(name, lockPath);
            }
        } catch (IOException e) {
            closeQuietly();
            throw QueueStorageException.of(name, "opening " + dir, e);
        }
        commitLock.lock();
        awaitNoFlush();
        lock.lock();
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
            lock.unlock();
            commitLock.unlock();
        }
        publish(events);
    }

    /** Rebuilds all in-memory state from the journal. Holds commitLock and lock. */
    private void load(List<QueueEvent> events) throws IOException {
        long now = clock.getAsLong();
        store.index = new JobIndex();
        store.ready.clear();
        store.timers.clear();
        Arrays.fill(store.counts, 0);
        store.storedBytes = 0;
        store.dedup.clear();
        pendingLen = 0;
        pendingRecords = 0;
        inFlightBuf = null;
        store.oldestReadyId = -1;
        nextId = 1;
        nextSeq = 1;
        gen = 0;
        fileBase = appendedLogical;
        journal = io.open(journalPath);
        long size = journal.size();
        if (size == 0) {
            gen = 1;
            byte[] h = header();
            JournalIo.writeFully(journal, ByteBuffer.wrap(h), 0);
            journal.force();
            io.syncDirectory(dir);
            setEnd(h.length);
            cursorHeadOffset = -1;
            return;
        }
        // The header names the generation the cursor must match.
        byte[] first = readFileLine(0, size);
        if (first != null && codec.decode(first, 0, first.length, rec) == null
                && rec.type == 'H') {
            gen = rec.gen;
        }
        long start = 0;
        RecoveryFiles.Cursor cursor = readCursor(size);
        if (cursor != null) {
            start = cursor.offset();
            nextId = Math.max(nextId, cursor.nid());
            nextSeq = Math.max(nextSeq, cursor.nseq());
        }
        List<long[]> bad = new ArrayList<>();
        long lastGoodEnd = scan(start, size, now, bad);
        // The tail: everything after the last valid line. Its complete lines are invalid
        // lines like any other (quarantined and counted, one by one); an unterminated last
        // fragment is a write that never completed, so was never acknowledged: cut, counted
        // as tornTailBytes, not quarantined.
        if (size > lastGoodEnd) {
            byte[] tail = readRange(lastGoodEnd, (int) Math.min(size - lastGoodEnd, 1 << 26));
            List<byte[]> lines = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < tail.length; i++) {
                if (tail[i] == '\n') {
                    lines.add(Arrays.copyOfRange(tail, from, i + 1));
                    events.add(new QueueEvent.LineQuarantined(name, lastGoodEnd + from,
                            i + 1 - from, "invalid line at the end of the journal"));
                    from = i + 1;
                }
            }
            long torn = size - lastGoodEnd - from;
            if (!lines.isEmpty()) {
                appendQuarantine(lines);
                quarantined += lines.size();
                LOG.error("queue '{}': {} invalid line(s) at the end of {} moved to {}", name,
                        lines.size(), journalPath, QUARANTINE);
            }
            if (torn > 0) {
                tornTailBytes += torn;
                LOG.warn("queue '{}': cut a torn last line of {} bytes at offset {} of {}", name,
                        torn, lastGoodEnd + from, journalPath);
            }
            journal.truncate(lastGoodEnd);
            journal.force();
            events.add(new QueueEvent.TailTruncated(name, lastGoodEnd, size - lastGoodEnd));
            size = lastGoodEnd;
        }
        List<byte[]> quarantine = new ArrayList<>();
        for (long[] span : bad) {
            if (span[0] < lastGoodEnd) {
                quarantine.add(readRange(span[0], (int) span[1]));
                LOG.error("queue '{}': corrupt journal line at offset {} ({} bytes) moved to {}",
                        name, span[0], span[1], QUARANTINE);
                events.add(new QueueEvent.LineQuarantined(name, span[0], (int) span[1],
                        "invalid line"));
            }
        }
        setEnd(size);
        store.finishReplay(now);
        if (!quarantine.isEmpty()) {
            appendQuarantine(quarantine);
            quarantined += quarantine.size();
        }
        if (!quarantine.isEmpty() || gen == 0 || size == 0) {
            if (size == 0) {
                gen = Math.max(gen, 1);
            }
            try {
                compactLocked(events);
            } catch (IOException e) {
                if (failure != null) {
                    throw e;
                }
                LOG.warn("queue '{}': compaction after recovery failed ({}); the old journal "
                        + "stays and is repaired again at the next open", name, e.toString());
            }
        }
    }

    private void setEnd(long fileSize) {
        appendedLogical = fileBase + fileSize;
        durableLogical = appendedLogical;
    }

    private byte[] header() {
        return codec.begin('H').num("v", 1).num("gen", gen).num("nid", nextId)
                .num("nseq", nextSeq).end();
    }

    /**
     * Reads lines from {@code start} to {@code size}, applying the valid ones. Adds
     * {offset, length} of invalid ones to {@code bad}. Returns the end of the last valid line.
     */
    private long scan(long start, long size, long now, List<long[]> bad) throws IOException {
        byte[] buf = new byte[(int) Math.min(READ_CHUNK, Math.max(size - start, 16))];
        int have = 0;
        long bufPos = start;
        long lastGoodEnd = start;
        long pos = start;
        while (pos < size || have > 0) {
            if (pos < size) {
                if (have == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, have, (int) Math.min(buf.length - have,
                        size - pos));
                int n = journal.read(bb, pos);
                if (n < 0) {
                    break;
                }
                have += n;
                pos += n;
            }
            int lineStart = 0;
            for (int i = 0; i < have; i++) {
                if (buf[i] != '\n') {
                    continue;
                }
                long lineOffset = bufPos + lineStart;
                String why = codec.decode(buf, lineStart, i, rec);
                if (why == null) {
                    why = apply(buf, lineOffset, i - lineStart + 1, now);
                }
                if (why == null) {
                    lastGoodEnd = lineOffset + (i - lineStart) + 1;
                } else {
                    bad.add(new long[] {lineOffset, i - lineStart + 1});
                }
                lineStart = i + 1;
            }
            if (lineStart > 0) {
                System.arraycopy(buf, lineStart, buf, 0, have - lineStart);
                have -= lineStart;
                bufPos += lineStart;
            } else if (pos >= size) {
                break; // a fragment without newline at the end: torn tail
            }
        }
        return lastGoodEnd;
    }

    /**
     * Applies one decoded replay record at {@code lineOffset}. Returns a reason if invalid.
     * State changes go through {@link JobStore#replayMove}, so {@link JobState#canMoveTo}
     * governs replay as it governs live operations; a record that asks for an illegal move
     * (or names a job that is gone) changes nothing. A waiting job is kept READY until
     * {@link JobStore#finishReplay} classifies it against the clock.
     */
    private String apply(byte[] line, long fileOffset, int lineLength, long now) {
        long logical = fileBase + fileOffset;
        JobIndex index = store.index;
        int slot = rec.type == 'E' || rec.type == 'H' || rec.type == 'K' ? -1
                : index.find(rec.id);
        switch (rec.type) {
            case 'H' -> {
                if (fileOffset != 0) {
                    return "header not at start";
                }
                nextId = Math.max(nextId, rec.nid);
                nextSeq = Math.max(nextSeq, rec.nseq);
            }
            case 'E' -> {
                if (rec.id <= index.lastId() || rec.id <= 0) {
                    return "job id " + rec.id + " out of order";
                }
                index.add(rec.id, logical, rec.at, JobState.READY,
                        (int) Math.min(rec.n, JobIndex.MAX_ATTEMPT), lineLength);
                nextId = Math.max(nextId, rec.id + 1);
                if (rec.key != null && rec.ts + config.dedupWindowMs() > now) {
                    store.dedup.remove(rec.key);
                    store.dedup.put(rec.key, new JobStore.Dedup(rec.id,
                            rec.ts + config.dedupWindowMs(), rec.uid(line)));
                }
            }
            case 'C' -> {
                nextSeq = Math.max(nextSeq, rec.r + 1);
                if (slot >= 0 && store.replayMove(slot, JobState.IN_FLIGHT)) {
                    index.setAttempt(slot, (int) Math.min(rec.n, JobIndex.MAX_ATTEMPT));
                    index.aux[slot] = rec.r;
                    index.times[slot] = rec.dl;
                }
            }
            case 'X' -> {
                if (slot >= 0 && index.state(slot) == JobState.IN_FLIGHT
                        && index.aux[slot] == rec.r) {
                    index.times[slot] = rec.dl;
                }
            }
            case 'N' -> {
                if (slot >= 0 && index.state(slot) == JobState.IN_FLIGHT
                        && index.aux[slot] == rec.r && store.replayMove(slot, JobState.READY)) {
                    index.times[slot] = rec.at;
                    index.aux[slot] = 0;
                }
            }
            case 'A', 'P' -> {
                if (slot >= 0) {
                    store.replayMove(slot, JobState.ACKED);
                }
            }
            case 'D' -> {
                if (slot >= 0 && store.replayMove(slot, JobState.DEAD)) {
                    index.setAttempt(slot, (int) Math.min(rec.n, JobIndex.MAX_ATTEMPT));
                    index.times[slot] = rec.ts;
                    index.aux[slot] = logical;
                }
            }
            case 'R' -> {
                if (slot >= 0 && index.state(slot) == JobState.DEAD
                        && store.replayMove(slot, JobState.READY)) {
                    index.setAttempt(slot, 0);
                    index.times[slot] = rec.at;
                    index.aux[slot] = 0;
                }
            }
            default -> {
                return "record type '" + rec.type + "' does not belong in the journal";
            }
        }
        return null;
    }

    /** The cursor if it exists and matches this journal, else null (full replay). */
    private RecoveryFiles.Cursor readCursor(long size) {
        return RecoveryFiles.readCursor(dir, name, gen, size, codec, rec, this::readFileLine,
                this::readRange);
    }

    /** Writes cursor.txt atomically. Holds both locks, nothing pending. Failures only log. */
    private void writeCursor() {
        long headFileOffset = store.index.live() == 0 ? appendedLogical - fileBase
                : store.index.offsets[store.index.head()] - fileBase;
        byte[] line = codec.begin('K').num("gen", gen).num("at", headFileOffset)
                .num("nid", nextId).num("nseq", nextSeq).end();
        if (RecoveryFiles.writeCursor(io, dir, name, line)) {
            cursorHeadOffset = store.index.live() == 0 ? appendedLogical
                    : store.index.offsets[store.index.head()];
        }
    }

    private void appendQuarantine(List<byte[]> lines) throws IOException {
        RecoveryFiles.appendQuarantine(io, dir, lines);
    }

    // =============================================================== reading lines

    private byte[] readRange(long fileOffset, int length) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(length);
        JournalIo.readFully(journal, bb, fileOffset);
        return bb.array();
    }

    /** The file line at fileOffset without its newline, or null if no newline before limit. */
    private byte[] readFileLine(long fileOffset, long limit) throws IOException {
        int chunk = 4096;
        while (true) {
            int n = (int) Math.min(chunk, limit - fileOffset);
            if (n <= 0) {
                return null;
            }
            byte[] b = readRange(fileOffset, n);
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    return Arrays.copyOf(b, i);
                }
            }
            if (n < chunk || chunk >= (1 << 28)) {
                return null;
            }
            chunk *= 4;
        }
    }

    /**
     * The line starting at logical position {@code logical}, without its newline, from the
     * write buffer, the batch being written, or the file. Holds lock.
     */
    private byte[] readLine(long logical, int knownLength) throws IOException {
        long pendingStart = appendedLogical - pendingLen;
        byte[] src = null;
        long base = 0;
        int limit = 0;
        if (logical >= pendingStart) {
            src = pending;
            base = pendingStart;
            limit = pendingLen;
        } else if (inFlightBuf != null && logical >= inFlightStart) {
            src = inFlightBuf;
            base = inFlightStart;
            limit = inFlightLen;
        }
        if (src != null) {
            int from = (int) (logical - base);
            for (int i = from; i < limit; i++) {
                if (src[i] == '\n') {
                    return Arrays.copyOfRange(src, from, i);
                }
            }
            return null;
        }
        long fileEnd = (inFlightBuf != null ? inFlightStart : pendingStart) - fileBase;
        long off = logical - fileBase;
        if (knownLength > 0) {
            if (off + knownLength > fileEnd) {
                return null;
            }
            byte[] b = readRange(off, knownLength);
            return b[knownLength - 1] == '\n' ? Arrays.copyOf(b, knownLength - 1) : null;
        }
        return readFileLine(off, fileEnd);
    }

    /** Reads and checks a job's enqueue line into rec; returns the line, or null if corrupt. */
    private byte[] readEnqueue(int slot) {
        try {
            byte[] line = readLine(store.index.offsets[slot], store.index.lineLength(slot));
            if (line == null || codec.decode(line, 0, line.length, rec) != null
                    || rec.type != 'E' || rec.id != store.index.ids[slot]) {
                return null;
            }
            return line;
        } catch (IOException | RuntimeException e) {
            LOG.error("queue '{}': cannot read job {}: {}", name, store.index.ids[slot],
                    e.toString());
            return null;
        }
    }

    // =============================================================== write path

    /** Appends a line under lock. Returns its logical start. */
    private long append(byte[] line) {
        return append(line, line.length, 1);
    }

    /** Appends the line just finished in the codec, without copying it first. */
    private long appendCodecLine() {
        codec.finish();
        return append(codec.buffer(), codec.length(), 1);
    }

    /**
     * Appends {@code records} whole lines, {@code b[0, len)}, under lock. Returns the logical
     * start of the first. In ALWAYS mode they are written and forced here (one force for all),
     * unless {@link #deferForce} is set: then they wait in the write buffer for
     * {@link #commitDeferred()} at the end of the operation.
     */
    private long append(byte[] b, int len, int records) {
        long start = appendedLogical;
        if (config.fsync() == FsyncMode.ALWAYS && !deferForce) {
            try {
                JournalIo.writeFully(journal, ByteBuffer.wrap(b, 0, len), start - fileBase);
                journal.force();
            } catch (IOException e) {
                failStorage(e);
                throw QueueStorageException.of(name, "journal write", e);
            }
            appendedLogical += len;
            durableLogical = appendedLogical;
            writeSucceeded();
            return start;
        }
        if (pendingLen + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + len));
        }
        System.arraycopy(b, 0, pending, pendingLen, len);
        pendingLen += len;
        pendingRecords += records;
        appendedLogical += len;
        return start;
    }

    /**
     * Ends a multi-line operation (under lock): in ALWAYS mode writes and forces the lines it
     * buffered, once. Nobody else can have taken them: flushBatch needs the lock.
     */
    void commitDeferred() {
        deferForce = false;
        if (config.fsync() != FsyncMode.ALWAYS || pendingLen == 0) {
            return;
        }
        long start = appendedLogical - pendingLen;
        try {
            JournalIo.writeFully(journal, ByteBuffer.wrap(pending, 0, pendingLen),
                    start - fileBase);
            journal.force();
        } catch (IOException e) {
            failStorage(e);
            throw QueueStorageException.of(name, "journal write", e);
        }
        pendingLen = 0;
        pendingRecords = 0;
        durableLogical = appendedLogical;
        writeSucceeded();
    }

    /** Marks the queue failed (under lock): callers not yet durable will throw. */
    private void failStorage(IOException e) {
        storageError = e.toString();
        if (failure == null) {
            failure = e;
            epochDurableEnds.add(durableLogical);
            epoch++;
            LOG.error("queue '{}': journal I/O failed, refusing writes until it recovers: {}",
                    name, e.toString());
            pendingEvents.add(new QueueEvent.StorageFailed(name, e.toString()));
        }
    }

    private final List<QueueEvent> pendingEvents = new ArrayList<>();

    /**
     * A journal write (and its force, if any) succeeded, under lock: a storage failure still
     * reported ends here, not when recovery merely cut the journal back.
     */
    private void writeSucceeded() {
        if (storageError != null) {
            storageError = null;
            LOG.warn("queue '{}': journal writes succeed again", name);
            pendingEvents.add(new QueueEvent.StorageRecovered(name));
        }
    }

    /**
     * Waits until the line ending at {@code end}, appended in {@code ep}, is durable.
     *
     * <p>Group commit: the first waiter whose line is not durable becomes the leader, marks
     * {@code flushing} and writes and forces everything appended so far <em>without</em>
     * holding commitLock; every other waiter sleeps on {@code batchDone} meanwhile, and all of
     * them wake together when the batch is done. Most return at once (their line was in it);
     * one of the rest leads the next batch. So followers never queue behind the fsync one lock
     * hand-off at a time, and producers keep appending while it runs.
     */
    void awaitDurable(long ep, long end) {
        if (ep == epoch && durableLogical >= end) {
            return;
        }
        commitLock.lock();
        try {
            while (true) {
                if (ep != epoch) {
                    if (ep < epochDurableEnds.size() && end <= epochDurableEnds.get((int) ep)) {
                        return;
                    }
                    IOException f = failure;
                    throw QueueStorageException.of(name, "journal commit",
                            f != null ? f : new IOException("journal was reloaded after a "
                                    + "storage failure"));
                }
                if (durableLogical >= end) {
                    return;
                }
                if (flushing) {
                    batchDone.awaitUninterruptibly();
                    continue;
                }
                flushing = true;
                commitLock.unlock();
                try {
                    flushBatch();
                } finally {
                    commitLock.lock();
                    flushing = false;
                    batchDone.signalAll();
                }
            }
        } finally {
            commitLock.unlock();
            drainPendingEvents();
        }
    }

    /** Under commitLock: waits until no leader is writing a batch outside the lock. */
    private void awaitNoFlush() {
        while (flushing) {
            batchDone.awaitUninterruptibly();
        }
    }

    /** Leader: writes and forces everything appended so far. Runs with {@code flushing} set
     *  (commitLock released), so no other flush, compaction, recovery or close runs. */
    private void flushBatch() {
        if (config.fsync() == FsyncMode.BATCH && config.batchWindowMicros() > 0
                && appending.get() > 0) {
            long deadline = System.nanoTime() + config.batchWindowMicros() * 1000L;
            while (appending.get() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000);
            }
        }
        byte[] buf;
        int len;
        int records;
        long start;
        long ep;
        lock.lock();
        try {
            if (failure != null || pendingLen == 0) {
                return;
            }
            buf = pending;
            len = pendingLen;
            records = pendingRecords;
            start = appendedLogical - pendingLen;
            inFlightBuf = buf;
            inFlightStart = start;
            inFlightLen = len;
            pending = spare != null && spare.length >= 4096 ? spare : new byte[64 * 1024];
            spare = null;
            pendingLen = 0;
            pendingRecords = 0;
            ep = epoch;
        } finally {
            lock.unlock();
        }
        long t0 = System.nanoTime();
        IOException err = null;
        try {
            JournalIo.writeFully(journal, ByteBuffer.wrap(buf, 0, len), start - fileBase);
            if (config.fsync() == FsyncMode.BATCH) {
                journal.force();
            }
        } catch (IOException e) {
            err = e;
        }
        long took = System.nanoTime() - t0;
        lock.lock();
        try {
            inFlightBuf = null;
            spare = buf;
            if (err != null) {
                failStorage(err);
                return;
            }
            if (ep == epoch) {
                durableLogical = start + len;
            }
            writeSucceeded();
        } finally {
            lock.unlock();
        }
        publish(List.of(new QueueEvent.FsyncBatch(name, records, len, took)));
    }

    /** Writes and forces everything pending. Holds commitLock and lock. */
    private void flushLocked() throws IOException {
        if (pendingLen > 0) {
            long start = appendedLogical - pendingLen;
            try {
                JournalIo.writeFully(journal, ByteBuffer.wrap(pending, 0, pendingLen),
                        start - fileBase);
                journal.force();
            } catch (IOException e) {
                failStorage(e);
                throw e;
            }
            pendingLen = 0;
            pendingRecords = 0;
            durableLogical = appendedLogical;
            writeSucceeded();
        } else if (config.fsync() == FsyncMode.NONE) {
            journal.force();
        }
    }

    /**
     * Before an operation: if a storage failure is pending, truncate the journal to its last
     * durable byte and reload from disk. Throws if the disk is still failing.
     */
    void ensureHealthy() {
        if (closed) {
            throw QueueClosedException.of(name);
        }
        if (failure == null) {
            return;
        }
        List<QueueEvent> events = new ArrayList<>();
        commitLock.lock();
        awaitNoFlush();
        lock.lock();
        try {
            if (closed) {
                throw QueueClosedException.of(name);
            }
            if (failure == null) {
                return;
            }
            try {
                try {
                    journal.close();
                } catch (IOException ignored) {
                    // reopening below
                }
                long keep = durableLogical - fileBase;
                try (JournalFile f = io.open(journalPath)) {
                    if (f.size() > keep) {
                        f.truncate(keep);
                    }
                    f.force();
                }
                appendedLogical = appendedLogical + 1; // never reuse positions
                load(events);
                failure = null;
                // storageError stays set (and health DEGRADED) until a write succeeds: the
                // cut above works even on a full disk, so it proves nothing.
                LOG.warn("queue '{}': journal reloaded after a storage failure; writes are "
                        + "tried again", name);
            } catch (IOException e) {
                failure = e;
                throw QueueStorageException.of(name, "recovering the journal", e);
            }
        } finally {
            lock.unlock();
            commitLock.unlock();
            drainPendingEvents();
            publish(events);
        }
    }

    // =============================================================== operations

    @Override
    public String name() {
        return name;
    }

    /** An enqueue applied to memory and the write buffer, not yet known durable. */
    record Staged(EnqueueResult result, QueueEvent event, long ep, long end) {
    }

    @Override
    public EnqueueResult enqueue(byte[] payload, EnqueueOptions options) {
        boolean verbatim = checkPayload(payload, options);
        ensureHealthy();
        Staged staged;
        appending.incrementAndGet();
        lock.lock();
        try {
            staged = stageEnqueue(payload, options, verbatim);
        } finally {
            lock.unlock();
            appending.decrementAndGet();
        }
        awaitDurable(staged.ep(), staged.end());
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

    /** Checks bounds and dedup, appends the E line and indexes the job. Holds lock. */
    Staged stageEnqueue(byte[] payload, EnqueueOptions options, boolean verbatim) {
        checkUsable();
        long now = clock.getAsLong();
        String key = options.dedupKey();
        JobStore.Dedup hit = key == null ? null : store.dedupLookup(key, now);
        if (hit != null) {
            return new Staged(new EnqueueResult(hit.id(), true, hit.key()),
                    new QueueEvent.DedupHit(name, hit.id(), key), epoch, appendedLogical);
        }
        long pendingJobs = store.pendingCount();
        if (pendingJobs >= config.maxPending()) {
            throw QueueFullException.pending(name, pendingJobs, config.maxPending());
        }
        long at = now + options.delayMs();
        codec.begin('E').num("id", nextId).num("ts", now).num("at", at).num("n", 0);
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
        long id = nextId;
        long off = append(codec.buffer(), length, 1);
        nextId++;
        store.indexNew(id, off, at, options.delayMs() > 0, length);
        if (key != null) {
            store.dedup.remove(key);
            store.dedup.put(key, new JobStore.Dedup(id, now + config.dedupWindowMs(), uid));
        }
        return new Staged(new EnqueueResult(id, false, uid),
                new QueueEvent.Enqueued(name, id, length, options.delayMs()), epoch,
                appendedLogical);
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
        Objects.requireNonNull(payloads, "payloads");
        Objects.requireNonNull(options, "options");
        if (options.dedupKey() != null) {
            throw new IllegalArgumentException("dedupKey is not accepted by enqueueAll: it names "
                    + "one job; enqueue keyed jobs one by one");
        }
        int n = payloads.size();
        if (n == 0) {
            return List.of();
        }
        boolean[] verbatim = new boolean[n];
        for (int i = 0; i < n; i++) {
            int at = i;
            byte[] p = Objects.requireNonNull(payloads.get(i), () -> "payloads[" + at + "]");
            verbatim[i] = checkPayload(p, options);
        }
        ensureHealthy();
        List<QueueEvent> events = new ArrayList<>(n);
        long firstId;
        String[] uids;
        long ep;
        long end;
        appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            long now = clock.getAsLong();
            long pendingJobs = store.pendingCount();
            if (pendingJobs + n > config.maxPending()) {
                throw QueueFullException.pendingBatch(name, pendingJobs, n, config.maxPending());
            }
            long at = now + options.delayMs();
            int[] lineEnd = new int[n];
            uids = new String[n];
            int len = 0;
            for (int i = 0; i < n; i++) {
                codec.begin('E').num("id", nextId + i).num("ts", now).num("at", at).num("n", 0);
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
            // Commit rule: the block is appended first; memory follows; durability below.
            long start = append(batchBuf, len, n);
            firstId = nextId;
            nextId += n;
            for (int i = 0; i < n; i++) {
                int from = i == 0 ? 0 : lineEnd[i - 1];
                int l = lineEnd[i] - from;
                store.indexNew(firstId + i, start + from, at, options.delayMs() > 0, l);
                events.add(new QueueEvent.Enqueued(name, firstId + i, l, options.delayMs()));
            }
            if (batchBuf.length > (1 << 20)) {
                batchBuf = new byte[64 * 1024]; // do not keep a huge batch's buffer
            }
            end = appendedLogical;
            ep = epoch;
        } finally {
            lock.unlock();
            appending.decrementAndGet();
        }
        awaitDurable(ep, end);
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
        IOException f = failure;
        if (f != null) {
            throw QueueStorageException.of(name, "journal", f);
        }
    }



    private String deadLetter(int slot, long now, String reason, List<QueueEvent> events) {
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        long id = store.index.ids[slot];
        int attempts = store.index.attempt(slot);
        byte[] line = codec.begin('D').num("id", id).num("ts", now).num("n", attempts)
                .str("why", why).end();
        long off = append(line);
        store.move(slot, JobState.DEAD);
        store.index.times[slot] = now;
        store.index.aux[slot] = off;
        events.add(new QueueEvent.DeadLettered(name, id, attempts, why));
        LOG.warn("queue '{}': job {} dead-lettered after {} deliveries: {}", name, id, attempts,
                why);
        return why;
    }

    @Override
    public List<ClaimedJob> claim(int max) {
        return claim(max, config.visibilityMs());
    }

    @Override
    public List<ClaimedJob> claim(int max, long visibilityMs) {
        if (max < 1 || max > MAX_CLAIM) {
            throw new IllegalArgumentException("max must be in 1.." + MAX_CLAIM + ", but got "
                    + max);
        }
        checkVisibility(visibilityMs);
        ensureHealthy();
        List<QueueEvent> events = new ArrayList<>();
        long[] ids = new long[Math.min(max, 1024)];
        long[] seqs = new long[ids.length];
        int n = 0;
        long ep;
        long end;
        appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            long now = clock.getAsLong();
            store.promote(now);
            deferForce = true;
            while (n < max && store.ready.size() > 0) {
                long id = store.ready.poll();
                int slot = store.index.find(id);
                if (slot < 0 || store.index.state(slot) != JobState.READY) {
                    continue;
                }
                int attempt = store.index.attempt(slot);
                if (attempt >= config.maxDeliveries()) {
                    deadLetter(slot, now, "max deliveries (" + config.maxDeliveries()
                            + ") exhausted", events);
                    continue;
                }
                long seq = nextSeq;
                long deadline = now + visibilityMs;
                codec.begin('C').num("id", id).num("r", seq).num("n", attempt + 1)
                        .num("dl", deadline);
                appendCodecLine();
                nextSeq++;
                store.move(slot, JobState.IN_FLIGHT);
                store.index.setAttempt(slot, attempt + 1);
                store.index.aux[slot] = seq;
                store.index.times[slot] = deadline;
                store.timers.push(deadline, id);
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                    seqs = Arrays.copyOf(seqs, n * 2);
                }
                ids[n] = id;
                seqs[n] = seq;
                n++;
            }
            commitDeferred();
            end = appendedLogical;
            ep = epoch;
        } finally {
            deferForce = false;
            lock.unlock();
            appending.decrementAndGet();
        }
        awaitDurable(ep, end);
        List<ClaimedJob> out = new ArrayList<>(n);
        List<Integer> corrupt = new ArrayList<>();
        lock.lock();
        try {
            int[] slots = new int[n];
            for (int i = 0; i < n; i++) {
                int slot = store.index.find(ids[i]);
                // settled or re-claimed meanwhile (visibility shorter than I/O): skip
                slots[i] = slot < 0 || store.index.state(slot) != JobState.IN_FLIGHT
                        || store.index.aux[slot] != seqs[i] ? -1 : slot;
            }
            byte[][] payloads = new byte[n][];
            long[] enqueuedAt = new long[n];
            String[] keys = new String[n];
            List<Map<String, String>> attrs = new ArrayList<>(java.util.Collections.nCopies(n,
                    Map.of()));
            readPayloads(slots, n, payloads, enqueuedAt, keys, attrs);
            for (int i = 0; i < n; i++) {
                int slot = slots[i];
                if (slot < 0) {
                    continue;
                }
                byte[] payload = payloads[i];
                if (payload == null) {
                    corrupt.add(i);
                    continue;
                }
                int attempt = store.index.attempt(slot);
                out.add(new ClaimedJob(ids[i], Long.toString(seqs[i]), attempt, enqueuedAt[i],
                        store.index.times[slot], payload, keys[i], attrs.get(i)));
                events.add(new QueueEvent.Claimed(name, ids[i], attempt));
                if (attempt > 1) {
                    events.add(new QueueEvent.Redelivered(name, ids[i], attempt));
                }
            }
        } finally {
            lock.unlock();
        }
        if (!corrupt.isEmpty()) {
            deadLetterCorrupt(ids, seqs, corrupt, events);
        }
        publish(events);
        return out;
    }

    /**
     * Reads and checks the payloads of claimed jobs ({@code slots[i] < 0}: skip) into
     * {@code payloads} (null when the line is corrupt or unreadable) and their enqueue times.
     * Lines already in the file are read with one positional read per run of nearby lines (in
     * offset order, gaps up to {@link #RUN_GAP} bytes, up to {@link #RUN_MAX} bytes a run),
     * then each line is checksummed on its own; a run whose read fails falls back to one read
     * per line. Lines still in the write buffers are copied from memory. Holds lock.
     */
    private void readPayloads(int[] slots, int n, byte[][] payloads, long[] enqueuedAt,
                              String[] keys, List<Map<String, String>> attrs) {
        long fileEnd = inFlightBuf != null ? inFlightStart : appendedLogical - pendingLen;
        int i = 0;
        while (i < n) {
            int s = slots[i];
            if (s < 0) {
                i++;
                continue;
            }
            long off = store.index.offsets[s];
            long runEnd = off + store.index.lineLength(s);
            int j = i + 1;
            if (store.index.lineLength(s) > 0 && runEnd <= fileEnd) {
                while (j < n) {
                    int t = slots[j];
                    if (t >= 0) {
                        long o = store.index.offsets[t];
                        long e = o + store.index.lineLength(t);
                        if (store.index.lineLength(t) <= 0 || o < runEnd || o - runEnd > RUN_GAP
                                || e > fileEnd || e - off > RUN_MAX) {
                            break;
                        }
                        runEnd = e;
                    }
                    j++;
                }
            }
            byte[] run = null;
            if (j - i > 1) {
                try {
                    run = readRange(off - fileBase, (int) (runEnd - off));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("queue '{}': reading {} bytes of claimed jobs failed ({}); "
                            + "reading them one by one", name, runEnd - off, e.toString());
                }
            }
            for (int k = i; k < j; k++) {
                int t = slots[k];
                if (t < 0) {
                    continue;
                }
                byte[] line;
                int from;
                int to;
                if (run != null) {
                    line = run;
                    from = (int) (store.index.offsets[t] - off);
                    to = from + store.index.lineLength(t) - 1;
                    if (line[to] != '\n' || codec.decode(line, from, to, rec) != null
                            || rec.type != 'E' || rec.id != store.index.ids[t]) {
                        continue; // payloads[k] stays null: corrupt
                    }
                } else {
                    line = readEnqueue(t);
                    if (line == null) {
                        continue;
                    }
                }
                try {
                    payloads[k] = rec.payload(line);
                    enqueuedAt[k] = rec.ts;
                    keys[k] = rec.uid(line);
                    attrs.set(k, rec.attributes(line));
                } catch (IllegalArgumentException e) {
                    payloads[k] = null;
                }
            }
            i = j;
        }
    }

    private void deadLetterCorrupt(long[] ids, long[] seqs, List<Integer> which,
                                   List<QueueEvent> events) {
        long ep;
        long end;
        lock.lock();
        try {
            checkUsable();
            long now = clock.getAsLong();
            for (int i : which) {
                int slot = store.index.find(ids[i]);
                if (slot >= 0 && store.index.state(slot) == JobState.IN_FLIGHT
                        && store.index.aux[slot] == seqs[i]) {
                    deadLetter(slot, now, "journal record unreadable (checksum mismatch); "
                            + "payload withheld", events);
                }
            }
            end = appendedLogical;
            ep = epoch;
        } finally {
            lock.unlock();
        }
        awaitDurable(ep, end);
    }

    private static void checkVisibility(long visibilityMs) {
        if (visibilityMs < 1 || visibilityMs > QueueConfig.MAX_VISIBILITY_MS) {
            throw new IllegalArgumentException("visibilityMs must be in 1.."
                    + QueueConfig.MAX_VISIBILITY_MS + ", but got " + visibilityMs);
        }
    }

    private static long parseReceipt(String receipt) {
        Objects.requireNonNull(receipt, "receipt");
        try {
            long r = Long.parseLong(receipt);
            if (r <= 0) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed receipt '" + receipt + "'");
        }
    }

    /** The slot of an in-flight job whose receipt matches; throws otherwise. Holds lock. */
    private int owned(long id, String receipt, long seq) {
        int slot = store.index.find(id);
        if (slot < 0) {
            if (id <= 0 || id >= nextId) {
                throw UnknownJobException.of(name, id);
            }
            throw StaleReceiptException.settled(name, id, receipt);
        }
        if (store.index.state(slot) != JobState.IN_FLIGHT || store.index.aux[slot] != seq) {
            throw StaleReceiptException.of(name, id, receipt, store.index.state(slot),
                    store.index.attempt(slot));
        }
        return slot;
    }

    @Override
    public void ack(long id, String receipt) {
        long seq = parseReceipt(receipt);
        writeOp((now, events) -> {
            int slot = owned(id, receipt, seq);
            int attempt = store.index.attempt(slot);
            append(codec.begin('A').num("id", id).num("r", seq).end());
            store.move(slot, JobState.ACKED);
            events.add(new QueueEvent.Acked(name, id, attempt));
            return null;
        });
        maintenance();
    }

    /** One write operation's part under the state lock (see {@link #writeOp}). */
    @FunctionalInterface
    private interface Op<T> {
        /** Checks, appends the line(s), applies the change in memory; adds its events. */
        T apply(long now, List<QueueEvent> events);
    }

    /**
     * The one sequence every single-job write operation follows (the commit rule): recover
     * from a past storage failure if needed; under the state lock check that the queue is
     * usable, promote due timers, then let {@code op} check, append and apply; release the
     * lock; wait until the appended line(s) are durable (group commit); only then publish the
     * events and return. A failed commit throws {@link QueueStorageException} and nothing is
     * published. Batch operations ({@link #enqueueAll}, {@link #ackAll}, claim) follow the
     * same steps with one commit for all their lines.
     */
    private <T> T writeOp(Op<T> op) {
        ensureHealthy();
        List<QueueEvent> events = new ArrayList<>(2);
        T result;
        long ep;
        long end;
        appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            long now = clock.getAsLong();
            store.promote(now);
            result = op.apply(now, events);
            end = appendedLogical;
            ep = epoch;
        } finally {
            lock.unlock();
            appending.decrementAndGet();
        }
        awaitDurable(ep, end);
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
        long[] seqs = new long[n];
        for (int i = 0; i < n; i++) {
            int at = i;
            Ack a = Objects.requireNonNull(acks.get(i), () -> "acks[" + at + "]");
            try {
                seqs[i] = parseReceipt(a.receipt());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("acks[" + i + "].receipt: " + e.getMessage());
            }
        }
        ensureHealthy();
        AckResult[] out = new AckResult[n];
        List<QueueEvent> events = new ArrayList<>(n);
        long ep;
        long end;
        appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            store.promote(clock.getAsLong());
            deferForce = true;
            for (int i = 0; i < n; i++) {
                long id = acks.get(i).id();
                String receipt = acks.get(i).receipt();
                int slot = store.index.find(id);
                if (slot < 0) {
                    out[i] = id <= 0 || id >= nextId
                            ? new AckResult(id, AckResult.Status.UNKNOWN_JOB,
                                    UnknownJobException.of(name, id).getMessage())
                            : new AckResult(id, AckResult.Status.STALE_RECEIPT,
                                    StaleReceiptException.settled(name, id, receipt)
                                            .getMessage());
                    continue;
                }
                if (store.index.state(slot) != JobState.IN_FLIGHT
                        || store.index.aux[slot] != seqs[i]) {
                    out[i] = new AckResult(id, AckResult.Status.STALE_RECEIPT,
                            StaleReceiptException.of(name, id, receipt, store.index.state(slot),
                                    store.index.attempt(slot)).getMessage());
                    continue;
                }
                int attempt = store.index.attempt(slot);
                codec.begin('A').num("id", id).num("r", seqs[i]);
                appendCodecLine();
                store.move(slot, JobState.ACKED);
                out[i] = AckResult.acked(id);
                events.add(new QueueEvent.Acked(name, id, attempt));
            }
            commitDeferred();
            end = appendedLogical;
            ep = epoch;
        } finally {
            deferForce = false;
            lock.unlock();
            appending.decrementAndGet();
        }
        awaitDurable(ep, end);
        publish(events);
        if (!events.isEmpty()) {
            maintenance();
        }
        return Arrays.asList(out);
    }

    /** Exponential backoff for a job nacked on delivery {@code attempt}. */
    long backoffMs(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long b = config.backoffBaseMs() << shift;
        return b <= 0 || b > config.backoffMaxMs() ? config.backoffMaxMs() : b;
    }

    @Override
    public JobState nack(long id, String receipt, Long delayMs) {
        long seq = parseReceipt(receipt);
        if (delayMs != null && (delayMs < 0 || delayMs > EnqueueOptions.MAX_DELAY_MS)) {
            throw new IllegalArgumentException("delayMs must be in 0.."
                    + EnqueueOptions.MAX_DELAY_MS + ", but got " + delayMs);
        }
        return writeOp((now, events) -> {
            int slot = owned(id, receipt, seq);
            int attempt = store.index.attempt(slot);
            if (attempt >= config.maxDeliveries()) {
                deadLetter(slot, now, "nacked on the last allowed delivery (" + attempt + " of "
                        + config.maxDeliveries() + ")", events);
                return JobState.DEAD;
            }
            long delay = delayMs != null ? delayMs : backoffMs(attempt);
            long at = now + delay;
            append(codec.begin('N').num("id", id).num("r", seq).num("at", at).end());
            JobState result = delay > 0 ? JobState.DELAYED : JobState.READY;
            store.move(slot, result);
            store.index.aux[slot] = 0;
            store.index.times[slot] = at;
            if (result == JobState.READY) {
                store.ready.push(id);
            } else {
                store.timers.push(at, id);
            }
            events.add(new QueueEvent.Nacked(name, id, attempt, delay));
            return result;
        });
    }

    @Override
    public void deadLetter(long id, String receipt, String reason) {
        long seq = parseReceipt(receipt);
        String why = reason == null || reason.isBlank() ? "dead-lettered by its consumer"
                : reason.strip();
        writeOp((now, events) -> deadLetter(owned(id, receipt, seq), now, why, events));
    }

    @Override
    public long extend(long id, String receipt, long visibilityMs) {
        long seq = parseReceipt(receipt);
        checkVisibility(visibilityMs);
        return writeOp((now, events) -> {
            int slot = owned(id, receipt, seq);
            long deadline = now + visibilityMs;
            append(codec.begin('X').num("id", id).num("r", seq).num("dl", deadline).end());
            store.index.times[slot] = deadline;
            store.timers.push(deadline, id);
            return deadline;
        });
    }

    @Override
    public QueueStats stats() {
        if (failure != null) {
            try {
                ensureHealthy(); // stats should show the journal's truth after a failure
            } catch (QueueStorageException e) {
                // still failing: report memory as it stands
            }
        }
        if (closed) {
            throw QueueClosedException.of(name);
        }
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (failure == null) {
                store.promote(now);
            }
            long age = 0;
            if (store.ready.size() > 0) {
                long id = store.ready.peek();
                if (id != store.oldestReadyId) {
                    int slot = store.index.find(id);
                    if (slot >= 0 && readEnqueue(slot) != null) {
                        store.oldestReadyId = id;
                        store.oldestReadyTs = rec.ts;
                    }
                }
                if (id == store.oldestReadyId) {
                    age = Math.max(0, now - store.oldestReadyTs);
                }
            }
            long[] c = store.counts;
            return new QueueStats(name, store.pendingCount(), c[JobState.READY.ordinal()],
                    c[JobState.DELAYED.ordinal()], c[JobState.IN_FLIGHT.ordinal()],
                    c[JobState.DEAD.ordinal()], store.storedBytes, appendedLogical - fileBase,
                    age, quarantined, tornTailBytes, storageError != null, storageError);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<DeadLetter> deadLetters(long afterId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, but got " + limit);
        }
        if (closed) {
            throw QueueClosedException.of(name);
        }
        List<DeadLetter> out = new ArrayList<>();
        lock.lock();
        try {
            int from = Arrays.binarySearch(store.index.ids, store.index.head(),
                    store.index.tail(), afterId + 1);
            if (from < 0) {
                from = -from - 1;
            }
            for (int s = from; s < store.index.tail() && out.size() < limit; s++) {
                if (store.index.state(s) != JobState.DEAD) {
                    continue;
                }
                long id = store.index.ids[s];
                String reason = "unknown (dead-letter record unreadable)";
                try {
                    byte[] d = readLine(store.index.aux[s], 0);
                    if (d != null && codec.decode(d, 0, d.length, rec) == null
                            && rec.type == 'D' && rec.why != null) {
                        reason = rec.why;
                    }
                } catch (IOException e) {
                    LOG.warn("queue '{}': cannot read dead letter {}: {}", name, id, e.toString());
                }
                byte[] line = readEnqueue(s);
                byte[] payload = new byte[0];
                long ts = 0;
                if (line == null) {
                    reason = reason + "; journal record unreadable, payload withheld";
                } else {
                    ts = rec.ts;
                    try {
                        payload = rec.payload(line);
                    } catch (IllegalArgumentException e) {
                        reason = reason + "; payload undecodable";
                    }
                }
                out.add(new DeadLetter(id, store.index.attempt(s), ts, store.index.times[s], reason,
                        payload));
            }
        } finally {
            lock.unlock();
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
        ensureHealthy();
        List<QueueEvent> events = new ArrayList<>();
        long ep;
        long end;
        int done = 0;
        appending.incrementAndGet();
        lock.lock();
        try {
            checkUsable();
            long now = clock.getAsLong();
            List<Long> targets = new ArrayList<>();
            if (ids == null) {
                for (int s = store.index.head(); s < store.index.tail(); s++) {
                    if (store.index.state(s) == JobState.DEAD) {
                        targets.add(store.index.ids[s]);
                    }
                }
            } else {
                for (Long id : ids) {
                    int slot = store.index.find(Objects.requireNonNull(id, "id"));
                    if (slot < 0) {
                        throw UnknownJobException.of(name, id);
                    }
                    if (store.index.state(slot) != JobState.DEAD) {
                        throw UnknownJobException.notDead(name, id, store.index.state(slot));
                    }
                    targets.add(id);
                }
            }
            for (long id : targets) {
                int slot = store.index.find(id);
                if (slot < 0 || store.index.state(slot) != JobState.DEAD) {
                    continue; // listed twice
                }
                if (purge) {
                    append(codec.begin('P').num("id", id).end());
                    store.move(slot, JobState.ACKED);
                    events.add(new QueueEvent.Purged(name, id));
                } else {
                    append(codec.begin('R').num("id", id).num("at", now).end());
                    store.move(slot, JobState.READY);
                    store.index.setAttempt(slot, 0);
                    store.index.aux[slot] = 0;
                    store.index.times[slot] = now;
                    store.ready.push(id);
                    events.add(new QueueEvent.Redriven(name, id));
                }
                done++;
            }
            end = appendedLogical;
            ep = epoch;
        } finally {
            lock.unlock();
            appending.decrementAndGet();
        }
        awaitDurable(ep, end);
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
        long headMoved;
        lock.lock();
        try {
            if (store.index.wantsCompaction()) {
                store.index.compactInPlace();
            }
            size = appendedLogical - fileBase;
            long head = store.index.live() == 0 ? appendedLogical
                    : store.index.offsets[store.index.head()];
            headMoved = cursorHeadOffset < 0 ? Long.MAX_VALUE : head - cursorHeadOffset;
        } finally {
            lock.unlock();
        }
        boolean wantCompact = size > config.compactMinBytes() && size > 2 * storedBytesSnapshot();
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

    private long storedBytesSnapshot() {
        lock.lock();
        try {
            return store.storedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and writes cursor.txt so the next open replays from the oldest live job. */
    void checkpoint() {
        commitLock.lock();
        awaitNoFlush();
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            flushLocked();
            writeCursor();
        } catch (IOException e) {
            LOG.warn("queue '{}': checkpoint failed: {}", name, e.toString());
        } finally {
            lock.unlock();
            commitLock.unlock();
            drainPendingEvents();
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
        commitLock.lock();
        awaitNoFlush();
        lock.lock();
        try {
            checkUsable();
            flushLocked();
            compactLocked(events);
        } catch (IOException e) {
            throw QueueStorageException.of(name, "compaction", e);
        } finally {
            lock.unlock();
            commitLock.unlock();
            drainPendingEvents();
        }
        publish(events);
    }

    /**
     * Writes the live records to journal.ndjson.tmp, forces it, renames it over the journal
     * and forces the directory. Holds commitLock and lock, nothing pending. A crash before
     * the rename leaves the old journal (the tmp file is deleted at open); after it, the new
     * one. Either holds every live job.
     */
    private void compactLocked(List<QueueEvent> events) throws IOException {
        long t0 = System.nanoTime();
        long before = appendedLogical - fileBase;
        long now = clock.getAsLong();
        Path tmp = dir.resolve(JOURNAL + TMP);
        long newGen = gen + 1;
        Compaction.Layout layout;
        // Step 1: write the live records to the temp file (the old journal stays the truth).
        try {
            io.deleteIfExists(tmp);
            try (JournalFile out = io.open(tmp)) {
                long savedGen = gen;
                gen = newGen;
                byte[] newHeader = header();
                gen = savedGen;
                layout = Compaction.writeLive(out, newHeader, store, new Compaction.Lines() {
                    @Override
                    public byte[] enqueueLine(int slot) {
                        return readEnqueue(slot);
                    }

                    @Override
                    public byte[] line(long logical) throws IOException {
                        return readLine(logical, 0);
                    }
                }, codec, rec, now, config.dedupWindowMs());
                // Step 2: force the temp file before it can replace the journal.
                out.force();
            }
        } catch (IOException | RuntimeException e) {
            try {
                io.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // deleted at next open
            }
            throw e instanceof IOException io1 ? io1 : new IOException(e);
        }
        // Step 3 (commit point): atomic rename over the journal.
        io.moveAtomically(tmp, journalPath);
        // From here the file on disk is the new journal; a failure means reload from disk.
        try {
            // Step 4: force the directory so the rename survives a power loss.
            io.syncDirectory(dir);
            JournalFile old = journal;
            journal = io.open(journalPath);
            try {
                old.close();
            } catch (IOException ignored) {
                // the old inode is unlinked anyway
            }
        } catch (IOException e) {
            failStorage(e);
            throw e;
        }
        // Step 5: memory follows the new file.
        long pos = layout.size();
        long[] newOff = layout.offsets();
        long[] newAux = layout.deadOffsets();
        int[] newLen = layout.lengths();
        List<Integer> dropped = layout.dropped();
        gen = newGen;
        fileBase = appendedLogical + 1;
        appendedLogical = fileBase + pos;
        durableLogical = appendedLogical;
        store.storedBytes = 0;
        for (int s = store.index.head(); s < store.index.tail(); s++) {
            if (store.index.state(s) == JobState.ACKED) {
                continue;
            }
            int i = s - store.index.head();
            store.index.offsets[s] = fileBase + newOff[i];
            store.index.setLineLength(s, newLen[i]);
            if (store.index.state(s) == JobState.DEAD) {
                store.index.aux[s] = fileBase + newAux[i];
            }
        }
        for (int s : dropped) {
            LOG.error("queue '{}': job {} dropped by compaction: its record is corrupt", name,
                    store.index.ids[s]);
            events.add(new QueueEvent.LineQuarantined(name, -1, 0,
                    "job " + store.index.ids[s] + " record corrupt at compaction"));
            store.counts[store.index.state(s).ordinal()]--;
            store.index.remove(s);
        }
        for (int s = store.index.head(); s < store.index.tail(); s++) {
            if (store.index.state(s) != JobState.ACKED) {
                store.storedBytes += store.index.lineLength(s);
            }
        }
        store.oldestReadyId = -1;
        store.index.compactInPlace();
        // Step 6: the cursor names the new generation (a stale cursor is ignored anyway).
        writeCursor();
        long took = System.nanoTime() - t0;
        LOG.info("queue '{}': compacted journal {} -> {} bytes, {} live jobs", name, before, pos,
                store.index.live());
        events.add(new QueueEvent.Compacted(name, before, pos, store.index.live(), took));
    }

    // =============================================================== events, close

    @Override
    public AutoCloseable subscribe(QueueListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    private void drainPendingEvents() {
        List<QueueEvent> copy;
        lock.lock();
        try {
            if (pendingEvents.isEmpty()) {
                return;
            }
            copy = new ArrayList<>(pendingEvents);
            pendingEvents.clear();
        } finally {
            lock.unlock();
        }
        publish(copy);
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
        commitLock.lock();
        awaitNoFlush();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (failure == null && journal != null) {
                try {
                    flushLocked();
                    journal.force();
                    writeCursor();
                } catch (IOException e) {
                    LOG.error("queue '{}': flush at close failed: {}", name, e.toString());
                }
            }
            closeQuietly();
        } finally {
            lock.unlock();
            commitLock.unlock();
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
            if (journal != null) {
                journal.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            if (fileLock != null) {
                fileLock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
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
