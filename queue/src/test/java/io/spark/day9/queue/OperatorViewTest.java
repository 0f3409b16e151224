package io.spark.day9.queue;

import static io.spark.day9.queue.JournalTestSupport.VIS;
import static io.spark.day9.queue.JournalTestSupport.bytes;
import static io.spark.day9.queue.JournalTestSupport.config;
import static io.spark.day9.queue.JournalTestSupport.journal;
import static io.spark.day9.queue.JournalTestSupport.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.queue.event.QueueEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees must be true: quarantine counted everywhere, a failing disk visible
 * until a write succeeds, job keys never reused, attributes kept, stale receipts explained.
 */
class OperatorViewTest {
    @TempDir
    Path tmp;
    final ManualClock clock = new ManualClock();

    @Test
    void twoGarbageLinesAtTheJournalEndAreQuarantinedCountedAndPublished() throws Exception {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"n\":1}"));
        }
        Files.writeString(journal(c), "garbage one\n{\"t\":\"E\",\"broken\n",
                StandardOpenOption.APPEND);
        List<QueueEvent> events = new ArrayList<>();
        try (FileJournalQueue q = FileJournalQueue.builder(c).clock(clock)
                .listener(events::add).open()) {
            assertThat(q.stats().quarantinedLines()).isEqualTo(2);
            assertThat(q.stats().tornTailBytes()).isZero();
            assertThat(q.stats().depth()).isEqualTo(1);
        }
        assertThat(events.stream().filter(e -> e instanceof QueueEvent.LineQuarantined))
                .hasSize(2);
        assertThat(Files.readAllLines(c.queueDir().resolve(FileJournalQueue.QUARANTINE), UTF_8))
                .containsExactly("garbage one", "{\"t\":\"E\",\"broken");
    }

    @Test
    void aTornLastLineIsCutAndReportedAsTornNotQuarantined() throws Exception {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"n\":1}"));
        }
        Files.writeString(journal(c), "{\"t\":\"E\",\"id\":2,\"ts\"", StandardOpenOption.APPEND);
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.stats().tornTailBytes()).isEqualTo(20);
            assertThat(q.stats().quarantinedLines()).isZero();
            assertThat(q.stats().depth()).isEqualTo(1);
        }
        assertThat(c.queueDir().resolve(FileJournalQueue.QUARANTINE)).doesNotExist();
    }

    @Test
    void aFailingDiskStaysVisibleThroughHealthReadsUntilAWriteSucceeds() {
        FaultyIo io = new FaultyIo();
        List<QueueEvent> events = new ArrayList<>();
        try (FileJournalQueue q = FileJournalQueue.builder(config(tmp)).clock(clock)
                .io(io).listener(events::add).open()) {
            q.enqueue(bytes("{\"ok\":1}"));
            assertThat(q.stats().storageFailing()).isFalse();
            io.bytesUntilEnospc = 0;
            assertThatThrownBy(() -> q.enqueue(bytes("{\"lost\":1}")))
                    .isInstanceOf(QueueStorageException.class);
            // a health read cuts the journal back (that works on a full disk): still failing
            QueueStats s = q.stats();
            assertThat(s.storageFailing()).isTrue();
            assertThat(s.lastStorageError()).contains("No space left on device");
            assertThat(q.stats().storageFailing()).isTrue();
            assertThatThrownBy(() -> q.enqueue(bytes("{\"lost\":2}")))
                    .isInstanceOf(QueueStorageException.class);
            assertThat(q.stats().storageFailing()).isTrue();
            assertThat(events).noneMatch(e -> e instanceof QueueEvent.StorageRecovered);
            io.heal();
            assertThat(q.stats().storageFailing()).isTrue(); // no write yet
            q.enqueue(bytes("{\"after\":1}"));
            assertThat(q.stats().storageFailing()).isFalse();
            assertThat(q.stats().lastStorageError()).isNull();
            assertThat(events).anyMatch(e -> e instanceof QueueEvent.StorageRecovered);
        }
    }

    @Test
    void aLostTailCanRepeatANumericIdButNeverAJobKey() throws Exception {
        QueueConfig c = config(tmp);
        Set<String> keys = new HashSet<>();
        long lostId;
        String lostKey;
        long sizeBefore;
        try (FileJournalQueue q = open(c, clock)) {
            EnqueueResult first = q.enqueue(bytes("{\"n\":1}"));
            keys.add(first.key());
            sizeBefore = Files.size(journal(c));
            EnqueueResult lost = q.enqueue(bytes("{\"n\":2}"));
            lostId = lost.id();
            lostKey = lost.key();
            keys.add(lostKey);
        }
        // the disk loses the tail, and the operator deletes the cursor
        try (var ch = java.nio.channels.FileChannel.open(journal(c), StandardOpenOption.WRITE)) {
            ch.truncate(sizeBefore);
        }
        Files.deleteIfExists(c.queueDir().resolve(FileJournalQueue.CURSOR));
        try (FileJournalQueue q = open(c, clock)) {
            EnqueueResult again = q.enqueue(bytes("{\"n\":3}"));
            assertThat(again.id()).isEqualTo(lostId); // the numeric id repeats...
            assertThat(again.key()).isNotEqualTo(lostKey).matches("[A-Za-z0-9_-]{22}");
            assertThat(keys.add(again.key())).isTrue(); // ...the key never does
            List<ClaimedJob> jobs = q.claim(10, VIS);
            assertThat(jobs).extracting(ClaimedJob::key).doesNotHaveDuplicates()
                    .allMatch(keys::contains).contains(again.key());
        }
    }

    @Test
    void keysAndAttributesSurviveReopenAndCompaction() {
        QueueConfig c = config(tmp);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("role", "trade");
        attrs.put("origin", "héllo \"quoted\" \\ back");
        EnqueueResult r;
        try (FileJournalQueue q = open(c, clock)) {
            r = q.enqueue(bytes("{\"n\":1}"), EnqueueOptions.none().withAttributes(attrs));
            q.enqueue(bytes("{\"n\":2}"));
            q.compact();
        }
        try (FileJournalQueue q = open(c, clock)) {
            List<ClaimedJob> jobs = q.claim(10, VIS);
            assertThat(jobs.get(0).key()).isEqualTo(r.key());
            assertThat(jobs.get(0).attributes()).containsExactlyEntriesOf(attrs);
            assertThat(jobs.get(1).attributes()).isEmpty();
        }
    }

    @Test
    void aDedupHitReturnsTheOriginalJobsKey() {
        try (FileJournalQueue q = open(config(tmp), clock)) {
            EnqueueResult a = q.enqueue(bytes("{}"), EnqueueOptions.dedup("k1"));
            EnqueueResult b = q.enqueue(bytes("{}"), EnqueueOptions.dedup("k1"));
            assertThat(b.duplicate()).isTrue();
            assertThat(b.key()).isEqualTo(a.key());
        }
    }

    @Test
    void attributesAreBoundedInCountAndSize() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= EnqueueOptions.MAX_ATTRIBUTES; i++) {
            many.put("a" + i, "v");
        }
        assertThatThrownBy(() -> EnqueueOptions.none().withAttributes(many))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17");
        assertThatThrownBy(() -> EnqueueOptions.none().withAttributes(
                Map.of("role", "x".repeat(EnqueueOptions.MAX_ATTRIBUTE_VALUE_LENGTH + 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
        assertThatThrownBy(() -> EnqueueOptions.none().withAttributes(Map.of("bad name", "v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name");
        assertThatThrownBy(() -> EnqueueOptions.none().withAttributes(Map.of("k", "a\nb")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
    }

    @Test
    void aStaleReceiptNamesTheDeliveryThatSupersededIt() {
        try (FileJournalQueue q = open(config(tmp), clock)) {
            long id = q.enqueue(bytes("{}")).id();
            ClaimedJob first = q.claim(1, VIS).get(0);
            clock.advance(VIS);
            ClaimedJob second = q.claim(1, VIS).get(0);
            assertThatThrownBy(() -> q.ack(id, first.receipt()))
                    .isInstanceOf(StaleReceiptException.class)
                    .hasMessageContaining("superseded by delivery 2")
                    .hasMessageNotContaining("delivery 0");
            q.ack(id, second.receipt());
            assertThatThrownBy(() -> q.ack(id, second.receipt()))
                    .isInstanceOf(StaleReceiptException.class)
                    .hasMessageContaining("already acked")
                    .hasMessageNotContaining("delivery 0");
        }
    }

    @Test
    void theInMemoryBackendKeepsKeysAndAttributesToo() {
        JobQueueFactory f = QueueBackends.memory(clock);
        try (JobQueue q = f.open("mem", QueuePolicy.ofDefaults(), List.of())) {
            EnqueueResult r = q.enqueue(bytes("{}"),
                    EnqueueOptions.none().withAttributes(Map.of("role", "read")));
            ClaimedJob j = q.claim(1, VIS).get(0);
            assertThat(j.key()).isEqualTo(r.key()).hasSize(22);
            assertThat(j.attributes()).containsExactlyEntriesOf(Map.of("role", "read"));
        }
    }
}
