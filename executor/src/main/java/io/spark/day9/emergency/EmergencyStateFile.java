package io.spark.day9.emergency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.fs.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The emergency's state file, {@code state.json} in the emergency directory
 * ({@code runtime/emergency/state.json}): the authority on whether trading is stopped. It is
 * read once, when {@link Emergency} is built (before any component starts, so the gate is
 * closed before the first order), and replaced whole on every change.
 *
 * <p>Format, version 1 (UTF-8 JSON, one object; every member is required, none may be unknown):
 * <pre>
 * {
 *   "version": 1,                     another version refuses to start
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
 * </pre>
 *
 * <p>Commit rule: {@link #write} goes through {@link AtomicFiles#write} (temp file beside it,
 * fsync, rename, directory fsync), so after a crash the file is the old state or the new one,
 * never a mix; the write has returned only once the new state is durable. Stray
 * {@code state.json.*.tmp} files of an interrupted write are ignored.
 *
 * <p>Reading: a missing file (or directory) is the initial state, nothing stopped. A file that
 * cannot be read or does not verify refuses the start ({@link UncheckedIOException} naming the
 * file and what is wrong): the executor fails safe and never silently resumes trading; the
 * operator repairs or removes the file.
 *
 * <p>Threading: none of its own; {@link Emergency} writes under its state lock.
 */
final class EmergencyStateFile {
    /** The format version written, and the only one read. */
    static final int VERSION = 1;
    /** The file's name inside the emergency directory. */
    static final String NAME = "state.json";

    private final Path file;
    private final ObjectMapper json;

    EmergencyStateFile(Path dir, ObjectMapper json) {
        this.file = dir.resolve(NAME).toAbsolutePath().normalize();
        this.json = json.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The file's absolute path. */
    Path path() {
        return file;
    }

    /** One version of the file's content, as written. */
    record Content(int version, long writtenAt, List<ActiveStop> stops,
                   EmergencyState.DeadMan deadMan, boolean shadowExecution,
                   Verification lastVerification, boolean verificationFailed) {
    }

    /**
     * Reads the state; {@link EmergencyState#INITIAL} when there is no file.
     *
     * @throws UncheckedIOException when the file exists but cannot be read or does not verify;
     *                              the message names the file and what is wrong
     */
    EmergencyState read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return EmergencyState.INITIAL;
        } catch (IOException e) {
            throw refuse("cannot be read (" + e + ")", e);
        }
        Content c;
        try {
            c = json.readValue(bytes, Content.class);
        } catch (JsonProcessingException e) {
            throw refuse("is not a valid state file: " + e.getOriginalMessage()
                    + location(e), e);
        } catch (IOException e) {
            throw refuse("cannot be read (" + e + ")", e);
        }
        String problem = check(c);
        if (problem != null) {
            throw refuse("is not a valid state file: " + problem, null);
        }
        return new EmergencyState(c.stops(), c.deadMan(), c.shadowExecution(),
                c.lastVerification(), c.verificationFailed());
    }

    /**
     * Replaces the file with {@code state}, durably (see the class doc's commit rule).
     *
     * @throws IOException when it could not be made durable; the old file is then unchanged
     */
    void write(EmergencyState state, long now) throws IOException {
        Content c = new Content(VERSION, now, state.stops(), state.deadMan(),
                state.shadowExecution(), state.lastVerification(), state.verificationFailed());
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(c);
        AtomicFiles.write(file, bytes);
    }

    /** What is wrong with a parsed file, or null when it verifies. */
    private static String check(Content c) {
        if (c == null) {
            return "the file holds null, not a state object";
        }
        if (c.version() != VERSION) {
            return "version is " + c.version() + ", this build reads version " + VERSION;
        }
        if (c.stops() == null) {
            return "stops is null";
        }
        Set<Scope> scopes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < c.stops().size(); i++) {
            ActiveStop s = c.stops().get(i);
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
        EmergencyState.DeadMan d = c.deadMan();
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

    private UncheckedIOException refuse(String what, Exception cause) {
        // the cause's own message is already in `what`: kept as suppressed, for the log only,
        // so the start-up failure line does not repeat it
        IOException io = new IOException(what);
        if (cause != null) {
            io.addSuppressed(cause);
        }
        return new UncheckedIOException("emergency state file " + file + " " + what
                + "; refusing to start rather than resume trading silently: repair the file,"
                + " or remove it to start with nothing stopped", io);
    }
}
