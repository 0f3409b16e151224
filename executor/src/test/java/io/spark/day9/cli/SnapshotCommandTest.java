package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import io.spark.day9.snapshot.SnapshotInfo;
import io.spark.day9.snapshot.SnapshotIo;
import io.spark.day9.snapshot.SnapshotKind;
import io.spark.day9.snapshot.SnapshotStore;
import io.spark.day9.testing.TestExecutor;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code day9 snapshot …}: offline verify and restore staging, and the remote commands. */
class SnapshotCommandTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static int closedPort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private SnapshotInfo write(SnapshotStore store, String name, SnapshotKind kind, Instant at)
            throws Exception {
        ObjectNode data = Json.mapper().createObjectNode().put("note", "x");
        data.putObject("counter").put("value", 3);
        return store.write(name, kind, at, store.canonical(data));
    }

    @Test
    void verifyNamesEachBadFileAndExitsOne() throws Exception {
        Path snaps = dir.resolve("snaps");
        SnapshotStore store = new SnapshotStore(snaps, SnapshotIo.FILES, Json.mapper());
        write(store, "state", SnapshotKind.STATE, T0);
        SnapshotInfo bad1 = write(store, "state", SnapshotKind.STATE, T0.plusSeconds(1));
        SnapshotInfo bad2 = write(store, "m", SnapshotKind.MANUAL, T0.plusSeconds(2));
        CliRun ok = CliRun.of("snapshot", "verify", "--dir", snaps.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("3 snapshot file(s)").contains("3 valid, 0 bad");

        byte[] b = Files.readAllBytes(bad1.file());
        b[b.length - 5] ^= 0x02;
        Files.write(bad1.file(), b);
        Files.writeString(bad2.file(), "");
        CliRun r = CliRun.of("snapshot", "verify", "--dir", snaps.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(bad1.fileName()).contains(bad2.fileName())
                .doesNotContain("Exception");
        assertThat(r.out()).contains("1 valid, 2 bad");
    }

    @Test
    void restoreStagesAValidStateSnapshotAsTheNewestWhenNothingRuns() throws Exception {
        Path from = dir.resolve("backup");
        Path snaps = dir.resolve("snaps");
        SnapshotInfo source = write(new SnapshotStore(from, SnapshotIo.FILES, Json.mapper()),
                "state", SnapshotKind.STATE, T0);
        SnapshotStore target = new SnapshotStore(snaps, SnapshotIo.FILES, Json.mapper());
        SnapshotInfo later = write(target, "state", SnapshotKind.STATE,
                Instant.now().plusSeconds(3600)); // even a file dated in the future
        CliRun r = CliRun.of("snapshot", "restore", source.file().toString(), "--dir",
                snaps.toString(), "--url", "http://127.0.0.1:" + closedPort());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("staged").contains("the next start restores from it");
        List<SnapshotInfo> all = target.list();
        assertThat(all).hasSize(2).allSatisfy(s -> assertThat(s.valid()).isTrue());
        SnapshotInfo staged = all.get(1);
        assertThat(staged.createdAt()).isAfter(later.createdAt());
        assertThat(target.read(staged.file()).data())
                .isEqualTo(target.read(later.file()).data());
    }

    @Test
    void restoreRefusesABadFileAManualOneAndARunningExecutorChangingNothing()
            throws Exception {
        Path snaps = dir.resolve("snaps");
        SnapshotStore src = new SnapshotStore(dir.resolve("src"), SnapshotIo.FILES,
                Json.mapper());
        SnapshotInfo good = write(src, "state", SnapshotKind.STATE, T0);
        SnapshotInfo manual = write(src, "m", SnapshotKind.MANUAL, T0);
        SnapshotInfo corrupt = write(src, "c", SnapshotKind.STATE, T0);
        Files.writeString(corrupt.file(), "{}");
        String closed = "http://127.0.0.1:" + closedPort();

        CliRun bad = CliRun.of("snapshot", "restore", corrupt.file().toString(), "--dir",
                snaps.toString(), "--url", closed);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("is not a valid snapshot").contains("nothing was changed");
        CliRun man = CliRun.of("snapshot", "restore", manual.file().toString(), "--dir",
                snaps.toString(), "--url", closed);
        assertThat(man.code()).isEqualTo(1);
        assertThat(man.err()).contains("manual snapshot");
        try (TestExecutor s = TestExecutor.start(dir.resolve("exec"), Map.of(
                "QUEUE_WORKER_ENABLED", "false"))) {
            CliRun running = CliRun.of("snapshot", "restore", good.file().toString(), "--dir",
                    snaps.toString(), "--url", "http://127.0.0.1:" + s.port());
            assertThat(running.code()).isEqualTo(1);
            assertThat(running.err()).contains("is running; stop it first");
        }
        assertThat(Files.exists(snaps)).isFalse();
    }

    @Test
    void onceListAndPruneCallTheExecutor() throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED", "false"))) {
            String url = "http://127.0.0.1:" + s.port();
            CliRun once = CliRun.of("snapshot", "once", "--url", url);
            assertThat(once.code()).as(once.err()).isZero();
            assertThat(once.out()).startsWith("snapshot state@state@").contains("sha256");
            CliRun list = CliRun.of("snapshot", "list", "--url", url);
            assertThat(list.code()).isZero();
            assertThat(list.out()).contains("restore at start: none").contains("valid");
            CliRun prune = CliRun.of("snapshot", "prune", "--dry-run", "--url", url);
            assertThat(prune.code()).as(prune.err()).isZero();
            assertThat(prune.out()).contains("kept as newest valid")
                    .contains("dry run: nothing deleted");
            CliRun badName = CliRun.of("snapshot", "once", "--name", "../x", "--url", url);
            assertThat(badName.code()).isEqualTo(1);
            assertThat(badName.err()).contains("HTTP 400").contains("name");
        }
        int closed = closedPort();
        for (String cmd : List.of("once", "list", "prune")) {
            CliRun r = CliRun.of("snapshot", cmd, "--url", "http://127.0.0.1:" + closed);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("day9: no executor answers");
        }
    }
}
