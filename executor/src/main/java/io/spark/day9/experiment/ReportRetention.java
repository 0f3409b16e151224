package io.spark.day9.experiment;

import io.spark.day9.retention.NamedFiles;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Candidate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retention of chaos experiment reports ({@link ReportWriter}'s
 * {@code <yyyyMMdd-HHmmss>-<slug>.md} and {@code .json} in {@code RUNTIME_DIR/chaos/reports}):
 * kind {@value #KIND}.
 *
 * <p>A report is dated by its name: the stamp is the run's start in UTC, written by
 * {@link ReportWriter} from the report's own {@code startedAt}; no mtime. Reports are grouped
 * by experiment (slug) and file type, so the policy counts keep-last per experiment, and the
 * newest report of every experiment is kept however old. The Markdown and JSON files of one
 * run carry the same stamp, so they share every verdict.
 *
 * <p>Only names of that shape are listed: temp files of an interrupted write
 * ({@code .tmp}), other files and directories are never touched. Reports written elsewhere with
 * {@code --report-dir} are not the executor's to clean. A missing directory is an empty list.
 */
public final class ReportRetention implements RetainedKind {
    /** The kind's name (metric label, audit, CLI). */
    public static final String KIND = "experiment-report";
    private static final Pattern NAME =
            Pattern.compile("(\\d{8}-\\d{6})-([A-Za-z0-9._-]+)\\.(md|json)");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;
    private final RetentionPolicy policy;

    /**
     * @param dir    the reports directory ({@link ReportWriter#defaultDir})
     * @param policy {@code CHAOS_REPORT_RETENTION_DAYS} and {@code CHAOS_REPORT_KEEP_LAST}
     */
    public ReportRetention(Path dir, RetentionPolicy policy) {
        this.dir = Objects.requireNonNull(dir, "dir");
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
        List<RetainedFile> out = new ArrayList<>();
        for (NamedFiles.Named f : NamedFiles.in(dir, NAME)) {
            Matcher m = f.match();
            Instant started;
            try {
                started = LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notAStamp) {
                continue; // not a name ReportWriter writes
            }
            out.add(new RetainedFile(f.path(), Candidate.of(f.name(),
                    m.group(2) + "." + m.group(3), started)));
        }
        return out;
    }
}
