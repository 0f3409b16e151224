package io.spark.day9.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.fs.SecureFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, hash-chained audit log at {@code AUDIT_DIR/audit.ndjson}.
 *
 * <h2>Format</h2>
 * One JSON object a line, UTF-8, members always in this order:
 * <table>
 *   <caption>audit.ndjson line</caption>
 *   <tr><th>member</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>seq</td><td>integer</td><td>1 for the first entry, +1 for each next one</td></tr>
 *   <tr><td>ts</td><td>string</td><td>ISO-8601 UTC instant of recording</td></tr>
 *   <tr><td>actor</td><td>string</td><td>who: {@code token@addr}, {@code loopback@addr},
 *       {@code cli:user}, {@code system}</td></tr>
 *   <tr><td>action</td><td>string</td><td>what, e.g. {@code log.level}, {@code chaos.toggle}</td></tr>
 *   <tr><td>target</td><td>string</td><td>the object acted on, or ""</td></tr>
 *   <tr><td>before</td><td>any JSON</td><td>state before, {@code null} if none</td></tr>
 *   <tr><td>after</td><td>any JSON</td><td>state after, {@code null} if none</td></tr>
 *   <tr><td>prev</td><td>hex string</td><td>{@code hash} of the previous line; 64 zeros first</td></tr>
 *   <tr><td>hash</td><td>hex string</td><td>SHA-256 of this line's UTF-8 text with the
 *       {@code ,"hash":"…"} member removed, i.e. of {@code {"seq":…,"prev":"…"}}</td></tr>
 * </table>
 * Beside it, {@code audit.head} holds {@code <seq> <hash>} of the last entry, replaced atomically
 * after each append. The chain catches an edited, inserted, removed or reordered line; the head
 * catches lines cut from the end.
 *
 * <h2>Commit rule</h2>
 * {@link #append} writes the whole line with its newline in one write, then {@code force}s the
 * file: once it returns, the entry is durable. The head is updated after that; a crash between
 * the two leaves the head one entry behind, which {@link AuditVerifier} reports as a warning, not
 * a break. A torn last line (crash mid-write, no newline) is moved to {@code audit.ndjson.torn}
 * on open and logged; it was never acknowledged to anyone.
 *
 * <p>Thread safety: appends are serialized by this object's monitor. Only one process may
 * append to a file at a time (the executor holds it; {@code day9 audit verify} only reads).
 */
public final class AuditLog implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    static final String GENESIS = "0".repeat(64);
    static final String FILE_NAME = "audit.ndjson";
    static final String HEAD_NAME = "audit.head";

    private final Path file;
    private final Path head;
    private final Clock clock;
    private final ObjectMapper json;
    private final FileChannel channel;
    private final AuditVerifier.Result openCheck;
    private long seq;
    private String prev;

    private AuditLog(Path dir, Clock clock, ObjectMapper json) throws IOException {
        SecureFiles.ensureDirectory(dir);
        this.file = dir.resolve(FILE_NAME);
        this.head = dir.resolve(HEAD_NAME);
        this.clock = clock;
        this.json = json;
        SecureFiles.ensureFile(file);
        moveTornTail();
        this.openCheck = AuditVerifier.verify(dir);
        if (!openCheck.intact()) {
            log.error("audit chain in {} is broken: {}", file, openCheck.summary());
        }
        this.seq = openCheck.lastSeq();
        this.prev = openCheck.lastHash();
        this.channel = FileChannel.open(file, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    /**
     * Opens (creating if needed) the audit log in {@code dir}. A broken chain does not stop the
     * executor: new entries chain on from the last line, and {@link #openCheck()} reports it.
     */
    public static AuditLog open(Path dir, Clock clock, ObjectMapper json) throws IOException {
        return new AuditLog(dir, clock, json);
    }

    /**
     * Appends one entry and returns once it is durable.
     *
     * @param before any value Jackson can serialize, or null
     * @param after  any value Jackson can serialize, or null
     */
    public synchronized AuditEntry append(String actor, String action, String target,
                                          Object before, Object after) {
        return appendAll(List.of(new Pending(actor, action, target, before, after))).get(0);
    }

    /** One entry to append with {@link #appendAll}. */
    public record Pending(String actor, String action, String target, Object before,
                          Object after) {
    }

    /**
     * Appends entries in order with one write and one force (a batch for busy writers such as
     * the shadow order trail); returns once all are durable.
     */
    public synchronized List<AuditEntry> appendAll(List<Pending> entries) {
        List<AuditEntry> out = new java.util.ArrayList<>(entries.size());
        StringBuilder lines = new StringBuilder();
        long next = seq;
        String last = prev;
        for (Pending p : entries) {
            JsonNode b = p.before() == null ? NullNode.instance : json.valueToTree(p.before());
            JsonNode a = p.after() == null ? NullNode.instance : json.valueToTree(p.after());
            next++;
            var ts = clock.instant();
            ObjectNode node = json.createObjectNode();
            node.put("seq", next).put("ts", ts.toString()).put("actor", p.actor())
                    .put("action", p.action()).put("target", p.target() == null ? ""
                            : p.target());
            node.set("before", b);
            node.set("after", a);
            node.put("prev", last);
            String body;
            try {
                body = json.writeValueAsString(node);
            } catch (IOException e) {
                throw new UncheckedIOException("audit entry could not be serialised", e);
            }
            String hash = AuditVerifier.sha256(body);
            lines.append(body, 0, body.length() - 1).append(",\"hash\":\"").append(hash)
                    .append("\"}\n");
            out.add(new AuditEntry(next, ts, p.actor(), p.action(), node.get("target").asText(),
                    b, a, last, hash));
            last = hash;
        }
        if (out.isEmpty()) {
            return out;
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            // 1. every line, newlines included, in one append
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            // 2. durable before we say so
            channel.force(false);
            // 3. memory follows disk
            seq = next;
            prev = last;
            // 4. the head anchor; a crash before this leaves it behind (a warning)
            SecureFiles.writeAtomically(head, (next + " " + last + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("audit append to " + file + " failed", e);
        }
    }

    public synchronized List<JsonNode> tail(int limit) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines.subList(Math.max(0, lines.size() - limit), lines.size())) {
            out.add(json.readTree(line));
        }
        return out;
    }

    /** What the integrity check found when the log was opened. */
    public AuditVerifier.Result openCheck() {
        return openCheck;
    }

    public synchronized long lastSeq() {
        return seq;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** A line without its newline was cut by a crash mid-append: set it aside, keep the rest. */
    private void moveTornTail() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep == size) {
                return;
            }
            ByteBuffer torn = ByteBuffer.allocate((int) (size - keep));
            ch.read(torn, keep);
            Path aside = file.resolveSibling(FILE_NAME + ".torn");
            Files.write(aside, torn.array(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ch.truncate(keep);
            ch.force(true);
            log.warn("audit log {} ended in a torn line ({} bytes, moved to {})", file,
                    size - keep, aside);
        }
    }
}
