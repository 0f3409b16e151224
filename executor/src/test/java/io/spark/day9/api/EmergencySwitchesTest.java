package io.spark.day9.api;

import static io.spark.day9.api.EmergencyApiTest.ENV;
import static io.spark.day9.api.EmergencyApiTest.admin;
import static io.spark.day9.api.EmergencyApiTest.json;
import static io.spark.day9.api.EmergencyApiTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-man switch over HTTP on the manual clock (it fires, stops its scope with reason
 * {@code dead-man}, and the metrics and audit log say so), and the run-time shadow switch in
 * the mode where {@code SHADOW_LIVE_ENABLED} has an effect and in one where it has none.
 */
class EmergencySwitchesTest {

    @Test
    void theDeadManSwitchFiresOnTheManualClockAndStopsItsScope(@TempDir Path dir)
            throws Exception {
        ManualScheduler time = new ManualScheduler();
        try (TestExecutor s = TestExecutor.start(dir, ENV, time)) {
            HttpResponse<String> beat = s.post("/api/private/emergency/heartbeat",
                    "{\"timeoutMs\":5000,\"scope\":{\"strategies\":[\"bot\"]}}",
                    "Authorization", "Bearer " + TestExecutor.TOKEN);
            assertThat(beat.statusCode()).as(beat.body()).isEqualTo(200);
            assertThat(json(beat).get("firesAt").asLong() - json(beat).get("lastBeatAt")
                    .asLong()).isEqualTo(5000);
            time.advance(Duration.ofMillis(4999));
            assertThat(json(admin(s, "GET", "/api/private/emergency", null)).get("stops"))
                    .as("not yet").isEmpty();
            time.advance(Duration.ofMillis(1));
            await().atMost(Duration.ofSeconds(20)).until(() -> json(admin(s, "GET",
                    "/api/private/emergency", null)).get("stops").size() == 1);
            JsonNode state = json(admin(s, "GET", "/api/private/emergency", null));
            assertThat(state.at("/stops/0/reason").asText()).isEqualTo("dead-man");
            assertThat(state.at("/stops/0/scope/strategies/0").asText()).isEqualTo("bot");
            assertThat(state.at("/deadMan/armed").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String metrics = s.get("/metrics").body();
                assertThat(sample(metrics, "spark_emergency_stops_total{reason=\"dead-man\"}"))
                        .isEqualTo(1);
                assertThat(sample(metrics, "spark_deadman_armed")).isZero();
                assertThat(sample(metrics,
                        "spark_emergency_active{scope=\"strategy=bot\"}")).isEqualTo(1);
                time.advance(Duration.ofMillis(10)); // lets the audit batcher's timer run
                assertThat(admin(s, "GET", "/api/private/audit?limit=50", null).body())
                        .contains("\"deadman.arm\"").contains("\"deadman.fire\"")
                        .contains("\"emergency.stop\"");
            });
        }
    }

    @Test
    void shadowExecutionGoesOffAndOnAtRunTimeInLiveWithLiveDisabled(@TempDir Path dir)
            throws Exception {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("TRADE_MODE", "live");
        env.put("LIVE_ENABLED", "false");
        env.put("SHADOW_LIVE_ENABLED", "true");
        try (TestExecutor s = TestExecutor.start(dir, env)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> s.executor().market().stream()
                    .allSynced());
            String order = "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"type\":\"LIMIT\","
                    + "\"price\":\"1000.00\",\"quantity\":\"0.01\"}";
            HttpResponse<String> off = admin(s, "POST", "/api/private/emergency/shadow",
                    "{\"enabled\":false}");
            assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
            assertThat(json(off).get("shadowExecution").asBoolean()).isFalse();
            HttpResponse<String> refused = s.post("/api/private/order", order,
                    "Authorization", "Bearer " + TestExecutor.TOKEN);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            HttpResponse<String> on = admin(s, "POST", "/api/private/emergency/shadow",
                    "{\"enabled\":true}");
            assertThat(json(on).get("shadowExecution").asBoolean()).isTrue();
            assertThat(s.post("/api/private/order", order, "Authorization",
                    "Bearer " + TestExecutor.TOKEN).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    admin(s, "GET", "/api/private/audit?limit=50", null).body())
                    .contains("\"emergency.shadow\""));
        }
    }

    @Test
    void switchingShadowOffWhereTheVariableHasNoEffectIsA409(@TempDir Path dir)
            throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, ENV)) { // paper: always simulated
            HttpResponse<String> off = admin(s, "POST", "/api/private/emergency/shadow",
                    "{\"enabled\":false}");
            assertThat(off.statusCode()).as(off.body()).isEqualTo(409);
            assertThat(json(off).get("type").asText())
                    .isEqualTo("urn:day9:problem:shadow-switch-refused");
            assertThat(json(admin(s, "GET", "/api/private/emergency", null))
                    .get("shadowExecution").asBoolean()).as("nothing changed").isTrue();
        }
    }
}
