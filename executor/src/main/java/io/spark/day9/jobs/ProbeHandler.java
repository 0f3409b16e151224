package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.fs.AtomicFiles;
import io.spark.day9.fs.SecureFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The built-in handler for job types starting with {@code test}: the operations guide's
 * {@code test-job-1} and the kill-resume drill's jobs. It records each delivery and acks, so
 * drills measure the queue itself.
 *
 * <p>Each delivery appends one line to {@code RUNTIME_DIR/probe/processed.ndjson} before the
 * ack: {@code {"queue","id","attempt","job","at","data"}}. The write reaches the OS before the
 * ack is journaled, so a process crash (kill -9) never loses a line for an acked job; the file
 * is not fsynced (a machine crash may lose its tail) and rolls to {@code processed.ndjson.1} at
 * 16 MiB. One record per line: each record and its newline go out in one write, and on open a
 * torn last line (a kill mid-write) is terminated before anything is appended, so a new record
 * never joins it. {@link #parseLine} reads a line robustly (a torn fragment is skipped; records
 * run together by an older version are split). A payload {@code data.workMs} (0..1000) makes the probe work that long, so a drill
 * can kill the process mid-processing.
 */
public final class ProbeHandler implements JobHandler, AutoCloseable {
    /** The job type prefix the probe takes. */
    public static final String PREFIX = "test";
    static final String FILE = "processed.ndjson";
    /** The directory under {@code RUNTIME_DIR} that holds the probe file. */
    static final String DIR = "probe";
    private static final long ROLL_BYTES = 16L << 20;
    private static final long MAX_WORK_MS = 1000;
    /** Every record starts so: the handler writes {@code queue} first. */
    private static final String RECORD_START = "{\"queue\":";

    private final Path file;
    private final ObjectMapper json;
    private final LongSupplier clock;
    private final AtomicLong processed = new AtomicLong();
    private OutputStream out;
    private long written;

    public ProbeHandler(Path runtimeDir, ObjectMapper json, LongSupplier clock) {
        this.file = runtimeDir.resolve(DIR).resolve(FILE);
        this.json = json;
        this.clock = clock;
    }

    /** Where deliveries are recorded. */
    public Path file() {
        return file;
    }

    /** Deliveries handled since start. */
    public long processed() {
        return processed.get();
    }

    @Override
    public Outcome handle(Job job) throws Exception {
        long workMs = Math.min(MAX_WORK_MS, Math.max(0, job.payload().path("data")
                .path("workMs").asLong(0)));
        if (workMs > 0) {
            Thread.sleep(workMs);
        }
        ObjectNode line = json.createObjectNode();
        line.put("queue", job.queue()).put("id", job.id()).put("attempt", job.attempt())
                .put("job", job.type()).put("at", clock.getAsLong());
        JsonNode data = job.payload().get("data");
        if (data != null) {
            line.set("data", data);
        }
        record(json.writeValueAsBytes(line));
        processed.incrementAndGet();
        return Outcome.ACK;
    }

    private synchronized void record(byte[] bytes) throws IOException {
        if (out == null || written > ROLL_BYTES) {
            if (out != null) {
                out.close();
                AtomicFiles.move(file, file.resolveSibling(FILE + ".1"));
            }
            SecureFiles.ensureFile(file);
            out = Files.newOutputStream(file, StandardOpenOption.APPEND);
            written = Files.size(file);
            if (written > 0 && !endsWithNewline(file, written)) {
                out.write('\n'); // terminate the torn line a kill left: never append to it
                out.flush();
                written++;
            }
        }
        byte[] whole = Arrays.copyOf(bytes, bytes.length + 1);
        whole[bytes.length] = '\n';
        out.write(whole); // the record and its newline in one write
        out.flush(); // to the OS: survives kill -9
        written += whole.length;
    }

    private static boolean endsWithNewline(Path f, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.READ)) {
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }

    /**
     * The records of one line of the probe file: normally one; none for a torn fragment; each
     * of them when records were run together on one line (a file written before lines were
     * written whole). Parts that are not a whole JSON object are skipped.
     */
    public static List<JsonNode> parseLine(String line, ObjectMapper json) {
        List<JsonNode> out = new ArrayList<>(1);
        int from = line.indexOf(RECORD_START);
        while (from >= 0) {
            int next = line.indexOf(RECORD_START, from + 1);
            String part = line.substring(from, next < 0 ? line.length() : next).strip();
            try {
                JsonNode n = json.readTree(part);
                if (n != null && n.isObject()) {
                    out.add(n);
                }
            } catch (IOException e) {
                // a torn fragment: not a record
            }
            from = next;
        }
        return out;
    }

    /** Closes the record file. */
    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
