package io.spark.day9.emergency;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.fs.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emergency's state, kept in two slot files in the emergency directory
 * ({@code runtime/emergency/state-a.json} and {@code state-b.json}): the authority on whether
 * trading is stopped. It is read once, when {@link Emergency} is built (before any component
 * starts, so the gate is closed before the first order), and written whole on every change to
 * the slot that does not hold the newest state, so the other slot always holds the last
 * acknowledged one.
 *
 * <p>Slot format, version 2 (UTF-8 JSON, one object, then spaces up to the slot's size; every
 * member is required, none may be unknown; {@code cat} or {@code jq . state-a.json} shows it):
 * <pre>
 * {
 *   "version": 2,                     another version refuses to start
 *   "sequence": 42,                   +1 per write; the valid slot with the highest wins
 *   "sha256": "9f86d0…",              64 lowercase hex digits: SHA-256 of the object's bytes
 *                                     (from its "{" to its "}") with these 64 digits as "0"s
 *   "writtenAt": 1700000000000,       epoch ms of the write, for operators
 *   "stops": [                        the stops in force, oldest first, one per scope
 *     {"id": "stop-1700000000000-1",
 *      "scope": {"strategies": ["a"], "symbols": ["BTCUSDT"]},   both empty: everything
 *      "mode": "HALTED",              or "REDUCING"
 *      "reason": "fat finger", "actor": "admin",
 *      "since": 1700000000000,        epoch ms, when orders began to be refused
 *      "flatten": false, "pauseQueue": false,
 *      "completed": true}             false: the steps after the persist did not all run
 *   ],                                (a restart runs them again)
 *   "deadMan": {"armed": true, "timeoutMs": 30000, "scope": {"strategies": [], "symbols": []}},
 *   "shadowExecution": true,          false: switched off at run time
 *   "lastVerification": null,         or {"verified", "at", "stillOpen", "positions", "errors"}
 *   "verificationFailed": false       true: health DOWN until a resume or a verified stop
 * }
 * (a newline, then spaces up to the slot's size)
 * </pre>
 * A slot's size is a power of two, at least {@value #MIN_SLOT_BYTES} bytes, doubled when a
 * write needs more. The members after {@code sha256} are version 1's, which was one file,
 * {@code state.json}, without {@code sequence} or {@code sha256}.
 *
 * <p>Commit rule: {@link #write} writes the whole slot (content and padding) at offset 0 of the
 * slot that does NOT hold the newest valid state, through a {@link FileChannel} kept open, then
 * {@code force(false)} (fdatasync): the file's size never changes, so no metadata is flushed and
 * the write costs one data-only force. The write has returned only once the new slot is
 * durable; a crash during it tears only that slot, whose checksum then fails, and the other
 * slot still holds the last acknowledged state. Creating the slots (the first write) creates
 * both files at {@value #MIN_SLOT_BYTES} spaces, {@code force(true)} each, and fsyncs the
 * directory, once; a slot that must grow is written at its new size and {@code force(true)}ed.
 * Before each write both slot paths are checked to still name the open files (a stat each, no
 * force); if not (the files were removed or the directory replaced), the slots are opened and
 * created again, and that failing fails the write. A failed write closes the channels, so the
 * next write opens and checks them afresh.
 *
 * <p>Reading (at construction):
 * <ul>
 *   <li>a slot that is missing, empty, or only spaces or NULs holds nothing;</li>
 *   <li>a slot that is torn (not one JSON object followed by padding) or fails its checksum
 *       while the other is valid: the valid one is used and a loud warning names the torn
 *       slot (a torn write was never acknowledged, so the older state is the truth);</li>
 *   <li>both valid: the higher {@code sequence} wins (equal sequences refuse the start);</li>
 *   <li>no slot valid but one torn, a slot whose checksum verifies but whose version is not
 *       {@value #VERSION} or whose content does not verify, or a slot that cannot be read:
 *       refuse the start ({@link UncheckedIOException} naming the files and what is wrong), so
 *       the executor fails safe and never silently resumes trading; the operator repairs or
 *       removes the files;</li>
 *   <li>neither slot holds anything: a version 1 {@code state.json} from an older build is
 *       read as before (the same refusal when it does not verify), else the initial state,
 *       nothing stopped. The first slot write removes {@code state.json} (and fsyncs the
 *       directory), so it is never read again.</li>
 * </ul>
 *
 * <p>Threading: none of its own; {@link Emergency} reads once and writes under its state lock.
 */
final class EmergencyStateFile implements AutoCloseable {
    /** The format version written, and the only one read from a slot. */
    static final int VERSION = 2;
    /** The version of the single-file format of older builds ({@link #LEGACY_NAME}). */
    static final int LEGACY_VERSION = 1;
    /** The slot files' names inside the emergency directory. */
    static final List<String> SLOT_NAMES = List.of("state-a.json", "state-b.json");
    /** The single state file of version 1, read only when no slot holds anything. */
    static final String LEGACY_NAME = "state.json";
    /** The smallest slot size, in bytes; sizes are powers of two. */
    static final int MIN_SLOT_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger(EmergencyStateFile.class);
    private static final String ZEROS = "0".repeat(64);
    private static final byte[] PLACEHOLDER =
            ("\"" + ZEROS + "\"").getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final Path[] slots = new Path[2];
    private final Path legacy;
    private final ObjectMapper json;
    private final FileChannel[] channels = new FileChannel[2];
    private final Object[] fileKeys = new Object[2];
    /** The slot holding the newest valid state, or -1 when none does. */
    private int newest = -1;
    /** The newest valid state's sequence (0 when none). */
    private long sequence;
    private boolean legacyPresent;

    EmergencyStateFile(Path dir, ObjectMapper json) {
        this.dir = dir.toAbsolutePath().normalize();
        for (int i = 0; i < 2; i++) {
            slots[i] = this.dir.resolve(SLOT_NAMES.get(i));
        }
        this.legacy = this.dir.resolve(LEGACY_NAME);
        this.json = json.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The slot holding the newest state (slot a when none does yet), absolute. */
    Path path() {
        return slots[Math.max(newest, 0)];
    }

    /** The slot the next {@link #write} goes to, absolute. */
    Path next() {
        return slots[newest == 0 ? 1 : 0];
    }

    /** Both slot files, absolute. */
    List<Path> slots() {
        return List.of(slots);
    }

    /** The sequence of the newest state read or written (0 when none). */
    long sequence() {
        return sequence;
    }

    /** One version of the legacy file's content (version 1), as older builds wrote it. */
    record Content(int version, long writtenAt, List<ActiveStop> stops,
                   EmergencyState.DeadMan deadMan, boolean shadowExecution,
                   Verification lastVerification, boolean verificationFailed) {
    }

    /** One slot's content (version 2), members in the order written. */
    @JsonPropertyOrder({"version", "sequence", "sha256", "writtenAt", "stops", "deadMan",
            "shadowExecution", "lastVerification", "verificationFailed"})
    record Slot(int version, long sequence, String sha256, long writtenAt,
                List<ActiveStop> stops, EmergencyState.DeadMan deadMan,
                boolean shadowExecution, Verification lastVerification,
                boolean verificationFailed) {
    }

    /** What one slot file holds. */
    private sealed interface Read {
    }

    private record Nothing() implements Read {
    }

    private record Valid(Slot slot) implements Read {
    }

    private record Torn(String why) implements Read {
    }

    /**
     * Reads the state (see the class doc); {@link EmergencyState#INITIAL} when no slot and no
     * legacy file holds one.
     *
     * @throws UncheckedIOException when the start must be refused; the message names the files
     *                              and what is wrong
     */
    EmergencyState read() {
        Read[] r = {readSlot(0), readSlot(1)};
        legacyPresent = Files.exists(legacy, LinkOption.NOFOLLOW_LINKS);
        int valid = -1;
        for (int i = 0; i < 2; i++) {
            if (r[i] instanceof Valid v && (valid < 0
                    || v.slot().sequence() > ((Valid) r[valid]).slot().sequence())) {
                valid = i;
            }
        }
        if (r[0] instanceof Valid a && r[1] instanceof Valid b
                && a.slot().sequence() == b.slot().sequence()) {
            throw refuse(slots[0] + " and " + slots[1], "both hold sequence "
                    + a.slot().sequence(), null);
        }
        if (valid < 0) {
            if (r[0] instanceof Nothing && r[1] instanceof Nothing) {
                return legacyPresent ? readLegacy() : EmergencyState.INITIAL;
            }
            throw refuse(slots[0] + " and " + slots[1], "hold no valid state: "
                    + SLOT_NAMES.get(0) + " " + describe(r[0]) + ", " + SLOT_NAMES.get(1) + " "
                    + describe(r[1]), null);
        }
        int other = 1 - valid;
        if (r[other] instanceof Torn t) {
            log.warn("EMERGENCY STATE SLOT {} IS TORN OR CORRUPT ({}); using {} (sequence {}),"
                    + " the last acknowledged state: a torn write was never acknowledged",
                    slots[other], t.why(), slots[valid], ((Valid) r[valid]).slot().sequence());
        }
        Slot s = ((Valid) r[valid]).slot();
        newest = valid;
        sequence = s.sequence();
        return new EmergencyState(s.stops(), s.deadMan(), s.shadowExecution(),
                s.lastVerification(), s.verificationFailed());
    }

    private static String describe(Read r) {
        return r instanceof Torn t ? "is torn or corrupt (" + t.why() + ")" : "holds nothing";
    }

    /** Reads slot {@code i}; refuses the start for what a torn write cannot explain. */
    private Read readSlot(int i) {
        Path file = slots[i];
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Nothing();
        } catch (IOException e) {
            throw refuse(file.toString(), "cannot be read (" + e + ")", e);
        }
        boolean blank = true;
        for (byte b : bytes) {
            if (b != ' ' && b != 0) {
                blank = false;
                break;
            }
        }
        if (blank) {
            return new Nothing();
        }
        int end;
        int hashAt = -1;
        String hash = null;
        Integer version = null;
        try (JsonParser p = json.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Torn("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("sha256".equals(name) && v == JsonToken.VALUE_STRING) {
                    hashAt = (int) p.currentTokenLocation().getByteOffset() + 1;
                    hash = p.getText();
                } else if ("version".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                    version = p.getIntValue();
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return new Torn("not one JSON object");
            }
            end = (int) p.currentLocation().getByteOffset();
        } catch (IOException e) {
            return new Torn("not one JSON object: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
        for (int k = end; k < bytes.length; k++) {
            if (bytes[k] != ' ' && bytes[k] != '\n') {
                return new Torn("byte " + k + " after the object is not padding");
            }
        }
        if (hash == null || hash.length() != 64 || hashAt < 1 || hashAt + 64 > end
                || !hash.equals(new String(bytes, hashAt, 64, StandardCharsets.US_ASCII))) {
            return new Torn("no sha256 of 64 hex digits");
        }
        byte[] object = Arrays.copyOf(bytes, end);
        Arrays.fill(object, hashAt, hashAt + 64, (byte) '0');
        String actual = sha256(object);
        if (!actual.equals(hash)) {
            return new Torn("sha256 is " + actual + ", the slot says " + hash);
        }
        if (version == null || version != VERSION) {
            throw refuse(file.toString(), "is version " + version + ", this build reads version "
                    + VERSION, null);
        }
        Slot s;
        try {
            s = json.readValue(object, Slot.class);
        } catch (JsonProcessingException e) {
            throw refuse(file.toString(), "is not a valid state slot: " + e.getOriginalMessage()
                    + location(e), e);
        } catch (IOException e) {
            throw refuse(file.toString(), "cannot be read (" + e + ")", e);
        }
        String problem = check(s.stops(), s.deadMan());
        if (problem != null) {
            throw refuse(file.toString(), "is not a valid state slot: " + problem, null);
        }
        return new Valid(s);
    }

    /** Reads the version 1 file of an older build. */
    private EmergencyState readLegacy() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(legacy);
        } catch (NoSuchFileException e) {
            return EmergencyState.INITIAL;
        } catch (IOException e) {
            throw refuse(legacy.toString(), "cannot be read (" + e + ")", e);
        }
        Content c;
        try {
            c = json.readValue(bytes, Content.class);
        } catch (JsonProcessingException e) {
            throw refuse(legacy.toString(), "is not a valid state file: "
                    + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw refuse(legacy.toString(), "cannot be read (" + e + ")", e);
        }
        String problem = c == null ? "the file holds null, not a state object"
                : c.version() != LEGACY_VERSION ? "version is " + c.version()
                + ", this build reads version " + LEGACY_VERSION + " from " + LEGACY_NAME
                : check(c.stops(), c.deadMan());
        if (problem != null) {
            throw refuse(legacy.toString(), "is not a valid state file: " + problem, null);
        }
        return new EmergencyState(c.stops(), c.deadMan(), c.shadowExecution(),
                c.lastVerification(), c.verificationFailed());
    }

    /**
     * Writes {@code state} to the slot not holding the newest state, durably (see the class
     * doc's commit rule).
     *
     * @throws IOException naming the slot when it could not be made durable; the other slot
     *                     then still holds the last acknowledged state
     */
    void write(EmergencyState state, long now) throws IOException {
        int target = newest == 0 ? 1 : 0;
        long seq = sequence + 1;
        byte[] content = encode(new Slot(VERSION, seq, ZEROS, now, state.stops(),
                state.deadMan(), state.shadowExecution(), state.lastVerification(),
                state.verificationFailed()));
        try {
            FileChannel ch = open(target);
            long size = ch.size();
            boolean grow = content.length > size || size < MIN_SLOT_BYTES
                    || Long.bitCount(size) != 1;
            if (grow) {
                size = MIN_SLOT_BYTES;
                while (size < content.length) {
                    size *= 2;
                }
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            buf.put(content);
            while (buf.hasRemaining()) {
                buf.put((byte) ' ');
            }
            buf.flip();
            long at = 0;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            if (grow) {
                ch.truncate(size);
                ch.force(true); // the new size is metadata
            } else {
                ch.force(false); // the commit point: data only, the size is unchanged
            }
        } catch (IOException | RuntimeException e) {
            close(); // opened again (and checked) by the next write
            throw new IOException("writing slot " + slots[target] + " failed: " + e, e);
        }
        newest = target;
        sequence = seq;
        if (legacyPresent) { // the slots are the authority now: never read state.json again
            Files.deleteIfExists(legacy);
            SecureFiles.fsyncDirectory(dir);
            legacyPresent = false;
        }
    }

    /** The slot's bytes: the object with its checksum filled in, then a newline. */
    private byte[] encode(Slot s) throws IOException {
        byte[] object = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
        int at = indexOf(object, PLACEHOLDER) + 1; // sha256 is the first string member
        byte[] hex = sha256(object).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, object, at, 64);
        byte[] out = Arrays.copyOf(object, object.length + 1);
        out[object.length] = '\n';
        return out;
    }

    /** Slot {@code i}'s channel, opening (and if need be creating) both slots first. */
    private FileChannel open(int i) throws IOException {
        for (int k = 0; k < 2; k++) {
            if (channels[k] != null && !Objects.equals(fileKeys[k], fileKey(slots[k]))) {
                log.warn("emergency state slot {} is no longer the file opened; opening the"
                        + " slots again", slots[k]);
                close();
                break;
            }
        }
        if (channels[i] != null) {
            return channels[i];
        }
        SecureFiles.ensureDirectory(dir);
        boolean created = false;
        for (int k = 0; k < 2; k++) {
            FileChannel ch = FileChannel.open(slots[k], Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE),
                    SecureFiles.fileAttributes());
            channels[k] = ch;
            if (ch.size() == 0) { // new: pre-allocate as padding, durably
                ByteBuffer pad = ByteBuffer.allocate(MIN_SLOT_BYTES);
                Arrays.fill(pad.array(), (byte) ' ');
                long at = 0;
                while (pad.hasRemaining()) {
                    at += ch.write(pad, at);
                }
                ch.force(true);
                created = true;
            }
            fileKeys[k] = fileKey(slots[k]);
        }
        if (created) {
            SecureFiles.fsyncDirectory(dir);
        }
        return channels[i];
    }

    private static Object fileKey(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return a.fileKey() != null ? a.fileKey() : file;
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes the slots' channels (a later write opens them again). */
    @Override
    public void close() {
        for (int k = 0; k < 2; k++) {
            FileChannel ch = channels[k];
            channels[k] = null;
            fileKeys[k] = null;
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    log.debug("closing {}: {}", slots[k], e.toString());
                }
            }
        }
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no sha256 placeholder in the encoded slot");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** What is wrong with parsed content, or null when it verifies. */
    private static String check(List<ActiveStop> stops, EmergencyState.DeadMan d) {
        if (stops == null) {
            return "stops is null";
        }
        Set<Scope> scopes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < stops.size(); i++) {
            ActiveStop s = stops.get(i);
            String at = "stops[" + i + "]";
            if (s == null) {
                return at + " is null";
            }
            if (s.id() == null || s.id().isBlank() || !ids.add(s.id())) {
                return at + ".id is missing, blank or repeated: " + s.id();
            }
            if (s.scope() == null) {
                return at + ".scope is null";
            }
            if (!scopes.add(s.scope())) {
                return at + ".scope " + s.scope().label() + " is in force twice";
            }
            if (s.mode() == null || !s.mode().stopped()) {
                return at + ".mode must be HALTED or REDUCING, got " + s.mode();
            }
            if (s.reason() == null || s.actor() == null) {
                return at + ".reason and .actor are required";
            }
            if (s.pauseQueue() && !s.scope().all()) {
                return at + ".pauseQueue needs the scope everything, scope is "
                        + s.scope().label();
            }
        }
        if (d == null || d.scope() == null) {
            return "deadMan and deadMan.scope are required";
        }
        if (d.armed() && (d.timeoutMs() < Emergency.MIN_DEAD_MAN_TIMEOUT_MS
                || d.timeoutMs() > Emergency.MAX_DEAD_MAN_TIMEOUT_MS)) {
            return "deadMan.timeoutMs must be between " + Emergency.MIN_DEAD_MAN_TIMEOUT_MS
                    + " and " + Emergency.MAX_DEAD_MAN_TIMEOUT_MS + " ms, got "
                    + d.timeoutMs();
        }
        return null;
    }

    private static String location(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                && !m.getPath().isEmpty()) {
            StringBuilder at = new StringBuilder();
            for (var ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    at.append(at.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    at.append('[').append(ref.getIndex()).append(']');
                }
            }
            return " (at " + at + ")";
        }
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static UncheckedIOException refuse(String files, String what, Exception cause) {
        // the cause's own message is already in `what`: kept as suppressed, for the log only,
        // so the start-up failure line does not repeat it
        IOException io = new IOException(what);
        if (cause != null) {
            io.addSuppressed(cause);
        }
        return new UncheckedIOException("emergency state file " + files + " " + what
                + "; refusing to start rather than resume trading silently: repair the file,"
                + " or remove it to start with nothing stopped", io);
    }
}
