package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Candidate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Retention of the probe file ({@link ProbeHandler}): kind {@value #KIND}, in
 * {@code RUNTIME_DIR/probe/}.
 *
 * <p><b>What retention means here.</b> The probe writes one live file,
 * {@code processed.ndjson}, and at 16 MiB moves it aside to {@code processed.ndjson.1}
 * (replacing the previous one), so the probe's disk use is already bounded by size. Retention
 * adds a bound by age: the rolled file {@code processed.ndjson.1} is deleted once its newest
 * record is older than the policy's days (and keep-last does not keep it). The live file is
 * never deleted: it is always reported valid and dated no earlier than the rolled file, so the
 * policy keeps it as the newest valid file of the kind's one group. Keep-last therefore counts
 * the live file first: {@code PROBE_KEEP_LAST=1} keeps the live file only (the rolled one then
 * goes by age), 2 keeps both for ever.
 *
 * <p><b>Dating.</b> A file is dated by its newest record's {@code at} (epoch milliseconds,
 * UTC, written by the probe), read from the file's last {@value #TAIL_BYTES} bytes; no mtime.
 * A file with no readable record there (empty, or only a torn fragment) is dated by its
 * last-modified time (the documented exception: it has no record of its own); a rolled file
 * without a readable record is reported invalid, so only its age can keep it.
 *
 * <p>Other files in the directory are never listed. A missing directory is an empty list.
 * Known race: a roll that replaces {@code processed.ndjson.1} between the plan and the
 * deletion of an old rolled file would delete the fresh one; it needs the probe to write
 * 16 MiB in that instant after being idle for the policy's days.
 */
public final class ProbeRetention implements RetainedKind {
    /** The kind's name (metric label, audit, CLI). */
    public static final String KIND = "probe";
    static final int TAIL_BYTES = 64 * 1024;
    private static final String ROLLED = ProbeHandler.FILE + ".1";

    private final Path dir;
    private final RetentionPolicy policy;
    private final ObjectMapper json;

    /**
     * @param runtimeDir {@code RUNTIME_DIR} (the probe file is under its {@code probe/})
     * @param policy     {@code PROBE_RETENTION_DAYS} and {@code PROBE_KEEP_LAST}
     * @param json       reads the records
     */
    public ProbeRetention(Path runtimeDir, RetentionPolicy policy, ObjectMapper json) {
        this.dir = Objects.requireNonNull(runtimeDir, "runtimeDir").resolve(ProbeHandler.DIR);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public RetentionPolicy policy() {
        return policy;
    }

    @Override
    public List<RetainedFile> candidates() throws IOException {
        Path live = dir.resolve(ProbeHandler.FILE);
        Path rolled = dir.resolve(ROLLED);
        Dated rolledDate = date(rolled);
        Dated liveDate = date(live);
        List<RetainedFile> out = new ArrayList<>(2);
        if (liveDate != null) {
            Instant at = rolledDate != null && rolledDate.at().isAfter(liveDate.at())
                    ? rolledDate.at() : liveDate.at();
            out.add(new RetainedFile(live, new Candidate(ProbeHandler.FILE, KIND, at, true,
                    false)));
        }
        if (rolledDate != null) {
            out.add(new RetainedFile(rolled, new Candidate(ROLLED, KIND, rolledDate.at(),
                    rolledDate.fromRecord(), false)));
        }
        return out;
    }

    /** When a file's newest record was written, and whether a record said so. */
    private record Dated(Instant at, boolean fromRecord) {
    }

    /** Null when the file does not exist. */
    private Dated date(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            Long newest = newestAt(file);
            return newest != null ? new Dated(Instant.ofEpochMilli(newest), true)
                    : new Dated(Files.getLastModifiedTime(file).toInstant(), false);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** The largest {@code at} among the records of the file's tail, or null. */
    private Long newestAt(Path file) throws IOException {
        byte[] tail;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) Math.min(size, TAIL_BYTES);
            ByteBuffer b = ByteBuffer.allocate(n);
            long pos = size - n;
            while (b.hasRemaining()) {
                int r = ch.read(b, pos + b.position());
                if (r < 0) {
                    break;
                }
            }
            tail = java.util.Arrays.copyOf(b.array(), b.position());
        }
        Long newest = null;
        // the first line of a cut tail may be a fragment: parseLine skips what is not whole
        for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
            for (JsonNode r : ProbeHandler.parseLine(line, json)) {
                JsonNode at = r.get("at");
                if (at != null && at.canConvertToLong() && at.isIntegralNumber()) {
                    newest = newest == null ? at.asLong() : Math.max(newest, at.asLong());
                }
            }
        }
        return newest;
    }
}
