package io.spark.day9.queue;

import static io.spark.day9.queue.JournalTestSupport.VIS;
import static io.spark.day9.queue.JournalTestSupport.bytes;
import static io.spark.day9.queue.JournalTestSupport.config;
import static io.spark.day9.queue.JournalTestSupport.drain;
import static io.spark.day9.queue.JournalTestSupport.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failures injected at the I/O seam: after each, nothing acknowledged is lost. */
class FaultInjectionTest {
    @TempDir
    Path tmp;
    final ManualClock clock = new ManualClock();
    final FaultyIo io = new FaultyIo();

    @ParameterizedTest
    @EnumSource(FsyncMode.class)
    void enospcRefusesEnqueueThenQueueResumesWhenDiskRecovers(FsyncMode mode) {
        QueueConfig c = config(tmp).withFsync(mode);
        Map<Long, String> acknowledged = new HashMap<>();
        try (FileJournalQueue q = open(c, clock, io)) {
            for (int i = 0; i < 5; i++) {
                acknowledged.put(q.enqueue(bytes("{\"ok\":" + i + "}")).id(), "{\"ok\":" + i + "}");
            }
            io.bytesUntilEnospc = 10; // a partial line reaches the file, then the disk is full
            assertThatThrownBy(() -> q.enqueue(bytes("{\"lost\":1}")))
                    .isInstanceOf(QueueStorageException.class)
                    .hasMessageContaining("No space left on device");
            assertThatThrownBy(() -> q.enqueue(bytes("{\"lost\":2}")))
                    .isInstanceOf(QueueStorageException.class);
            assertThat(q.stats().depth()).isEqualTo(5); // reloaded from disk: the truth
            io.heal();
            long id = q.enqueue(bytes("{\"after\":1}")).id();
            acknowledged.put(id, "{\"after\":1}");
            assertThat(q.stats().depth()).isEqualTo(6);
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).isEqualTo(acknowledged);
        }
    }

    @Test
    void shortWritesAreCompletedAndLoseNothing() {
        QueueConfig c = config(tmp);
        io.maxBytesPerWrite = 3;
        Map<Long, String> acknowledged = new HashMap<>();
        try (FileJournalQueue q = open(c, clock, io)) {
            for (int i = 0; i < 20; i++) {
                acknowledged.put(q.enqueue(bytes("[" + i + "]")).id(), "[" + i + "]");
            }
            q.compact();
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).isEqualTo(acknowledged);
        }
    }

    @Test
    void failedFsyncRefusesUntilDiskRecovers() {
        QueueConfig c = config(tmp);
        Map<Long, String> acknowledged = new HashMap<>();
        try (FileJournalQueue q = open(c, clock, io)) {
            acknowledged.put(q.enqueue(bytes("{\"a\":1}")).id(), "{\"a\":1}");
            io.failForce = true;
            assertThatThrownBy(() -> q.enqueue(bytes("{\"b\":1}")))
                    .isInstanceOf(QueueStorageException.class).hasMessageContaining("fsync");
            // recovery needs a working fsync too: still refusing, never pretending
            assertThatThrownBy(() -> q.enqueue(bytes("{\"c\":1}")))
                    .isInstanceOf(QueueStorageException.class);
            assertThatThrownBy(() -> q.claim(1, VIS)).isInstanceOf(QueueStorageException.class);
            io.heal();
            acknowledged.put(q.enqueue(bytes("{\"d\":1}")).id(), "{\"d\":1}");
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).isEqualTo(acknowledged);
        }
    }

    @ParameterizedTest
    @EnumSource(value = FsyncMode.class, names = {"BATCH", "ALWAYS"})
    void failedFsyncDuringBatchEnqueueFailsTheWholeBatchAndStoresNoneOfIt(FsyncMode mode) {
        QueueConfig c = config(tmp).withFsync(mode);
        Map<Long, String> acknowledged = new HashMap<>();
        try (FileJournalQueue q = open(c, clock, io)) {
            for (EnqueueResult r : q.enqueueAll(List.of(bytes("{\"a\":1}"), bytes("{\"a\":2}")),
                    EnqueueOptions.none())) {
                acknowledged.put(r.id(), "{\"a\":" + (acknowledged.size() + 1) + "}");
            }
            io.failForce = true;
            assertThatThrownBy(() -> q.enqueueAll(List.of(bytes("{\"b\":1}"), bytes("{\"b\":2}"),
                    bytes("{\"b\":3}")), EnqueueOptions.none()))
                    .isInstanceOf(QueueStorageException.class).hasMessageContaining("fsync");
            io.heal();
            assertThat(q.stats().depth()).isEqualTo(2); // reloaded: none of the batch
            long id = q.enqueueAll(List.of(bytes("{\"c\":1}")), EnqueueOptions.none()).get(0).id();
            acknowledged.put(id, "{\"c\":1}");
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).isEqualTo(acknowledged);
        }
    }

    @ParameterizedTest
    @EnumSource(FsyncMode.class)
    void enospcMidBatchFailsTheWholeBatchAndStoresNoneOfIt(FsyncMode mode) {
        QueueConfig c = config(tmp).withFsync(mode);
        Map<Long, String> acknowledged = new HashMap<>();
        try (FileJournalQueue q = open(c, clock, io)) {
            acknowledged.put(q.enqueue(bytes("{\"a\":1}")).id(), "{\"a\":1}");
            io.bytesUntilEnospc = 150; // the first line or so of the batch reaches the file
            assertThatThrownBy(() -> q.enqueueAll(List.of(bytes("{\"b\":1}"), bytes("{\"b\":2}"),
                    bytes("{\"b\":3}")), EnqueueOptions.none()))
                    .isInstanceOf(QueueStorageException.class)
                    .hasMessageContaining("No space left on device");
            io.heal();
            assertThat(q.stats().depth()).isEqualTo(1);
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).isEqualTo(acknowledged);
        }
    }

    @ParameterizedTest
    @EnumSource(value = FsyncMode.class, names = {"BATCH", "ALWAYS"})
    void failedFsyncDuringBatchAckLeavesEveryJobOwnedByItsReceipt(FsyncMode mode) {
        QueueConfig c = config(tmp).withFsync(mode);
        try (FileJournalQueue q = open(c, clock, io)) {
            q.enqueueAll(List.of(bytes("{\"a\":1}"), bytes("{\"a\":2}"), bytes("{\"a\":3}")),
                    EnqueueOptions.none());
            List<Ack> acks = q.claim(3, VIS).stream().map(Ack::of).toList();
            io.failForce = true;
            assertThatThrownBy(() -> q.ackAll(acks)).isInstanceOf(QueueStorageException.class);
            io.heal();
            assertThat(q.stats().inFlight()).isEqualTo(3); // nothing of the batch was acked
            assertThat(q.ackAll(acks)).allMatch(AckResult::acked);
            assertThat(q.stats().depth()).isZero();
        }
        try (FileJournalQueue q = open(c, clock)) {
            clock.advance(VIS);
            assertThat(drain(q)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = FsyncMode.class, names = {"BATCH", "ALWAYS"})
    void failedFsyncCompletesAsyncEnqueueExceptionallyAndStoresNothing(FsyncMode mode)
            throws Exception {
        QueueConfig c = config(tmp).withFsync(mode);
        Map<Long, String> acknowledged = new HashMap<>();
        try (FileJournalQueue q = open(c, clock, io)) {
            long a = q.enqueueAsync(bytes("{\"a\":1}"), EnqueueOptions.none())
                    .get(30, TimeUnit.SECONDS).id();
            acknowledged.put(a, "{\"a\":1}");
            io.failForce = true;
            List<CompletableFuture<EnqueueResult>> fs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fs.add(q.enqueueAsync(bytes("{\"b\":" + i + "}"), EnqueueOptions.none()));
            }
            for (CompletableFuture<EnqueueResult> f : fs) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(QueueStorageException.class);
            }
            io.heal();
            long d = q.enqueueAsync(bytes("{\"d\":1}"), EnqueueOptions.none())
                    .get(30, TimeUnit.SECONDS).id();
            acknowledged.put(d, "{\"d\":1}");
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).isEqualTo(acknowledged);
        }
    }

    @Test
    void failedClaimWriteDoesNotConsumeADelivery() {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock, io)) {
            long id = q.enqueue(bytes("{\"a\":1}")).id();
            io.failForce = true;
            assertThatThrownBy(() -> q.claim(1, VIS)).isInstanceOf(QueueStorageException.class);
            io.heal();
            ClaimedJob j = q.claim(1, VIS).get(0);
            assertThat(j.id()).isEqualTo(id);
            assertThat(j.attempt()).isEqualTo(1);
        }
    }

    @Test
    void failedAckLeavesJobOwnedByTheSameReceipt() {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock, io)) {
            long id = q.enqueue(bytes("{\"a\":1}")).id();
            ClaimedJob j = q.claim(1, VIS).get(0);
            io.bytesUntilEnospc = 0;
            assertThatThrownBy(() -> q.ack(id, j.receipt()))
                    .isInstanceOf(QueueStorageException.class);
            io.heal();
            assertThat(q.stats().inFlight()).isEqualTo(1);
            q.ack(id, j.receipt());
            assertThat(q.stats().depth()).isZero();
        }
        try (FileJournalQueue q = open(c, clock)) {
            clock.advance(VIS);
            assertThat(drain(q)).isEmpty();
        }
    }

    @Test
    void crashAfterPartialWriteLeavesOnlyATornTailThatRecoveryCuts() {
        QueueConfig c = config(tmp);
        Map<Long, String> acknowledged = new HashMap<>();
        FileJournalQueue q = open(c, clock, io);
        acknowledged.put(q.enqueue(bytes("{\"a\":1}")).id(), "{\"a\":1}");
        io.bytesUntilEnospc = 25;
        assertThatThrownBy(() -> q.enqueue(bytes("{\"torn\":1}")))
                .isInstanceOf(QueueStorageException.class);
        q.simulateCrash();
        try (FileJournalQueue r = open(c, clock)) {
            assertThat(drain(r)).isEqualTo(acknowledged);
        }
    }

    /** Mixed state used by the compaction crash test; returns the expected ready payloads. */
    private Map<Long, String> setUp(QueueConfig c, List<String> receipt) {
        Map<Long, String> ready = new HashMap<>();
        try (FileJournalQueue q = open(c, clock)) {
            for (int i = 1; i <= 8; i++) {
                q.enqueue(bytes("{\"i\":" + i + "}"));
            }
            List<ClaimedJob> js = q.claim(4, VIS);
            q.ack(js.get(0).id(), js.get(0).receipt());
            q.ack(js.get(1).id(), js.get(1).receipt());
            receipt.add(js.get(2).receipt()); // job 3 stays in flight
            for (int k = 0; k < 3; k++) { // job 4 goes to the dead letters
                q.nack(4, k == 0 ? js.get(3).receipt() : q.claim(1, VIS).get(0).receipt(), 0L);
                if (k < 2) {
                    // claim(1) above took job 4 again (FIFO: 4 precedes 5)
                    continue;
                }
            }
        }
        for (long i = 5; i <= 8; i++) {
            ready.put(i, "{\"i\":" + i + "}");
        }
        return ready;
    }

    @Test
    void crashAtEveryStepOfCompactionLosesNothing() throws Exception {
        // Count the I/O operations of one compaction.
        QueueConfig probe = config(tmp.resolve("probe"));
        setUp(probe, new ArrayList<>());
        int steps;
        try (FileJournalQueue q = open(probe, clock, io)) {
            io.countFromNow();
            q.compact();
            steps = io.ops.get();
        }
        assertThat(steps).isGreaterThan(5);
        for (int k = 0; k < steps; k++) {
            QueueConfig c = config(tmp.resolve("step" + k));
            List<String> receipt = new ArrayList<>();
            Map<Long, String> ready = setUp(c, receipt);
            FileJournalQueue q = open(c, clock, io);
            io.countFromNow();
            io.failAtOp = k;
            String step = null;
            try {
                q.compact();
            } catch (QueueStorageException e) {
                step = e.getMessage();
            }
            q.simulateCrash();
            io.heal();
            try (FileJournalQueue r = open(c, clock)) {
                QueueStats s = r.stats();
                assertThat(s.inFlight()).as("step %d %s", k, step).isEqualTo(1);
                assertThat(s.dead()).as("step %d", k).isEqualTo(1);
                assertThat(r.deadLetters(0, 10).get(0).payload()).isEqualTo(bytes("{\"i\":4}"));
                r.ack(3, receipt.get(0));
                assertThat(drain(r)).as("step %d", k).isEqualTo(ready);
            }
            assertThat(Files.exists(c.queueDir().resolve(FileJournalQueue.JOURNAL
                    + FileJournalQueue.TMP))).isFalse();
        }
    }
}
