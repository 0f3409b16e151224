package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The operator's pause of one queue's consumption, as it stands, and its file. A paused queue
 * still takes enqueues; the built-in {@link Worker} does not claim from it and
 * {@code POST …/claim} answers no jobs, so outside consumers polling over HTTP stop too
 * (an in-process {@code JobQueue.claim} is not affected: the queue library knows no pause).
 * Separate from the emergency's pause ({@link Worker#pause(boolean)}), which the emergency
 * state persists on its own: the worker consumes only when neither is set.
 *
 * <h2>File</h2>
 * {@code QUEUE_DIR/<queue>/paused.json}, replaced whole with {@link AtomicFiles#write} (temp,
 * fsync, rename, directory fsync) before the pause or resume is answered, so it holds across
 * a crash. One JSON object: {@code {"paused":true,"by":"admin","at":1700000000000}} with
 * {@code by} the actor and {@code at} epoch milliseconds of the change. No file means not
 * paused. A file that cannot be read or parsed counts as <em>paused</em> (fail safe: an
 * operator's stop is never lifted by a damaged file), with the reason in {@link #note()};
 * a resume writes a good file again.
 *
 * @param paused whether consumption is paused
 * @param by     who changed it last (null when never)
 * @param at     when, epoch milliseconds (0 when never)
 * @param note   why the state is what it is when not from a good file, else null
 */
public record QueuePause(boolean paused, String by, long at, String note) {
    /** The file name inside the queue's directory. */
    public static final String FILE = "paused.json";
    /** Never paused. */
    public static final QueuePause NONE = new QueuePause(false, null, 0, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the pause of the queue stored in {@code queueDir}; see the class doc. */
    static QueuePause read(Path queueDir) {
        Path file = queueDir.resolve(FILE);
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject() || !n.path("paused").isBoolean()) {
                return new QueuePause(true, null, 0, file + ": not an object with a boolean "
                        + "\"paused\"; kept paused until resumed");
            }
            return new QueuePause(n.get("paused").asBoolean(),
                    n.path("by").isTextual() ? n.get("by").asText() : null,
                    n.path("at").asLong(0), null);
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            return new QueuePause(true, null, 0, file + " unreadable (" + e.getMessage()
                    + "); kept paused until resumed");
        }
    }

    /** Writes {@code state} durably to {@code queueDir} (the commit point of a change). */
    static void write(Path queueDir, QueuePause state) throws IOException {
        Objects.requireNonNull(state, "state");
        ObjectNode n = JSON.createObjectNode();
        n.put("paused", state.paused());
        n.put("by", state.by());
        n.put("at", state.at());
        AtomicFiles.write(queueDir.resolve(FILE), JSON.writeValueAsBytes(n));
    }
}
