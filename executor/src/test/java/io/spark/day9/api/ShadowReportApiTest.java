package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/private/shadow/report} on a running executor, over its own trail. */
class ShadowReportApiTest {

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private static String order(String side, String strategy, String id) {
        return "{\"symbol\":\"BTCUSDT\",\"side\":\"" + side + "\",\"type\":\"MARKET\","
                + "\"quantity\":\"0.001\",\"strategy\":\"" + strategy + "\",\"clientOrderId\":\""
                + id + "\"}";
    }

    @Test
    void reportsTheShadowOrdersPlacedThroughTheApi(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of())) {
            for (String[] o : new String[][] {{"BUY", "alpha", "a-1"}, {"SELL", "alpha", "a-2"},
                {"BUY", "beta", "b-1"}}) {
                var r = s.post("/api/private/order/shadow", order(o[0], o[1], o[2]));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            var bad = s.post("/api/private/order/shadow", order("BUY", "alpha", "a-3")
                    .replace("0.001", "0.0000001"));
            assertThat(bad.statusCode()).isEqualTo(400);

            var all = s.get("/api/private/shadow/report");
            assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
            JsonNode r = json(all);
            assertThat(r.at("/overall/orders/accepted").asInt()).isEqualTo(3);
            assertThat(r.at("/overall/orders/rejected").asInt()).isEqualTo(1);
            assertThat(r.at("/overall/latencyMs/shadow/n").asInt()).isEqualTo(3);
            assertThat(r.at("/overall/latencyMs/shadow/p99").isNumber()).isTrue();
            assertThat(r.at("/overall/pairs/count").asInt()).isZero(); // paper: nothing sent
            assertThat(r.get("strategies").has("alpha")).isTrue();
            assertThat(r.get("strategies").has("beta")).isTrue();
            assertThat(r.at("/strategies/alpha/orders/total").asInt()).isEqualTo(3);

            JsonNode alpha = json(s.get("/api/private/shadow/report?strategy=alpha&from="
                    + "2020-01-01&to=" + enc("2999-01-01T00:00:00Z")));
            assertThat(alpha.get("strategies").size()).isEqualTo(1);
            assertThat(alpha.at("/overall/orders/accepted").asInt()).isEqualTo(2);
            assertThat(json(s.get("/api/private/shadow/report?to=2020-01-01"))
                    .at("/overall/orders/total").asInt()).isZero();

            var html = s.get("/api/private/shadow/report?format=html&strategy=alpha");
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith(
                    "text/html");
            assertThat(html.body()).contains("data:image/png;base64,");
        }
    }

    @Test
    void badParametersAreProblemsNamingTheField(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of())) {
            for (String[] c : new String[][] {{"from=yesterday", "from"},
                {"to=2024-02-30", "to"}, {"from=2024-05-02&to=2024-05-01T00:00:00Z", "to"},
                {"format=pdf", "format"}}) {
                var r = s.get("/api/private/shadow/report?" + c[0]);
                assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
                assertThat(r.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
                assertThat(json(r).at("/errors/0/field").asText()).as(c[0]).isEqualTo(c[1]);
            }
        }
    }

    @Test
    void aTestnetPairShowsBothLegsInTheReport(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("TRADE_MODE", "testnet",
                "SHADOW_AB_FRACTION", "1"))) {
            var r = s.post("/api/private/order", order("BUY", "gamma", "ab-1"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode rep = json(s.get("/api/private/shadow/report?strategy=gamma"));
            JsonNode pairs = rep.at("/strategies/gamma/pairs");
            assertThat(pairs.get("count").asInt()).isEqualTo(1);
            assertThat(pairs.get("realErrors").asInt()).isZero();
            assertThat(pairs.at("/fillAgreement/compared").asInt()).isEqualTo(1);
            JsonNode latency = rep.at("/strategies/gamma/latencyMs");
            assertThat(latency.at("/real/n").asInt()).isEqualTo(1);
            assertThat(latency.at("/shadowPaired/n").asInt()).isEqualTo(1);
            // the real leg's decision-to-ack includes a loopback round trip to the simulator
            assertThat(latency.at("/real/p50").asDouble()).isGreaterThan(0);
            // both legs filled a 0.001 market order against the same book: one priced pair
            assertThat(pairs.at("/priceError/bps/n").asInt()).isEqualTo(1);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
