package io.spark.day9.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.queue.QuarantineFiles;
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

/** Quarantine files go by the time a line was last set aside; live queue files never go. */
class QuarantineRetentionTest {
    private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

    @TempDir
    Path root;

    /** A queue directory with its live files (all old) and a quarantine last written then. */
    private Path queue(String name, Duration quarantineAge) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        for (String live : new String[] {"journal.ndjson", "cursor.txt", "lock"}) {
            Path p = Files.writeString(dir.resolve(live), "live");
            Files.setLastModifiedTime(p, FileTime.from(NOW.minus(Duration.ofDays(400))));
        }
        Path q = Files.writeString(dir.resolve(QuarantineFiles.FILE_NAME), "corrupt line\n");
        Files.setLastModifiedTime(q, FileTime.from(NOW.minus(quarantineAge)));
        return q;
    }

    private Retention retention(RetentionPolicy policy) {
        Retention r = new Retention(Clock.fixed(NOW, ZoneOffset.UTC));
        r.register(new QuarantineRetention(root, policy));
        return r;
    }

    @Test
    void oldQuarantineFilesGoAcrossQueuesAndTheMostRecentOneStays() throws IOException {
        queue("signals", Duration.ofDays(200));
        queue("alpha", Duration.ofDays(120));
        queue("beta", Duration.ofDays(10));
        queue("gamma", Duration.ofDays(95));
        Retention r = retention(new RetentionPolicy(90, 2));

        Map<String, Reason> reasons = new TreeMap<>();
        r.plan().forEach(p -> reasons.put(p.path().getParent().getFileName().toString(),
                p.verdict().reason()));
        assertThat(reasons).containsExactly(Map.entry("alpha", Reason.OLDER_THAN_DAYS),
                Map.entry("beta", Reason.NEWEST_VALID), Map.entry("gamma", Reason.KEEP_LAST),
                Map.entry("signals", Reason.OLDER_THAN_DAYS));
        assertThat(r.apply()).hasSize(2);

        assertThat(root.resolve("alpha").resolve(QuarantineFiles.FILE_NAME)).doesNotExist();
        assertThat(root.resolve("signals").resolve(QuarantineFiles.FILE_NAME)).doesNotExist();
        for (String q : new String[] {"alpha", "signals", "beta", "gamma"}) {
            assertThat(root.resolve(q).resolve("journal.ndjson")).exists();
            assertThat(root.resolve(q).resolve("cursor.txt")).exists();
            assertThat(root.resolve(q).resolve("lock")).exists();
        }
    }

    @Test
    void aSingleOldQuarantineFileIsKeptAsTheNewest() throws IOException {
        queue("signals", Duration.ofDays(500));
        assertThat(retention(new RetentionPolicy(1, 0)).apply()).isEmpty();
    }

    @Test
    void filesOutsideQueueDirectoriesAreNeverTouchedAndAMissingRootIsEmpty()
            throws IOException {
        QuarantineRetention kind = new QuarantineRetention(root.resolve("absent"),
                new RetentionPolicy(1, 1));
        assertThat(kind.candidates()).isEmpty();
        assertThat(kind.kind()).isEqualTo(QuarantineRetention.KIND);

        queue("signals", Duration.ofDays(1));
        Path stray = Files.writeString(root.resolve(QuarantineFiles.FILE_NAME), "x");
        Path hidden = Files.createDirectories(root.resolve(".trash"))
                .resolve(QuarantineFiles.FILE_NAME);
        Files.writeString(hidden, "x");
        Path other = Files.writeString(root.resolve("signals").resolve("quarantine.old"), "x");
        for (Path p : new Path[] {stray, hidden, other}) {
            Files.setLastModifiedTime(p, FileTime.from(NOW.minus(Duration.ofDays(999))));
        }
        assertThat(retention(new RetentionPolicy(1, 1)).apply()).isEmpty();
        assertThat(stray).exists();
        assertThat(hidden).exists();
        assertThat(other).exists();
    }
}
