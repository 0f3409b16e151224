package io.spark.day9;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorWiringTest {
    @TempDir
    Path dir;

    @Test
    void componentsStartInDependencyOrderWithTheOrderRouterBetweenShadowAndWorker()
            throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            // stop is the reverse: http, snapshot-schedule (the shutdown snapshot, while the
            // rest is up), worker, emergency (a restart finishes an interrupted stop before
            // the worker and HTTP start), orders, shadow, ... snapshots (restore, before every
            // owner of a restorable section starts), audit, the scheduler last
            assertThat(server.executor().lifecycle().health().keySet()).containsExactly(
                    "scheduler", "audit", "audit-batcher", "snapshots", "queue", "sim-exchange",
                    "market", "chaos", "shadow", "orders", "emergency", "worker",
                    "snapshot-schedule", "http");
        }
    }

    @Test
    void aJobTheWorkerDeadLettersIsAuditedFromTheQueueEvent() throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            server.post("/api/private/queue/enqueue", "{\"job\":\"launch-rockets\"}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode entry = Json.mapper().readTree(
                        server.get("/api/private/audit?limit=1").body()).get("entries").get(0);
                assertThat(entry.get("action").asText()).isEqualTo("queue.dead");
                assertThat(entry.get("actor").asText()).isEqualTo("queue");
                assertThat(entry.get("after").get("reason").asText())
                        .isEqualTo("no handler for job type \"launch-rockets\"");
            });
        }
    }
}
