package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.fs.SecureFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>Durability: {@link #append} returns once its lines are on disk ({@code force}). Concurrent
 * callers share one force (group commit): each writes under the write lock, then waits until a
 * force covering its bytes has completed, doing that force itself when nobody has.
 *
 * <p>Recovery: lines are whole or torn; a torn last line (a crash mid-write) is skipped by the
 * reader and counted, and the next append starts on a fresh line.
 */
public final class ShadowTrail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShadowTrail.class);
    private static final java.util.regex.Pattern FILE_NAME =
            java.util.regex.Pattern.compile("orders-\\d{4}-\\d{2}-\\d{2}\\.ndjson");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ObjectMapper json;
    private final Object writeLock = new Object();
    private final Object commit = new Object(); // guards forcing; lock order: commit, writeLock
    private boolean forcing;
    private FileChannel channel;
    private String day;
    private long written;
    private long forced;
    private long generation;
    private boolean torn;

    ShadowTrail(Path dir, ObjectMapper json) throws IOException {
        this.dir = dir;
        this.json = json;
        SecureFiles.ensureDirectory(dir);
    }

    /** Where a write ended: wait for it with {@link #awaitDurable}. */
    record Ticket(long generation, long end) {
    }

    /** Appends records (each a JSON object with {@code ts}); returns once they are durable. */
    void append(List<Map<String, Object>> records) {
        awaitDurable(write(records));
    }

    /**
     * Writes records (to the page cache) in call order and returns a ticket; callers that must
     * keep records in order across threads call this under their own lock and wait outside it.
     */
    Ticket write(List<Map<String, Object>> records) {
        if (records.isEmpty()) {
            return null;
        }
        try {
            synchronized (writeLock) {
                String d = DAY.format(Instant.parse((String) records.get(0).get("ts")));
                if (!d.equals(day)) {
                    roll(d);
                }
                StringBuilder sb = new StringBuilder(256 * records.size());
                if (torn) {
                    sb.append('\n'); // the last write failed part-way: never glue onto it
                }
                for (Map<String, Object> r : records) {
                    sb.append(json.writeValueAsString(r)).append('\n');
                }
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                torn = true;
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                torn = false;
                written = channel.position();
                return new Ticket(generation, written);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("shadow trail write failed in " + dir, e);
        }
    }

    /**
     * Returns once the bytes of {@code ticket} are on disk (group commit).
     *
     * <p>One leader forces at a time, outside every lock the writers need; the others wait on
     * {@code commit} and are all woken when a force ends. A waiter whose bytes that force
     * covered returns at once — it never queues behind the next leader's force, which a plain
     * lock around the force would make it do (monitors are not FIFO) — and the first one not
     * covered leads the next force, covering everything written by then.
     */
    void awaitDurable(Ticket ticket) {
        if (ticket == null) {
            return;
        }
        long mine = ticket.end();
        long gen = ticket.generation();
        synchronized (commit) {
            while (true) {
                if (covered(gen, mine)) {
                    return;
                }
                if (!forcing) {
                    break;
                }
                try {
                    commit.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the shadow trail "
                            + "to be forced", e);
                }
            }
            forcing = true;
        }
        try {
            long target;
            FileChannel ch;
            synchronized (writeLock) {
                target = written;
                ch = channel;
            }
            try {
                ch.force(false);
            } catch (IOException e) {
                if (covered(gen, mine)) {
                    return; // the day rolled meanwhile: roll() forced and closed that file
                }
                throw new UncheckedIOException("shadow trail force failed in " + dir, e);
            }
            synchronized (writeLock) {
                if (gen == generation && target > forced) {
                    forced = target;
                }
            }
        } finally {
            synchronized (commit) {
                forcing = false;
                commit.notifyAll();
            }
        }
    }

    /** True when the bytes up to {@code end} of generation {@code gen} are on disk. */
    private boolean covered(long gen, long end) {
        synchronized (writeLock) {
            return gen != generation || forced >= end; // a roll forces the old file
        }
    }

    /** Opens the day's file (forcing and closing the previous one). Holding writeLock. */
    private void roll(String d) throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
        }
        Path file = dir.resolve("orders-" + d + ".ndjson");
        boolean existed = Files.exists(file);
        SecureFiles.ensureFile(file);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (!existed) {
            SecureFiles.fsyncDirectory(dir);
        } else if (channel.size() > 0 && !endsWithNewline(file, channel.size())) {
            // a torn last line from a crash: start ours on a new line
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
        day = d;
        generation++;
        written = channel.position();
        forced = 0;
    }

    private static boolean endsWithNewline(Path file, long size) throws IOException {
        try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            r.read(b, size - 1);
            return b.get(0) == '\n';
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            if (channel != null) {
                channel.force(false);
                channel.close();
                channel = null;
                day = null;
            }
        }
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
        if (!Files.isDirectory(dir)) {
            return new ReadResult(0, 0);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches()).sorted()
                    .forEach(files::add);
        }
        int skipped = 0;
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node;
                    try {
                        node = json.readTree(line);
                    } catch (IOException e) {
                        node = null;
                    }
                    if (node == null || !node.isObject()) {
                        skipped++;
                        log.warn("shadow trail {}: skipping an unreadable line", f.getFileName());
                        continue;
                    }
                    sink.accept(node);
                }
            }
        }
        return new ReadResult(files.size(), skipped);
    }
}
