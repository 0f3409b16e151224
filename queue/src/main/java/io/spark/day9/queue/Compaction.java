package io.spark.day9.queue;

import io.spark.day9.queue.JournalIo.JournalFile;
import io.spark.day9.queue.event.QueueEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The file journal's compaction: rewrites the journal to its live records (one {@code E} line
 * per stored job, its {@code C} claim when in flight, its {@code D} line when dead) after a new
 * header, in six steps with the commit rule beside each one in {@link #run}: temp file, force,
 * atomic rename (the commit point), directory force, memory follows the new file, cursor. A
 * job whose record no longer reads back is left out, counted and published as quarantined.
 * Runs under the queue's commitLock and state lock, with nothing pending in the write buffer.
 */
final class Compaction {
    private final QueueConfig config;
    private final String name;
    private final Path dir;
    private final LongSupplier clock;
    private final JournalIo io;
    private final JournalWriter writer;
    private final JobStore store;
    private final Lines lines;
    private final Recovery recovery;
    private final JournalCodec codec;
    private final JournalCodec.Rec rec;

    Compaction(QueueConfig config, LongSupplier clock, JournalIo io, JournalWriter writer,
               JobStore store, Lines lines, Recovery recovery, JournalCodec codec,
               JournalCodec.Rec rec) {
        this.config = config;
        this.name = config.name();
        this.dir = config.queueDir();
        this.clock = clock;
        this.io = io;
        this.writer = writer;
        this.store = store;
        this.lines = lines;
        this.recovery = recovery;
        this.codec = codec;
        this.rec = rec;
    }

    /** Reads lines of the current journal for compaction. */
    interface Lines {
        /** The job's checked enqueue line (decoded into the shared record), or null. */
        byte[] enqueueLine(int slot);

        /** The line at a logical position, without its newline, or null. */
        byte[] line(long logical) throws IOException;
    }

    /**
     * Where the live records landed in the new file, by slot - head: enqueue line offsets and
     * lengths, dead-letter line offsets; the slots dropped; the new file's size.
     */
    record Layout(long[] offsets, long[] deadOffsets, int[] lengths, List<Integer> dropped,
                  long size) {
    }

    /**
     * Writes the live records to journal.ndjson.tmp, forces it, renames it over the journal
     * and forces the directory. Holds commitLock and lock, nothing pending. A crash before
     * the rename leaves the old journal (the tmp file is deleted at open); after it, the new
     * one. Either holds every live job.
     */
    void run(List<QueueEvent> events) throws IOException {
        long t0 = System.nanoTime();
        long before = writer.appendedLogical - writer.fileBase;
        long now = clock.getAsLong();
        Path tmp = dir.resolve(FileJournalQueue.JOURNAL + FileJournalQueue.TMP);
        long newGen = writer.gen + 1;
        Layout layout;
        // Step 1: write the live records to the temp file (the old journal stays the truth).
        try {
            io.deleteIfExists(tmp);
            try (JournalFile out = io.open(tmp)) {
                byte[] newHeader = JournalWriter.header(codec, newGen, store.nextId,
                        store.nextSeq);
                layout = writeLive(out, newHeader, store, lines, codec, rec, now,
                        config.dedupWindowMs());
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
        // Step 3 (commit point): atomic rename over the journal. From here the file on disk
        // is the new journal; a failure means reload from disk. Step 4: force the directory
        // so the rename survives a power loss.
        writer.replaceWith(tmp);
        // Step 5: memory follows the new file.
        long pos = layout.size();
        long[] newOff = layout.offsets();
        long[] newAux = layout.deadOffsets();
        int[] newLen = layout.lengths();
        List<Integer> dropped = layout.dropped();
        long fileBase = writer.rebase(newGen, pos);
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
            FileJournalQueue.LOG.error("queue '{}': job {} dropped by compaction: its record is "
                    + "corrupt", name, store.index.ids[s]);
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
        recovery.writeCursor();
        long took = System.nanoTime() - t0;
        FileJournalQueue.LOG.info("queue '{}': compacted journal {} -> {} bytes, {} live jobs",
                name, before, pos, store.index.live());
        events.add(new QueueEvent.Compacted(name, before, pos, store.index.live(), took));
    }

    /** Step 1: the live records after {@code header}; where each landed. */
    private static Layout writeLive(JournalFile out, byte[] header, JobStore store, Lines lines,
                                    JournalCodec codec, JournalCodec.Rec rec, long now,
                                    long dedupWindowMs) throws IOException {
        JobIndex index = store.index;
        int slots = index.tail() - index.head();
        long[] newOff = new long[slots];
        long[] newAux = new long[slots];
        int[] newLen = new int[slots];
        List<Integer> dropped = new ArrayList<>();
        ChunkWriter w = new ChunkWriter(out);
        w.write(header);
        for (int s = index.head(); s < index.tail(); s++) {
            JobState st = index.state(s);
            if (st == JobState.ACKED) {
                continue;
            }
            byte[] line = lines.enqueueLine(s);
            if (line == null) {
                dropped.add(s);
                continue;
            }
            int i = s - index.head();
            long at = st == JobState.READY || st == JobState.DELAYED ? index.times[s] : rec.at;
            codec.begin('E').num("id", rec.id).num("ts", rec.ts).num("at", at)
                    .num("n", index.attempt(s));
            if (rec.key != null && rec.ts + dedupWindowMs > now) {
                codec.str("k", rec.key);
            }
            if (rec.uidStart >= 0) {
                codec.raw("u", line, rec.uidStart, rec.uidEnd);
            }
            if (rec.attrStart >= 0) {
                codec.raw("a", line, rec.attrStart, rec.attrEnd);
            }
            byte[] e = codec.rawPayload(line, rec).end();
            newOff[i] = w.position();
            newLen[i] = e.length;
            w.write(e);
            if (st == JobState.IN_FLIGHT) {
                codec.begin('C').num("id", index.ids[s]).num("r", index.aux[s])
                        .num("n", index.attempt(s)).num("dl", index.times[s]);
                if (index.claimed[s] > 0) {
                    codec.num("ts", index.claimed[s]);
                }
                w.write(codec.end());
            } else if (st == JobState.DEAD) {
                String why = "unknown";
                byte[] d = lines.line(index.aux[s]);
                if (d != null && codec.decode(d, 0, d.length, rec) == null && rec.why != null) {
                    why = rec.why;
                }
                newAux[i] = w.position();
                w.write(codec.begin('D').num("id", index.ids[s]).num("ts", index.times[s])
                        .num("n", index.attempt(s)).str("why", why).end());
            }
        }
        w.flush();
        return new Layout(newOff, newAux, newLen, dropped, w.position());
    }

    /** Buffers positional writes to a file. */
    private static final class ChunkWriter {
        private final JournalFile out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        private long written;

        ChunkWriter(JournalFile out) {
            this.out = out;
        }

        long position() {
            return written + buf.position();
        }

        void write(byte[] b) throws IOException {
            if (b.length > buf.remaining()) {
                flush();
            }
            if (b.length > buf.capacity()) {
                JournalIo.writeFully(out, ByteBuffer.wrap(b), written);
                written += b.length;
                return;
            }
            buf.put(b);
        }

        void flush() throws IOException {
            buf.flip();
            int n = buf.remaining();
            JournalIo.writeFully(out, buf, written);
            written += n;
            buf.clear();
        }
    }
}
