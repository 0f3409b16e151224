package io.spark.day9.queue;

import io.spark.day9.queue.JournalIo.JournalFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compaction's first step for the file journal: writes the live records (one {@code E} line
 * per stored job, its {@code C} claim when in flight, its {@code D} line when dead) after a new
 * header to a temp file, and reports where each landed. {@link FileJournalQueue} does the rest
 * of the sequence (force, atomic rename, directory force, memory follows), with the commit rule
 * beside each step there. A job whose record no longer reads back is left out and reported in
 * {@link Layout#dropped()}. Runs under the queue's commitLock and state lock.
 */
final class Compaction {
    private Compaction() {
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

    static Layout writeLive(JournalFile out, byte[] header, JobStore store, Lines lines,
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
                w.write(codec.begin('C').num("id", index.ids[s]).num("r", index.aux[s])
                        .num("n", index.attempt(s)).num("dl", index.times[s]).end());
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
