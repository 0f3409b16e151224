package io.spark.day9.api;

import static io.spark.day9.api.EmergencyApiTest.ADMIN;
import static io.spark.day9.api.EmergencyApiTest.ENV;
import static io.spark.day9.api.EmergencyApiTest.admin;
import static io.spark.day9.api.EmergencyApiTest.json;
import static io.spark.day9.api.EmergencyApiTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop over HTTP against a real executor with the embedded simulator and the built-in
 * worker: it cancels the resting order, refuses HTTP orders with 409 {@code trading-halted},
 * parks queued order jobs while enqueue still answers 200, and a resume without a restart lets
 * the parked jobs through in their queue order. A stop also holds across a restart.
 */
class EmergencyOrdersTest {
    private static final String RESTING = "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\","
            + "\"type\":\"LIMIT\",\"price\":\"1000.00\",\"quantity\":\"0.01\"";

    private static TestExecutor started(Path dir, Map<String, String> env) throws Exception {
        TestExecutor s = TestExecutor.start(dir, env);
        await().atMost(Duration.ofSeconds(20)).until(() -> s.executor().market().stream()
                .allSynced());
        return s;
    }

    private static HttpResponse<String> order(TestExecutor s, String clientId, String strategy)
            throws Exception {
        return s.post("/api/private/order", RESTING + ",\"clientOrderId\":\"" + clientId
                + "\",\"strategy\":\"" + strategy + "\"}", "Authorization",
                "Bearer " + TestExecutor.TOKEN);
    }

    @Test
    void aStopHaltsHttpOrdersParksQueuedOnesAndAResumeLetsThemFlowInOrder(@TempDir Path dir)
            throws Exception {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("QUEUE_WORKER_ENABLED", "true");
        env.put("QUEUE_WORKER_THREADS", "1"); // one consumer: queue order is placement order
        try (TestExecutor s = started(dir, env)) {
            HttpResponse<String> resting = order(s, "rest-1", "alpha");
            assertThat(resting.statusCode()).as(resting.body()).isEqualTo(200);
            assertThat(json(resting).at("/order/status").asText()).isEqualTo("NEW");

            HttpResponse<String> stop = admin(s, "POST", "/api/private/emergency/stop",
                    "{\"reason\":\"drill\"}");
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
            JsonNode result = json(stop);
            assertThat(result.get("verified").asBoolean()).as(stop.body()).isTrue();
            assertThat(result.get("cancelled").findValuesAsText("clientOrderId"))
                    .contains("rest-1");

            HttpResponse<String> refused = order(s, "after-1", "alpha");
            assertThat(refused.statusCode()).isEqualTo(409);
            JsonNode problem = json(refused);
            assertThat(problem.get("type").asText()).isEqualTo("urn:day9:problem:trading-halted");
            assertThat(problem.get("mode").asText()).isEqualTo("HALTED");
            assertThat(problem.get("scope").asText()).isEqualTo("all");
            assertThat(problem.get("reason").asText()).isEqualTo("drill");
            assertThat(problem.get("since").asText()).endsWith("Z");
            assertThat(sample(s.get("/metrics").body(), "spark_emergency_orders_refused_total"))
                    .isGreaterThanOrEqualTo(1);

            List<String> ids = List.of("q-1", "q-2", "q-3");
            for (String id : ids) {
                HttpResponse<String> enq = s.post("/api/private/queue/enqueue",
                        "{\"job\":\"order\",\"data\":" + RESTING + ",\"clientOrderId\":\"" + id
                                + "\",\"strategy\":\"queued\"}}", "Authorization",
                        "Bearer " + TestExecutor.TOKEN);
                assertThat(enq.statusCode()).as("enqueue keeps accepting: " + enq.body())
                        .isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> json(admin(s, "GET",
                    "/api/private/emergency", null)).get("parkedOrderJobs").asLong() == 3);
            for (String id : ids) {
                assertThat(s.get("/api/private/order/shadow/" + id, "Authorization",
                        "Bearer " + ADMIN).statusCode()).as(id + " not placed").isEqualTo(404);
            }

            HttpResponse<String> resumed = admin(s, "POST", "/api/private/emergency/resume", "");
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> {
                try {
                    return s.get("/api/private/order/shadow/" + id, "Authorization",
                            "Bearer " + ADMIN).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }));
            // the shadow order ids end in the executor's creation sequence number
            List<Long> created = new ArrayList<>();
            for (String id : ids) {
                String orderId = json(s.get("/api/private/order/shadow/" + id, "Authorization",
                        "Bearer " + ADMIN)).get("orderId").asText();
                created.add(Long.parseLong(orderId.substring(orderId.lastIndexOf('-') + 1)));
            }
            assertThat(created).as("placed in queue order").isSorted();
            assertThat(order(s, "after-resume", "alpha").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aStopRefusesOrdersAgainAfterARestartUntilResumed(@TempDir Path dir) throws Exception {
        try (TestExecutor first = started(dir, ENV)) {
            assertThat(admin(first, "POST", "/api/private/emergency/stop",
                    "{\"reason\":\"hold\",\"scope\":{\"strategies\":[\"alpha\"]}}").statusCode())
                    .isEqualTo(200);
        }
        try (TestExecutor second = started(dir, ENV)) {
            HttpResponse<String> refused = order(second, "r-1", "alpha");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(json(refused).get("scope").asText()).isEqualTo("strategy=alpha");
            assertThat(order(second, "r-2", "beta").statusCode()).as("out of scope")
                    .isEqualTo(200);
            assertThat(admin(second, "POST", "/api/private/emergency/resume",
                    "{\"scope\":{\"strategies\":[\"alpha\"]}}").statusCode()).isEqualTo(200);
            assertThat(order(second, "r-3", "alpha").statusCode()).isEqualTo(200);
        }
    }
}
