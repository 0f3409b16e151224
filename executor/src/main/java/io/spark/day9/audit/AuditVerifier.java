package io.spark.day9.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the audit chain line by line: each line's hash matches its text, its {@code prev} is
 * the previous line's hash and its {@code seq} is one more. Then the {@code audit.head} anchor
 * must name the last line or, after a crash between an append and its anchor, an earlier line
 * that still carries the hash the anchor recorded (a batch appends several entries at once).
 * Reads in a stream: memory use does not grow with the file.
 */
public final class AuditVerifier {
    private static final Pattern HASH_SUFFIX = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditVerifier() {
    }

    /**
     * The outcome.
     *
     * @param intact    true when no break was found
     * @param entries   lines read
     * @param lastSeq   seq of the last good line (0 when none)
     * @param lastHash  hash of the last good line ({@code GENESIS} when none)
     * @param breakLine 1-based line number where the chain breaks, 0 when intact
     * @param problem   what is wrong there, "" when intact
     * @param warning   a non-fatal remark (anchor one behind), "" when none
     */
    public record Result(boolean intact, long entries, long lastSeq, String lastHash,
                         long breakLine, String problem, String warning) {
        /** One line for people. */
        public String summary() {
            if (intact) {
                return "audit chain OK: " + entries + " entries, last seq " + lastSeq
                        + (warning.isEmpty() ? "" : " (warning: " + warning + ")");
            }
            return "audit chain BROKEN at line " + breakLine + ": " + problem;
        }
    }

    /** Verifies {@code dir/audit.ndjson} against itself and {@code dir/audit.head}. */
    public static Result verify(Path dir) throws IOException {
        Path file = dir.resolve(AuditLog.FILE_NAME);
        String[] head = readHead(dir.resolve(AuditLog.HEAD_NAME)); // null when absent
        long headSeq = headSeq(head);
        String atHeadSeq = null; // the hash of the line the anchor names
        long lineNo = 0;
        long seq = 0;
        String prev = AuditLog.GENESIS;
        if (Files.exists(file)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lineNo++;
                    String problem = check(line, seq, prev);
                    if (problem != null) {
                        return new Result(false, lineNo - 1, seq, prev, lineNo, problem, "");
                    }
                    Matcher m = HASH_SUFFIX.matcher(line);
                    m.find();
                    prev = m.group(1);
                    seq++;
                    if (seq == headSeq) {
                        atHeadSeq = prev;
                    }
                }
            }
        }
        return checkHead(head, lineNo, seq, prev, atHeadSeq);
    }

    /** {@code audit.head} split into {@code <seq>} and {@code <hash>}; null when absent. */
    private static String[] readHead(Path head) throws IOException {
        return Files.exists(head)
                ? Files.readString(head, StandardCharsets.UTF_8).strip().split(" ") : null;
    }

    /** The seq the head names, -1 when absent or unreadable. */
    private static long headSeq(String[] head) {
        try {
            return head == null ? -1 : Long.parseLong(head[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String check(String line, long seq, String prev) {
        Matcher m = HASH_SUFFIX.matcher(line);
        if (!m.find()) {
            return "no hash member (line is not an audit entry or was cut)";
        }
        String body = line.substring(0, m.start()) + "}";
        if (!sha256(body).equals(m.group(1))) {
            return "hash mismatch: the line was edited";
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            return "not valid JSON";
        }
        long lineSeq = node.path("seq").asLong(-1);
        if (!prev.equals(node.path("prev").asText())) {
            return lineSeq > seq + 1 ? "seq " + lineSeq + " follows " + seq
                    + ": line(s) removed before it"
                    : "prev hash does not match the previous line: lines removed or reordered";
        }
        if (lineSeq != seq + 1) {
            return "seq " + lineSeq + " where " + (seq + 1) + " was expected";
        }
        return null;
    }

    private static Result checkHead(String[] parts, long lines, long seq, String hash,
                                    String atHeadSeq) {
        if (parts == null) {
            return lines == 0 ? new Result(true, 0, 0, hash, 0, "", "")
                    : new Result(false, lines, seq, hash, lines,
                    "audit.head is missing: cannot prove no line was cut from the end", "");
        }
        long headSeq = headSeq(parts);
        if (headSeq < 0) {
            return new Result(false, lines, seq, hash, lines, "audit.head is unreadable", "");
        }
        if (headSeq > seq) {
            return new Result(false, lines, seq, hash, lines + 1, "audit.head names seq "
                    + headSeq + " but the file ends at seq " + seq
                    + ": lines were cut from the end", "");
        }
        if (headSeq == seq) {
            if (parts.length < 2 || !parts[1].equals(hash)) {
                return new Result(false, lines, seq, hash, lines,
                        "last line's hash differs from audit.head: the end was rewritten", "");
            }
            return new Result(true, lines, seq, hash, 0, "", "");
        }
        // behind: a crash between an append (one entry, or a batch of them) and its anchor. The
        // anchored line must still be the one the anchor saw.
        if (parts.length < 2 || !parts[1].equals(atHeadSeq)) {
            return new Result(false, lines, seq, hash, headSeq <= 0 ? lines : headSeq,
                    "line " + headSeq + " differs from audit.head's hash: the log was rewritten",
                    "");
        }
        long behind = seq - headSeq;
        return new Result(true, lines, seq, hash, 0, "", behind == 1
                ? "audit.head is one entry behind (crash between append and anchor)"
                : "audit.head is " + behind + " entries behind (crash between a batched append "
                        + "and its anchor)");
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
