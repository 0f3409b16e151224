package io.spark.day9.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in worker inside a real executor. */
class WorkerTest {
    @TempDir
    Path dir;

    private static double metric(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void theGuidesTestJobIsProcessedAndTheBacklogQueryReturnsToZero() throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            var r = server.post("/api/private/queue/enqueue",
                    "{\"job\":\"test-job-1\",\"data\":\"test-data\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = server.get("/metrics").body();
                double enq = metric(m, "spark_queue_enqueued_total{queue=\"signals\"}");
                double done = metric(m, "spark_queue_processed_total{queue=\"signals\"}");
                assertThat(enq).isEqualTo(1.0);
                assertThat(enq - done).isZero();
            });
            Path probe = dir.resolve("runtime/probe/processed.ndjson");
            JsonNode line = Json.mapper().readTree(Files.readAllLines(probe).get(0));
            assertThat(line.get("job").asText()).isEqualTo("test-job-1");
            assertThat(line.get("data").asText()).isEqualTo("test-data");
            assertThat(server.get("/metrics").body()).contains(
                    "spark_worker_jobs_total{outcome=\"ack\",queue=\"signals\",route=\"test*\"} 1.0");
        }
    }

    @Test
    void unknownJobTypesAndNonJobsGoToTheDeadLetterQueueWithAReason() throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            server.post("/api/private/queue/enqueue", "{\"job\":\"launch-rockets\"}");
            server.post("/api/private/queue/enqueue", "{\"not-a-job\":true}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    Json.mapper().readTree(server.get("/api/private/queue/stats").body())
                            .get("dead").asLong()).isEqualTo(2));
            JsonNode dead = Json.mapper().readTree(server.get("/api/private/queue/dlq").body())
                    .get("deadLetters");
            assertThat(dead.get(0).get("reason").asText())
                    .isEqualTo("no handler for job type \"launch-rockets\"");
            assertThat(dead.get(0).get("attempts").asInt()).isEqualTo(1);
            assertThat(dead.get(1).get("reason").asText()).contains("string \"job\" field");
            String m = server.get("/metrics").body();
            assertThat(metric(m, "spark_queue_enqueued_total{queue=\"signals\"}")
                    - metric(m, "spark_queue_processed_total{queue=\"signals\"}")).isZero();
        }
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffThenDeadLettered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (TestExecutor server = TestExecutor.start(dir, Map.of("QUEUE_MAX_DELIVERIES", "3",
                "QUEUE_BACKOFF_BASE_MS", "10", "QUEUE_BACKOFF_MAX_MS", "40"))) {
            server.executor().worker().register("explode", job -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            });
            server.post("/api/private/queue/enqueue", "{\"job\":\"explode\"}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    Json.mapper().readTree(server.get("/api/private/queue/stats").body())
                            .get("dead").asLong()).isEqualTo(1));
            assertThat(calls.get()).isEqualTo(3);
            assertThat(server.get("/metrics").body()).contains(
                    "spark_worker_jobs_total{outcome=\"error\",queue=\"signals\",route=\"explode\"} 3.0");
        }
    }

    @Test
    void aSlowHandlerIsHeartbeatedSoItIsNotRedelivered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ManualScheduler time = new ManualScheduler();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TestExecutor server = TestExecutor.start(dir, Map.of("QUEUE_VISIBILITY_MS", "200",
                "QUEUE_WORKER_THREADS", "2"), time)) {
            server.executor().worker().register("slow", job -> {
                calls.incrementAndGet();
                running.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                return JobHandler.Outcome.ACK;
            });
            server.post("/api/private/queue/enqueue", "{\"job\":\"slow\"}");
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            // five visibility timeouts pass on the queue's clock while the handler runs
            for (int i = 0; i < 50; i++) {
                time.advance(Duration.ofMillis(20));
            }
            // the heartbeats kept the claim: nobody else can claim the job now
            assertThat(server.executor().queues().defaultQueue().claim(1, 1_000)).isEmpty();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    Json.mapper().readTree(server.get("/api/private/queue/stats").body())
                            .get("depth").asLong()).isZero());
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void stoppingGivesBackClaimedJobsSoNothingIsStuckOrLost() throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            for (int i = 0; i < 50; i++) {
                server.post("/api/private/queue/enqueue",
                        "{\"job\":\"test-stop\",\"data\":{\"seq\":" + i + ",\"workMs\":20}}");
            }
        }
        // reopen with the worker off: whatever was not acked is claimable now, not in flight
        try (TestExecutor again = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED",
                "false"))) {
            JsonNode stats = Json.mapper().readTree(again.get("/api/private/queue/stats").body());
            long processed = Files.readAllLines(dir.resolve("runtime/probe/processed.ndjson"))
                    .size();
            assertThat(stats.get("inFlight").asLong()).isZero();
            assertThat(stats.get("ready").asLong() + processed).isEqualTo(50);
        }
    }
}
