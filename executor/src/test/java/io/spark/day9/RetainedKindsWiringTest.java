package io.spark.day9;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.experiment.ReportRetention;
import io.spark.day9.experiment.ReportWriter;
import io.spark.day9.jobs.ProbeRetention;
import io.spark.day9.jobs.QuarantineRetention;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionEvent;
import io.spark.day9.shadow.TrailRetention;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor hands its retained kinds, each with its settings, to the one retention runner
 * (the coordinator registers them on the snapshot service's instance; this test makes its own).
 */
class RetainedKindsWiringTest {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Instant daysAgo(Instant now, int days) {
        return now.minus(Duration.ofDays(days));
    }

    private static Path write(Path file, String text, Instant mtime) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        return file;
    }

    private static String trailName(Instant at) {
        return "orders-" + at.atZone(ZoneOffset.UTC).toLocalDate() + ".ndjson";
    }

    private static String probeRecord(Instant at) {
        return "{\"queue\":\"signals\",\"id\":1,\"attempt\":1,\"job\":\"test\",\"at\":"
                + at.toEpochMilli() + "}\n";
    }

    @Test
    void eachKindCleansItsOwnDirectoryWithItsOwnSettings() throws Exception {
        ManualScheduler time = new ManualScheduler();
        try (TestExecutor server = TestExecutor.start(dir, Map.of("SHADOW_TRAIL_KEEP_LAST", "1",
                "CHAOS_REPORT_KEEP_LAST", "1", "QUEUE_QUARANTINE_KEEP_LAST", "1"), time)) {
            Executor executor = server.executor();
            Instant now = time.clock().instant();
            Path runtime = executor.config().paths().runtimeDir();
            Path trail = executor.config().paths().shadowDir();
            Path reports = ReportWriter.defaultDir(runtime);
            Path queues = executor.config().paths().queueDir();
            List<Path> kept = new ArrayList<>();
            List<Path> old = new ArrayList<>();
            // the trail: 30 days, keep-last 1; today's segment is pinned
            kept.add(write(trail.resolve(trailName(now)), "{}\n", now));
            kept.add(write(trail.resolve(trailName(daysAgo(now, 60))), "{}\n", now));
            old.add(write(trail.resolve(trailName(daysAgo(now, 61))), "{}\n", now));
            // reports: 90 days, keep-last 1 per experiment
            kept.add(write(reports.resolve(STAMP.format(daysAgo(now, 100)) + "-x.md"), "", now));
            old.add(write(reports.resolve(STAMP.format(daysAgo(now, 101)) + "-x.md"), "", now));
            // the probe: 7 days, keep-last 1 (the live file)
            Path probe = runtime.resolve("probe");
            kept.add(write(probe.resolve("processed.ndjson"), probeRecord(now), now));
            old.add(write(probe.resolve("processed.ndjson.1"), probeRecord(daysAgo(now, 8)),
                    now));
            // quarantine: 90 days by mtime, keep-last 1 across queues; the journal stays
            kept.add(write(queues.resolve("signals").resolve("quarantine.ndjson"), "bad\n",
                    daysAgo(now, 91)));
            old.add(write(queues.resolve("old").resolve("quarantine.ndjson"), "bad\n",
                    daysAgo(now, 92)));
            kept.add(write(queues.resolve("old").resolve("journal.ndjson"), "", daysAgo(now,
                    500)));

            Retention retention = new Retention(time.clock());
            executor.retainedKinds(() -> Optional.of(LocalDate.ofInstant(now, ZoneOffset.UTC)))
                    .forEach(retention::register);
            List<RetentionEvent> events = new ArrayList<>();
            retention.subscribe(events::add);

            assertThat(retention.kinds()).containsExactly(TrailRetention.KIND,
                    ReportRetention.KIND, ProbeRetention.KIND, QuarantineRetention.KIND);
            assertThat(retention.apply()).extracting(Retention.Planned::path)
                    .containsExactlyInAnyOrderElementsOf(old);
            assertThat(events).hasSize(old.size()).allMatch(e -> e instanceof
                    RetentionEvent.Deleted);
            old.forEach(p -> assertThat(p).doesNotExist());
            kept.forEach(p -> assertThat(p).exists());
        }
    }

    @Test
    void withoutAReplayMarkNoTrailSegmentIsDeleted() throws Exception {
        ManualScheduler time = new ManualScheduler();
        try (TestExecutor server = TestExecutor.start(dir, Map.of("SHADOW_TRAIL_KEEP_LAST", "1",
                "SHADOW_TRAIL_RETENTION_DAYS", "1"), time)) {
            Executor executor = server.executor();
            Instant now = time.clock().instant();
            Path trail = executor.config().paths().shadowDir();
            Path a = write(trail.resolve(trailName(daysAgo(now, 300))), "{}\n", now);
            Path b = write(trail.resolve(trailName(daysAgo(now, 200))), "{}\n", now);
            Retention retention = new Retention(time.clock());
            executor.retainedKinds(Optional::empty).forEach(retention::register);

            assertThat(retention.apply(TrailRetention.KIND)).isEmpty();
            assertThat(a).exists();
            assertThat(b).exists();
        }
    }
}
