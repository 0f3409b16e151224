package io.spark.day9.queue;

import io.spark.day9.queue.JournalIo.JournalFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The file journal's recovery side files: the replay cursor ({@code cursor.txt}, one {@code K}
 * line naming the journal generation, the byte offset of the oldest live job's {@code E} line
 * and the id and receipt counters) and the quarantine ({@code quarantine.ndjson}, invalid lines
 * set aside verbatim, one per line). A cursor is only trusted when it names the journal's
 * generation and points at the start of an enqueue line inside the file; otherwise replay starts
 * from the beginning, which is always safe. The cursor is replaced atomically (temp file, force,
 * rename, directory force); a failure to write it only logs (the next open replays more).
 * Called by {@link Recovery} under the queue's locks.
 */
final class RecoveryFiles {
    private RecoveryFiles() {
    }

    /** Where replay may start, and the counters to resume from. */
    record Cursor(long offset, long nid, long nseq) {
    }

    /** Reads {@code length} bytes of the journal at a file offset. */
    @FunctionalInterface
    interface RangeReader {
        byte[] read(long fileOffset, int length) throws IOException;
    }

    /** Reads the journal line at a file offset (without newline), or null. */
    @FunctionalInterface
    interface LineReader {
        byte[] read(long fileOffset, long limit) throws IOException;
    }

    /** The cursor if it exists and matches the journal (generation {@code gen}), else null. */
    static Cursor readCursor(Path dir, String queue, long gen, long size, JournalCodec codec,
                             JournalCodec.Rec rec, LineReader lines, RangeReader range) {
        Path p = dir.resolve(FileJournalQueue.CURSOR);
        if (!Files.exists(p)) {
            return null;
        }
        try {
            byte[] b = Files.readAllBytes(p);
            int end = b.length;
            while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r')) {
                end--;
            }
            String why = codec.decode(b, 0, end, rec);
            if (why == null && rec.type != 'K') {
                why = "not a cursor line";
            }
            if (why == null && (rec.gen != gen || gen == 0)) {
                why = "generation " + rec.gen + " does not match the journal's " + gen;
            }
            if (why == null && (rec.at < 0 || rec.at > size)) {
                why = "offset " + rec.at + " beyond the journal's " + size + " bytes";
            }
            long offset = rec.at;
            long nid = rec.nid;
            long nseq = rec.nseq;
            if (why == null && offset < size) {
                byte[] line = lines.read(offset, size);
                if (offset == 0 || range.read(offset - 1, 1)[0] != '\n' || line == null
                        || codec.decode(line, 0, line.length, rec) != null || rec.type != 'E') {
                    why = "offset " + offset + " is not the start of an enqueue line";
                }
            }
            if (why != null) {
                FileJournalQueue.LOG.warn("queue '{}': ignoring {} ({}); replaying the whole "
                        + "journal", queue, p, why);
                return null;
            }
            return new Cursor(offset, nid, nseq);
        } catch (IOException | RuntimeException e) {
            FileJournalQueue.LOG.warn("queue '{}': cannot read {} ({}); replaying the whole "
                    + "journal", queue, p, e.toString());
            return null;
        }
    }

    /** Replaces cursor.txt with {@code line} atomically; false (logged) when it failed. */
    static boolean writeCursor(JournalIo io, Path dir, String queue, byte[] line) {
        Path tmp = dir.resolve(FileJournalQueue.CURSOR + FileJournalQueue.TMP);
        try {
            io.deleteIfExists(tmp);
            try (JournalFile f = io.open(tmp)) {
                JournalIo.writeFully(f, ByteBuffer.wrap(line), 0);
                f.force();
            }
            io.moveAtomically(tmp, dir.resolve(FileJournalQueue.CURSOR));
            io.syncDirectory(dir);
            return true;
        } catch (IOException e) {
            FileJournalQueue.LOG.warn("queue '{}': could not write {} ({}); the next open "
                    + "replays more", queue, FileJournalQueue.CURSOR, e.toString());
            return false;
        }
    }

    /** Appends {@code lines} to quarantine.ndjson, each ending in one newline, and forces it. */
    static void appendQuarantine(JournalIo io, Path dir, List<byte[]> lines) throws IOException {
        try (JournalFile q = io.open(dir.resolve(FileJournalQueue.QUARANTINE))) {
            long at = q.size();
            for (byte[] l : lines) {
                boolean nl = l.length > 0 && l[l.length - 1] == '\n';
                ByteBuffer bb = ByteBuffer.allocate(l.length + (nl ? 0 : 1));
                bb.put(l);
                if (!nl) {
                    bb.put((byte) '\n');
                }
                bb.flip();
                JournalIo.writeFully(q, bb, at);
                at += bb.limit();
            }
            q.force();
        }
    }
}
