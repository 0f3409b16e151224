package io.spark.day9.snapshot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.fs.AtomicFiles;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.retention.RetentionPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot directory: one file per snapshot, written atomically, listed, read and verified.
 *
 * <h2>File name</h2>
 * {@code <name>@<kind>@<yyyyMMdd'T'HHmmssSSS'Z'>.snapshot.json}, e.g.
 * {@code state@state@20231114T221320000Z.snapshot.json}. The time is the envelope's
 * {@code createdAt} in UTC, so even a file whose content is corrupt can be dated (and so aged by
 * retention). {@code @} is not allowed in a name, so the name splits unambiguously. Two
 * snapshots of one name and kind never share a millisecond: the store moves the later one's
 * {@code createdAt} on by 1 ms (and records that time in its envelope).
 *
 * <h2>Envelope (format 1)</h2>
 * One UTF-8 JSON object, members in this order, then one newline:
 * <pre>
 * {"format":1,"kind":"state","name":"state","createdAt":"2023-11-14T22:13:20Z",
 *  "size":1234,"sha256":"&lt;64 hex&gt;","data":{...}}
 * </pre>
 * <ul>
 *   <li>{@code format}: 1; a reader refuses any other.</li>
 *   <li>{@code kind}: {@code state} (captured by the service: one member per
 *       {@link StateSection}) or {@code manual} (the caller's data, stored as given).</li>
 *   <li>{@code createdAt}: ISO-8601 instant, UTC, exactly as {@link Instant#toString()} writes
 *       it (a reader refuses any other spelling of the same instant).</li>
 *   <li>{@code size}: the number of data bytes hashed.</li>
 *   <li>{@code sha256}: lower-case hex SHA-256 of the <b>canonical data bytes</b>: the
 *       {@code data} value exactly as it stands in the file, from its first byte ({@code {}) to
 *       its last ({@code }}), i.e. the compact JSON the service serialised (no spaces, members in
 *       the order given). Verify hashes that byte range of the file as stored; it never
 *       re-serialises, so number formatting cannot change the answer.</li>
 *   <li>{@code data}: a JSON object, last.</li>
 * </ul>
 * A file is <b>valid</b> when it parses as one JSON object with nothing after it, its format is
 * 1, its name, kind and time agree with the file name, {@code data} is an object, and the data
 * bytes have the recorded size and hash. Any flipped byte breaks one of these.
 *
 * <h2>Commit rule</h2>
 * The whole file is built in memory, then {@link AtomicFiles#write} writes a temp file beside
 * the target ({@code <file>.<random>.tmp}), fsyncs it, renames it over the target and fsyncs the
 * directory. A crash leaves the complete file or no file, plus at most the one temp file being
 * written; {@link #removeTempFiles()} (at start) deletes such leftovers. A temp file never
 * counts as a snapshot.
 *
 * <p>Threading: {@link #write} is synchronized (one writer at a time, so names stay unique);
 * reading and listing may run concurrently with it and see only committed files.
 */
public final class SnapshotStore {
    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

    /** The envelope format this store writes and reads. */
    public static final int FORMAT = 1;
    /** A valid snapshot name. */
    /** The name of the snapshots' retained kind (metric label, audit, prune output). */
    public static final String RETAINED_KIND = "snapshot";

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Suffix of every snapshot file. */
    public static final String SUFFIX = ".snapshot.json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter
            .ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern FILE = Pattern.compile(
            "([A-Za-z0-9._-]{1,64})@(state|manual)@(\\d{8}T\\d{9}Z)" + Pattern.quote(SUFFIX));

    private static final byte[] DATA_MEMBER = ",\"data\":".getBytes(StandardCharsets.UTF_8);

    private final Path dir;
    private final SnapshotIo io;
    private final ObjectMapper mapper;
    /**
     * Verdicts of files already verified, by file name, with the size and modification time
     * they were verified at: a committed snapshot is never rewritten, so listing (after every
     * snapshot, for retention) re-verifies only new or changed files, not gigabytes each time.
     * A truncated or rewritten file changes size or mtime and is verified again.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Verified> verified =
            new java.util.concurrent.ConcurrentHashMap<>();

    private record Verified(long size, long modifiedMs, SnapshotInfo info) {
    }

    /**
     * @param dir    the snapshot directory ({@code SNAPSHOT_DIR}); created on first write
     * @param io     the file operations ({@link SnapshotIo#FILES}, or a test's)
     * @param mapper the JSON mapper
     */
    public SnapshotStore(Path dir, SnapshotIo io, ObjectMapper mapper) {
        this.dir = dir.toAbsolutePath().normalize();
        this.io = Objects.requireNonNull(io, "io");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /**
     * Checks a snapshot name: 1..64 of {@code [A-Za-z0-9._-]}, no leading dot (no hidden files,
     * no {@code .} or {@code ..}). Separators cannot pass, so a name never leaves the directory.
     *
     * @throws InvalidSnapshotRequest naming {@code name}
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidSnapshotRequest("name", "is required: 1-64 of A-Z a-z 0-9 . _ -",
                    false);
        }
        if (!NAME.matcher(name).matches() || name.startsWith(".")) {
            String shown = name.length() > 80 ? name.substring(0, 80) + "..." : name;
            throw new InvalidSnapshotRequest("name", "must be 1-64 of A-Z a-z 0-9 . _ - and "
                    + "not start with a dot, got '" + shown + "' (" + name.length()
                    + " characters)", false);
        }
        return name;
    }

    /** The data's canonical bytes: compact JSON, members in their given order. */
    public byte[] canonical(JsonNode data) {
        try {
            return mapper.writer().without(
                    com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Writes one snapshot and returns what was written.
     *
     * @param name      a checked name ({@link #checkName})
     * @param kind      state or manual
     * @param createdAt the time to record (moved on by 1 ms if a file of this name, kind and
     *                  millisecond exists)
     * @param dataBytes the canonical bytes of a JSON object ({@link #canonical})
     * @throws IOException when the file cannot be written; no file that passes verify is left
     */
    public synchronized SnapshotInfo write(String name, SnapshotKind kind, Instant createdAt,
                                           byte[] dataBytes) throws IOException {
        checkName(name);
        Instant at = Instant.ofEpochMilli(createdAt.toEpochMilli());
        Path target = dir.resolve(fileName(name, kind, at));
        while (java.nio.file.Files.exists(target)) {
            at = at.plusMillis(1);
            target = dir.resolve(fileName(name, kind, at));
        }
        String sha = sha256(dataBytes, 0, dataBytes.length);
        ObjectNode header = mapper.createObjectNode();
        header.put("format", FORMAT);
        header.put("kind", kind.id());
        header.put("name", name);
        header.put("createdAt", at.toString());
        header.put("size", dataBytes.length);
        header.put("sha256", sha);
        byte[] head = canonical(header); // {"format":1,...,"sha256":"..."}
        ByteArrayOutputStream out = new ByteArrayOutputStream(dataBytes.length + 512);
        out.write(head, 0, head.length - 1); // without its closing brace
        out.write(DATA_MEMBER, 0, DATA_MEMBER.length);
        out.write(dataBytes, 0, dataBytes.length); // the canonical bytes, exactly as hashed
        out.write('}');
        out.write('\n');
        byte[] file = out.toByteArray();
        // commit rule: temp file, fsync, rename, directory fsync (AtomicFiles)
        io.writeAtomically(target, file);
        SnapshotInfo info = new SnapshotInfo(target, name, kind, at, file.length, sha, true,
                null);
        remember(target, info);
        return info;
    }

    /** The file name of a snapshot (see the class doc). */
    public static String fileName(String name, SnapshotKind kind, Instant createdAt) {
        return name + "@" + kind.id() + "@" + STAMP.format(createdAt) + SUFFIX;
    }

    /** A file name's parts, or null when it is not a snapshot file's name. */
    record NameParts(String name, SnapshotKind kind, Instant createdAt) {
    }

    static NameParts parseFileName(String fileName) {
        Matcher m = FILE.matcher(fileName);
        if (!m.matches() || m.group(1).startsWith(".")) {
            return null;
        }
        try {
            Instant at = java.time.LocalDateTime.parse(m.group(3), DateTimeFormatter
                    .ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")).toInstant(ZoneOffset.UTC);
            return new NameParts(m.group(1), SnapshotKind.ofId(m.group(2)), at);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A verified snapshot's content. */
    public record Loaded(SnapshotInfo info, ObjectNode data) {
    }

    /**
     * Reads and verifies one file (see the class doc for what valid means).
     *
     * @throws InvalidSnapshotFile naming the file and what is wrong
     * @throws IOException         when it cannot be read
     */
    public Loaded read(Path file) throws IOException {
        byte[] bytes = io.read(file);
        return verify(file, bytes);
    }

    /** Verifies {@code bytes} as the content of {@code file}. */
    public Loaded verify(Path file, byte[] bytes) {
        String fileName = file.getFileName().toString();
        NameParts parts = parseFileName(fileName);
        if (parts == null) {
            throw new InvalidSnapshotFile(file, "not a snapshot file name (<name>@<kind>@"
                    + "<yyyyMMddTHHmmssSSSZ>" + SUFFIX + ")");
        }
        long dataStart = -1;
        long dataEnd = -1;
        Integer format = null;
        String kind = null;
        String name = null;
        String createdAt = null;
        Long size = null;
        String sha = null;
        ObjectNode data = null;
        try (JsonParser p = mapper.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidSnapshotFile(file, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "format" -> format = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue()
                            : null;
                    case "kind" -> kind = p.getValueAsString();
                    case "name" -> name = p.getValueAsString();
                    case "createdAt" -> createdAt = p.getValueAsString();
                    case "size" -> size = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue()
                            : null;
                    case "sha256" -> sha = p.getValueAsString();
                    case "data" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new InvalidSnapshotFile(file, "data is not a JSON object");
                        }
                        dataStart = p.currentTokenLocation().getByteOffset();
                        data = (ObjectNode) mapper.reader().without(com.fasterxml.jackson.databind
                                .DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(p);
                        dataEnd = p.currentLocation().getByteOffset();
                    }
                    default -> p.skipChildren(); // later formats may add members
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new InvalidSnapshotFile(file, "the envelope is not closed");
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new InvalidSnapshotFile(file, "content after the envelope");
            }
        } catch (InvalidSnapshotFile e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidSnapshotFile(file, "does not parse: " + oneLine(e.getMessage()));
        }
        if (format == null || format != FORMAT) {
            throw new InvalidSnapshotFile(file, "format must be " + FORMAT + ", got " + format);
        }
        if (!parts.kind().id().equals(kind) || !parts.name().equals(name)) {
            throw new InvalidSnapshotFile(file, "kind/name " + kind + "/" + name
                    + " disagree with the file name");
        }
        Instant at;
        try {
            at = Instant.parse(String.valueOf(createdAt));
        } catch (DateTimeParseException e) {
            throw new InvalidSnapshotFile(file, "createdAt is not an ISO-8601 instant: "
                    + createdAt);
        }
        if (!at.toString().equals(createdAt) || !at.equals(parts.createdAt())) {
            throw new InvalidSnapshotFile(file, "createdAt " + at
                    + " disagrees with the file name's " + parts.createdAt());
        }
        if (data == null || dataStart < 0 || dataEnd <= dataStart) {
            throw new InvalidSnapshotFile(file, "no data");
        }
        int len = (int) (dataEnd - dataStart);
        if (size == null || size != len) {
            throw new InvalidSnapshotFile(file, "data is " + len + " bytes, the envelope says "
                    + size);
        }
        String actual = sha256(bytes, (int) dataStart, len);
        if (!actual.equals(sha)) {
            throw new InvalidSnapshotFile(file, "sha256 mismatch: the envelope says " + sha
                    + ", the data hashes to " + actual);
        }
        return new Loaded(new SnapshotInfo(file, name, parts.kind(), at, bytes.length, sha,
                true, null), data);
    }

    /**
     * The text of one scalar inside a snapshot's {@code data}, found by streaming (no tree is
     * built), e.g. {@code dataText(file, "shadow", "mark", "segment")}; empty when the file has
     * no such member. The file is not verified here: callers ask only about files that
     * {@link #list()} reported valid.
     */
    public Optional<String> dataText(Path file, String... path) throws IOException {
        byte[] bytes = io.read(file);
        try (JsonParser p = mapper.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String[] full = new String[path.length + 1];
            full[0] = "data";
            System.arraycopy(path, 0, full, 1, path.length);
            for (int depth = 0; depth < full.length; depth++) {
                if (!seekField(p, full[depth])) {
                    return Optional.empty();
                }
                JsonToken t = p.nextToken();
                if (depth == full.length - 1) {
                    return t != null && t.isScalarValue() ? Optional.of(p.getText())
                            : Optional.empty();
                }
                if (t != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }
    }

    /** Moves to the member {@code name} of the object the parser is in; false at its end. */
    private static boolean seekField(JsonParser p, String name) throws IOException {
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            if (name.equals(p.currentName())) {
                return true;
            }
            p.nextToken();
            p.skipChildren();
        }
        return false;
    }

    /**
     * Every snapshot file in the directory, verified, oldest first (by created-at, then name).
     * A file that cannot be read or verified is listed with {@code valid} false and its problem,
     * dated from its name. Temp files and other files are not listed. A file verified before
     * with the same size and modification time is not read again (see {@code verified}).
     */
    public List<SnapshotInfo> list() throws IOException {
        List<SnapshotInfo> out = new ArrayList<>();
        for (Path f : io.list(dir)) {
            NameParts parts = parseFileName(f.getFileName().toString());
            if (parts == null) {
                continue;
            }
            out.add(inspect(f, parts));
        }
        out.sort(Comparator.comparing(SnapshotInfo::createdAt)
                .thenComparing(SnapshotInfo::fileName));
        return out;
    }

    /**
     * The state snapshot files, newest first, from their names alone (nothing is read): the
     * restore at start reads and verifies them one by one until one is valid.
     */
    public List<SnapshotInfo> stateFilesNewestFirst() throws IOException {
        List<SnapshotInfo> out = new ArrayList<>();
        for (Path f : io.list(dir)) {
            NameParts parts = parseFileName(f.getFileName().toString());
            if (parts != null && parts.kind() == SnapshotKind.STATE) {
                out.add(new SnapshotInfo(f, parts.name(), parts.kind(), parts.createdAt(), -1,
                        null, false, "not verified"));
            }
        }
        out.sort(Comparator.comparing(SnapshotInfo::createdAt)
                .thenComparing(SnapshotInfo::fileName).reversed());
        return out;
    }

    private void remember(Path f, SnapshotInfo info) {
        try {
            verified.put(f.getFileName().toString(), new Verified(java.nio.file.Files.size(f),
                    java.nio.file.Files.getLastModifiedTime(f).toMillis(), info));
        } catch (IOException | RuntimeException e) {
            verified.remove(f.getFileName().toString());
        }
    }

    private SnapshotInfo cached(Path f) {
        Verified v = verified.get(f.getFileName().toString());
        if (v == null) {
            return null;
        }
        try {
            if (java.nio.file.Files.size(f) == v.size()
                    && java.nio.file.Files.getLastModifiedTime(f).toMillis() == v.modifiedMs()) {
                return v.info();
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable: verified again below
        }
        verified.remove(f.getFileName().toString());
        return null;
    }

    private SnapshotInfo inspect(Path f, NameParts parts) {
        SnapshotInfo known = cached(f);
        if (known != null) {
            return known;
        }
        SnapshotInfo info = inspectNow(f, parts);
        if (info.size() >= 0) {
            remember(f, info);
        }
        return info;
    }

    private SnapshotInfo inspectNow(Path f, NameParts parts) {
        byte[] bytes;
        try {
            bytes = io.read(f);
        } catch (IOException | RuntimeException e) {
            return new SnapshotInfo(f, parts.name(), parts.kind(), parts.createdAt(), -1, null,
                    false, "cannot be read: " + e);
        }
        try {
            return verify(f, bytes).info();
        } catch (InvalidSnapshotFile e) {
            return new SnapshotInfo(f, parts.name(), parts.kind(), parts.createdAt(),
                    bytes.length, null, false, e.problem());
        }
    }

    /**
     * Deletes temp files a crash left behind ({@code *.snapshot.json.<random>.tmp}); called at
     * start, before anything is written. Returns how many were removed.
     */
    public int removeTempFiles() throws IOException {
        int removed = 0;
        for (Path f : io.list(dir)) {
            String n = f.getFileName().toString();
            if (n.contains(SUFFIX + ".") && n.endsWith(AtomicFiles.TEMP_SUFFIX)) {
                if (io.delete(f)) {
                    removed++;
                    log.info("snapshots: removed temp file {} left by an interrupted write", f);
                }
            }
        }
        return removed;
    }

    /**
     * This directory as a retained kind ({@code snapshot}): groups are (name, kind), so the
     * newest valid automatic state snapshot is never deleted because of newer manual ones; ages
     * come from the created-at in the file name, which equals the envelope's.
     */
    public RetainedKind retainedKind(RetentionPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return new RetainedKind() {
            @Override
            public String kind() {
                return RETAINED_KIND;
            }

            @Override
            public RetentionPolicy policy() {
                return policy;
            }

            @Override
            public List<RetainedFile> candidates() throws IOException {
                List<RetainedFile> out = new ArrayList<>();
                for (SnapshotInfo s : list()) {
                    out.add(new RetainedFile(s.file(), new RetentionPolicy.Candidate(
                            s.fileName(), s.name() + "@" + s.kind().id(), s.createdAt(),
                            s.valid(), false)));
                }
                return out;
            }
        };
    }

    static String sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, offset, length);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String oneLine(String text) {
        String t = String.valueOf(text).replace('\n', ' ').replace('\r', ' ');
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

}
