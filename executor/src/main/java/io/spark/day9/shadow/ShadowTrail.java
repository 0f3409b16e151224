package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.fs.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow order audit trail: {@code SHADOW_DIR/orders-YYYY-MM-DD.ndjson} (UTC day), one JSON
 * object a line, append-only, readable with text tools. Record kinds: {@code order},
 * {@code fill}, {@code cancel}, {@code expire}, {@code reject}, {@code real} (the A/B real
 * leg); fields in docs/shadow.md.
 *
 * <p>Durability: {@link #append} returns once its lines are on disk ({@code force}). Writers
 * only copy their lines into memory ({@link #write}, cheap, safe under a caller's lock); the
 * disk is touched by one leader at a time ({@link #awaitDurable}): it takes every line written
 * so far, writes them in order, forces once and so makes all of them durable (group commit).
 * A writer never makes a system call while its caller holds a lock: an append to a file that
 * is being forced can wait for the file system's journal commit, and a caller's lock held
 * through that wait would stall every other order behind it.
 *
 * <p>Recovery: lines are whole or torn; a torn last line (a crash mid-write) is skipped by the
 * reader and counted, and the next append starts on a fresh line. A failed write is retried
 * whole by the next leader, after a newline, so no line is ever glued onto a torn one.
 *
 * <p>Positions: every line has a {@link Position} (file name and byte offset), known when it is
 * written (before it is on disk): the files' sizes are read once at open, and each accepted line
 * advances its day's end. {@link #mark()} is the position after every line accepted so far; a
 * state snapshot taken under the writers' lock stores it, and a restart replays only the lines
 * at or after it ({@link #walk}). A write that fails part-way and is retried shifts the later
 * positions of that file until the next open (the retry starts after a newline); readers of a
 * position therefore check that they are at a line start and that the line is the one they
 * expected.
 */
public final class ShadowTrail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShadowTrail.class);
    private static final java.util.regex.Pattern FILE_NAME =
            java.util.regex.Pattern.compile("orders-\\d{4}-\\d{2}-\\d{2}\\.ndjson");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ObjectMapper json;
    // writers: lines accepted but not yet written, per UTC day, in order
    private final Object writeLock = new Object(); // lock order: commit, then writeLock
    private List<Segment> pending = new ArrayList<>();
    private long accepted; // bytes accepted since open: the end a ticket waits for
    private long durable;  // of those, the bytes on disk
    private boolean closed;
    // the leader (one at a time: forcing, under commit): the open file
    private final Object commit = new Object();
    private boolean forcing;
    private FileChannel channel;
    private volatile String day; // read by openDay() from any thread
    private boolean torn;
    // positions (under writeLock): the logical end of each day's file, and the last day written
    private final Map<String, Long> ends = new HashMap<>();
    private Position mark = Position.START;

    ShadowTrail(Path dir, ObjectMapper json) throws IOException {
        this.dir = dir;
        this.json = json;
        SecureFiles.ensureDirectory(dir);
        for (Path f : files(dir)) {
            long size = Files.size(f);
            // a torn last line gets a newline before the next line (see roll)
            long end = size > 0 && !endsWithNewline(f, size) ? size + 1 : size;
            String name = f.getFileName().toString();
            ends.put(name, end);
            mark = new Position(name, end);
        }
    }

    /**
     * A place in the trail: a file ({@code orders-YYYY-MM-DD.ndjson}) and a byte offset in it.
     * Ordered by file name (so by day), then offset. {@link #START} is before every file.
     *
     * @param segment the file name, empty for {@link #START}
     * @param offset  bytes from the file's start
     */
    public record Position(String segment, long offset) implements Comparable<Position> {
        /** Before the first line of the first file. */
        public static final Position START = new Position("", 0);

        public Position {
            Objects.requireNonNull(segment, "segment");
            if (!segment.isEmpty() && !FILE_NAME.matcher(segment).matches()) {
                throw new IllegalArgumentException("segment=" + segment
                        + " is invalid: must be a trail file name orders-YYYY-MM-DD.ndjson");
            }
            if (offset < 0) {
                throw new IllegalArgumentException("offset=" + offset
                        + " is invalid: must be 0 or more");
            }
        }

        @Override
        public int compareTo(Position o) {
            int c = segment.compareTo(o.segment);
            return c != 0 ? c : Long.compare(offset, o.offset);
        }
    }

    /**
     * Where a write ended: wait for it with {@link #awaitDurable}.
     *
     * @param first the position of the write's first line
     */
    record Ticket(long end, Position first) {
    }

    /** The position after every line accepted so far (written or not yet durable). */
    Position mark() {
        synchronized (writeLock) {
            return mark;
        }
    }

    /** Lines of one UTC day, in the order they were written. */
    private static final class Segment {
        final String day;
        byte[] bytes = new byte[4096];
        int size;

        Segment(String day) {
            this.day = day;
        }

        void add(byte[] b) {
            if (size + b.length + 1 > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2,
                        size + b.length + 1));
            }
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
            bytes[size++] = '\n';
        }
    }

    /** Appends records (each a JSON object with {@code ts}); returns once they are durable. */
    void append(List<Map<String, Object>> records) {
        awaitDurable(write(records));
    }

    /**
     * Accepts records in call order (memory only, no system call) and returns a ticket; callers
     * that must keep records in order across threads call this under their own lock and wait
     * outside it.
     */
    Ticket write(List<Map<String, Object>> records) {
        if (records.isEmpty()) {
            return null;
        }
        String d = DAY.format(Instant.parse((String) records.get(0).get("ts")));
        List<byte[]> lines = new ArrayList<>(records.size());
        try {
            for (Map<String, Object> r : records) {
                lines.add(json.writeValueAsBytes(r));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a shadow trail record could not be serialised", e);
        }
        synchronized (writeLock) {
            if (closed) {
                throw new IllegalStateException("the shadow trail in " + dir + " is closed");
            }
            Segment seg = pending.isEmpty() ? null : pending.get(pending.size() - 1);
            if (seg == null || !seg.day.equals(d)) {
                seg = new Segment(d);
                pending.add(seg);
            }
            String name = fileName(d);
            long end = ends.getOrDefault(name, 0L);
            Position first = new Position(name, end);
            for (byte[] line : lines) {
                seg.add(line);
                accepted += line.length + 1;
                end += line.length + 1;
            }
            ends.put(name, end);
            mark = new Position(name, end);
            return new Ticket(accepted, first);
        }
    }

    /**
     * Returns once the bytes of {@code ticket} are on disk (group commit).
     *
     * <p>One leader writes and forces at a time, outside every lock the writers need; the
     * others wait on {@code commit} and are all woken when a force ends. A waiter whose bytes
     * that force covered returns at once, and the first one not covered leads the next force,
     * covering everything written by then.
     */
    void awaitDurable(Ticket ticket) {
        if (ticket == null) {
            return;
        }
        if (!lead(ticket.end())) {
            return; // another leader's force covered it
        }
        try {
            flush();
        } finally {
            release();
        }
    }

    /**
     * Waits until the bytes up to {@code end} are on disk (false) or nobody is forcing, and then
     * takes the lead (true): the caller flushes and must {@link #release()}.
     */
    private boolean lead(long end) {
        synchronized (commit) {
            while (!covered(end)) {
                if (!forcing) {
                    forcing = true;
                    return true;
                }
                try {
                    commit.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the shadow trail "
                            + "to be forced", e);
                }
            }
            return false;
        }
    }

    private void release() {
        synchronized (commit) {
            forcing = false;
            commit.notifyAll();
        }
    }

    /** The leader: writes every accepted line in order, then forces once. */
    private void flush() {
        List<Segment> batch;
        long target;
        synchronized (writeLock) {
            batch = pending;
            target = accepted;
            pending = new ArrayList<>(2);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            for (Segment seg : batch) {
                if (!seg.day.equals(day)) {
                    roll(seg.day);
                }
                ByteBuffer buf = ByteBuffer.wrap(seg.bytes, 0, seg.size);
                if (torn) { // the last write failed part-way: never glue onto it
                    channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                }
                torn = true;
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                torn = false;
            }
            channel.force(false);
        } catch (IOException e) {
            synchronized (writeLock) { // the next leader writes them again, whole
                batch.addAll(pending);
                pending = batch;
            }
            throw new UncheckedIOException("shadow trail write failed in " + dir, e);
        }
        synchronized (writeLock) {
            durable = Math.max(durable, target);
        }
    }

    /** True when the bytes up to {@code end} are on disk. */
    private boolean covered(long end) {
        synchronized (writeLock) {
            return durable >= end;
        }
    }

    /** Opens the day's file (forcing and closing the previous one). Only the leader. */
    private void roll(String d) throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
            channel = null;
        }
        Path file = dir.resolve(fileName(d));
        boolean existed = Files.exists(file);
        SecureFiles.ensureFile(file);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        torn = false;
        if (!existed) {
            SecureFiles.fsyncDirectory(dir);
        } else if (channel.size() > 0 && !endsWithNewline(file, channel.size())) {
            torn = true; // a torn last line from a crash: start ours on a new line
        }
        day = d;
    }

    private static boolean endsWithNewline(Path file, long size) throws IOException {
        try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            r.read(b, size - 1);
            return b.get(0) == '\n';
        }
    }

    /** Writes and forces whatever is still pending, then closes the file. */
    @Override
    public void close() throws IOException {
        lead(Long.MAX_VALUE); // never covered: waits for the current leader, then leads
        try {
            flush();
        } finally {
            synchronized (writeLock) {
                closed = true;
            }
            if (channel != null) {
                channel.close();
                channel = null;
                day = null;
            }
            release();
        }
    }

    /**
     * The UTC day ({@code yyyy-MM-dd}) of the segment open for appending, or null before the
     * first write and after close; retention pins it ({@link TrailRetention}).
     */
    String openDay() {
        return day;
    }

    /**
     * The UTC day a trail segment's name carries ({@code orders-2026-12-05.ndjson} gives
     * 2026-12-05); empty for any other name, including the empty name of the trail's start.
     */
    public static java.util.Optional<java.time.LocalDate> segmentDay(String segment) {
        if (segment == null || !FILE_NAME.matcher(segment).matches()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(java.time.LocalDate.parse(segment.substring(7, 17)));
    }

    private static String fileName(String day) {
        return "orders-" + day + ".ndjson";
    }

    /** The trail files in {@code dir}, oldest first; none when the directory is absent. */
    static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches()).sorted()
                    .forEach(files::add);
        }
        return files;
    }

    /** What {@link #read} found: the trail files, and the lines it skipped as unreadable. */
    public record ReadResult(int files, int skippedLines) {
    }

    /**
     * Reads every trail file ({@code orders-YYYY-MM-DD.ndjson}) in {@code dir} in day order, line
     * by line, handing each JSON object to {@code sink}; lines that are not a JSON object (a torn
     * last line) are skipped, logged and counted. An absent directory reads as empty.
     */
    public static ReadResult read(Path dir, ObjectMapper json, Consumer<JsonNode> sink)
            throws IOException {
        int[] skipped = {0};
        Walk w = walk(dir, Position.START, (at, line, len) -> {
            JsonNode node = parseLine(json, line, len);
            if (node == null) {
                skipped[0]++;
                log.warn("shadow trail {}: skipping an unreadable line", at.segment());
            } else {
                sink.accept(node);
            }
            return true;
        });
        return new ReadResult(w.files(), skipped[0]);
    }

    /** The line as a JSON object, or null when it is not one (a torn line). */
    static JsonNode parseLine(ObjectMapper json, byte[] line, int len) {
        try {
            JsonNode node = json.readTree(line, 0, len);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Visits raw lines (without their newline); returns false to stop the walk. */
    @FunctionalInterface
    interface LineVisitor {
        boolean visit(Position at, byte[] line, int length) throws IOException;
    }

    /**
     * What {@link #walk} found.
     *
     * @param files         files read
     * @param fromFound     the start position's file exists (always true for {@link Position#START})
     * @param fromBeyondEnd the start offset is past the end of its file (the trail is behind it)
     * @param fromMidLine   the start offset is not at a line start
     */
    record Walk(int files, boolean fromFound, boolean fromBeyondEnd, boolean fromMidLine) {
    }

    /**
     * Visits every non-blank line at or after {@code from}, in order, across files, until the
     * visitor returns false. When {@code from}'s file is gone (retention), the walk starts at the
     * next file; when its offset is beyond the file's end, that file is skipped; when the offset
     * is not at a line start, the walk starts at the next line (the partial one is not a line of
     * its own). The caller learns all three from the result.
     */
    static Walk walk(Path dir, Position from, LineVisitor visitor) throws IOException {
        List<Path> files = files(dir);
        boolean found = from.segment().isEmpty();
        boolean beyond = false;
        boolean midLine = false;
        int read = 0;
        byte[] buf = new byte[1 << 16];
        byte[] line = new byte[1024];
        for (Path f : files) {
            String name = f.getFileName().toString();
            int c = name.compareTo(from.segment());
            if (c < 0) {
                continue;
            }
            long offset = 0;
            if (c == 0) {
                found = true;
                offset = from.offset();
            }
            read++;
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long size = ch.size();
                if (offset > size) {
                    beyond = true;
                    continue;
                }
                boolean skipPartial = false;
                if (offset > 0) {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    ch.read(one, offset - 1);
                    skipPartial = one.get(0) != '\n';
                    midLine |= skipPartial;
                }
                long pos = offset;
                long lineStart = offset;
                int len = 0;
                ByteBuffer bb = ByteBuffer.wrap(buf);
                while (true) {
                    bb.clear();
                    int n = ch.read(bb, pos);
                    if (n <= 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        byte b = buf[i];
                        if (b == '\n') {
                            if (!skipPartial && !blank(line, len)
                                    && !visitor.visit(new Position(name, lineStart), line, len)) {
                                return new Walk(read, found, beyond, midLine);
                            }
                            skipPartial = false;
                            len = 0;
                            lineStart = pos + i + 1;
                        } else {
                            if (len == line.length) {
                                line = java.util.Arrays.copyOf(line, line.length * 2);
                            }
                            line[len++] = b;
                        }
                    }
                    pos += n;
                }
                if (!skipPartial && len > 0 && !blank(line, len)
                        && !visitor.visit(new Position(name, lineStart), line, len)) {
                    return new Walk(read, found, beyond, midLine);
                }
            }
        }
        return new Walk(read, found, beyond, midLine);
    }

    private static boolean blank(byte[] line, int len) {
        for (int i = 0; i < len; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
