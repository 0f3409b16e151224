package io.spark.day9.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionEvent;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotServiceTest {
    @TempDir
    Path dir;

    private final ManualScheduler time = new ManualScheduler();
    private final List<SnapshotEvent> events = new ArrayList<>();
    private final List<RetentionEvent> deletions = new ArrayList<>();

    /** A restorable section holding one number, like a subsystem's own state. */
    static final class Counter implements StateSection {
        long value;
        JsonNode restored;

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public JsonNode capture() {
            return Json.mapper().createObjectNode().put("value", value);
        }

        @Override
        public boolean restorable() {
            return true;
        }

        @Override
        public void restore(JsonNode state) {
            JsonNode v = state.get("value");
            if (v == null || !v.isIntegralNumber()) {
                throw new IllegalArgumentException("counter.value must be an integer");
            }
            restored = state;
            value = v.asLong();
        }
    }

    private SnapshotService service(SnapshotIo io, Duration interval, int days, int keepLast,
                                    StateSection... sections) {
        RetentionPolicy policy = new RetentionPolicy(days, keepLast);
        SnapshotStore store = new SnapshotStore(dir, io, Json.mapper());
        Retention retention = new Retention(time.clock());
        retention.register(store.retainedKind(policy));
        retention.subscribe(deletions::add);
        SnapshotService s = new SnapshotService(new SnapshotSettings(dir, interval, 4096,
                policy), store, retention, time.clock(), time, Json.mapper());
        for (StateSection section : sections) {
            s.register(section);
        }
        s.subscribe(events::add);
        return s;
    }

    private SnapshotService service(StateSection... sections) {
        return service(SnapshotIo.FILES, Duration.ofSeconds(60), 7, 3, sections);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> f = Files.list(dir)) {
            return f.sorted().toList();
        }
    }

    private static ObjectNode guideData() throws Exception {
        return (ObjectNode) Json.mapper().readTree(
                "{\"note\":\"manual snapshot\",\"timestamp\":\"2024-01-01T00:00:00Z\"}");
    }

    @Test
    void restoreRoundTripAcrossAStopAndStartBringsTheSectionBack() throws Exception {
        Counter before = new Counter();
        before.value = 42;
        SnapshotService first = service(before);
        first.start();
        assertThat(first.restoreOutcome().outcome()).isEqualTo(RestoreOutcome.NONE);
        SnapshotInfo written = first.captureState("state", "test");
        first.stop();

        Counter after = new Counter();
        SnapshotService second = service(after);
        second.start();
        assertThat(after.value).isEqualTo(42);
        SnapshotEvent.Restored r = second.restoreOutcome();
        assertThat(r.outcome()).isEqualTo(RestoreOutcome.RESTORED);
        assertThat(r.file()).isEqualTo(written.fileName());
        assertThat(r.sections()).containsExactly("snapshots", "counter");
        assertThat(second.lastSuccessAt()).isEqualTo(written.createdAt());
        assertThat(second.health().details()).containsEntry("restore", "restored")
                .containsEntry("restoredFrom", written.fileName());
    }

    @Test
    void aCorruptNewestStateSnapshotIsSkippedAndTheNextOlderOneRestored() throws Exception {
        Counter c = new Counter();
        SnapshotService first = service(c);
        first.start();
        c.value = 1;
        SnapshotInfo older = first.captureState("state", "test");
        time.advance(Duration.ofSeconds(1));
        c.value = 2;
        SnapshotInfo newer = first.captureState("state", "test");
        // a manual snapshot is never restored, however new
        time.advance(Duration.ofSeconds(1));
        first.createManual("state", guideData(), "test");
        byte[] bytes = Files.readAllBytes(newer.file());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(newer.file(), bytes);

        Counter after = new Counter();
        events.clear();
        SnapshotService second = service(after);
        second.start();
        assertThat(after.value).isEqualTo(1);
        assertThat(second.restoreOutcome().file()).isEqualTo(older.fileName());
        assertThat(second.restoreOutcome().skipped()).isEqualTo(1);
        assertThat(events).filteredOn(e -> e instanceof SnapshotEvent.Skipped).singleElement()
                .satisfies(e -> assertThat(((SnapshotEvent.Skipped) e).file())
                        .isEqualTo(newer.fileName()));
    }

    @Test
    void aFlippedByteAnywhereInTheNewestIsSkippedByRestoreWhichFallsBackToTheOlder()
            throws Exception {
        Counter c = new Counter();
        SnapshotService first = service(c);
        first.start();
        c.value = 1;
        SnapshotInfo older = first.captureState("state", "test");
        time.advance(Duration.ofSeconds(1));
        c.value = 2;
        SnapshotInfo newer = first.captureState("state", "test");
        byte[] good = Files.readAllBytes(newer.file());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            Files.write(newer.file(), bad);
            Counter after = new Counter();
            SnapshotService next = service(after);
            next.start();
            assertThat(next.restoreOutcome().file()).as("byte %d flipped", i)
                    .isEqualTo(older.fileName());
            assertThat(next.restoreOutcome().skipped()).isEqualTo(1);
            assertThat(after.value).isEqualTo(1);
        }
    }

    @Test
    void everyStateSnapshotCorruptStartsEmptyAndSaysSo() throws Exception {
        Counter c = new Counter();
        SnapshotService first = service(c);
        first.start();
        SnapshotInfo only = first.captureState("state", "test");
        Files.writeString(only.file(), "{\"format\":1,");
        Counter after = new Counter();
        SnapshotService second = service(after);
        second.start();
        assertThat(second.restoreOutcome().outcome()).isEqualTo(RestoreOutcome.ALL_INVALID);
        assertThat(after.restored).isNull();
    }

    @Test
    void aSectionThatRefusesItsStateDoesNotStopTheStart() throws Exception {
        SnapshotService first = service(new StateSection() {
            @Override
            public String name() {
                return "counter";
            }

            @Override
            public JsonNode capture() {
                return Json.mapper().createObjectNode().put("value", "not a number");
            }
        });
        first.start();
        first.captureState("state", "test");
        Counter after = new Counter();
        SnapshotService second = service(after);
        second.start();
        assertThat(second.restoreOutcome().outcome()).isEqualTo(RestoreOutcome.SECTION_FAILED);
        assertThat(second.restoreOutcome().detail()).contains("counter.value");
        assertThat(after.value).isZero();
    }

    @Test
    void theGuideBodyIsAManualSnapshotStoredAsGiven() throws Exception {
        SnapshotService s = service();
        s.start();
        SnapshotInfo info = s.createManual("state", guideData(), "test");
        assertThat(info.kind()).isEqualTo(SnapshotKind.MANUAL);
        assertThat(s.store().read(info.file()).data()).isEqualTo(guideData());
        assertThat(events).filteredOn(e -> e instanceof SnapshotEvent.Created).hasSize(1);
    }

    @Test
    void dataOverTheLimitIsRefusedNamingDataAndNothingIsWritten() throws Exception {
        SnapshotService s = service();
        s.start();
        ObjectNode big = Json.mapper().createObjectNode().put("x", "y".repeat(5000));
        assertThatThrownBy(() -> s.createManual("state", big, "test"))
                .isInstanceOfSatisfying(InvalidSnapshotRequest.class, e -> {
                    assertThat(e.field()).isEqualTo("data");
                    assertThat(e.tooLarge()).isTrue();
                    assertThat(e.getMessage()).contains("4096");
                });
        assertThat(files()).isEmpty();
    }

    /** A file system that fails every write the way the operating system says it. */
    private static SnapshotIo failing(IOException failure) {
        return new SnapshotIo() {
            @Override
            public void writeAtomically(Path target, byte[] content) throws IOException {
                throw failure;
            }

            @Override
            public byte[] read(Path file) throws IOException {
                return SnapshotIo.FILES.read(file);
            }

            @Override
            public List<Path> list(Path d) throws IOException {
                return SnapshotIo.FILES.list(d);
            }

            @Override
            public boolean delete(Path file) throws IOException {
                return SnapshotIo.FILES.delete(file);
            }
        };
    }

    @Test
    void diskFullIsAClearFailureCountedAndTheScheduleGoesOn() throws Exception {
        SnapshotService s = service(failing(new FileSystemException(dir.toString(), null,
                "No space left on device")), Duration.ofSeconds(60), 7, 3);
        s.start();
        var schedule = s.schedule();
        schedule.start();
        assertThatThrownBy(() -> s.captureState("state", "test"))
                .isInstanceOfSatisfying(SnapshotFailure.class, e -> {
                    assertThat(e.reason()).isEqualTo(SnapshotFailure.Reason.DISK_FULL);
                    assertThat(e.getMessage()).contains(dir.toString()).contains("disk-full");
                });
        time.advance(Duration.ofSeconds(120)); // two automatic attempts, both fail, no throw
        assertThat(events).filteredOn(e -> e instanceof SnapshotEvent.Failed).hasSize(3);
        assertThat(s.health().status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(s.health().details()).containsEntry("failed", 3L);
        assertThat(files()).isEmpty();
        schedule.stop();
    }

    @Test
    void permissionDeniedAndReadOnlyAreClassifiedAtTheSeam() throws Exception {
        SnapshotService denied = service(failing(new AccessDeniedException(dir.toString())),
                Duration.ZERO, 7, 3);
        assertThatThrownBy(() -> denied.captureState("state", "test"))
                .isInstanceOfSatisfying(SnapshotFailure.class, e -> assertThat(e.reason())
                        .isEqualTo(SnapshotFailure.Reason.PERMISSION_DENIED));
        SnapshotService readOnly = service(failing(new FileSystemException(dir.toString(),
                null, "Read-only file system")), Duration.ZERO, 7, 3);
        assertThatThrownBy(() -> readOnly.createManual("m", guideData(), "test"))
                .isInstanceOfSatisfying(SnapshotFailure.class, e -> assertThat(e.reason())
                        .isEqualTo(SnapshotFailure.Reason.READ_ONLY));
        assertThat(files()).isEmpty();
    }

    @Test
    void aRealReadOnlyDirectoryFailsCleanlyWithoutAFile() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeThat(Files.isWritable(dir)).as("root ignores directory permissions")
                    .isFalse();
            SnapshotService s = service();
            assertThatThrownBy(() -> s.captureState("state", "test"))
                    .isInstanceOfSatisfying(SnapshotFailure.class, e -> assertThat(e.reason())
                            .isEqualTo(SnapshotFailure.Reason.PERMISSION_DENIED));
            assertThat(files()).isEmpty();
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * As root, directory permissions do not stop a write (the test above is skipped there), so a
     * real read-only file system is mounted over the snapshot directory instead: a small tmpfs
     * mounted {@code ro}. Skipped only where the process may not mount (neither root nor
     * CAP_SYS_ADMIN), where the permission test above runs instead.
     */
    @Test
    void aReadOnlyFileSystemFailsCleanlyWithoutAFile() throws Exception {
        assumeThat(Files.isWritable(dir) && !canDropWrite()).as("the permission test covers a"
                + " non-root user").isTrue();
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "day9-ro",
                dir.toString()) == 0;
        assumeThat(mounted).as("mount a read-only tmpfs (needs root)").isTrue();
        try {
            SnapshotService s = service();
            s.start();
            assertThatThrownBy(() -> s.captureState("state", "test"))
                    .isInstanceOfSatisfying(SnapshotFailure.class, e -> assertThat(e.reason())
                            .isEqualTo(SnapshotFailure.Reason.READ_ONLY));
            assertThat(files()).isEmpty();
        } finally {
            assertThat(run("umount", dir.toString())).isZero();
        }
    }

    /** True when clearing a directory's write bits stops this process writing (not root). */
    private boolean canDropWrite() throws IOException {
        Path probe = Files.createDirectory(dir.resolve("probe"));
        try {
            Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("r-xr-xr-x"));
            return !Files.isWritable(probe);
        } finally {
            Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwx------"));
            Files.delete(probe);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor();
    }

    @Test
    void automaticSnapshotsRunOnTheLaneAndOneMoreAtShutdown() throws Exception {
        Counter c = new Counter();
        SnapshotService s = service(c);
        s.start();
        var schedule = s.schedule();
        schedule.start();
        time.advance(Duration.ofSeconds(59));
        assertThat(s.list()).isEmpty();
        time.advance(Duration.ofSeconds(1));
        assertThat(s.list()).hasSize(1);
        time.advance(Duration.ofSeconds(120));
        assertThat(s.list()).hasSize(3);
        c.value = 7;
        schedule.stop(); // the shutdown snapshot holds the latest state
        List<SnapshotInfo> all = s.list();
        assertThat(all).hasSize(4);
        assertThat(s.store().read(all.get(3).file()).data().path("counter").path("value")
                .asLong()).isEqualTo(7);
    }

    @Test
    void intervalZeroTakesNoAutomaticSnapshotButStillOneAtShutdown() throws Exception {
        SnapshotService s = service(SnapshotIo.FILES, Duration.ZERO, 7, 3);
        s.start();
        var schedule = s.schedule();
        schedule.start();
        time.advance(Duration.ofHours(2));
        assertThat(s.list()).isEmpty();
        schedule.stop();
        assertThat(s.list()).hasSize(1);
    }

    @Test
    void retentionAfterEachSnapshotKeepsTheNewestValidStateOneDespiteNewerManualOnes()
            throws Exception {
        SnapshotService s = service(SnapshotIo.FILES, Duration.ZERO, 1, 1);
        s.start();
        SnapshotInfo state = s.captureState("state", "test");
        time.advance(Duration.ofDays(3));
        for (int i = 0; i < 3; i++) {
            s.createManual("state", guideData(), "test");
            time.advance(Duration.ofDays(2));
        }
        // the state group keeps its only valid file; the manual group keeps its newest and
        // what is within one day
        List<SnapshotInfo> left = s.list();
        assertThat(left).extracting(SnapshotInfo::fileName).contains(state.fileName());
        assertThat(left).filteredOn(i -> i.kind() == SnapshotKind.MANUAL).hasSize(1);
        assertThat(deletions).hasSize(2).allSatisfy(d -> assertThat(d)
                .isInstanceOf(RetentionEvent.Deleted.class));
    }

    @Test
    void retentionBoundaries() throws Exception {
        // exactly N days old is kept, a millisecond older is deleted; the newest valid is
        // kept however old; a corrupt newest does not count as the newest valid
        SnapshotService s = service(SnapshotIo.FILES, Duration.ZERO, 2, 1);
        s.start();
        SnapshotInfo a = s.captureState("state", "test");         // t0
        time.advance(Duration.ofMillis(1));
        SnapshotInfo b = s.captureState("state", "test");         // t0 + 1 ms
        time.advance(Duration.ofMillis(1));
        SnapshotInfo c = s.captureState("state", "test");         // t0 + 2 ms
        Files.writeString(c.file(), "garbage");                    // corrupt newest
        Retention r = retentionOf(s);
        time.advance(Duration.ofDays(2).minusMillis(1));           // b is exactly 2 days old
        var plan = r.plan();
        assertThat(verdict(plan, a)).isEqualTo(RetentionPolicy.Reason.OLDER_THAN_DAYS);
        assertThat(verdict(plan, b)).isEqualTo(RetentionPolicy.Reason.NEWEST_VALID);
        assertThat(verdict(plan, c)).isEqualTo(RetentionPolicy.Reason.WITHIN_DAYS);
        time.advance(Duration.ofDays(30));                         // all old
        plan = r.plan();
        assertThat(verdict(plan, b)).isEqualTo(RetentionPolicy.Reason.NEWEST_VALID);
        assertThat(verdict(plan, c)).isEqualTo(RetentionPolicy.Reason.OLDER_THAN_DAYS);
        r.apply();
        assertThat(s.list()).extracting(SnapshotInfo::fileName).containsExactly(b.fileName());
    }

    @Test
    void keepLastKeepsTheNewestValidOnesOfAGroupHoweverOld() throws Exception {
        SnapshotService s = service(SnapshotIo.FILES, Duration.ZERO, 1, 3);
        s.start();
        List<SnapshotInfo> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(s.captureState("state", "test"));
            time.advance(Duration.ofDays(10));
        }
        s.applyRetention();
        assertThat(s.list()).extracting(SnapshotInfo::fileName).containsExactly(
                written.get(2).fileName(), written.get(3).fileName(),
                written.get(4).fileName());
    }

    private Retention retentionOf(SnapshotService s) throws Exception {
        var f = SnapshotService.class.getDeclaredField("retention");
        f.setAccessible(true);
        return (Retention) f.get(s);
    }

    private static RetentionPolicy.Reason verdict(List<Retention.Planned> plan,
                                                  SnapshotInfo s) {
        return plan.stream().filter(p -> p.path().getFileName().toString()
                .equals(s.fileName())).findFirst().orElseThrow().verdict().reason();
    }
}
