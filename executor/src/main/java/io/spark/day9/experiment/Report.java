package io.spark.day9.experiment;

import java.util.List;
import java.util.Map;

/**
 * What an experiment run did and found; written as Markdown and JSON by {@link ReportWriter}.
 * Times are ISO-8601 instants; {@code offsetSec} counts from the start of the run.
 *
 * @param chaosOffAfter true when {@code GET /api/private/chaos} said {@code enabled: false}
 *                      after the rollback
 */
public record Report(String title, String description, String source, String startedAt,
                     String endedAt, double durationSec, Verdict verdict, List<String> reasons,
                     List<TimelineEntry> timeline, List<Check> before, List<Check> during,
                     List<Check> after, Recovery recovery, LoadStats load,
                     boolean chaosOffAfter) {

    /** The outcome. */
    public enum Verdict {
        /** The hypothesis held before, during and after, and every step ran. */
        PASSED,
        /** The method ran, but the hypothesis did not hold during or after it. */
        FAILED,
        /** The method did not run to its end: the hypothesis did not hold before, a step
         *  failed, a violation stopped it ({@code abortOnViolation}) or it was interrupted. */
        ABORTED;

        /** The process exit code: 0, 1, 3. */
        public int exitCode() {
            return switch (this) {
                case PASSED -> 0;
                case FAILED -> 1;
                case ABORTED -> 3;
            };
        }
    }

    /** One step (or the rollback) as it ran. */
    public record TimelineEntry(String at, double offsetSec, String step, double durationSec,
                                String outcome, String detail) {
    }

    /** One check of the hypothesis: every probe of that phase at one moment. */
    public record Check(String phase, String at, double offsetSec, boolean ok,
                        List<ProbeResult> probes) {
    }

    /**
     * One probe's answer.
     *
     * @param value     the measured number when there is one
     * @param observed  the measurement in words
     * @param threshold what it had to be
     * @param violation failing for longer than the probe's grace (always = !ok before/after)
     */
    public record ProbeResult(String probe, boolean ok, Double value, String observed,
                              String threshold, boolean violation) {
    }

    /**
     * Recovery, flaps and injected faults over the run: deltas of the service's own counters
     * and histogram between the first and last scrape. The quantiles (null with no recoveries)
     * are those of each recovery's measured duration ({@code timesFrom} {@code "measured"}), or,
     * when two recoveries of one fault fell between two scrapes, interpolated within the
     * histogram's buckets as Prometheus' {@code histogram_quantile} does
     * ({@code "histogram"}); see {@code RecoveryMath}.
     *
     * @param timesFrom {@code "measured"}, {@code "histogram"}, or null with no recoveries
     */
    public record Recovery(long flaps, long recoveries, long failed,
                           Map<String, Long> recoveriesByFault, Map<String, Long> failedByFault,
                           Double p50Sec, Double p99Sec, Double meanSec,
                           long injectedHttpErrors, Map<String, Long> exchangeFaults,
                           String timesFrom) {
    }

    /** Requests the load steps sent and how they were answered. */
    public record LoadStats(long sent, long ok, long errors, long other, long noAnswer,
                            long skipped) {
        public static final LoadStats NONE = new LoadStats(0, 0, 0, 0, 0, 0);
    }
}
