package io.spark.day9.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports are dated by the UTC stamp in their name and counted per experiment. */
class ReportRetentionTest {
    private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

    @TempDir
    Path runtime;

    private Path dir() {
        return ReportWriter.defaultDir(runtime);
    }

    /** One run's two files; their mtime is now, so only the name can date them. */
    private void report(String stamp, String slug) throws IOException {
        Files.createDirectories(dir());
        for (String ext : new String[] {"md", "json"}) {
            Path p = Files.writeString(dir().resolve(stamp + "-" + slug + "." + ext), "{}");
            Files.setLastModifiedTime(p, FileTime.from(NOW));
        }
    }

    private Retention retention(RetentionPolicy policy) {
        Retention r = new Retention(Clock.fixed(NOW, ZoneOffset.UTC));
        r.register(new ReportRetention(dir(), policy));
        return r;
    }

    private static Map<String, Reason> reasons(Retention r) {
        Map<String, Reason> out = new TreeMap<>();
        r.plan().forEach(p -> out.put(p.path().getFileName().toString(),
                p.verdict().reason()));
        return out;
    }

    @Test
    void oldReportsGoPerExperimentAndBothFilesOfARunShareTheirVerdict() throws IOException {
        report("20260101-080000", "ws-flap");      // old, the newest ws-flap: kept
        report("20251201-080000", "ws-flap");      // old, second newest: keep-last 2
        report("20251101-080000", "ws-flap");      // old: goes
        report("20260609-080000", "exchange");     // newest exchange run
        report("20260601-080000", "exchange");     // second newest: keep-last 2
        report("20260520-080000", "exchange");     // within 30 days
        report("20260301-080000", "exchange");     // old: goes
        Retention r = retention(new RetentionPolicy(30, 2));

        Map<String, Reason> reasons = reasons(r);
        for (String ext : new String[] {".md", ".json"}) {
            assertThat(reasons).containsEntry("20260101-080000-ws-flap" + ext,
                            Reason.NEWEST_VALID)
                    .containsEntry("20251201-080000-ws-flap" + ext, Reason.KEEP_LAST)
                    .containsEntry("20251101-080000-ws-flap" + ext, Reason.OLDER_THAN_DAYS)
                    .containsEntry("20260609-080000-exchange" + ext, Reason.NEWEST_VALID)
                    .containsEntry("20260601-080000-exchange" + ext, Reason.KEEP_LAST)
                    .containsEntry("20260520-080000-exchange" + ext, Reason.WITHIN_DAYS)
                    .containsEntry("20260301-080000-exchange" + ext, Reason.OLDER_THAN_DAYS);
        }
        assertThat(r.apply()).extracting(p -> p.path().getFileName().toString())
                .containsExactlyInAnyOrder("20251101-080000-ws-flap.md",
                        "20251101-080000-ws-flap.json", "20260301-080000-exchange.md",
                        "20260301-080000-exchange.json");
        assertThat(dir().resolve("20260101-080000-ws-flap.md")).exists();
        assertThat(dir().resolve("20260520-080000-exchange.json")).exists();
    }

    @Test
    void theStampIsUtcAndExactlyTheDaysOldIsKept() throws IOException {
        report("20260610-120000", "x");
        report("20260609-120000", "x");  // exactly 1 day before NOW (UTC): kept
        report("20260609-115959", "x");  // one second older: goes
        Retention r = retention(new RetentionPolicy(1, 1));
        assertThat(reasons(r)).containsEntry("20260609-120000-x.md", Reason.WITHIN_DAYS)
                .containsEntry("20260609-115959-x.md", Reason.OLDER_THAN_DAYS);
    }

    @Test
    void filesThatAreNotReportsAreNeverTouched() throws IOException {
        report("20250101-000000", "old");
        report("20250102-000000", "old");
        Files.writeString(dir().resolve("20250101-000000-old.md.123.tmp"), "temp");
        Files.writeString(dir().resolve("notes.md"), "mine");
        Files.writeString(dir().resolve("20251399-000000-bad-date.md"), "not a stamp");
        Files.writeString(dir().resolve("20250101-000000-old.txt"), "other type");
        Files.createDirectory(dir().resolve("20250101-000000-dir.md"));
        Retention r = retention(new RetentionPolicy(1, 1));

        assertThat(r.apply()).extracting(p -> p.path().getFileName().toString())
                .containsExactlyInAnyOrder("20250101-000000-old.md",
                        "20250101-000000-old.json");
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "20250102-000000-old.md", "20250102-000000-old.json",
                    "20250101-000000-old.md.123.tmp", "notes.md",
                    "20251399-000000-bad-date.md", "20250101-000000-old.txt",
                    "20250101-000000-dir.md");
        }
    }

    @Test
    void aMissingDirectoryIsAnEmptyList() throws IOException {
        ReportRetention kind = new ReportRetention(dir(), new RetentionPolicy(1, 1));
        assertThat(kind.candidates()).isEmpty();
        assertThat(kind.kind()).isEqualTo(ReportRetention.KIND);
    }
}
