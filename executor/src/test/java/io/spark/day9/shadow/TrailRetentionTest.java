package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.api.Json;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trail segments go by the day in their name, never while open or still needed to replay. */
class TrailRetentionTest {
    private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

    @TempDir
    Path dir;

    private Path segment(String day) throws IOException {
        return Files.writeString(dir.resolve("orders-" + day + ".ndjson"),
                "{\"kind\":\"order\",\"ts\":\"" + day + "T10:00:00Z\"}\n");
    }

    private static Retention retention(Instant now, TrailRetention kind) {
        Retention r = new Retention(Clock.fixed(now, ZoneOffset.UTC));
        r.register(kind);
        return r;
    }

    private TrailRetention kind(RetentionPolicy policy, String openDay, Instant now,
                                Optional<LocalDate> replayFrom) {
        return new TrailRetention(dir, policy, () -> openDay, () -> now.toEpochMilli(),
                () -> replayFrom);
    }

    private static Map<String, Reason> reasons(Retention r) {
        Map<String, Reason> out = new TreeMap<>();
        r.plan().forEach(p -> out.put(p.path().getFileName().toString(),
                p.verdict().reason()));
        return out;
    }

    @Test
    void closedSegmentsOlderThanTheDaysGoAndTheOpenOneTodaysAndTheReplayedOnesStay()
            throws IOException {
        for (String d : List.of("2026-05-01", "2026-05-05", "2026-05-20", "2026-06-07",
                "2026-06-08", "2026-06-09", "2026-06-10")) {
            segment(d);
        }
        Retention r = retention(NOW, kind(new RetentionPolicy(30, 1), "2026-06-10", NOW,
                Optional.of(LocalDate.parse("2026-06-09"))));

        assertThat(reasons(r)).containsExactly(
                Map.entry("orders-2026-05-01.ndjson", Reason.OLDER_THAN_DAYS),
                Map.entry("orders-2026-05-05.ndjson", Reason.OLDER_THAN_DAYS),
                Map.entry("orders-2026-05-20.ndjson", Reason.WITHIN_DAYS),
                Map.entry("orders-2026-06-07.ndjson", Reason.WITHIN_DAYS),
                Map.entry("orders-2026-06-08.ndjson", Reason.NEWEST_VALID),
                Map.entry("orders-2026-06-09.ndjson", Reason.PINNED),  // a restart replays it
                Map.entry("orders-2026-06-10.ndjson", Reason.PINNED)); // open, today
        r.apply();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly(
                    "orders-2026-05-20.ndjson", "orders-2026-06-07.ndjson",
                    "orders-2026-06-08.ndjson", "orders-2026-06-09.ndjson",
                    "orders-2026-06-10.ndjson");
        }
    }

    @Test
    void withoutAReplayMarkEverySegmentIsPinnedBecauseTheWholeTrailIsReplayed()
            throws IOException {
        segment("2025-01-01");
        segment("2026-05-01");
        Retention r = retention(NOW, kind(new RetentionPolicy(1, 0), null, NOW,
                Optional.empty()));

        assertThat(reasons(r)).containsOnly(
                Map.entry("orders-2025-01-01.ndjson", Reason.PINNED),
                Map.entry("orders-2026-05-01.ndjson", Reason.PINNED));
        assertThat(r.apply()).isEmpty();
        assertThat(dir.resolve("orders-2025-01-01.ndjson")).exists();
    }

    @Test
    void aSegmentIsAgedFromTheEndOfItsUtcDaySoItsLastRecordIsOlderThanTheDays()
            throws IOException {
        segment("2026-06-07");
        segment("2026-06-08");
        // 2026-06-07 ends at 06-08T00:00Z: exactly 1 day old at 06-09T00:00Z, kept
        Instant exactly = Instant.parse("2026-06-09T00:00:00Z");
        Optional<LocalDate> replay = Optional.of(LocalDate.parse("2026-06-09"));
        assertThat(reasons(retention(exactly, kind(new RetentionPolicy(1, 0), null, exactly,
                replay)))).containsEntry("orders-2026-06-07.ndjson", Reason.WITHIN_DAYS);
        // a millisecond later it goes, although it started 2 days before
        Instant later = exactly.plusMillis(1);
        Retention r = retention(later, kind(new RetentionPolicy(1, 0), null, later, replay));
        assertThat(reasons(r)).containsEntry("orders-2026-06-07.ndjson",
                Reason.OLDER_THAN_DAYS);
        assertThat(r.apply()).hasSize(1);
        assertThat(dir.resolve("orders-2026-06-07.ndjson")).doesNotExist();
    }

    @Test
    void theSegmentTheTrailHasOpenIsPinnedEvenWhenItsDayIsOld() throws Exception {
        segment("2026-06-09");
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            // the clock stepped back: the trail writes (and keeps open) an old day's segment
            trail.append(List.of(Map.of("kind", "order", "ts", "2026-05-01T08:00:00Z")));
            assertThat(trail.openDay()).isEqualTo("2026-05-01");
            Retention r = retention(NOW, new TrailRetention(dir, new RetentionPolicy(1, 0),
                    trail::openDay, NOW::toEpochMilli,
                    () -> Optional.of(LocalDate.parse("2026-06-10"))));

            assertThat(reasons(r)).containsEntry("orders-2026-05-01.ndjson", Reason.PINNED);
            r.apply();
            assertThat(dir.resolve("orders-2026-05-01.ndjson")).exists();
        }
    }

    @Test
    void filesThatAreNotSegmentsAreNeverTouched() throws IOException {
        segment("2026-05-01");
        segment("2026-06-08");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve("orders-2026-13-45.ndjson"), "not a date");
        Files.writeString(dir.resolve("orders-2026-05-02.ndjson.tmp"), "a temp file");
        Files.writeString(dir.resolve("orders-2026-05-03.ndjson.bak"), "a copy");
        Files.createDirectory(dir.resolve("orders-2026-05-04.ndjson"));
        Retention r = retention(NOW, kind(new RetentionPolicy(1, 0), null, NOW,
                Optional.of(LocalDate.parse("2026-06-10"))));

        assertThat(reasons(r)).containsOnlyKeys("orders-2026-05-01.ndjson",
                "orders-2026-06-08.ndjson");
        assertThat(r.apply()).extracting(p -> p.path().getFileName().toString())
                .containsExactly("orders-2026-05-01.ndjson");
        assertThat(dir.resolve("notes.txt")).exists();
        assertThat(dir.resolve("orders-2026-13-45.ndjson")).exists();
        assertThat(dir.resolve("orders-2026-05-02.ndjson.tmp")).exists();
        assertThat(dir.resolve("orders-2026-05-03.ndjson.bak")).exists();
        assertThat(dir.resolve("orders-2026-05-04.ndjson")).isDirectory();
    }

    @Test
    void aMissingDirectoryIsAnEmptyList() throws IOException {
        TrailRetention kind = new TrailRetention(dir.resolve("absent"),
                new RetentionPolicy(1, 0), () -> null, NOW::toEpochMilli, Optional::empty);
        assertThat(kind.candidates()).isEmpty();
        assertThat(kind.kind()).isEqualTo(TrailRetention.KIND);
    }
}
