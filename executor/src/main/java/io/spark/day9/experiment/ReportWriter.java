package io.spark.day9.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spark.day9.fs.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Report} as {@code <dir>/<yyyyMMdd-HHmmss>-<slug>.md} and {@code .json} (each
 * through a temp file, fsync and a rename, so a reader never sees half a report). Like every
 * runtime file, the reports are created {@code 0600} and missing directories {@code 0700}
 * ({@link SecureFiles}). The JSON is the report record as is; the Markdown is for people:
 * verdict, timeline, hypothesis, recovery.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final DateTimeFormatter STAMP = DateTimeFormatter
            .ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private ReportWriter() {
    }

    /**
     * Where {@code day9 chaos run} writes reports unless {@code --report-dir} says otherwise,
     * and the directory the executor's retention cleans ({@link ReportRetention}).
     */
    public static Path defaultDir(Path runtimeDir) {
        return runtimeDir.resolve("chaos").resolve("reports");
    }

    /** The two files written. */
    public record Written(Path markdown, Path json) {
    }

    public static Written write(Report r, String slug, Path dir) {
        try {
            SecureFiles.ensureDirectory(dir);
            String base = STAMP.format(Instant.parse(r.startedAt())) + "-" + slug;
            Path md = dir.resolve(base + ".md");
            Path json = dir.resolve(base + ".json");
            atomically(json, JSON.writeValueAsString(r) + "\n");
            atomically(md, markdown(r));
            return new Written(md, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private static void atomically(Path file, String text) throws IOException {
        SecureFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The Markdown report. */
    public static String markdown(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("# Chaos experiment: ").append(r.title()).append("\n\n");
        if (!r.description().isBlank()) {
            b.append(r.description().strip()).append("\n\n");
        }
        b.append("**Verdict: ").append(r.verdict()).append("**");
        if (!r.reasons().isEmpty()) {
            b.append("\n");
            for (String reason : r.reasons()) {
                b.append("\n- ").append(cell(reason));
            }
        }
        b.append("\n\n| | |\n|---|---|\n");
        b.append("| file | `").append(r.source()).append("` |\n");
        b.append("| started | ").append(r.startedAt()).append(" |\n");
        b.append("| ended | ").append(r.endedAt()).append(" |\n");
        b.append("| duration | ").append(fmt(r.durationSec())).append(" s |\n");
        b.append("| chaos off afterwards | ").append(r.chaosOffAfter() ? "yes" : "**NO**")
                .append(" |\n");

        b.append("\n## Timeline\n\n| at | step | took | outcome | detail |\n"
                + "|---|---|---|---|---|\n");
        for (Report.TimelineEntry t : r.timeline()) {
            b.append("| +").append(fmt(t.offsetSec())).append(" s | ").append(cell(t.step()))
                    .append(" | ").append(fmt(t.durationSec())).append(" s | ")
                    .append(t.outcome()).append(" | ").append(cell(t.detail())).append(" |\n");
        }

        b.append("\n## Steady-state hypothesis\n\n");
        checks(b, "Before", r.before());
        b.append("### During\n\n");
        if (r.during().isEmpty()) {
            b.append("No checks during the run.\n\n");
        } else {
            b.append(r.during().size()).append(" checks, ")
                    .append(r.during().stream().filter(c -> !c.ok()).count())
                    .append(" with a violation.\n\n| probe | checks | failing | violations | "
                            + "worst | threshold |\n|---|---|---|---|---|---|\n");
            Map<String, int[]> counts = new java.util.LinkedHashMap<>();
            Map<String, Report.ProbeResult> worst = new java.util.LinkedHashMap<>();
            Map<String, String> thresholds = new java.util.LinkedHashMap<>();
            for (Report.Check c : r.during()) {
                for (Report.ProbeResult p : c.probes()) {
                    int[] n = counts.computeIfAbsent(p.probe(), k -> new int[3]);
                    n[0]++;
                    n[1] += p.ok() ? 0 : 1;
                    n[2] += p.violation() ? 1 : 0;
                    thresholds.put(p.probe(), p.threshold());
                    Report.ProbeResult w = worst.get(p.probe());
                    if (w == null || (!p.ok() && w.ok()) || (p.ok() == w.ok()
                            && p.value() != null && w.value() != null
                            && p.value() > w.value())) {
                        worst.put(p.probe(), p);
                    }
                }
            }
            counts.forEach((probe, n) -> b.append("| ").append(cell(probe)).append(" | ")
                    .append(n[0]).append(" | ").append(n[1]).append(" | ").append(n[2])
                    .append(" | ").append(cell(worst.get(probe).observed())).append(" | ")
                    .append(cell(thresholds.get(probe))).append(" |\n"));
            b.append("\n");
        }
        checks(b, "After", r.after());

        Report.Recovery rec = r.recovery();
        b.append("## Recovery\n\n| | |\n|---|---|\n");
        b.append("| WebSocket flaps | ").append(rec.flaps()).append(" |\n");
        b.append("| exchange faults injected | ").append(rec.exchangeFaults().isEmpty() ? "0"
                : rec.exchangeFaults()).append(" |\n");
        b.append("| injected HTTP errors | ").append(rec.injectedHttpErrors()).append(" |\n");
        b.append("| recoveries | ").append(rec.recoveries())
                .append(rec.recoveriesByFault().isEmpty() ? "" : " " + rec.recoveriesByFault())
                .append(" |\n");
        b.append("| recovery deadline missed | ").append(rec.failed())
                .append(rec.failedByFault().isEmpty() ? "" : " " + rec.failedByFault())
                .append(" |\n");
        b.append("| recovery time p50 | ").append(sec(rec.p50Sec())).append(" |\n");
        b.append("| recovery time p99 | ").append(sec(rec.p99Sec())).append(" |\n");
        b.append("| recovery time mean | ").append(sec(rec.meanSec())).append(" |\n");
        if (RecoveryMath.HISTOGRAM.equals(rec.timesFrom())) {
            b.append("\nRecovery times are quantiles of the `spark_chaos_recovery_seconds` "
                    + "histogram delta over the run, interpolated within buckets as "
                    + "`histogram_quantile` does (two or more recoveries of one fault fell "
                    + "between two scrapes, so their own durations are not known).\n");
        } else if (RecoveryMath.MEASURED.equals(rec.timesFrom())) {
            b.append("\nRecovery times are quantiles (nearest rank) of each recovery's duration "
                    + "as the service measured it (`spark_chaos_recovery_seconds_sum` between "
                    + "two scrapes).\n");
        }

        Report.LoadStats l = r.load();
        if (l.sent() > 0 || l.skipped() > 0) {
            b.append("\n## Load\n\n| sent | 2xx | 5xx/429 | other | no answer | skipped |\n"
                    + "|---|---|---|---|---|---|\n| ").append(l.sent()).append(" | ")
                    .append(l.ok()).append(" | ").append(l.errors()).append(" | ")
                    .append(l.other()).append(" | ").append(l.noAnswer()).append(" | ")
                    .append(l.skipped()).append(" |\n");
        }
        return b.toString();
    }

    private static void checks(StringBuilder b, String title, List<Report.Check> checks) {
        b.append("### ").append(title).append("\n\n");
        if (checks.isEmpty()) {
            b.append("Not checked.\n\n");
            return;
        }
        for (Report.Check c : checks) {
            b.append("At +").append(fmt(c.offsetSec())).append(" s: ")
                    .append(c.ok() ? "held" : "**did not hold**").append(".\n\n");
            if (c.probes().isEmpty()) {
                b.append("No probes for this phase.\n\n");
                continue;
            }
            b.append("| probe | result | observed | threshold |\n|---|---|---|---|\n");
            for (Report.ProbeResult p : c.probes()) {
                b.append("| ").append(cell(p.probe())).append(" | ")
                        .append(p.ok() ? "ok" : "**FAIL**").append(" | ")
                        .append(cell(p.observed())).append(" | ").append(cell(p.threshold()))
                        .append(" |\n");
            }
            b.append("\n");
        }
    }

    private static String sec(Double s) {
        return s == null ? "n/a (no recoveries)" : String.format(Locale.ROOT, "%.3f s", s);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
