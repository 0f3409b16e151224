package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency routes over real HTTP against a real executor: the stop's answer, status,
 * resume, the dead-man switch's arm and disarm, bad bodies, chaos that cannot touch them, and
 * the metrics and audit entries they leave.
 */
class EmergencyApiTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final Map<String, String> ENV = Map.of("API_TOKEN", TestExecutor.TOKEN,
            "ADMIN_TOKEN", ADMIN, "QUEUE_WORKER_ENABLED", "false");
    private static TestExecutor server;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        server = TestExecutor.start(dir, ENV);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void resumeAll() throws Exception {
        admin("POST", "/api/private/emergency/resume", "");
        admin("DELETE", "/api/private/emergency/heartbeat", null);
        admin("POST", "/api/private/chaos/off", "");
    }

    static HttpResponse<String> admin(TestExecutor s, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return s.send(b);
    }

    private static HttpResponse<String> admin(String method, String path, String body)
            throws Exception {
        return admin(server, method, path, body);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    /** The value of one sample line of the exposition ({@code name{labels}}), or -1. */
    static double sample(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip());
            }
        }
        return -1;
    }

    @Test
    void aStopAnswersItsStepsAndVerifiedAndHoldsUntilResumed() throws Exception {
        String stopsSeries = "spark_emergency_stops_total{reason=\"operator\"}";
        double stopsBefore = sample(server.get("/metrics").body(), stopsSeries);
        HttpResponse<String> r = admin("POST", "/api/private/emergency/stop",
                "{\"reason\":\"drill\",\"scope\":{\"symbols\":[\"BTCUSDT\"]},"
                        + "\"mode\":\"REDUCING\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode stop = json(r);
        assertThat(stop.get("verified").isBoolean()).isTrue();
        assertThat(stop.at("/stop/reason").asText()).isEqualTo("drill");
        assertThat(stop.at("/stop/mode").asText()).isEqualTo("REDUCING");
        assertThat(stop.at("/stop/scope/symbols/0").asText()).isEqualTo("BTCUSDT");
        assertThat(stop.at("/stop/actor").asText()).startsWith("admin@");
        assertThat(stop.get("steps").findValuesAsText("name")).startsWith("refuse", "persist",
                "chaos-off", "cancel", "pause").endsWith("verify");
        assertThat(stop.get("stopSeconds").asDouble()).isPositive();

        JsonNode state = json(server.get("/api/private/emergency", "Authorization",
                "Bearer " + TestExecutor.TOKEN));
        assertThat(state.get("mode").asText()).isEqualTo("REDUCING");
        assertThat(state.get("stops")).hasSize(1);
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("spark_emergency_active{scope=\"symbol=BTCUSDT\"} 1.0")
                .contains("spark_emergency_active{scope=\"all\"} 0.0")
                .contains("spark_emergency_stops_total{reason=\"dead-man\"} 0.0");
        assertThat(sample(metrics, stopsSeries)).isEqualTo(stopsBefore + 1);
        assertThat(sample(metrics, "spark_emergency_stop_duration_seconds_count"))
                .isGreaterThanOrEqualTo(1);

        // a resume of another scope is refused and changes nothing
        HttpResponse<String> other = admin("POST", "/api/private/emergency/resume",
                "{\"scope\":{\"symbols\":[\"ETHUSDT\"]}}");
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(other.body()).contains("urn:day9:problem:not-stopped");

        HttpResponse<String> resumed = admin("POST", "/api/private/emergency/resume",
                "{\"scope\":{\"symbols\":[\"BTCUSDT\"]}}");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(json(resumed).get("resumed")).hasSize(1);
        assertThat(json(resumed).at("/state/mode").asText()).isEqualTo("ACTIVE");
        assertThat(server.get("/metrics").body())
                .contains("spark_emergency_active{scope=\"symbol=BTCUSDT\"} 0.0");
        assertThat(admin("POST", "/api/private/emergency/resume", "").statusCode())
                .isEqualTo(409);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                server.get("/api/private/audit?limit=50", "Authorization", "Bearer " + ADMIN)
                        .body()).contains("\"emergency.stop\"").contains("\"emergency.verify\"")
                .contains("\"emergency.resume\""));
    }

    @Test
    void anEmptyBodyHaltsEverythingForAnUnspecifiedReason() throws Exception {
        HttpResponse<String> r = admin("POST", "/api/private/emergency/stop", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).at("/stop/reason").asText()).isEqualTo("unspecified");
        assertThat(json(r).at("/stop/mode").asText()).isEqualTo("HALTED");
        assertThat(json(r).at("/stop/scope/strategies")).isEmpty();
        assertThat(server.get("/metrics").body())
                .contains("spark_emergency_active{scope=\"all\"} 1.0");
    }

    @Test
    void badBodiesAre400sNamingTheField() throws Exception {
        String longReason = "x".repeat(501);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 65; i++) {
            many.append(i == 0 ? "" : ",").append("\"s").append(i).append('"');
        }
        many.append(']');
        Map<String, String> cases = Map.of(
                "{\"reason\":\"" + longReason + "\"}", "reason",
                "{\"mode\":\"ACTIVE\"}", "mode",
                "{\"scope\":{\"symbols\":[\"btc usdt\"]}}", "scope.symbols[0]",
                "{\"scope\":{\"strategies\":" + many + "}}", "scope.strategies",
                "{\"scope\":{\"strategies\":[\"a\"]},\"pauseQueue\":true}", "pauseQueue",
                "{\"flatten\":\"yes\"}", "flatten",
                "{\"surprise\":1}", "surprise");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = admin("POST", "/api/private/emergency/stop", c.getKey());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(json(r).get("errors").findValuesAsText("field")).as(c.getKey())
                    .contains(c.getValue());
        }
        HttpResponse<String> beat = server.post("/api/private/emergency/heartbeat",
                "{\"timeoutMs\":5}", "Authorization", "Bearer " + TestExecutor.TOKEN);
        assertThat(beat.statusCode()).isEqualTo(400);
        assertThat(json(beat).get("errors").findValuesAsText("field")).contains("timeoutMs");
        HttpResponse<String> shadow = admin("POST", "/api/private/emergency/shadow", "{}");
        assertThat(shadow.statusCode()).isEqualTo(400);
        assertThat(json(shadow).get("errors").findValuesAsText("field")).contains("enabled");
        // nothing was stopped by any of them
        assertThat(json(server.get("/api/private/emergency", "Authorization",
                "Bearer " + ADMIN)).get("stops")).isEmpty();
    }

    @Test
    void theDeadManSwitchIsArmedByATraderAndDisarmedByAnAdmin() throws Exception {
        HttpResponse<String> beat = server.post("/api/private/emergency/heartbeat",
                "{\"timeoutMs\":60000,\"scope\":{\"strategies\":[\"momentum\"]}}",
                "Authorization", "Bearer " + TestExecutor.TOKEN);
        assertThat(beat.statusCode()).as(beat.body()).isEqualTo(200);
        assertThat(json(beat).get("armed").asBoolean()).isTrue();
        assertThat(json(beat).get("timeoutMs").asLong()).isEqualTo(60_000);
        assertThat(server.get("/metrics").body()).contains("spark_deadman_armed 1.0");
        HttpResponse<String> byTrader = server.send(HttpRequest.newBuilder(
                server.uri("/api/private/emergency/heartbeat")).DELETE()
                .header("Authorization", "Bearer " + TestExecutor.TOKEN));
        assertThat(byTrader.statusCode()).isEqualTo(403);
        HttpResponse<String> off = admin("DELETE", "/api/private/emergency/heartbeat", null);
        assertThat(json(off).get("disarmed").asBoolean()).isTrue();
        assertThat(json(admin("DELETE", "/api/private/emergency/heartbeat", null))
                .get("disarmed").asBoolean()).isFalse();
        assertThat(server.get("/metrics").body()).contains("spark_deadman_armed 0.0");
    }

    @Test
    void fullChaosNeverStopsAStopAndTheStopTurnsChaosOff() throws Exception {
        HttpResponse<String> on = admin("POST", "/api/private/chaos/toggle",
                "{\"httpErrorPct\":100,\"latencyMs\":0}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(server.get("/api/private/health", "Authorization", "Bearer " + ADMIN)
                .statusCode()).as("chaos is on for ordinary routes").isGreaterThanOrEqualTo(500);
        HttpResponse<String> stop = admin("POST", "/api/private/emergency/stop",
                "{\"reason\":\"chaos drill\"}");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(stop.headers().firstValue(ChaosRoutes.MARKER)).isEmpty();
        assertThat(json(admin("GET", "/api/private/chaos", null)).get("enabled").asBoolean())
                .isFalse();
    }

    @Test
    void aTradingTokenCannotStopOrResume() throws Exception {
        assertThat(server.post("/api/private/emergency/stop", "{}", "Authorization",
                "Bearer " + TestExecutor.TOKEN).statusCode()).isEqualTo(403);
        assertThat(server.post("/api/private/emergency/resume", "{}", "Authorization",
                "Bearer " + TestExecutor.TOKEN).statusCode()).isEqualTo(403);
    }

    @Test
    void aStopHoldsAcrossARestart(@TempDir Path dir) throws Exception {
        try (TestExecutor first = TestExecutor.start(dir, ENV)) {
            assertThat(admin(first, "POST", "/api/private/emergency/stop",
                    "{\"reason\":\"before restart\",\"scope\":{\"strategies\":[\"a\"]}}")
                    .statusCode()).isEqualTo(200);
        }
        try (TestExecutor second = TestExecutor.start(dir, ENV)) {
            JsonNode state = json(admin(second, "GET", "/api/private/emergency", null));
            assertThat(state.get("mode").asText()).isEqualTo("HALTED");
            assertThat(state.at("/stops/0/reason").asText()).isEqualTo("before restart");
            assertThat(second.get("/metrics").body())
                    .contains("spark_emergency_active{scope=\"strategy=a\"} 1.0");
            assertThat(admin(second, "POST", "/api/private/emergency/resume", "")
                    .statusCode()).isEqualTo(200);
        }
    }
}
