package io.spark.day9.queue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads stored jobs' lines back from the journal (write buffer, batch being written, or file,
 * through {@link JournalWriter}) and checks each one on its own: a line whose checksum or id
 * does not match is reported as unreadable (null), never delivered. Claim reads the payloads
 * of a whole claim with one positional read per run of nearby lines; stats, the dead-letter
 * view and compaction read single lines. The shared {@code rec} holds the last line decoded.
 *
 * <p>Threading: none of its own; called under the queue's state lock.
 */
final class JobLines implements Compaction.Lines {
    /** Claim reads: largest gap between lines read over rather than split into two reads. */
    private static final int RUN_GAP = 4096;
    /** Claim reads: largest single read. */
    private static final int RUN_MAX = 1 << 20;

    private final String name;
    private final JournalWriter writer;
    private final JobStore store;
    private final JournalCodec codec;
    private final JournalCodec.Rec rec;

    JobLines(String name, JournalWriter writer, JobStore store, JournalCodec codec,
             JournalCodec.Rec rec) {
        this.name = name;
        this.writer = writer;
        this.store = store;
        this.codec = codec;
        this.rec = rec;
    }

    /** Reads and checks a job's enqueue line into rec; returns the line, or null if corrupt. */
    byte[] readEnqueue(int slot) {
        try {
            byte[] line = writer.readLine(store.index.offsets[slot],
                    store.index.lineLength(slot));
            if (line == null || codec.decode(line, 0, line.length, rec) != null
                    || rec.type != 'E' || rec.id != store.index.ids[slot]) {
                return null;
            }
            return line;
        } catch (IOException | RuntimeException e) {
            FileJournalQueue.LOG.error("queue '{}': cannot read job {}: {}", name,
                    store.index.ids[slot], e.toString());
            return null;
        }
    }

    @Override
    public byte[] enqueueLine(int slot) {
        return readEnqueue(slot);
    }

    @Override
    public byte[] line(long logical) throws IOException {
        return writer.readLine(logical, 0);
    }

    /** The reason stored in the D line at logical position {@code logical}, or null. */
    String deadReason(long logical) throws IOException {
        byte[] d = writer.readLine(logical, 0);
        if (d != null && codec.decode(d, 0, d.length, rec) == null && rec.type == 'D') {
            return rec.why;
        }
        return null;
    }

    /** Milliseconds the oldest ready job has waited (0 when none is ready or readable). */
    long oldestReadyAge(long now) {
        if (store.ready.size() == 0) {
            return 0;
        }
        long id = store.ready.peek();
        if (id != store.oldestReadyId) {
            int slot = store.index.find(id);
            if (slot >= 0 && readEnqueue(slot) != null) {
                store.oldestReadyId = id;
                store.oldestReadyTs = rec.ts;
            }
        }
        return id == store.oldestReadyId ? Math.max(0, now - store.oldestReadyTs) : 0;
    }

    /**
     * Up to {@code limit} dead letters with ids above {@code afterId}, in id order, each with
     * its reason and payload; a record that no longer reads back says so in its reason.
     */
    List<DeadLetter> deadLetters(long afterId, int limit) {
        List<DeadLetter> out = new ArrayList<>();
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
                String why = deadReason(store.index.aux[s]);
                if (why != null) {
                    reason = why;
                }
            } catch (IOException e) {
                FileJournalQueue.LOG.warn("queue '{}': cannot read dead letter {}: {}", name, id,
                        e.toString());
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
        return out;
    }

    /**
     * Reads and checks the enqueue lines of claimed jobs ({@code slots[i] < 0}: skip) and
     * returns each one's {@link ClaimedJob} (receipt {@code seqs[i]}), null where the line is
     * corrupt, unreadable or undecodable.
     * Lines already in the file are read with one positional read per run of nearby lines (in
     * offset order, gaps up to {@link #RUN_GAP} bytes, up to {@link #RUN_MAX} bytes a run),
     * then each line is checksummed on its own; a run whose read fails falls back to one read
     * per line. Lines still in the write buffers are copied from memory. Holds lock.
     */
    ClaimedJob[] readClaims(int[] slots, long[] seqs, int n) {
        ClaimedJob[] jobs = new ClaimedJob[n];
        long fileEnd = writer.fileEndLogical();
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
                    run = writer.readRange(off - writer.fileBase, (int) (runEnd - off));
                } catch (IOException | RuntimeException e) {
                    FileJournalQueue.LOG.warn("queue '{}': reading {} bytes of claimed jobs "
                            + "failed ({}); reading them one by one", name, runEnd - off,
                            e.toString());
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
                        continue; // jobs[k] stays null: corrupt
                    }
                } else {
                    line = readEnqueue(t);
                    if (line == null) {
                        continue;
                    }
                }
                try {
                    jobs[k] = new ClaimedJob(store.index.ids[t], Long.toString(seqs[k]),
                            store.index.attempt(t), rec.ts, store.index.times[t],
                            rec.payload(line), rec.uid(line), rec.attributes(line));
                } catch (IllegalArgumentException e) {
                    jobs[k] = null; // undecodable: corrupt
                }
            }
            i = j;
        }
        return jobs;
    }
}
