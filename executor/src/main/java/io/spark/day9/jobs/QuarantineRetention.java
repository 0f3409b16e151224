package io.spark.day9.jobs;

import io.spark.day9.queue.QuarantineFiles;
import io.spark.day9.queue.QuarantineFiles.QuarantineFile;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Candidate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Retention of the file journal's quarantine files ({@code QUEUE_DIR/<queue>/quarantine.ndjson},
 * listed by the queue module's {@link QuarantineFiles}): kind {@value #KIND}. Only quarantine
 * files are in scope; a queue's journal, cursor and lock are never listed.
 *
 * <p>All queues form one group: the most recently written quarantine file (the latest
 * corruption seen) is kept however old, keep-last counts across queues, and the others go by
 * age.
 *
 * <p>Dating is the documented exception to "no mtime": the quarantined lines are corrupt
 * journal lines kept verbatim, with no trustworthy time of their own, so a file is dated by
 * its last-modified time, the last time a line was set aside in it.
 */
public final class QuarantineRetention implements RetainedKind {
    /** The kind's name (metric label, audit, CLI). */
    public static final String KIND = "queue-quarantine";

    private final Path queueRoot;
    private final RetentionPolicy policy;

    /**
     * @param queueRoot {@code QUEUE_DIR}
     * @param policy    {@code QUEUE_QUARANTINE_RETENTION_DAYS} and
     *                  {@code QUEUE_QUARANTINE_KEEP_LAST}
     */
    public QuarantineRetention(Path queueRoot, RetentionPolicy policy) {
        this.queueRoot = Objects.requireNonNull(queueRoot, "queueRoot");
        this.policy = Objects.requireNonNull(policy, "policy");
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
        return QuarantineFiles.list(queueRoot).stream().map(QuarantineRetention::candidate)
                .toList();
    }

    private static RetainedFile candidate(QuarantineFile f) {
        return new RetainedFile(f.path(), Candidate.of(f.queue() + "/"
                + QuarantineFiles.FILE_NAME, KIND, f.lastModified()));
    }
}
