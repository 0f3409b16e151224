package io.spark.day9.queue;

import static io.spark.day9.queue.JournalTestSupport.VIS;
import static io.spark.day9.queue.JournalTestSupport.bytes;
import static io.spark.day9.queue.JournalTestSupport.config;
import static io.spark.day9.queue.JournalTestSupport.drain;
import static io.spark.day9.queue.JournalTestSupport.journal;
import static io.spark.day9.queue.JournalTestSupport.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.queue.event.QueueEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability and recovery of the file journal: reopen, torn tails, corruption, cursor. */
class FileJournalRecoveryTest {
    @TempDir
    Path tmp;
    final ManualClock clock = new ManualClock();

    @Test
    void claimReadingARunOfLinesChecksEachLineAndWithholdsOnlyTheCorruptOne() throws Exception {
        QueueConfig c = config(tmp);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            payloads.add(bytes("{\"i\":" + i + ",\"pad\":\"abcdefgh\"}"));
        }
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueueAll(payloads, EnqueueOptions.none()); // ten adjacent lines: one run
        }
        try (FileJournalQueue q = open(c, clock)) {
            // corrupt job 4's payload on disk while the queue is open (after its replay)
            byte[] file = Files.readAllBytes(journal(c));
            String text = new String(file, UTF_8);
            int at = text.indexOf("{\"i\":3,\"pad\":\"abcdefgh") + 12;
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(
                    journal(c).toFile(), "rw")) {
                raf.seek(at);
                raf.write('X');
            }
            List<ClaimedJob> got = q.claim(10, VIS);
            assertThat(got).hasSize(9);
            for (ClaimedJob j : got) {
                assertThat(j.payload()).isEqualTo(payloads.get((int) j.id() - 1));
            }
            assertThat(got).extracting(ClaimedJob::id).doesNotContain(4L);
            List<DeadLetter> dead = q.deadLetters(0, 10);
            assertThat(dead).extracting(DeadLetter::id).containsExactly(4L);
            assertThat(dead.get(0).reason()).contains("withheld");
            assertThat(dead.get(0).payload()).isEmpty();
        }
    }

    @Test
    void shouldKeepEveryStateAcrossReopen() {
        QueueConfig c = config(tmp); // max 3 deliveries
        long ready;
        long inFlight;
        String receipt;
        long delayed;
        long dead;
        try (FileJournalQueue q = open(c, clock)) {
            dead = q.enqueue(bytes("{\"s\":\"dead\"}")).id();
            for (int i = 0; i < 3; i++) {
                ClaimedJob j = q.claim(1, VIS).get(0);
                q.nack(dead, j.receipt(), 0L);
            }
            ready = q.enqueue(bytes("{\"s\":\"ready\"}")).id();
            inFlight = q.enqueue(bytes("{\"s\":\"inflight\"}")).id();
            long acked = q.enqueue(bytes("{\"s\":\"acked\"}")).id();
            delayed = q.enqueue(bytes("{\"s\":\"delayed\"}"), EnqueueOptions.delayed(60_000)).id();
            List<ClaimedJob> js = q.claim(4, VIS);
            assertThat(js).extracting(ClaimedJob::id).containsExactly(ready, inFlight, acked);
            q.nack(ready, js.get(0).receipt(), 0L);
            receipt = js.get(1).receipt();
            q.ack(acked, js.get(2).receipt());
            ClaimedJob again = q.claim(1, VIS).get(0);
            assertThat(again.id()).isEqualTo(ready);
            q.nack(ready, again.receipt(), 0L);
        }
        try (FileJournalQueue q = open(c, clock)) {
            QueueStats s = q.stats();
            assertThat(s.ready()).isEqualTo(1);
            assertThat(s.inFlight()).isEqualTo(1);
            assertThat(s.delayed()).isEqualTo(1);
            assertThat(s.dead()).isEqualTo(1);
            assertThat(q.deadLetters(0, 10)).extracting(DeadLetter::id).containsExactly(dead);
            q.extend(inFlight, receipt, VIS); // the persisted receipt still owns the claim
            ClaimedJob r = q.claim(10, VIS).get(0);
            assertThat(r.id()).isEqualTo(ready);
            assertThat(r.attempt()).isEqualTo(3); // delivery count survived the restart
            q.ack(inFlight, receipt);
            clock.advance(60_000);
            assertThat(q.claim(10, VIS)).extracting(ClaimedJob::id).containsExactly(delayed);
        }
    }

    @Test
    void crashLoopingJobStillReachesDeadLetters() {
        QueueConfig c = config(tmp); // max 3 deliveries
        long id;
        try (FileJournalQueue q = open(c, clock)) {
            id = q.enqueue(bytes("{\"poison\":1}")).id();
        }
        for (int attempt = 1; attempt <= 3; attempt++) {
            FileJournalQueue q = open(c, clock);
            ClaimedJob j = q.claim(1, VIS).get(0);
            assertThat(j.attempt()).isEqualTo(attempt);
            q.simulateCrash(); // the handler took the process down
            clock.advance(VIS);
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.claim(1, VIS)).isEmpty();
            assertThat(q.deadLetters(0, 10)).extracting(DeadLetter::id).containsExactly(id);
        }
    }

    @Test
    void shouldEmbedJsonPayloadVerbatimAndBinaryAsBase64() throws Exception {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"job\":\"test-job-1\",\"data\":\"test-data\"}"));
            q.enqueue(new byte[] {1, 2, 3, (byte) 0xff});
            q.enqueue(bytes("{\"a\":\n1}"));
        }
        List<String> lines = Files.readAllLines(journal(c), UTF_8);
        assertThat(lines.get(0)).startsWith("{\"t\":\"H\"");
        assertThat(lines.get(1)).contains(",\"p\":{\"job\":\"test-job-1\",\"data\":\"test-data\"},"
                + "\"c\":\"").startsWith("{\"t\":\"E\",\"id\":1,");
        assertThat(lines.get(2)).contains("\"b\":\"AQID/w==\"");
        assertThat(lines.get(3)).contains("\"b\":\"");
        assertThat(lines).allMatch(l -> l.matches("\\{\"t\":\".*,\"c\":\"[0-9a-f]{8}\"}"));
    }

    @Test
    void shouldCreatePrivateDirectoryAndFiles() throws Exception {
        QueueConfig c = config(tmp.resolve("root"));
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{}"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.queueDir())))
                .isEqualTo("rwx------");
        for (String f : List.of(FileJournalQueue.JOURNAL, FileJournalQueue.CURSOR)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    c.queueDir().resolve(f)))).isEqualTo("rw-------");
        }
    }

    @Test
    void shouldRefuseSecondOpenOfSameQueue() {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock)) {
            assertThatThrownBy(() -> open(c, clock)).isInstanceOf(QueueLockedException.class)
                    .hasMessageContaining("locked by another process");
        }
        open(c, clock).close();
    }

    /** Builds: job 1 acked, jobs 2..3 ready; returns the journal size before the last op. */
    private long buildThenEnqueueLast(QueueConfig c) {
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"n\":1}"));
            q.enqueue(bytes("{\"n\":2}"));
            q.enqueue(bytes("{\"n\":3}"));
            ClaimedJob j = q.claim(1, VIS).get(0);
            q.ack(j.id(), j.receipt());
            long before = q.stats().journalBytes();
            q.enqueue(bytes("{\"n\":4,\"text\":\"the last record\"}"));
            return before;
        }
    }

    @Test
    void shouldCutTornTailAtEveryByteOffsetOfLastRecord() throws Exception {
        QueueConfig c = config(tmp.resolve("orig"));
        long before = buildThenEnqueueLast(c);
        byte[] full = Files.readAllBytes(journal(c));
        byte[] cursor = Files.readAllBytes(c.queueDir().resolve(FileJournalQueue.CURSOR));
        for (int cut = 0; cut <= full.length - before; cut++) {
            QueueConfig t = config(tmp.resolve("cut" + cut));
            Files.createDirectories(t.queueDir());
            Files.write(journal(t), Arrays.copyOf(full, (int) before + cut));
            if (cut % 2 == 0) {
                Files.write(t.queueDir().resolve(FileJournalQueue.CURSOR), cursor);
            }
            boolean complete = cut == full.length - before;
            try (FileJournalQueue q = open(t, clock)) {
                if (!complete) {
                    assertThat(q.stats().journalBytes()).as("cut at %d", cut).isEqualTo(before);
                    assertThat(Files.size(journal(t))).isEqualTo(before);
                }
                Map<Long, String> got = drain(q);
                Map<Long, String> want = new HashMap<>(Map.of(2L, "{\"n\":2}", 3L, "{\"n\":3}"));
                if (complete) {
                    want.put(4L, "{\"n\":4,\"text\":\"the last record\"}");
                }
                assertThat(got).as("cut at %d", cut).isEqualTo(want);
            }
            JournalTestSupport.deleteDir(t.queueDir());
        }
    }

    @Test
    void shouldRedeliverJobWhoseAckWasTornAtEveryByteOffset() throws Exception {
        QueueConfig c = config(tmp.resolve("orig"));
        long before;
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"n\":1}"));
            ClaimedJob j = q.claim(1, VIS).get(0);
            before = q.stats().journalBytes();
            q.ack(j.id(), j.receipt());
        }
        byte[] full = Files.readAllBytes(journal(c));
        for (int cut = 0; cut <= full.length - before; cut++) {
            QueueConfig t = config(tmp.resolve("cut" + cut));
            Files.createDirectories(t.queueDir());
            Files.write(journal(t), Arrays.copyOf(full, (int) before + cut));
            boolean complete = cut == full.length - before;
            try (FileJournalQueue q = open(t, clock)) {
                clock.advance(VIS);
                assertThat(drain(q)).as("cut at %d", cut)
                        .isEqualTo(complete ? Map.of() : Map.of(1L, "{\"n\":1}"));
            }
            JournalTestSupport.deleteDir(t.queueDir());
        }
    }

    @Test
    void shouldQuarantineCorruptMiddleLineAndKeepReplaying() throws Exception {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"n\":1}"));
            q.enqueue(bytes("{\"n\":2}"));
            q.enqueue(bytes("{\"n\":3}"));
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(journal(c), UTF_8));
        String bad = lines.get(2).replace("{\"n\":2}", "{\"n\":7}");
        lines.set(2, bad);
        Files.write(journal(c), (String.join("\n", lines) + "\n").getBytes(UTF_8));
        Files.delete(c.queueDir().resolve(FileJournalQueue.CURSOR));
        List<QueueEvent> events = new ArrayList<>();
        try (FileJournalQueue q = FileJournalQueue.builder(c).clock(clock)
                .listener(events::add).open()) {
            assertThat(q.stats().quarantinedLines()).isEqualTo(1);
            assertThat(drain(q)).isEqualTo(Map.of(1L, "{\"n\":1}", 3L, "{\"n\":3}"));
        }
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.LineQuarantined);
        Path quarantine = c.queueDir().resolve(FileJournalQueue.QUARANTINE);
        assertThat(Files.readAllLines(quarantine, UTF_8)).containsExactly(bad);
        assertThat(Files.readString(journal(c))).doesNotContain("{\"n\":7}");
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.stats().quarantinedLines()).isZero();
        }
        assertThat(Files.readAllLines(quarantine, UTF_8)).hasSize(1);
    }

    @Test
    void randomByteFlipsNeverDeliverACorruptPayload() throws Exception {
        QueueConfig c = config(tmp.resolve("orig"));
        Map<Long, String> originals = new HashMap<>();
        try (FileJournalQueue q = open(c, clock)) {
            for (int i = 0; i < 30; i++) {
                String p = i % 3 == 0 ? "{\"i\":" + i + ",\"s\":\"" + "x".repeat(i) + "\"}"
                        : "[" + i + "," + (i * 7) + "]";
                originals.put(q.enqueue(bytes(p)).id(), p);
            }
            for (ClaimedJob j : q.claim(10, VIS)) {
                if (j.id() % 2 == 0) {
                    q.ack(j.id(), j.receipt());
                }
            }
        }
        byte[] full = Files.readAllBytes(journal(c));
        Random random = new Random(42);
        for (int trial = 0; trial < 150; trial++) {
            byte[] flipped = full.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(flipped.length);
                flipped[at] ^= (byte) (1 + random.nextInt(255));
            }
            QueueConfig t = config(tmp.resolve("t" + trial));
            Files.createDirectories(t.queueDir());
            Files.write(journal(t), flipped);
            try (FileJournalQueue q = open(t, clock)) {
                clock.advance(VIS);
                Map<Long, String> got = drain(q);
                for (Map.Entry<Long, String> e : got.entrySet()) {
                    assertThat(originals).as("trial %d", trial).containsEntry(e.getKey(),
                            e.getValue());
                }
                for (DeadLetter d : q.deadLetters(0, 100)) {
                    assertThat(new String(d.payload(), UTF_8)).isIn(originals.get(d.id()), "");
                }
            }
            JournalTestSupport.deleteDir(t.queueDir());
        }
    }

    private Map<Long, String> mixedState(QueueConfig c) {
        try (FileJournalQueue q = open(c, clock)) {
            for (int i = 1; i <= 10; i++) {
                q.enqueue(bytes("{\"i\":" + i + "}"));
            }
            for (ClaimedJob j : q.claim(6, VIS)) {
                if (j.id() <= 3) {
                    q.ack(j.id(), j.receipt());
                } else if (j.id() == 4) {
                    q.nack(j.id(), j.receipt(), 0L);
                }
            }
            q.enqueue(bytes("{\"i\":11}"));
            return null;
        }
    }

    @Test
    void recoveryRecipeLosesNothingAndRedeliversOnlyUnacked() throws Exception {
        QueueConfig c = config(tmp.resolve("live"));
        mixedState(c);
        Path aside = tmp.resolve("aside.ndjson");
        Files.copy(journal(c), aside);
        Files.delete(c.queueDir().resolve(FileJournalQueue.CURSOR));
        Map<Long, String> expected = new HashMap<>();
        for (long i = 4; i <= 11; i++) {
            expected.put(i, "{\"i\":" + i + "}");
        }
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.stats().depth()).isEqualTo(8);
            clock.advance(VIS); // jobs 5 and 6 were in flight
            assertThat(drain(q)).isEqualTo(expected);
        }
        // the copy put aside restores the same state into a fresh directory
        QueueConfig restored = config(tmp.resolve("restored"));
        Files.createDirectories(restored.queueDir());
        Files.copy(aside, journal(restored));
        try (FileJournalQueue q = open(restored, clock)) {
            assertThat(drain(q)).isEqualTo(expected);
        }
    }

    @Test
    void shouldReplaySameStateFromCursorAsWithoutIt() throws Exception {
        QueueConfig c = config(tmp.resolve("a"));
        mixedState(c);
        Path cursor = c.queueDir().resolve(FileJournalQueue.CURSOR);
        assertThat(Files.readString(cursor)).startsWith("{\"t\":\"K\"");
        QueueConfig noCursor = config(tmp.resolve("b"));
        JournalTestSupport.copyDir(c.queueDir(), noCursor.queueDir());
        Files.delete(noCursor.queueDir().resolve(FileJournalQueue.CURSOR));
        QueueConfig badCursor = config(tmp.resolve("c"));
        JournalTestSupport.copyDir(c.queueDir(), badCursor.queueDir());
        Files.writeString(badCursor.queueDir().resolve(FileJournalQueue.CURSOR), "garbage\n");
        List<Map<Long, String>> results = new ArrayList<>();
        List<QueueStats> stats = new ArrayList<>();
        for (QueueConfig t : List.of(c, noCursor, badCursor)) {
            try (FileJournalQueue q = open(t, clock)) {
                stats.add(q.stats());
                results.add(drain(q));
                ClaimedJob next = null;
                assertThat(next).isNull();
            }
        }
        assertThat(results.get(1)).isEqualTo(results.get(0));
        assertThat(results.get(2)).isEqualTo(results.get(0));
        assertThat(stats.get(1).depth()).isEqualTo(stats.get(0).depth());
        assertThat(stats.get(0).depth()).isEqualTo(8);
    }

    @Test
    void shouldKeepJournalBoundedByCompaction() {
        QueueConfig c = config(tmp).withCompactMinBytes(8 * 1024);
        long maxSeen = 0;
        List<QueueEvent> events = new ArrayList<>();
        try (FileJournalQueue q = FileJournalQueue.builder(c).clock(clock)
                .listener(events::add).open()) {
            q.enqueue(bytes("{\"keep\":\"me\"}"));
            ClaimedJob held = q.claim(1, VIS).get(0);
            for (int i = 0; i < 3000; i++) {
                q.enqueue(bytes("{\"i\":" + i + ",\"pad\":\"" + "y".repeat(50) + "\"}"));
                ClaimedJob j = q.claim(1, VIS).get(0);
                q.ack(j.id(), j.receipt());
                maxSeen = Math.max(maxSeen, q.stats().journalBytes());
            }
            q.enqueue(bytes("{\"left\":1}"));
            q.ack(held.id(), held.receipt()); // its receipt survived many compactions
        }
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.Compacted);
        assertThat(maxSeen).isLessThan(40 * 1024);
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(drain(q)).containsOnlyKeys(3002L);
        }
    }

    @Test
    void shouldKeepInFlightReceiptAcrossCompactionAndReopen() {
        QueueConfig c = config(tmp);
        long id;
        String receipt;
        try (FileJournalQueue q = open(c, clock)) {
            id = q.enqueue(bytes("{\"a\":1}")).id();
            q.enqueue(bytes("{\"b\":1}"));
            receipt = q.claim(1, VIS).get(0).receipt();
            q.compact();
            q.extend(id, receipt, VIS);
        }
        try (FileJournalQueue q = open(c, clock)) {
            q.ack(id, receipt);
            assertThat(drain(q)).containsOnlyKeys(2L);
        }
    }
}
