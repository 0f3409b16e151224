package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The file journal's recovery: rebuilds the {@link JobStore} from the journal at open and after
 * a storage failure, and keeps the replay cursor. The journal format is documented in
 * {@link JournalWriter}; the side files (cursor, quarantine) in {@link RecoveryFiles}.
 *
 * <h2>Recovery on open</h2>
 * The front takes the directory lock (else {@link QueueLockedException}) and deletes
 * {@code *.tmp}; then {@link #replay}: replay from the cursor (or from the start) through
 * {@link JobStore}, so {@link JobState#canMoveTo} governs replay too; move every invalid
 * complete line, wherever it is, to {@code quarantine.ndjson} (each counted in
 * {@code quarantinedLines}, logged, published as {@link QueueEvent.LineQuarantined}); cut an
 * unterminated last line (a torn write, never acknowledged: counted in {@code tornTailBytes},
 * not quarantined); ask the front to compact so quarantined lines leave the journal. A line is
 * valid only if its checksum matches, so a corrupt payload is never delivered; payloads are
 * checked again when read for a claim.
 *
 * <p>Threading: runs under the queue's commitLock and state lock; the counters are guarded by
 * the state lock.
 */
final class Recovery {
    private static final int READ_CHUNK = 1 << 20;

    private final QueueConfig config;
    private final String name;
    private final Path dir;
    private final Path journalPath;
    private final JournalIo io;
    private final JournalWriter writer;
    private final JobStore store;
    private final JournalCodec codec;
    private final JournalCodec.Rec rec;

    /** Lines moved to the quarantine since open. */
    long quarantined;
    /** Bytes of unterminated last lines cut at recovery. */
    long tornTailBytes;
    /** Logical position of the oldest live job when the cursor was last written, or -1. */
    long cursorHeadOffset = -1;

    Recovery(QueueConfig config, Path journalPath, JournalIo io, JournalWriter writer,
             JobStore store, JournalCodec codec, JournalCodec.Rec rec) {
        this.config = config;
        this.name = config.name();
        this.dir = journalPath.getParent();
        this.journalPath = journalPath;
        this.io = io;
        this.writer = writer;
        this.store = store;
        this.codec = codec;
        this.rec = rec;
    }

    /**
     * Rebuilds all in-memory state from the journal. Holds commitLock and lock. Returns
     * whether the journal should be compacted now (quarantined lines, no header).
     */
    boolean replay(long now, List<QueueEvent> events) throws IOException {
        store.clear();
        store.nextId = 1;
        store.nextSeq = 1;
        long size = writer.reopen();
        if (size == 0) {
            writer.gen = 1;
            writer.writeFirstHeader(JournalWriter.header(codec, 1, store.nextId,
                    store.nextSeq));
            cursorHeadOffset = -1;
            return false;
        }
        // The header names the generation the cursor must match.
        byte[] first = writer.readFileLine(0, size);
        if (first != null && codec.decode(first, 0, first.length, rec) == null
                && rec.type == 'H') {
            writer.gen = rec.gen;
        }
        long start = 0;
        RecoveryFiles.Cursor cursor = RecoveryFiles.readCursor(dir, name, writer.gen, size, codec,
                rec, writer::readFileLine, writer::readRange);
        if (cursor != null) {
            start = cursor.offset();
            store.nextId = Math.max(store.nextId, cursor.nid());
            store.nextSeq = Math.max(store.nextSeq, cursor.nseq());
        }
        List<long[]> bad = new ArrayList<>();
        long lastGoodEnd = scan(start, size, now, bad);
        // The tail: everything after the last valid line. Its complete lines are invalid
        // lines like any other (quarantined and counted, one by one); an unterminated last
        // fragment is a write that never completed, so was never acknowledged: cut, counted
        // as tornTailBytes, not quarantined.
        if (size > lastGoodEnd) {
            byte[] tail = writer.readRange(lastGoodEnd,
                    (int) Math.min(size - lastGoodEnd, 1 << 26));
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
                RecoveryFiles.appendQuarantine(io, dir, lines);
                quarantined += lines.size();
                FileJournalQueue.LOG.error("queue '{}': {} invalid line(s) at the end of {} "
                        + "moved to {}", name, lines.size(), journalPath,
                        FileJournalQueue.QUARANTINE);
            }
            if (torn > 0) {
                tornTailBytes += torn;
                FileJournalQueue.LOG.warn("queue '{}': cut a torn last line of {} bytes at "
                        + "offset {} of {}", name, torn, lastGoodEnd + from, journalPath);
            }
            writer.truncate(lastGoodEnd);
            events.add(new QueueEvent.TailTruncated(name, lastGoodEnd, size - lastGoodEnd));
            size = lastGoodEnd;
        }
        List<byte[]> quarantine = new ArrayList<>();
        for (long[] span : bad) {
            if (span[0] < lastGoodEnd) {
                quarantine.add(writer.readRange(span[0], (int) span[1]));
                FileJournalQueue.LOG.error("queue '{}': corrupt journal line at offset {} ({} "
                        + "bytes) moved to {}", name, span[0], span[1],
                        FileJournalQueue.QUARANTINE);
                events.add(new QueueEvent.LineQuarantined(name, span[0], (int) span[1],
                        "invalid line"));
            }
        }
        writer.setEnd(size);
        store.finishReplay(now);
        if (!quarantine.isEmpty()) {
            RecoveryFiles.appendQuarantine(io, dir, quarantine);
            quarantined += quarantine.size();
        }
        if (!quarantine.isEmpty() || writer.gen == 0 || size == 0) {
            if (size == 0) {
                writer.gen = Math.max(writer.gen, 1);
            }
            return true;
        }
        return false;
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
                int n = writer.read(bb, pos);
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
        long logical = writer.fileBase + fileOffset;
        JobIndex index = store.index;
        int slot = rec.type == 'E' || rec.type == 'H' || rec.type == 'K' ? -1
                : index.find(rec.id);
        switch (rec.type) {
            case 'H' -> {
                if (fileOffset != 0) {
                    return "header not at start";
                }
                store.nextId = Math.max(store.nextId, rec.nid);
                store.nextSeq = Math.max(store.nextSeq, rec.nseq);
            }
            case 'E' -> {
                if (rec.id <= index.lastId() || rec.id <= 0) {
                    return "job id " + rec.id + " out of order";
                }
                index.add(rec.id, logical, rec.at, JobState.READY,
                        (int) Math.min(rec.n, JobIndex.MAX_ATTEMPT), lineLength);
                store.nextId = Math.max(store.nextId, rec.id + 1);
                if (rec.key != null && rec.ts + config.dedupWindowMs() > now) {
                    store.dedup.remove(rec.key);
                    store.dedup.put(rec.key, new JobStore.Dedup(rec.id,
                            rec.ts + config.dedupWindowMs(), rec.uid(line)));
                }
            }
            case 'C' -> {
                store.nextSeq = Math.max(store.nextSeq, rec.r + 1);
                if (slot >= 0 && store.replayMove(slot, JobState.IN_FLIGHT)) {
                    index.setAttempt(slot, (int) Math.min(rec.n, JobIndex.MAX_ATTEMPT));
                    index.aux[slot] = rec.r;
                    index.times[slot] = rec.dl;
                    index.claimed[slot] = rec.ts; // 0 (unknown) in lines before claim times
                    index.consumers[slot] = null;  // not stored
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

    /** Writes cursor.txt atomically. Holds both locks, nothing pending. Failures only log. */
    void writeCursor() {
        long head = store.index.live() == 0 ? writer.appendedLogical
                : store.index.offsets[store.index.head()];
        byte[] line = codec.begin('K').num("gen", writer.gen).num("at", head - writer.fileBase)
                .num("nid", store.nextId).num("nseq", store.nextSeq).end();
        if (RecoveryFiles.writeCursor(io, dir, name, line)) {
            cursorHeadOffset = head;
        }
    }
}
