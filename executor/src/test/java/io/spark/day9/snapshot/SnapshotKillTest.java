package io.spark.day9.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.api.Json;
import io.spark.day9.fs.AtomicFiles;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.testing.ManualScheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments during a loop of large snapshot writes in a child JVM: only valid
 * snapshots are left, with at most one temp file, which the next start removes.
 */
class SnapshotKillTest {
    @TempDir
    Path dir;

    @Test
    void killingTheWriterAtRandomMomentsLeavesOnlyValidSnapshotsAndOneTempFileAtMost()
            throws Exception {
        SplittableRandom random = new SplittableRandom(Long.getLong("seed", 20241205L));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SnapshotStore store = new SnapshotStore(dir, SnapshotIo.FILES, Json.mapper());
        int kills = 3;
        for (int k = 0; k < kills; k++) {
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), SnapshotWriterMain.class.getName(),
                    dir.toString()).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(
                    child.getInputStream(), StandardCharsets.UTF_8));
            // let it write a random number of snapshots, then kill it in the middle of the
            // next one at a random moment
            int writes = 1 + random.nextInt(3);
            for (int w = 0; w < writes; w++) {
                String line = out.readLine();
                assertThat(line).as("child output").isNotNull().startsWith("wrote");
            }
            Thread.sleep(random.nextInt(0, 40)); // the moment within the next write
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            List<Path> temps = temps();
            assertThat(temps).as("temp files after kill %d", k).hasSizeLessThanOrEqualTo(1);
            List<SnapshotInfo> all = store.list();
            assertThat(all).isNotEmpty().allSatisfy(s -> assertThat(s.valid())
                    .as(s.fileName() + ": " + s.problem()).isTrue());
        }
        // the next start removes the leftover temp file and restores from a valid snapshot
        ManualScheduler time = new ManualScheduler();
        RetentionPolicy policy = new RetentionPolicy(3650, 1000);
        SnapshotService next = new SnapshotService(new SnapshotSettings(dir,
                Duration.ZERO, 1 << 24, policy), store, new Retention(time.clock()),
                time.clock(), time, Json.mapper());
        next.start();
        assertThat(temps()).isEmpty();
        assertThat(next.restoreOutcome().outcome()).isEqualTo(RestoreOutcome.RESTORED);
    }

    private List<Path> temps() throws Exception {
        try (Stream<Path> f = Files.list(dir)) {
            return f.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX))
                    .toList();
        }
    }
}
