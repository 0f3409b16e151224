package io.spark.day9.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's parking lot and pauses, inside a real executor on the manual clock. */
class WorkerParkingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A handler that parks while the gate is shut and records what it ran once it is open. */
    static final class Gate implements JobHandler {
        final AtomicBoolean open = new AtomicBoolean();
        final List<long[]> ran = new CopyOnWriteArrayList<>();

        @Override
        public Outcome handle(Job job) {
            if (!open.get()) {
                return Outcome.park("trading halted");
            }
            ran.add(new long[] {job.id(), job.attempt()});
            return Outcome.ACK;
        }
    }

    private static JsonNode json(String body) throws Exception {
        return Json.mapper().readTree(body);
    }

    private static JsonNode stats(TestExecutor s) throws Exception {
        return json(s.get("/api/private/queue/stats").body());
    }

    private static void advance(ManualScheduler time, Duration total) {
        for (long t = 0; t < total.toMillis(); t += 20) {
            time.advance(Duration.ofMillis(20));
        }
    }

    @Test
    void parkedJobsKeepTheirClaimAndDeliveryCountAndAreReleasedInIdOrder() throws Exception {
        ManualScheduler time = new ManualScheduler();
        Gate gate = new Gate();
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_VISIBILITY_MS", "200",
                "QUEUE_WORKER_THREADS", "1"), time)) {
            Worker worker = s.executor().worker();
            worker.register("gated", gate);
            for (int i = 0; i < 3; i++) {
                s.post("/api/private/queue/enqueue", "{\"job\":\"gated\",\"n\":" + i + "}");
            }
            await().atMost(WAIT).until(() -> worker.parked() == 3);
            // five visibilities pass: the lot's heartbeat keeps every claim
            advance(time, Duration.ofMillis(1_000));
            JobQueue queue = s.executor().queues().defaultQueue();
            assertThat(queue.claim(1, 1_000)).isEmpty();
            JsonNode inflight = json(s.get("/api/private/queue/inflight").body());
            assertThat(inflight.get("inFlight")).hasSize(3);
            for (JsonNode j : inflight.get("inFlight")) {
                assertThat(j.get("parked").asBoolean()).isTrue();
                assertThat(j.get("attempt").asInt()).isEqualTo(1);
                assertThat(j.get("consumer").asText()).isEqualTo("day9-worker-0");
                assertThat(j.get("ageMs").asLong()).isGreaterThanOrEqualTo(1_000);
            }
            assertThat(s.get("/metrics").body())
                    .contains("spark_queue_parked_jobs{queue=\"signals\"} 3.0");
            JsonNode health = json(s.get("/api/private/health").body());
            assertThat(health.toString()).contains("\"parked\":3");

            gate.open.set(true);
            assertThat(worker.releaseParked()).isEqualTo(3);
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("depth").asLong()).isZero());
            assertThat(gate.ran).extracting(r -> r[0]).containsExactly(1L, 2L, 3L);
            assertThat(gate.ran).extracting(r -> r[1]).containsOnly(1L); // no delivery counted
            assertThat(worker.parked()).isZero();
        }
    }

    @Test
    void aReleasedJobStillRefusedParksAgain() throws Exception {
        Gate gate = new Gate();
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_WORKER_THREADS", "1"))) {
            Worker worker = s.executor().worker();
            worker.register("gated", gate);
            s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            await().atMost(WAIT).until(() -> worker.parked() == 1);
            worker.releaseParked(); // the gate is still shut
            await().atMost(WAIT).untilAsserted(() -> assertThat(s.get("/metrics").body())
                    .contains("spark_worker_jobs_total{outcome=\"parked\",queue=\"signals\","
                            + "route=\"gated\"} 2.0"));
            assertThat(worker.parked()).isEqualTo(1);
            assertThat(gate.ran).isEmpty();
        }
    }

    @Test
    void aFullLotStopsClaimingSoOtherJobsWaitAndHealthSaysWhy() throws Exception {
        Gate gate = new Gate();
        List<Long> others = new CopyOnWriteArrayList<>();
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_WORKER_THREADS", "1",
                "QUEUE_PARK_MAX", "2"))) {
            Worker worker = s.executor().worker();
            worker.register("gated", gate);
            worker.register("other", job -> {
                others.add(job.id());
                return JobHandler.Outcome.ACK;
            });
            s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            s.post("/api/private/queue/enqueue", "{\"job\":\"other\"}");
            await().atMost(WAIT).until(() -> worker.parked() == 2);
            await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("ready").asLong()).isEqualTo(1));
            assertThat(others).isEmpty();
            JsonNode w = json(s.get("/api/private/health").body()).findValue("worker");
            assertThat(w.toString()).contains("DEGRADED").contains("park lot full")
                    .contains("\"claiming\":false");

            gate.open.set(true);
            worker.releaseParked();
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("depth").asLong()).isZero());
            assertThat(others).containsExactly(3L);
        }
    }

    @Test
    void stoppingGivesParkedJobsBackSoARestartDeliversThem() throws Exception {
        Gate gate = new Gate();
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_WORKER_THREADS", "1"))) {
            s.executor().worker().register("gated", gate);
            for (int i = 0; i < 40; i++) { // more than the give-back threads: nacked in parallel
                s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            }
            await().atMost(WAIT).until(() -> s.executor().worker().parked() == 40);
        }
        try (TestExecutor again = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED",
                "false"))) {
            JsonNode st = stats(again);
            assertThat(st.get("inFlight").asLong()).isZero();
            assertThat(st.get("ready").asLong()).isEqualTo(40);
            List<ClaimedJob> jobs = again.executor().queues().defaultQueue().claim(40, 1_000);
            assertThat(jobs).hasSize(40).extracting(ClaimedJob::attempt).containsOnly(2);
        }
    }

    @Test
    void theEmergencyPauseStopsClaimingUntilLiftedAndEnqueueGoesOn() throws Exception {
        List<Long> ran = new CopyOnWriteArrayList<>();
        try (TestExecutor s = TestExecutor.start(dir, Map.of())) {
            Worker worker = s.executor().worker();
            worker.register("work", job -> {
                ran.add(job.id());
                return JobHandler.Outcome.ACK;
            });
            worker.pause(true);
            assertThat(s.post("/api/private/queue/enqueue", "{\"job\":\"work\"}").statusCode())
                    .isEqualTo(200);
            await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("ready").asLong()).isEqualTo(1));
            assertThat(ran).isEmpty();
            assertThat(json(s.get("/api/private/health").body()).findValue("worker").toString())
                    .contains("\"paused\":true").contains("\"operatorPaused\":false");
            worker.pause(false);
            await().atMost(WAIT).untilAsserted(() -> assertThat(ran).containsExactly(1L));
        }
    }

    @Test
    void aParkedJobWhoseClaimIsLostLeavesTheLot() throws Exception {
        ManualScheduler time = new ManualScheduler();
        Gate gate = new Gate();
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_VISIBILITY_MS", "200",
                "QUEUE_WORKER_THREADS", "1"), time)) {
            Worker worker = s.executor().worker();
            worker.register("gated", gate);
            s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            await().atMost(WAIT).until(() -> worker.parked() == 1);
            // someone else settles the delivery (receipts are the claim sequence: the first is
            // "1"): the worker's claim is gone
            s.executor().queues().defaultQueue().ack(1, "1");
            advance(time, Duration.ofMillis(200)); // the lot's heartbeat finds out
            assertThat(worker.parked()).isZero();
            worker.releaseParked();
            assertThat(gate.ran).isEmpty();
        }
    }

    @Test
    void aReleaseUnderTwoThreadsRunsEveryParkedJobOnceOnItsFirstDelivery() throws Exception {
        Gate gate = new Gate();
        try (TestExecutor s = TestExecutor.start(dir, Map.of("QUEUE_WORKER_THREADS", "2"))) {
            Worker worker = s.executor().worker();
            worker.register("gated", gate);
            for (int i = 0; i < 40; i++) {
                s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            }
            await().atMost(WAIT).until(() -> worker.parked() == 40);
            gate.open.set(true);
            worker.releaseParked();
            for (int i = 0; i < 10; i++) { // new jobs arrive while the lot drains
                s.post("/api/private/queue/enqueue", "{\"job\":\"gated\"}");
            }
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("depth").asLong()).isZero());
            assertThat(gate.ran).extracting(r -> r[0]).doesNotHaveDuplicates().hasSize(50);
            assertThat(gate.ran).extracting(r -> r[1]).containsOnly(1L);
            assertThat(worker.parked()).isZero();
        }
    }
}
