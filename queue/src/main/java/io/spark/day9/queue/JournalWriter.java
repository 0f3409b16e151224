package io.spark.day9.queue;

import io.spark.day9.queue.JournalIo.JournalFile;
import io.spark.day9.queue.event.QueueEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The file journal's writer: it owns {@code journal.ndjson} and its format (below), the write
 * buffer, group commit, the fsync modes, epochs and the storage-failure state, and reads lines
 * back wherever they are (write buffer, batch being written, file). {@link FileJournalQueue}
 * builds the lines and applies their meaning; {@link Recovery} replays them.
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
 *   <tr><td>C</td><td>id, r, n, dl, [ts]</td><td>claim: receipt, delivery count after this
 *       claim, visibility deadline, claimed-at (absent in lines written before claim times
 *       were recorded: the claim's age is then unknown; older readers ignore it, as they
 *       ignore any unknown numeric member)</td></tr>
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
 * Batch calls follow the same rule for all their lines at once:
 * {@link FileJournalQueue#enqueueAll} checks the bounds of the whole batch before appending
 * anything, appends one contiguous block and waits for one commit;
 * {@link FileJournalQueue#ackAll} appends one line per owning item and waits for one commit;
 * {@link FileJournalQueue#enqueueAsync} appends on the commit thread and completes its future
 * there once the line is durable. In ALWAYS mode a multi-line call writes its
 * lines with one write and one force.
 *
 * <h2>Positions, epochs, failures</h2>
 * Positions are logical: they only grow, across compactions and recoveries; file offset =
 * logical - {@link #fileBase}. A write or force that fails marks the writer failed
 * ({@link #failure}): the durable end of the current epoch is recorded and the epoch moves on,
 * so every caller whose line is past that end throws {@link QueueStorageException}; the queue
 * cuts the file back to the durable end ({@link #cutToDurable}) and replays before it goes on.
 * {@link #storageError} stays set until a write succeeds again.
 *
 * <p>Threading: guarded by the queue's state lock ({@code lock}) except where noted; the
 * commit lock is taken before it (see the package doc). The hot paths ({@code append},
 * {@link #awaitDurable}) allocate nothing once the write buffer has grown to its working
 * size.
 */
final class JournalWriter {
    private final QueueConfig config;
    private final String name;
    private final Path dir;
    private final Path journalPath;
    private final JournalIo io;
    private final Consumer<List<QueueEvent>> publisher;

    /** The queue's state lock: guards every field below that is not volatile. */
    private final ReentrantLock lock;
    /** Held by the commit leader hand-off and by whole-file work; taken before lock. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Signalled (under commitLock) when a leader's batch is done: durable advanced or failed. */
    private final Condition batchDone = commitLock.newCondition();
    /** True while a leader writes and forces a batch outside commitLock. Guarded by it. */
    private boolean flushing;
    /** Operations between "about to take the lock to append" and "appended". */
    final AtomicInteger appending = new AtomicInteger();

    private JournalFile journal;
    /** The journal generation (+1 per compaction), named by the header and the cursor. */
    long gen;
    long fileBase;
    long appendedLogical;
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
    /** The storage failure, from a failed write until a write succeeds again. */
    volatile String storageError;
    private final List<QueueEvent> pendingEvents = new ArrayList<>();

    /** ALWAYS mode: a multi-line operation buffers its lines and forces once. Under lock. */
    boolean deferForce;

    JournalWriter(QueueConfig config, Path journalPath, JournalIo io, ReentrantLock lock,
                  Consumer<List<QueueEvent>> publisher) {
        this.config = config;
        this.name = config.name();
        this.dir = journalPath.getParent();
        this.journalPath = journalPath;
        this.io = io;
        this.lock = lock;
        this.publisher = publisher;
    }

    /** The H line: format version 1, generation, next job id, next receipt. */
    static byte[] header(JournalCodec codec, long gen, long nextId, long nextSeq) {
        return codec.begin('H').num("v", 1).num("gen", gen).num("nid", nextId)
                .num("nseq", nextSeq).end();
    }

    // =============================================================== whole-file work

    /** Takes commitLock (once no leader is writing a batch), then lock. */
    void lockAll() {
        commitLock.lock();
        awaitNoFlush();
        lock.lock();
    }

    void unlockAll() {
        lock.unlock();
        commitLock.unlock();
    }

    /**
     * Before a replay (both locks): forgets the write buffers and opens the journal, its
     * positions starting after every one used so far. Returns the file's size.
     */
    long reopen() throws IOException {
        pendingLen = 0;
        pendingRecords = 0;
        inFlightBuf = null;
        gen = 0;
        fileBase = appendedLogical;
        journal = io.open(journalPath);
        return journal.size();
    }

    /** A new, empty journal (both locks): writes and forces the header and the directory. */
    void writeFirstHeader(byte[] h) throws IOException {
        JournalIo.writeFully(journal, ByteBuffer.wrap(h), 0);
        journal.force();
        io.syncDirectory(dir);
        setEnd(h.length);
    }

    /** Replay found the file valid up to {@code fileSize}: appends go on from there. */
    void setEnd(long fileSize) {
        appendedLogical = fileBase + fileSize;
        durableLogical = appendedLogical;
    }

    /** Reads into {@code bb} at a file offset (replay). */
    int read(ByteBuffer bb, long fileOffset) throws IOException {
        return journal.read(bb, fileOffset);
    }

    /** Cuts the file at {@code fileSize} and forces it (replay's torn tail). */
    void truncate(long fileSize) throws IOException {
        journal.truncate(fileSize);
        journal.force();
    }

    /**
     * After a storage failure (both locks): closes the journal and cuts it back to its last
     * durable byte; positions move on so none is reused. The caller replays next.
     */
    void cutToDurable() throws IOException {
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
    }

    /**
     * Compaction's commit point and what follows it (both locks, nothing pending): renames
     * {@code tmp} over the journal atomically, forces the directory so the rename survives a
     * power loss, and reopens. A failure after the rename marks the writer failed: the file
     * on disk is the new journal, so the queue reloads from it.
     */
    void replaceWith(Path tmp) throws IOException {
        io.moveAtomically(tmp, journalPath);
        try {
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
    }

    /** Memory follows the new file of {@code size} bytes. Returns the new {@link #fileBase}. */
    long rebase(long newGen, long size) {
        gen = newGen;
        fileBase = appendedLogical + 1;
        appendedLogical = fileBase + size;
        durableLogical = appendedLogical;
        return fileBase;
    }

    /** The journal's size in bytes, appended lines included. */
    long size() {
        return appendedLogical - fileBase;
    }

    void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    boolean isOpen() {
        return journal != null;
    }

    /** Forces the file (close, in NONE mode). */
    void force() throws IOException {
        journal.force();
    }

    // =============================================================== reading lines

    byte[] readRange(long fileOffset, int length) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(length);
        JournalIo.readFully(journal, bb, fileOffset);
        return bb.array();
    }

    /** The file line at fileOffset without its newline, or null if no newline before limit. */
    byte[] readFileLine(long fileOffset, long limit) throws IOException {
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

    /** The logical end of what is in the file (lines after it are still in memory). */
    long fileEndLogical() {
        return inFlightBuf != null ? inFlightStart : appendedLogical - pendingLen;
    }

    /**
     * The line starting at logical position {@code logical}, without its newline, from the
     * write buffer, the batch being written, or the file. Holds lock.
     */
    byte[] readLine(long logical, int knownLength) throws IOException {
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

    // =============================================================== write path

    /** Appends a line under lock. Returns its logical start. */
    long append(byte[] line) {
        return append(line, line.length, 1);
    }

    /**
     * Appends {@code records} whole lines, {@code b[0, len)}, under lock. Returns the logical
     * start of the first. In ALWAYS mode they are written and forced here (one force for all),
     * unless {@link #deferForce} is set: then they wait in the write buffer for
     * {@link #commitDeferred()} at the end of the operation.
     */
    long append(byte[] b, int len, int records) {
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

    /** Marks the writer failed (under lock): callers not yet durable will throw. */
    void failStorage(IOException e) {
        storageError = e.toString();
        if (failure == null) {
            failure = e;
            epochDurableEnds.add(durableLogical);
            epoch++;
            FileJournalQueue.LOG.error("queue '{}': journal I/O failed, refusing writes until it "
                    + "recovers: {}", name, e.toString());
            pendingEvents.add(new QueueEvent.StorageFailed(name, e.toString()));
        }
    }

    /**
     * A journal write (and its force, if any) succeeded, under lock: a storage failure still
     * reported ends here, not when recovery merely cut the journal back.
     */
    private void writeSucceeded() {
        if (storageError != null) {
            storageError = null;
            FileJournalQueue.LOG.warn("queue '{}': journal writes succeed again", name);
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
        publisher.accept(List.of(new QueueEvent.FsyncBatch(name, records, len, took)));
    }

    /** Writes and forces everything pending. Holds commitLock and lock. */
    void flushLocked() throws IOException {
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

    /** Publishes the storage events recorded under lock. Call with no lock held. */
    void drainPendingEvents() {
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
        publisher.accept(copy);
    }
}
