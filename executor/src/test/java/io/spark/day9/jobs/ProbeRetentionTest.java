package io.spark.day9.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rolled probe file goes by its newest record's age; the live file never goes. */
class ProbeRetentionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
    private static final String ROLLED = ProbeHandler.FILE + ".1";

    @TempDir
    Path runtime;

    private Path dir() {
        return runtime.resolve(ProbeHandler.DIR);
    }

    private static String record(long id, Instant at) {
        return "{\"queue\":\"signals\",\"id\":" + id + ",\"attempt\":1,\"job\":\"test-job\","
                + "\"at\":" + at.toEpochMilli() + "}\n";
    }

    /** A file whose records are dated {@code first} then {@code last}; its mtime is now. */
    private Path file(String name, Instant first, Instant last) throws IOException {
        Files.createDirectories(dir());
        Path p = Files.writeString(dir().resolve(name), record(1, first) + record(2, last));
        Files.setLastModifiedTime(p, FileTime.from(NOW));
        return p;
    }

    private Retention retention(RetentionPolicy policy) {
        Retention r = new Retention(Clock.fixed(NOW, ZoneOffset.UTC));
        r.register(new ProbeRetention(runtime, policy, JSON));
        return r;
    }

    private static Map<String, Reason> reasons(Retention r) {
        Map<String, Reason> out = new TreeMap<>();
        r.plan().forEach(p -> out.put(p.path().getFileName().toString(),
                p.verdict().reason()));
        return out;
    }

    private static Instant daysAgo(double days) {
        return NOW.minus(Duration.ofMinutes((long) (days * 24 * 60)));
    }

    @Test
    void theRolledFileGoesOnceItsNewestRecordIsOlderThanTheDays() throws IOException {
        file(ProbeHandler.FILE, daysAgo(8), daysAgo(0.1));
        file(ROLLED, daysAgo(20), daysAgo(7.5)); // its first record alone would be older
        Retention r = retention(new RetentionPolicy(7, 1));

        assertThat(reasons(r)).containsExactly(
                Map.entry(ProbeHandler.FILE, Reason.NEWEST_VALID),
                Map.entry(ROLLED, Reason.OLDER_THAN_DAYS));
        r.apply();
        assertThat(dir().resolve(ROLLED)).doesNotExist();
        assertThat(dir().resolve(ProbeHandler.FILE)).exists();
    }

    @Test
    void aRolledFileWithARecentRecordIsKept() throws IOException {
        file(ProbeHandler.FILE, daysAgo(1), daysAgo(0));
        file(ROLLED, daysAgo(30), daysAgo(6.9));
        assertThat(reasons(retention(new RetentionPolicy(7, 1))))
                .containsEntry(ROLLED, Reason.WITHIN_DAYS);
        assertThat(reasons(retention(new RetentionPolicy(1, 2))))
                .containsEntry(ROLLED, Reason.KEEP_LAST);
    }

    @Test
    void theLiveFileIsKeptEvenWhenItsRecordsAreOlderThanTheRolledOnes() throws IOException {
        // the clock stepped back after a roll: the live file must still not be deleted
        file(ProbeHandler.FILE, daysAgo(40), daysAgo(40));
        file(ROLLED, daysAgo(10), daysAgo(9));
        Retention r = retention(new RetentionPolicy(1, 1));

        assertThat(reasons(r)).containsEntry(ProbeHandler.FILE, Reason.NEWEST_VALID);
        r.apply();
        assertThat(dir().resolve(ProbeHandler.FILE)).exists();
    }

    @Test
    void theLiveFileTheHandlerWritesIsKeptWhateverItsAge() throws Exception {
        try (ProbeHandler probe = new ProbeHandler(runtime, JSON,
                () -> daysAgo(100).toEpochMilli())) {
            probe.handle(new JobHandler.Job("signals", 1, 1, "test-job",
                    JSON.readTree("{\"job\":\"test-job\"}"), 0));
            Retention r = retention(new RetentionPolicy(1, 1));
            assertThat(r.apply()).isEmpty();
            assertThat(probe.file()).exists();
        }
    }

    @Test
    void theNewestRecordIsReadFromTheTailOfALargeFile() throws IOException {
        Files.createDirectories(dir());
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 3 * ProbeRetention.TAIL_BYTES; i++) {
            b.append(record(i, daysAgo(30)));
        }
        b.append(record(-1, daysAgo(2)));
        b.append("{\"queue\":\"signals\",\"id\":-2,\"at\":"); // a torn last line
        Files.writeString(dir().resolve(ROLLED), b);
        file(ProbeHandler.FILE, daysAgo(1), daysAgo(0));

        assertThat(reasons(retention(new RetentionPolicy(3, 1))))
                .containsEntry(ROLLED, Reason.WITHIN_DAYS);
        assertThat(reasons(retention(new RetentionPolicy(1, 1))))
                .containsEntry(ROLLED, Reason.OLDER_THAN_DAYS);
    }

    @Test
    void aRolledFileWithoutARecordIsInvalidAndDatedByItsModificationTime() throws IOException {
        file(ProbeHandler.FILE, daysAgo(1), daysAgo(0));
        Path rolled = Files.writeString(dir().resolve(ROLLED), "{\"queue\":\"sig");
        Files.setLastModifiedTime(rolled, FileTime.from(daysAgo(3)));
        Retention r = retention(new RetentionPolicy(7, 2));
        assertThat(reasons(r)).containsEntry(ROLLED, Reason.WITHIN_DAYS); // not keep-last

        Files.setLastModifiedTime(rolled, FileTime.from(daysAgo(8)));
        assertThat(reasons(r)).containsEntry(ROLLED, Reason.OLDER_THAN_DAYS);
    }

    @Test
    void otherFilesAreNeverTouchedAndAMissingDirectoryIsAnEmptyList() throws IOException {
        ProbeRetention kind = new ProbeRetention(runtime, new RetentionPolicy(1, 1), JSON);
        assertThat(kind.candidates()).isEmpty();
        assertThat(kind.kind()).isEqualTo(ProbeRetention.KIND);

        file(ProbeHandler.FILE, daysAgo(1), daysAgo(0));
        file(ProbeHandler.FILE + ".2", daysAgo(50), daysAgo(50));
        file("other.ndjson", daysAgo(50), daysAgo(50));
        file(ROLLED, daysAgo(50), daysAgo(50));
        assertThat(retention(new RetentionPolicy(1, 1)).apply())
                .extracting(p -> p.path().getFileName().toString()).containsExactly(ROLLED);
        assertThat(dir().resolve(ProbeHandler.FILE + ".2")).exists();
        assertThat(dir().resolve("other.ndjson")).exists();
    }
}
