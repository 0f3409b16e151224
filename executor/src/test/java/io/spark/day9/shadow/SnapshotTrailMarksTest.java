package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.api.Json;
import io.spark.day9.snapshot.SnapshotIo;
import io.spark.day9.snapshot.SnapshotKind;
import io.spark.day9.snapshot.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTrailMarksTest {
    @TempDir
    Path dir;

    private SnapshotStore store() {
        return new SnapshotStore(dir, SnapshotIo.FILES, Json.mapper());
    }

    private Path write(SnapshotKind kind, String at, String data) throws Exception {
        return store().write("state", kind, Instant.parse(at),
                data.getBytes(StandardCharsets.UTF_8)).file();
    }

    private static String marked(String segment) {
        return "{\"queues\":{},\"shadow\":{\"positions\":[],\"mark\":{\"segment\":\"" + segment
                + "\",\"offset\":42}}}";
    }

    @Test
    void theOldestMarkAmongValidStateSnapshotsWins() throws Exception {
        write(SnapshotKind.STATE, "2026-12-04T10:00:00Z", marked("orders-2026-12-04.ndjson"));
        write(SnapshotKind.STATE, "2026-12-02T10:00:00Z", marked("orders-2026-12-01.ndjson"));
        write(SnapshotKind.MANUAL, "2026-11-01T10:00:00Z", marked("orders-2026-10-01.ndjson"));

        assertThat(new SnapshotTrailMarks(store()).get())
                .contains(LocalDate.parse("2026-12-01"));
    }

    @Test
    void aCorruptSnapshotDoesNotCountAndNoSnapshotKeepsEverything() throws Exception {
        assertThat(new SnapshotTrailMarks(store()).get()).isEmpty();
        write(SnapshotKind.STATE, "2026-12-04T10:00:00Z", marked("orders-2026-12-04.ndjson"));
        Path old = write(SnapshotKind.STATE, "2026-12-02T10:00:00Z",
                marked("orders-2026-12-01.ndjson"));
        byte[] bytes = Files.readAllBytes(old);
        bytes[bytes.length - 20] ^= 1; // the hash no longer matches: not valid
        Files.write(old, bytes);

        assertThat(new SnapshotTrailMarks(store()).get())
                .contains(LocalDate.parse("2026-12-04"));
    }

    @Test
    void aSnapshotThatWouldReplayTheWholeTrailKeepsEverySegment() throws Exception {
        write(SnapshotKind.STATE, "2026-12-04T10:00:00Z", marked("orders-2026-12-04.ndjson"));
        write(SnapshotKind.STATE, "2026-12-03T10:00:00Z", marked(""));
        assertThat(new SnapshotTrailMarks(store()).get()).isEmpty();

        write(SnapshotKind.STATE, "2026-12-05T10:00:00Z", "{\"queues\":{}}");
        assertThat(new SnapshotTrailMarks(store()).get()).as("no shadow section").isEqualTo(
                Optional.empty());
    }
}
