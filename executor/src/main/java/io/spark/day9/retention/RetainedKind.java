package io.spark.day9.retention;

import io.spark.day9.retention.RetentionPolicy.Candidate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One kind of file that retention cleans up (snapshots, shadow trail segments, experiment
 * reports, the probe file, queue quarantine files, market tape segments), with its own policy.
 * The owning subsystem knows how to list its files and date them; {@link Retention} decides and
 * deletes.
 */
public interface RetainedKind {

    /** A short stable name, used as the metric label and in audit and CLI output. */
    String kind();

    /** This kind's policy (each kind has its own settings). */
    RetentionPolicy policy();

    /**
     * Every file of this kind now on disk, each with its candidate: created-at in UTC from the
     * file's own record (envelope, first line, or name), never its mtime unless documented for
     * that kind; {@code valid} false for a file that does not parse; {@code pinned} for a file
     * still being written. A missing directory is an empty list.
     */
    List<RetainedFile> candidates() throws IOException;

    /** A file on disk and how the policy sees it. */
    record RetainedFile(Path path, Candidate candidate) {
    }
}
