package io.spark.day9.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.queue.event.QueueEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link JobQueue} backend must have. A backend's test extends this and
 * implements {@link #open(QueueConfig, ManualClock)}; everything runs on a manual clock. Published
 * in {@code day9-queue}'s test-jar, so a backend in another module runs the same suite (a
 * backend without files reads only {@link QueueConfig#policy()}; {@link #reopenWith} must give
 * back the jobs of the queue that was closed, as a restart would).
 */
public abstract class JobQueueContract {
    static final long VIS = 10_000;

    @TempDir
    Path tmp;
    ManualClock clock;
    QueueConfig config;
    JobQueue q;
    final List<QueueEvent> events = new CopyOnWriteArrayList<>();

    /** Opens a backend for {@code config} on {@code clock}. */
    protected abstract JobQueue open(QueueConfig config, ManualClock clock);

    /** Config for a test: defaults, backoff 1 s doubling to 8 s, max 3 deliveries. */
    protected QueueConfig baseConfig() {
        return QueueConfig.of(tmp, "contract").withDelivery(VIS, 3, 1_000, 8_000);
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new ManualClock();
        config = baseConfig();
        q = open(config, clock);
        q.subscribe(events::add);
    }

    @AfterEach
    void tearDown() {
        if (q != null) {
            q.close();
        }
    }

    void reopenWith(QueueConfig c) {
        q.close();
        config = c;
        q = open(c, clock);
        q.subscribe(events::add);
    }

    static byte[] json(String s) {
        return s.getBytes(UTF_8);
    }

    long put(String s) {
        return q.enqueue(json(s)).id();
    }

    ClaimedJob claimOne() {
        List<ClaimedJob> jobs = q.claim(1, VIS);
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

    @Test
    void shouldReturnEnqueuedPayloadByteForByte() {
        byte[] guide = json("{\"job\":\"test-job-1\",\"data\":\"test-data\"}");
        byte[] spaced = json("{ \"a\" : [1, 2.5e3, true, null, \"é\\u00e9\"] }");
        byte[] binary = {0, (byte) 0xff, '\n', '"', 0x7f, (byte) 0xc3};
        byte[] empty = {};
        byte[] multiline = json("{\n  \"a\": 1\n}");
        List<byte[]> all = List.of(guide, spaced, binary, empty, multiline);
        for (byte[] p : all) {
            q.enqueue(p);
        }
        List<ClaimedJob> got = q.claim(10, VIS);
        assertThat(got).hasSize(all.size());
        for (int i = 0; i < all.size(); i++) {
            assertThat(got.get(i).payload()).isEqualTo(all.get(i));
        }
    }

    @Test
    void shouldDeliverInFifoOrderOfEnqueue() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(put("{\"i\":" + i + "}"));
        }
        List<Long> claimed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            q.claim(5, VIS).forEach(j -> claimed.add(j.id()));
        }
        assertThat(claimed).containsExactlyElementsOf(ids);
        assertThat(ids).isSorted();
    }

    @Test
    void shouldGiveFirstDeliveryAttemptOneAndEnqueueTime() {
        long id = put("{}");
        ClaimedJob j = claimOne();
        assertThat(j.id()).isEqualTo(id);
        assertThat(j.attempt()).isEqualTo(1);
        assertThat(j.enqueuedAt()).isEqualTo(clock.getAsLong());
        assertThat(j.visibleUntil()).isEqualTo(clock.getAsLong() + VIS);
    }

    @Test
    void shouldHideClaimedJobUntilVisibilityTimeout() {
        put("{}");
        claimOne();
        clock.advance(VIS - 1);
        assertThat(q.claim(10, VIS)).isEmpty();
    }

    @Test
    void shouldRedeliverAfterVisibilityTimeout() {
        long id = put("{}");
        ClaimedJob first = claimOne();
        clock.advance(VIS);
        ClaimedJob second = claimOne();
        assertThat(second.id()).isEqualTo(id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.receipt()).isNotEqualTo(first.receipt());
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.Redelivered r && r.id() == id);
    }

    @Test
    void shouldRejectStaleReceiptAfterJobWasClaimedAgain() {
        long id = put("{}");
        ClaimedJob stale = claimOne();
        clock.advance(VIS);
        ClaimedJob fresh = claimOne();
        assertThatThrownBy(() -> q.ack(id, stale.receipt()))
                .isInstanceOf(StaleReceiptException.class).hasMessageContaining("job " + id);
        assertThatThrownBy(() -> q.extend(id, stale.receipt(), VIS))
                .isInstanceOf(StaleReceiptException.class);
        assertThatThrownBy(() -> q.nack(id, stale.receipt(), 0L))
                .isInstanceOf(StaleReceiptException.class);
        // the new claim is untouched: still in flight, and its receipt works
        assertThat(q.stats().inFlight()).isEqualTo(1);
        q.ack(id, fresh.receipt());
        assertThat(q.stats().depth()).isZero();
    }

    @Test
    void shouldRejectReceiptOnceVisibilityExpiredEvenIfNotClaimedAgain() {
        long id = put("{}");
        ClaimedJob j = claimOne();
        clock.advance(VIS);
        assertThatThrownBy(() -> q.ack(id, j.receipt()))
                .isInstanceOf(StaleReceiptException.class);
        assertThat(q.stats().ready()).isEqualTo(1);
    }

    @Test
    void shouldRejectSecondAckOfSameDelivery() {
        long id = put("{}");
        ClaimedJob j = claimOne();
        q.ack(id, j.receipt());
        assertThatThrownBy(() -> q.ack(id, j.receipt()))
                .isInstanceOf(StaleReceiptException.class);
    }

    @Test
    void shouldRejectUnknownJobId() {
        assertThatThrownBy(() -> q.ack(999, "1")).isInstanceOf(UnknownJobException.class)
                .hasMessageContaining("999");
    }

    @Test
    void shouldExtendVisibilityWithoutCapFromFirstDelivery() {
        long id = put("{}");
        ClaimedJob j = claimOne();
        for (int i = 0; i < 10; i++) {
            clock.advance(VIS - 1);
            long deadline = q.extend(id, j.receipt(), VIS);
            assertThat(deadline).isEqualTo(clock.getAsLong() + VIS);
            assertThat(q.claim(1, VIS)).isEmpty();
        }
        q.ack(id, j.receipt());
        assertThat(q.stats().depth()).isZero();
    }

    @Test
    void shouldDeadLetterAfterMaxDeliveries() {
        long id = put("{\"poison\":true}");
        for (int attempt = 1; attempt <= 3; attempt++) {
            ClaimedJob j = claimOne();
            assertThat(j.attempt()).isEqualTo(attempt);
            clock.advance(VIS);
        }
        assertThat(q.claim(10, VIS)).isEmpty();
        QueueStats s = q.stats();
        assertThat(s.dead()).isEqualTo(1);
        assertThat(s.depth()).isZero();
        List<DeadLetter> dlq = q.deadLetters(0, 10);
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0).id()).isEqualTo(id);
        assertThat(dlq.get(0).attempts()).isEqualTo(3);
        assertThat(dlq.get(0).reason()).contains("max deliveries");
        assertThat(dlq.get(0).payload()).isEqualTo(json("{\"poison\":true}"));
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.DeadLettered d && d.id() == id);
    }

    @Test
    void shouldBackOffExponentiallyOnNackWithoutDelay() {
        long id = put("{}");
        long[] expected = {1_000, 2_000};
        for (long backoff : expected) {
            ClaimedJob j = claimOne();
            assertThat(q.nack(id, j.receipt(), null)).isEqualTo(JobState.DELAYED);
            clock.advance(backoff - 1);
            assertThat(q.claim(1, VIS)).isEmpty();
            clock.advance(1);
        }
        assertThat(claimOne().attempt()).isEqualTo(3);
    }

    @Test
    void shouldUseNackDelayGivenPerCall() {
        long id = put("{}");
        ClaimedJob j = claimOne();
        assertThat(q.nack(id, j.receipt(), 0L)).isEqualTo(JobState.READY);
        ClaimedJob again = claimOne();
        assertThat(again.attempt()).isEqualTo(2);
        q.nack(id, again.receipt(), 50_000L);
        clock.advance(49_999);
        assertThat(q.claim(1, VIS)).isEmpty();
        clock.advance(1);
        assertThat(claimOne().attempt()).isEqualTo(3);
    }

    @Test
    void shouldDeadLetterAtOnceWhenTheConsumerSaysSo() {
        long id = put("{\"job\":\"nobody-handles-this\"}");
        ClaimedJob first = claimOne();
        q.deadLetter(id, first.receipt(), "no handler for job type");
        assertThat(q.stats().dead()).isEqualTo(1);
        assertThat(q.stats().depth()).isZero();
        DeadLetter dead = q.deadLetters(0, 10).get(0);
        assertThat(dead.id()).isEqualTo(id);
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.reason()).isEqualTo("no handler for job type");
        assertThat(dead.payload()).isEqualTo(json("{\"job\":\"nobody-handles-this\"}"));
        assertThatThrownBy(() -> q.deadLetter(id, first.receipt(), "again"))
                .isInstanceOf(QueueException.class);
        clock.advance(VIS * 2);
        assertThat(q.claim(10, VIS)).isEmpty();
    }

    @Test
    void shouldRefuseDeadLetterWithAStaleReceipt() {
        long id = put("{}");
        ClaimedJob first = claimOne();
        clock.advance(VIS + 1);
        ClaimedJob second = claimOne();
        assertThatThrownBy(() -> q.deadLetter(id, first.receipt(), "stale"))
                .isInstanceOf(StaleReceiptException.class);
        q.ack(id, second.receipt());
        assertThat(q.stats().dead()).isZero();
    }

    @Test
    void shouldDeadLetterWhenNackedOnLastDelivery() {
        long id = put("{}");
        for (int i = 0; i < 2; i++) {
            q.nack(id, claimOne().receipt(), 0L);
        }
        ClaimedJob last = claimOne();
        assertThat(q.nack(id, last.receipt(), 0L)).isEqualTo(JobState.DEAD);
        assertThat(q.stats().dead()).isEqualTo(1);
        assertThat(q.deadLetters(0, 10).get(0).reason()).contains("last allowed delivery");
    }

    @Test
    void shouldHoldDelayedJobUntilItsDelayElapses() {
        long late = q.enqueue(json("{\"late\":1}"), EnqueueOptions.delayed(5_000)).id();
        long now = put("{\"now\":1}");
        assertThat(q.stats().delayed()).isEqualTo(1);
        assertThat(claimOne().id()).isEqualTo(now);
        clock.advance(4_999);
        assertThat(q.claim(1, VIS)).isEmpty();
        clock.advance(1);
        assertThat(claimOne().id()).isEqualTo(late);
    }

    @Test
    void shouldReturnOriginalIdForDedupKeyWhilePending() {
        EnqueueResult first = q.enqueue(json("{\"a\":1}"), EnqueueOptions.dedup("k1"));
        EnqueueResult again = q.enqueue(json("{\"a\":2}"), EnqueueOptions.dedup("k1"));
        assertThat(first.duplicate()).isFalse();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(q.stats().depth()).isEqualTo(1);
        // still a hit while in flight
        ClaimedJob j = claimOne();
        assertThat(q.enqueue(json("{}"), EnqueueOptions.dedup("k1")).id()).isEqualTo(first.id());
        assertThat(j.payload()).isEqualTo(json("{\"a\":1}"));
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.DedupHit h
                && h.dedupKey().equals("k1"));
    }

    @Test
    void shouldCreateNewJobForDedupKeyWhoseJobWasAcked() {
        long first = q.enqueue(json("{}"), EnqueueOptions.dedup("k2")).id();
        q.ack(first, claimOne().receipt());
        EnqueueResult retry = q.enqueue(json("{}"), EnqueueOptions.dedup("k2"));
        assertThat(retry.duplicate()).isFalse();
        assertThat(retry.id()).isNotEqualTo(first);
        assertThat(q.stats().depth()).isEqualTo(1);
    }

    @Test
    void shouldForgetDedupKeyAfterWindow() {
        long first = q.enqueue(json("{}"), EnqueueOptions.dedup("k3")).id();
        clock.advance(config.dedupWindowMs() - 1);
        assertThat(q.enqueue(json("{}"), EnqueueOptions.dedup("k3")).id()).isEqualTo(first);
        clock.advance(1);
        EnqueueResult later = q.enqueue(json("{}"), EnqueueOptions.dedup("k3"));
        assertThat(later.duplicate()).isFalse();
        assertThat(q.stats().depth()).isEqualTo(2);
    }

    @Test
    void shouldRefuseEnqueueWhenMaxPendingReached() {
        reopenWith(config.withLimits(2, QueueConfig.DEFAULT_MAX_BYTES, 1024));
        put("{}");
        put("{}");
        assertThatThrownBy(() -> put("{}")).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("QUEUE_MAX_PENDING is 2");
        assertThat(q.stats().depth()).isEqualTo(2);
        long first = q.claim(1, VIS).get(0).id();
        assertThat(first).isPositive();
    }

    @Test
    void shouldRefuseEnqueueWhenMaxBytesReached() {
        reopenWith(config.withLimits(1000, 1024, 512));
        byte[] p = new byte[300];
        q.enqueue(p);
        q.enqueue(p);
        assertThatThrownBy(() -> q.enqueue(p)).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("QUEUE_MAX_BYTES");
        assertThat(q.stats().depth()).isEqualTo(2);
    }

    @Test
    void shouldRefuseJobLargerThanMaxJobBytes() {
        reopenWith(config.withLimits(1000, 1 << 20, 100));
        assertThatThrownBy(() -> q.enqueue(new byte[101]))
                .isInstanceOf(JobTooLargeException.class).hasMessageContaining("101");
        q.enqueue(new byte[100]);
    }

    @Test
    void shouldRedriveAndPurgeDeadLetters() {
        long a = put("{\"a\":1}");
        long b = put("{\"b\":1}");
        for (int i = 0; i < 3; i++) {
            q.claim(10, VIS);
            clock.advance(VIS);
        }
        q.claim(10, VIS);
        assertThat(q.stats().dead()).isEqualTo(2);
        assertThat(q.redrive(List.of(a))).isEqualTo(1);
        ClaimedJob j = claimOne();
        assertThat(j.id()).isEqualTo(a);
        assertThat(j.attempt()).isEqualTo(1);
        assertThatThrownBy(() -> q.redrive(List.of(a))).isInstanceOf(UnknownJobException.class);
        assertThat(q.purge(List.of(b))).isEqualTo(1);
        assertThat(q.deadLetters(0, 10)).isEmpty();
        assertThat(q.stats().dead()).isZero();
    }

    @Test
    void shouldRedriveAllAndPurgeAll() {
        for (int i = 0; i < 3; i++) {
            put("{}");
        }
        for (int i = 0; i < 3; i++) {
            q.claim(10, VIS).forEach(j -> q.nack(j.id(), j.receipt(), 0L));
        }
        q.claim(10, VIS);
        assertThat(q.stats().dead()).isEqualTo(3);
        assertThat(q.deadLetters(0, 2)).hasSize(2);
        long second = q.deadLetters(0, 2).get(1).id();
        assertThat(q.deadLetters(second, 10)).hasSize(1);
        assertThat(q.redriveAll()).isEqualTo(3);
        q.claim(10, VIS).forEach(j -> q.nack(j.id(), j.receipt(), 0L));
        q.claim(10, VIS).forEach(j -> q.nack(j.id(), j.receipt(), 0L));
        q.claim(10, VIS).forEach(j -> q.nack(j.id(), j.receipt(), 0L));
        assertThat(q.purgeAll()).isEqualTo(3);
        assertThat(q.stats().depth() + q.stats().dead()).isZero();
    }

    @Test
    void shouldReportStatsAndLag() {
        put("{}");
        clock.advance(3_000);
        put("{}");
        q.enqueue(json("{}"), EnqueueOptions.delayed(60_000));
        clock.advance(2_000);
        QueueStats s = q.stats();
        assertThat(s.ready()).isEqualTo(2);
        assertThat(s.delayed()).isEqualTo(1);
        assertThat(s.depth()).isEqualTo(3);
        assertThat(s.oldestReadyAgeMs()).isEqualTo(5_000);
        assertThat(s.bytes()).isPositive();
        ClaimedJob j = claimOne();
        q.ack(j.id(), j.receipt());
        assertThat(q.stats().oldestReadyAgeMs()).isEqualTo(2_000);
        assertThat(q.stats().inFlight()).isZero();
    }

    @Test
    void shouldPublishLifecycleEvents() {
        long id = put("{}");
        ClaimedJob j = claimOne();
        q.nack(id, j.receipt(), 0L);
        ClaimedJob k = claimOne();
        q.ack(id, k.receipt());
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.Enqueued en && en.id() == id)
                .anyMatch(e -> e instanceof QueueEvent.Claimed c && c.attempt() == 1)
                .anyMatch(e -> e instanceof QueueEvent.Nacked n && n.delayMs() == 0)
                .anyMatch(e -> e instanceof QueueEvent.Redelivered r && r.attempt() == 2)
                .anyMatch(e -> e instanceof QueueEvent.Acked a && a.id() == id);
        assertThat(events).allMatch(e -> e.queue().equals("contract"));
    }

    @Test
    void shouldDeliverEachJobOnceToConcurrentConsumersWithinVisibility() throws Exception {
        int producers = 4;
        int perProducer = 250;
        ExecutorService pool = Executors.newFixedThreadPool(producers + 3);
        try {
            Set<Long> enqueued = ConcurrentHashMap.newKeySet();
            List<Future<?>> fs = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int pp = p;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        enqueued.add(put("{\"p\":" + pp + ",\"i\":" + i + "}"));
                    }
                }));
            }
            Set<Long> acked = ConcurrentHashMap.newKeySet();
            List<Long> deliveries = new CopyOnWriteArrayList<>();
            int total = producers * perProducer;
            for (int c = 0; c < 3; c++) {
                fs.add(pool.submit(() -> {
                    while (acked.size() < total) {
                        for (ClaimedJob j : q.claim(16, VIS)) {
                            deliveries.add(j.id());
                            q.ack(j.id(), j.receipt());
                            acked.add(j.id());
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(enqueued).hasSize(total);
            assertThat(acked).isEqualTo(enqueued);
            assertThat(new HashSet<>(deliveries)).hasSize(deliveries.size());
            assertThat(q.stats().depth()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ batch and async calls

    static List<byte[]> jsons(String... s) {
        List<byte[]> out = new ArrayList<>();
        for (String x : s) {
            out.add(json(x));
        }
        return out;
    }

    @Test
    void shouldEnqueueBatchInOrderAndReturnEachPayloadByteForByte() {
        long before = put("{\"before\":1}");
        List<byte[]> batch = List.of(json("{\"a\":1}"), json("{\"é\":\"ü\"}"),
                new byte[] {0, (byte) 0xff, '\n'}, new byte[0], json("[1,2]"));
        List<EnqueueResult> rs = q.enqueueAll(batch, EnqueueOptions.none());
        assertThat(rs).hasSize(batch.size()).noneMatch(EnqueueResult::duplicate);
        List<Long> ids = rs.stream().map(EnqueueResult::id).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates().allMatch(id -> id > before);
        long after = put("{\"after\":1}");
        List<ClaimedJob> got = q.claim(10, VIS);
        assertThat(got).extracting(ClaimedJob::id).containsExactly(before, ids.get(0), ids.get(1),
                ids.get(2), ids.get(3), ids.get(4), after);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(got.get(i + 1).payload()).isEqualTo(batch.get(i));
        }
        assertThat(events.stream().filter(e -> e instanceof QueueEvent.Enqueued)).hasSize(7);
    }

    @Test
    void shouldKeepBatchEnqueuedAndBatchAckedAcrossReopen() {
        List<EnqueueResult> rs = q.enqueueAll(jsons("{\"i\":1}", "{\"i\":2}", "{\"i\":3}"),
                EnqueueOptions.none());
        List<ClaimedJob> two = q.claim(2, VIS);
        List<AckResult> acked = q.ackAll(two.stream().map(Ack::of).toList());
        assertThat(acked).allMatch(AckResult::acked);
        reopenWith(config);
        List<ClaimedJob> left = q.claim(10, VIS);
        assertThat(left).extracting(ClaimedJob::id).containsExactly(rs.get(2).id());
        assertThat(left.get(0).payload()).isEqualTo(json("{\"i\":3}"));
    }

    @Test
    void shouldReturnNothingForEmptyBatches() {
        assertThat(q.enqueueAll(List.of(), EnqueueOptions.none())).isEmpty();
        assertThat(q.ackAll(List.of())).isEmpty();
        assertThat(q.stats().depth()).isZero();
    }

    @Test
    void shouldApplyBatchDelayToEveryJob() {
        q.enqueueAll(jsons("{}", "{}"), EnqueueOptions.delayed(5_000));
        assertThat(q.stats().delayed()).isEqualTo(2);
        clock.advance(4_999);
        assertThat(q.claim(10, VIS)).isEmpty();
        clock.advance(1);
        assertThat(q.claim(10, VIS)).hasSize(2);
    }

    @Test
    void shouldRefuseDedupKeyInBatch() {
        assertThatThrownBy(() -> q.enqueueAll(jsons("{}"), EnqueueOptions.dedup("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dedupKey");
        assertThat(q.stats().depth()).isZero();
    }

    @Test
    void shouldRefuseWholeBatchPastMaxPending() {
        reopenWith(config.withLimits(3, QueueConfig.DEFAULT_MAX_BYTES, 1024));
        put("{}");
        assertThatThrownBy(() -> q.enqueueAll(jsons("{}", "{}", "{}"), EnqueueOptions.none()))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("QUEUE_MAX_PENDING 3")
                .hasMessageContaining("nothing of the batch was stored");
        assertThat(q.stats().depth()).isEqualTo(1);
        assertThat(q.enqueueAll(jsons("{}", "{}"), EnqueueOptions.none())).hasSize(2);
        assertThat(q.stats().depth()).isEqualTo(3);
        assertThat(q.claim(10, VIS)).hasSize(3);
    }

    @Test
    void shouldRefuseWholeBatchPastMaxBytes() {
        reopenWith(config.withLimits(1000, 1024, 512));
        q.enqueue(new byte[300]);
        assertThatThrownBy(() -> q.enqueueAll(List.of(new byte[10], new byte[300]),
                EnqueueOptions.none())).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("QUEUE_MAX_BYTES");
        assertThat(q.stats().depth()).isEqualTo(1);
        assertThat(q.claim(10, VIS)).hasSize(1);
    }

    @Test
    void shouldRefuseWholeBatchWhenOneJobIsTooLarge() {
        reopenWith(config.withLimits(1000, 1 << 20, 100));
        assertThatThrownBy(() -> q.enqueueAll(List.of(new byte[10], new byte[101]),
                EnqueueOptions.none())).isInstanceOf(JobTooLargeException.class)
                .hasMessageContaining("101");
        assertThat(q.stats().depth()).isZero();
    }

    @Test
    void shouldAckBatchJudgingEachItemOnItsOwn() {
        List<EnqueueResult> rs = q.enqueueAll(jsons("{\"a\":1}", "{\"b\":1}", "{\"c\":1}",
                "{\"d\":1}"), EnqueueOptions.none());
        List<ClaimedJob> js = q.claim(4, VIS);
        ClaimedJob a = js.get(0);
        ClaimedJob b = js.get(1);
        ClaimedJob c = js.get(2);
        ClaimedJob d = js.get(3);
        q.ack(b.id(), b.receipt()); // b's receipt is now stale
        q.nack(d.id(), d.receipt(), 0L);
        ClaimedJob d2 = claimOne(); // d claimed again: the old receipt must not touch it
        List<AckResult> out = q.ackAll(List.of(Ack.of(a), Ack.of(b), new Ack(999, "1"), Ack.of(d),
                Ack.of(c), Ack.of(c)));
        assertThat(out).extracting(AckResult::id).containsExactly(a.id(), b.id(), 999L, d.id(),
                c.id(), c.id());
        assertThat(out).extracting(AckResult::status).containsExactly(AckResult.Status.ACKED,
                AckResult.Status.STALE_RECEIPT, AckResult.Status.UNKNOWN_JOB,
                AckResult.Status.STALE_RECEIPT, AckResult.Status.ACKED,
                AckResult.Status.STALE_RECEIPT);
        assertThat(out.get(1).detail()).contains("job " + b.id()).contains("stale");
        assertThat(out.get(2).detail()).contains("999");
        assertThat(out.get(0).detail()).isNull();
        QueueStats s = q.stats();
        assertThat(s.depth()).isEqualTo(1);
        assertThat(s.inFlight()).isEqualTo(1);
        q.ack(d2.id(), d2.receipt());
        assertThat(q.stats().depth()).isZero();
        assertThat(rs).hasSize(4);
        assertThat(events.stream().filter(e -> e instanceof QueueEvent.Acked)).hasSize(4);
    }

    @Test
    void shouldRefuseMalformedReceiptInBatchAndApplyNothing() {
        q.enqueueAll(jsons("{}", "{}"), EnqueueOptions.none());
        List<ClaimedJob> js = q.claim(2, VIS);
        assertThatThrownBy(() -> q.ackAll(List.of(Ack.of(js.get(0)),
                new Ack(js.get(1).id(), "not-a-receipt"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks[1].receipt");
        assertThat(q.stats().inFlight()).isEqualTo(2);
        assertThat(q.ackAll(js.stream().map(Ack::of).toList())).allMatch(AckResult::acked);
    }

    @Test
    void shouldCompleteAsyncEnqueueWithTheIdOnceStored() throws Exception {
        CompletableFuture<EnqueueResult> f = q.enqueueAsync(json("{\"async\":1}"),
                EnqueueOptions.none());
        EnqueueResult r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.duplicate()).isFalse();
        assertThat(events).anyMatch(e -> e instanceof QueueEvent.Enqueued en && en.id() == r.id());
        ClaimedJob j = claimOne();
        assertThat(j.id()).isEqualTo(r.id());
        assertThat(j.payload()).isEqualTo(json("{\"async\":1}"));
        EnqueueResult dup = q.enqueueAsync(json("{}"), EnqueueOptions.dedup("k"))
                .thenCompose(first -> q.enqueueAsync(json("{}"), EnqueueOptions.dedup("k")))
                .get(30, TimeUnit.SECONDS);
        assertThat(dup.duplicate()).isTrue();
    }

    @Test
    void shouldCompleteManyConcurrentAsyncEnqueuesEachWithItsOwnId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<CompletableFuture<EnqueueResult>>>> fs = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int pp = p;
                fs.add(pool.submit(() -> {
                    List<CompletableFuture<EnqueueResult>> mine = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        mine.add(q.enqueueAsync(json("{\"p\":" + pp + ",\"i\":" + i + "}"),
                                EnqueueOptions.none()));
                    }
                    return mine;
                }));
            }
            Set<Long> ids = new HashSet<>();
            for (Future<List<CompletableFuture<EnqueueResult>>> f : fs) {
                for (CompletableFuture<EnqueueResult> c : f.get(60, TimeUnit.SECONDS)) {
                    ids.add(c.get(60, TimeUnit.SECONDS).id());
                }
            }
            assertThat(ids).hasSize(800);
            reopenWith(config);
            Set<Long> claimed = new HashSet<>();
            List<ClaimedJob> js;
            while (!(js = q.claim(500, VIS)).isEmpty()) {
                js.forEach(j -> claimed.add(j.id()));
            }
            assertThat(claimed).isEqualTo(ids);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldCompleteAsyncEnqueueExceptionallyWhenRefused() {
        reopenWith(config.withLimits(1, QueueConfig.DEFAULT_MAX_BYTES, 100));
        put("{}");
        CompletableFuture<EnqueueResult> full = q.enqueueAsync(json("{}"), EnqueueOptions.none());
        assertThatThrownBy(() -> full.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(QueueFullException.class);
        CompletableFuture<EnqueueResult> big = q.enqueueAsync(new byte[101],
                EnqueueOptions.none());
        assertThatThrownBy(() -> big.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(JobTooLargeException.class);
        q.close();
        CompletableFuture<EnqueueResult> closed = q.enqueueAsync(json("{}"),
                EnqueueOptions.none());
        assertThatThrownBy(() -> closed.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(QueueClosedException.class);
        q = null;
    }

    @Test
    void shouldRefuseCallsAfterClose() {
        q.close();
        assertThatThrownBy(() -> put("{}")).isInstanceOf(QueueClosedException.class);
        q.close();
        q = null;
    }

    @Test
    void shouldListInFlightJobsWithTheirAgeAttemptAndConsumer() {
        long a = put("{\"n\":1}");
        long b = put("{\"n\":2}");
        long c = put("{\"n\":3}");
        List<ClaimedJob> first = q.claim(1, VIS, "worker-0");
        clock.advance(4_000);
        List<ClaimedJob> second = q.claim(1, VIS, null);
        clock.advance(1_000);
        q.extend(first.get(0).id(), first.get(0).receipt(), VIS); // extends keep the claim time

        List<InFlightJob> all = q.inFlight(0, 100);
        assertThat(all).extracting(InFlightJob::id).containsExactly(a, b); // c is ready
        InFlightJob one = all.get(0);
        assertThat(one.attempt()).isEqualTo(1);
        assertThat(one.ageMs()).isEqualTo(5_000);
        assertThat(one.claimedAt()).isEqualTo(clock.getAsLong() - 5_000);
        assertThat(one.consumer()).isEqualTo("worker-0");
        assertThat(one.visibleUntil()).isEqualTo(clock.getAsLong() + VIS);
        assertThat(all.get(1).ageMs()).isEqualTo(1_000);
        assertThat(all.get(1).consumer()).isNull();
        assertThat(all.get(1).visibleUntil()).isEqualTo(second.get(0).visibleUntil());

        assertThat(q.inFlight(2_000, 100)).extracting(InFlightJob::id).containsExactly(a);
        assertThat(q.inFlight(5_001, 100)).isEmpty();
        assertThat(q.inFlight(0, 1)).extracting(InFlightJob::id).containsExactly(a);
        assertThat(c).isGreaterThan(b);
    }

    @Test
    void shouldDropSettledAndLapsedClaimsFromTheInFlightList() {
        long a = put("{}");
        long b = put("{}");
        List<ClaimedJob> jobs = q.claim(2, VIS, "w");
        q.ack(jobs.get(0).id(), jobs.get(0).receipt());
        assertThat(q.inFlight(0, 10)).extracting(InFlightJob::id).containsExactly(b);
        clock.advance(VIS); // b's claim lapses
        assertThat(q.inFlight(0, 10)).isEmpty();
        List<ClaimedJob> again = q.claim(1, VIS, "other");
        assertThat(q.inFlight(0, 10)).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(b);
            assertThat(j.attempt()).isEqualTo(2);
            assertThat(j.ageMs()).isZero();
            assertThat(j.consumer()).isEqualTo("other");
        });
        assertThat(again).hasSize(1);
        assertThat(a).isLessThan(b);
    }

    @Test
    void shouldCutLongConsumerNamesAndRefuseBadInFlightArguments() {
        put("{}");
        q.claim(1, VIS, "x".repeat(500));
        assertThat(q.inFlight(0, 10).get(0).consumer()).hasSize(InFlightJob.MAX_CONSUMER_LENGTH);
        assertThatThrownBy(() -> q.inFlight(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minAgeMs");
        assertThatThrownBy(() -> q.inFlight(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void shouldKeepAClaimsTimeButNotItsConsumerAcrossAReopen() {
        long a = put("{}");
        q.claim(1, VIS, "worker-1");
        clock.advance(3_000);
        reopenWith(config);
        InFlightJob j = q.inFlight(0, 10).get(0);
        assertThat(j.id()).isEqualTo(a);
        assertThat(j.ageMs()).isEqualTo(3_000);
        assertThat(j.attempt()).isEqualTo(1);
        // consumers live in memory with the claim; a backend that keeps its store may keep it
        assertThat(j.consumer()).isIn(null, "worker-1");
    }

    @Test
    void shouldExtendManyClaimsAtOnceAndReportTheOnesNoLongerOwned() {
        put("{}");
        put("{}");
        put("{}");
        List<ClaimedJob> jobs = q.claim(3, VIS);
        q.ack(jobs.get(1).id(), jobs.get(1).receipt());
        clock.advance(VIS - 1);
        long[] until = q.extendAll(List.of(Ack.of(jobs.get(0)), Ack.of(jobs.get(1)),
                Ack.of(jobs.get(2)), new Ack(999, "5")), VIS);
        long now = clock.getAsLong();
        assertThat(until).containsExactly(now + VIS, -1, now + VIS, -1);
        clock.advance(VIS - 1);
        assertThat(q.claim(3, VIS)).isEmpty(); // both extended claims still hold
        assertThat(q.inFlight(0, 10)).extracting(InFlightJob::visibleUntil)
                .containsOnly(now + VIS);
        clock.advance(1);
        assertThat(q.claim(3, VIS)).extracting(ClaimedJob::id)
                .containsExactly(jobs.get(0).id(), jobs.get(2).id());
        assertThat(q.extendAll(List.of(), VIS)).isEmpty();
        assertThatThrownBy(() -> q.extendAll(List.of(new Ack(1, "x")), VIS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("receipt");
        assertThatThrownBy(() -> q.extendAll(List.of(Ack.of(jobs.get(0))), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepExtendedClaimsAcrossAReopen() {
        put("{}");
        ClaimedJob job = q.claim(1, VIS).get(0);
        clock.advance(VIS - 1);
        assertThat(q.extendAll(List.of(Ack.of(job)), VIS)[0]).isEqualTo(clock.getAsLong() + VIS);
        reopenWith(config);
        clock.advance(VIS - 1);
        assertThat(q.claim(1, VIS)).isEmpty();
        q.ack(job.id(), job.receipt());
    }
}
