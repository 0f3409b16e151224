package io.spark.day9.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against a fake executor and a fake clock: no sockets, no real waiting. */
class ExperimentRunnerTest {
    private final FakeClock clock = new FakeClock();
    private final FakeTarget target = new FakeTarget();
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final ExperimentRunner runner = new ExperimentRunner(target, clock, clock::sleep,
            progress::add);

    /** A clock that only moves when the runner sleeps. */
    static final class FakeClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
        volatile Consumer<Duration> onSleep = d -> { };

        void sleep(Duration d) {
            millis.addAndGet(d.toMillis());
            onSleep.accept(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    /**
     * An executor in memory: chaos state, counters the test moves, and a record of the calls.
     * {@code errorsPerScrape}/{@code requestsPerScrape} are added to the HTTP counters at each
     * scrape while chaos is on.
     */
    static final class FakeTarget implements ChaosTarget {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> patches = new CopyOnWriteArrayList<>();
        final Map<String, Double> series = new TreeMap<>();
        volatile boolean on;
        volatile boolean synced = true;
        volatile String failInject;
        volatile RuntimeException failMetricsWith;
        volatile int offFailures;
        volatile double requestsPerScrape;
        volatile double errorsPerScrape;
        volatile Runnable onOff = () -> { };
        final AtomicLong loads = new AtomicLong();

        FakeTarget() {
            series.put("spark_http_requests_total{route=\"/api/x\",method=\"GET\",status=\"200\"}",
                    0.0);
            series.put("spark_http_requests_total{route=\"/api/x\",method=\"GET\",status=\"503\"}",
                    0.0);
            series.put("spark_http_requests_total{route=\"/metrics\",method=\"GET\","
                    + "status=\"200\"}", 0.0);
        }

        JsonNode state0() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("enabled", on);
            n.putObject("counters").put("pendingRecoveries", 0);
            return n;
        }

        @Override
        public JsonNode state() {
            calls.add("state");
            return state0();
        }

        @Override
        public JsonNode toggle(Map<String, Object> patch) {
            calls.add("toggle");
            patches.add(patch);
            on = !Boolean.FALSE.equals(patch.get("enabled"));
            return state0();
        }

        @Override
        public JsonNode off() {
            calls.add("off");
            if (offFailures > 0) {
                offFailures--;
                throw new TargetException(0, "connection reset");
            }
            on = false;
            onOff.run();
            return state0();
        }

        @Override
        public JsonNode flap() {
            calls.add("flap");
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("flapped", true);
            return n;
        }

        @Override
        public JsonNode inject(String fault) {
            calls.add("inject " + fault);
            if (fault.equals(failInject)) {
                throw new TargetException(409, "HTTP 409 Fault not available: no simulator");
            }
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public synchronized String metrics() {
            calls.add("metrics");
            if (failMetricsWith != null && on) {
                throw failMetricsWith;
            }
            if (on) {
                add("spark_http_requests_total{route=\"/api/x\",method=\"GET\",status=\"200\"}",
                        requestsPerScrape - errorsPerScrape);
                add("spark_http_requests_total{route=\"/api/x\",method=\"GET\",status=\"503\"}",
                        errorsPerScrape);
            }
            add("spark_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}", 1);
            StringBuilder b = new StringBuilder("# HELP whatever\n# TYPE x counter\n");
            series.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
            return b.toString();
        }

        synchronized void add(String key, double d) {
            series.merge(key, d, Double::sum);
        }

        synchronized void set(String key, double d) {
            series.put(key, d);
        }

        @Override
        public JsonNode getJson(String path) {
            calls.add("get " + path);
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("synced", synced);
            n.put("ageMs", synced ? 40 : 9000);
            n.put("status", "UP");
            return n;
        }

        @Override
        public int load(String path) {
            loads.incrementAndGet();
            return 200;
        }
    }

    private static Experiment experiment(String yaml) {
        return ExperimentParser.parse(yaml, "test.yaml");
    }

    private static final String ERROR_PROBE = """
            title: t
            checkEvery: 1s
            settle: 0
            steadyState:
              - name: api
                errorRate: {maxPct: 1, window: 10s}
            """;

    @Test
    void aStepThatThrowsStillRollsBackAndAborts() {
        target.failInject = "gap";
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - chaos: {httpErrorPct: 5}
                  - inject: gap
                  - hold: 5s
                """), "test.yaml");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.ABORTED);
        assertThat(r.reasons()).anySatisfy(s -> assertThat(s).contains("step 2/3 inject gap")
                .contains("409"));
        assertThat(target.calls).contains("off");
        assertThat(target.on).isFalse();
        assertThat(r.chaosOffAfter()).isTrue();
        assertThat(r.timeline()).extracting(Report.TimelineEntry::step)
                .containsExactly("1/3 chaos {\"httpErrorPct\":5}", "2/3 inject gap",
                        "rollback: chaos off");
        assertThat(r.timeline().get(1).outcome()).isEqualTo("error");
        assertThat(r.after()).hasSize(1); // the after-check still ran
    }

    @Test
    void anUnexpectedExceptionStillRollsBack() {
        target.failMetricsWith = new IllegalStateException("boom");
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - chaos: {latencyMs: 100}
                  - hold: 5s
                """), "test.yaml");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.ABORTED);
        assertThat(r.reasons().get(0)).contains("unexpected error").contains("boom");
        assertThat(target.on).isFalse();
        assertThat(r.chaosOffAfter()).isTrue();
    }

    @Test
    void aFailedOffIsRetriedAndAFailedRollbackIsReported() {
        target.offFailures = 2;
        Report ok = runner.run(experiment(ERROR_PROBE + "method: [{chaos: {latencyMs: 5}}]\n"),
                "t");
        assertThat(ok.verdict()).isEqualTo(Report.Verdict.PASSED);
        assertThat(target.calls.stream().filter("off"::equals)).hasSize(3);

        target.offFailures = 5;
        Report bad = runner.run(experiment(ERROR_PROBE + "method: [{chaos: {latencyMs: 5}}]\n"),
                "t");
        assertThat(bad.verdict()).isEqualTo(Report.Verdict.FAILED);
        assertThat(bad.chaosOffAfter()).isFalse();
        assertThat(bad.reasons()).anySatisfy(s -> assertThat(s).contains("ROLLBACK FAILED"));
    }

    @Test
    void aViolationDuringTheRunFailsItButTheMethodGoesOn() {
        target.requestsPerScrape = 100;
        target.errorsPerScrape = 20;
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - chaos: {httpErrorPct: 20}
                  - hold: 3s
                  - off
                  - hold: 1s
                """), "test.yaml");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.FAILED);
        assertThat(r.timeline()).hasSize(5);
        assertThat(r.during()).isNotEmpty();
        assertThat(r.during().get(0).ok()).isFalse();
        assertThat(r.during().get(0).probes().get(0).value()).isCloseTo(20.0,
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.reasons()).anySatisfy(s -> assertThat(s).contains("violated during")
                .contains("api: 20.00 %"));
        assertThat(r.chaosOffAfter()).isTrue();
        assertThat(progress).anySatisfy(l -> assertThat(l).contains("during: VIOLATED"));
    }

    @Test
    void abortOnViolationStopsTheMethodAndRollsBack() {
        target.requestsPerScrape = 100;
        target.errorsPerScrape = 50;
        Report r = runner.run(experiment(ERROR_PROBE.replace("settle: 0",
                "settle: 0\nabortOnViolation: true") + """
                method:
                  - chaos: {httpErrorPct: 50}
                  - hold: 10s
                  - inject: gap
                """), "test.yaml");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.ABORTED);
        assertThat(r.reasons().get(0)).contains("abortOnViolation").contains("api");
        assertThat(target.calls).doesNotContain("inject gap").contains("off");
        assertThat(r.timeline().get(1).outcome()).isEqualTo("stopped");
        assertThat(r.timeline().get(1).durationSec()).isLessThan(2);
    }

    @Test
    void aProbeFailingWithinItsGraceIsNoViolation() {
        clock.onSleep = d -> target.synced = !target.synced || !target.on; // flips while on
        Report r = runner.run(experiment("""
                title: t
                checkEvery: 1s
                settle: 0
                steadyState:
                  - name: book
                    bookFresh: {maxAgeMs: 1000}
                    grace: 1500ms
                method:
                  - flap: 1
                  - hold: 6s
                """), "test.yaml");
        assertThat(r.during()).anySatisfy(c -> assertThat(c.probes().get(0).ok()).isFalse());
        assertThat(r.during()).allSatisfy(c -> assertThat(c.ok()).isTrue());
        assertThat(r.verdict()).as(r.reasons().toString()).isEqualTo(Report.Verdict.PASSED);
    }

    @Test
    void aSteadyStateMissedBeforeSkipsTheMethodButStillTurnsChaosOff() {
        target.synced = false;
        Report r = runner.run(experiment("""
                title: t
                settle: 0
                steadyState:
                  - bookFresh: {}
                method:
                  - chaos: {httpErrorPct: 50}
                """), "test.yaml");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.ABORTED);
        assertThat(r.reasons().get(0)).contains("did not hold before").contains("NOT synced");
        assertThat(target.calls).contains("off");
        // the only toggle is the rollback putting the scope back, everything off
        assertThat(target.patches).allSatisfy(p -> assertThat(p).containsEntry("enabled",
                false));
    }

    @Test
    void theRollbackPutsTheScopeBackAsItWasBeforeTheRun() {
        runner.run(experiment(ERROR_PROBE + """
                method:
                  - ramp: {to: 20, over: 2s, routes: [/api/x]}
                """), "t");
        Map<String, Object> last = target.patches.get(target.patches.size() - 1);
        assertThat(last).containsEntry("enabled", false).containsEntry("routes", List.of())
                .containsEntry("rampSec", 0);
        assertThat(target.on).isFalse();
    }

    @Test
    void anInterruptStopsTheHoldAndRollsBack() {
        AtomicLong slept = new AtomicLong();
        clock.onSleep = d -> {
            if (slept.addAndGet(d.toMillis()) >= 3000) {
                runner.interrupt("interrupted (Ctrl-C)");
            }
        };
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - chaos: {wsFlapSec: 1}
                  - hold: 30s
                  - inject: gap
                """), "test.yaml");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.ABORTED);
        assertThat(r.reasons().get(0)).isEqualTo("interrupted (Ctrl-C)");
        assertThat(target.calls).doesNotContain("inject gap").contains("off");
        assertThat(r.durationSec()).isLessThan(5);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void chaosChangesCarryATtlCoveringTheRunAndRampSetsRampSec() {
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - chaos: {latencyMs: 10}
                  - ramp: {to: 20, over: 10s, routes: [/api/x]}
                  - chaos: {latencyMs: 0, ttlSec: 5}
                """), "t");
        assertThat(r.verdict()).isEqualTo(Report.Verdict.PASSED);
        assertThat(target.patches.get(0)).containsEntry("ttlSec", 70L);
        assertThat(target.patches.get(1)).containsEntry("httpErrorPct", 20.0)
                .containsEntry("rampSec", 10L).containsEntry("routes", List.of("/api/x"))
                .containsKey("ttlSec");
        assertThat(target.patches.get(2)).containsEntry("ttlSec", 5);
    }

    @Test
    void loadIsSentAtTheRequestedRateDuringAHold() {
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - hold: 2s
                    load: {path: /api/x, rps: 10}
                """), "t");
        assertThat(r.load().sent()).isBetween(19L, 21L);
        assertThat(target.loads.get()).isEqualTo(r.load().sent());
        assertThat(r.timeline().get(0).detail()).contains("load: " + r.load().sent() + " sent");
    }

    private static final String H = "spark_chaos_recovery_seconds";

    private void histogram(double[] counts, double sum) {
        double[] bounds = {0.05, 0.1, 0.15, 0.2, 0.25, 0.5};
        for (int i = 0; i < bounds.length; i++) {
            target.set(H + "_bucket{fault=\"ws-flap\",le=\"" + bounds[i] + "\"}", counts[i]);
        }
        target.set(H + "_bucket{fault=\"ws-flap\",le=\"+Inf\"}", counts[counts.length - 1]);
        target.set(H + "_count{fault=\"ws-flap\"}", counts[counts.length - 1]);
        target.set(H + "_sum{fault=\"ws-flap\"}", sum);
    }

    @Test
    void theReportHasTheTimelineAndRecoveryQuantilesFromHistogramDeltas(@TempDir Path dir)
            throws Exception {
        // before: 3 recoveries already (cumulative buckets 1,2,3,3,3,3 | +Inf 3)
        histogram(new double[] {1, 2, 3, 3, 3, 3, 3}, 0.3);
        target.set("spark_chaos_recovery_total{fault=\"ws-flap\"}", 3);
        target.set("spark_chaos_recovery_failed_total{fault=\"ws-flap\"}", 0);
        target.set("spark_chaos_ws_flaps_total", 3);
        target.onOff = () -> {
            // after: 10 more; deltas per bucket 0,2,6,9,10,10 | +Inf 10, sum delta 1.6
            histogram(new double[] {1, 4, 9, 12, 13, 13, 13}, 1.9);
            target.set("spark_chaos_recovery_total{fault=\"ws-flap\"}", 13);
            target.set("spark_chaos_recovery_failed_total{fault=\"ws-flap\"}", 1);
            target.set("spark_chaos_ws_flaps_total", 14);
        };
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - flap: 1
                  - hold: 11s
                """), "test.yaml");
        Report.Recovery rec = r.recovery();
        assertThat(rec.flaps()).isEqualTo(11);
        assertThat(rec.recoveries()).isEqualTo(10);
        assertThat(rec.failed()).isEqualTo(1);
        assertThat(rec.recoveriesByFault()).containsExactly(Map.entry("ws-flap", 10L));
        // p50: rank 5 falls in (0.1, 0.15] holding 2..6: 0.1 + 0.05 * (5 - 2) / (6 - 2)
        assertThat(rec.p50Sec()).isCloseTo(0.1375, org.assertj.core.data.Offset.offset(1e-9));
        // p99: rank 9.9 falls in (0.2, 0.25] holding 9..10: 0.2 + 0.05 * 0.9
        assertThat(rec.p99Sec()).isCloseTo(0.245, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rec.meanSec()).isCloseTo(0.16, org.assertj.core.data.Offset.offset(1e-9));

        ReportWriter.Written w = ReportWriter.write(r, "t", dir);
        String md = Files.readString(w.markdown(), StandardCharsets.UTF_8);
        assertThat(md).contains("**Verdict: PASSED**").contains("## Timeline")
                .contains("1/2 flap every 1 s").contains("2/2 hold 11s").contains("rollback")
                .contains("| recovery time p50 | 0.138 s |")
                .contains("| recovery time p99 | 0.245 s |").contains("| WebSocket flaps | 11 |");
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(w.json().toFile());
        assertThat(json.path("verdict").asText()).isEqualTo("PASSED");
        assertThat(json.path("recovery").path("p99Sec").asDouble()).isCloseTo(0.245,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.path("timeline")).hasSize(3);
        assertThat(json.path("during")).isNotEmpty();
        assertThat(w.markdown().getFileName().toString()).matches("\\d{8}-\\d{6}-t\\.md");
    }

    @Test
    void recoveryTimesAreEachRecoverysMeasuredDurationNotABucketInterpolation(@TempDir Path dir)
            throws Exception {
        // one ws-flap recovery that took 5.7 s; buckets (2.5, 5] and (5, 10]: interpolating
        // the histogram would say p99 = 5 + 5 * 0.99 = 9.95 s
        setRecoveries("ws-flap", new double[] {0, 0, 0, 0}, 0, 0);
        target.onOff = () -> setRecoveries("ws-flap", new double[] {0, 0, 0, 1}, 1, 5.7);
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - flap: once
                  - hold: 2s
                """), "t");
        Report.Recovery rec = r.recovery();
        assertThat(rec.recoveries()).isEqualTo(1);
        assertThat(rec.timesFrom()).isEqualTo("measured");
        assertThat(rec.p50Sec()).isEqualTo(5.7);
        assertThat(rec.p99Sec()).isEqualTo(5.7);
        ReportWriter.Written w = ReportWriter.write(r, "t", dir);
        assertThat(Files.readString(w.markdown())).contains("| recovery time p99 | 5.700 s |")
                .contains("as the service measured it");
    }

    @Test
    void recoveriesInSeparateIntervalsAreEachMeasured() {
        Scrape s0 = Scrape.parse(recoveries("ws-flap", 0, 0) + recoveries("stale", 0, 0));
        Scrape s1 = Scrape.parse(recoveries("ws-flap", 1, 0.25) + recoveries("stale", 1, 3.5));
        Scrape s2 = Scrape.parse(recoveries("ws-flap", 2, 1.25) + recoveries("stale", 1, 3.5));
        RecoveryMath.Measured m = RecoveryMath.Measured.NONE.add(s0, s1).add(s1, s2);
        assertThat(m.exact()).isTrue();
        assertThat(m.seconds()).containsExactlyInAnyOrder(0.25, 3.5, 1.0);
        Report.Recovery rec = RecoveryMath.between(s0, s2, m);
        assertThat(rec.timesFrom()).isEqualTo("measured");
        assertThat(rec.p50Sec()).isEqualTo(1.0);
        assertThat(rec.p99Sec()).isEqualTo(3.5);
        Scrape s3 = Scrape.parse(recoveries("ws-flap", 4, 2.25) + recoveries("stale", 1, 3.5));
        RecoveryMath.Measured twoAtOnce = m.add(s2, s3);
        assertThat(twoAtOnce.exact()).as("two recoveries of one fault in one interval")
                .isFalse();
        assertThat(RecoveryMath.between(s0, s3, twoAtOnce).timesFrom()).isEqualTo("histogram");
    }

    private static String recoveries(String fault, double count, double sum) {
        return H + "_count{fault=\"" + fault + "\"} " + count + "\n" + H + "_sum{fault=\""
                + fault + "\"} " + sum + "\n" + H + "_bucket{fault=\"" + fault
                + "\",le=\"+Inf\"} " + count + "\n";
    }

    private void setRecoveries(String fault, double[] cumulative, double count, double sum) {
        double[] bounds = {1, 2.5, 5, 10};
        for (int i = 0; i < bounds.length; i++) {
            target.set(H + "_bucket{fault=\"" + fault + "\",le=\"" + bounds[i] + "\"}",
                    cumulative[i]);
        }
        target.set(H + "_bucket{fault=\"" + fault + "\",le=\"+Inf\"}", count);
        target.set(H + "_count{fault=\"" + fault + "\"}", count);
        target.set(H + "_sum{fault=\"" + fault + "\"}", sum);
        target.set("spark_chaos_recovery_total{fault=\"" + fault + "\"}", count);
    }

    @Test
    void reportsAreWrittenPrivately(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault()
                .supportedFileAttributeViews().contains("posix"));
        Report r = runner.run(experiment(ERROR_PROBE + """
                method:
                  - hold: 1s
                """), "t");
        Path reports = dir.resolve("chaos").resolve("reports");
        ReportWriter.Written w = ReportWriter.write(r, "t", reports);
        for (Path file : List.of(w.markdown(), w.json())) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo("rw-------");
        }
        for (Path d : List.of(reports, reports.getParent())) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(d))).as(d.toString()).isEqualTo("rwx------");
        }
        try (var files = Files.list(reports)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void measuredValuesAreShownRounded() {
        assertThat(Probes.measured(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(Probes.measured(12.3456789)).isEqualTo("12.346");
        assertThat(Probes.measured(42.0)).isEqualTo("42");
    }

    @Test
    void aQuantileInTheInfBucketAnswersTheLargestFiniteBound() {
        TreeMap<Double, Double> h = new TreeMap<>(Map.of(0.1, 1.0, 1.0, 1.0,
                Double.POSITIVE_INFINITY, 4.0));
        assertThat(RecoveryMath.quantile(0.99, h)).isEqualTo(1.0);
        assertThat(RecoveryMath.quantile(0.2, h)).isCloseTo(0.08,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RecoveryMath.quantile(0.5, new TreeMap<>(Map.of(Double.POSITIVE_INFINITY,
                0.0)))).isNull();
    }

    @Test
    void theScrapeParserReadsLabelsWithEscapes() {
        Scrape s = Scrape.parse("# TYPE a counter\na_total{x=\"q\\\"uote\",le=\"+Inf\"} 3.5\n"
                + "b 7\nc{} +Inf\n");
        assertThat(s.series()).hasSize(3);
        assertThat(s.series().get(0).labels()).containsEntry("x", "q\"uote")
                .containsEntry("le", "+Inf");
        assertThat(s.sum("a_total")).isEqualTo(3.5);
        assertThat(s.sum("b")).isEqualTo(7);
        assertThat(s.sum("c")).isInfinite();
    }
}
