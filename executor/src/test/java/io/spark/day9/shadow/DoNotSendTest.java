package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BinanceOrders;
import io.spark.day9.testing.TestExecutor;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modes against a real executor and the embedded simulator: do-not-send never reaches the
 * exchange's order endpoint; testnet sends and pairs each real order with its shadow twin.
 */
class DoNotSendTest {
    private static final String GUIDE = "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"type\":\"LIMIT\","
            + "\"price\":\"65000\",\"quantity\":\"0.001\"}";

    private static JsonNode json(String body) throws Exception {
        return Json.mapper().readTree(body);
    }

    private static List<JsonNode> trail(Path runtime) throws Exception {
        Path dir = runtime.resolve("shadow");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("orders-"))
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(l -> {
                        try {
                            return json(l);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }).toList();
        }
    }

    @Test
    void liveWithLiveDisabledAndShadowOnNeverSendsAnOrder(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("TRADE_MODE", "live",
                "LIVE_ENABLED", "false", "SHADOW_LIVE_ENABLED", "true",
                "QUEUE_VISIBILITY_MS", "2000"))) {
            assertThat(s.executor().router().canSend()).isFalse();
            var shadow = s.post("/api/private/order/shadow", GUIDE);
            assertThat(shadow.statusCode()).as(shadow.body()).isEqualTo(200);
            var routed = s.post("/api/private/order", GUIDE.replace("}",
                    ",\"clientOrderId\":\"routed-1\",\"strategy\":\"alpha\"}"));
            assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
            assertThat(json(routed.body()).get("mode").asText()).isEqualTo("shadow_only");
            assertThat(json(routed.body()).get("real").isNull()).isTrue();
            for (String type : List.of("MARKET", "LIMIT")) {
                String data = type.equals("MARKET")
                        ? "{\"symbol\":\"BTCUSDT\",\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"0.002\"}"
                        : GUIDE;
                assertThat(s.post("/api/private/queue/enqueue", "{\"job\":\"order\",\"data\":"
                        + data + "}").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> trail(dir.resolve("runtime"))
                    .stream().filter(r -> r.path("kind").asText().equals("order")
                            && r.path("source").asText().equals("queue")).count() == 2);
            assertThat(s.executor().sim().ordersPlaced()).isZero();
            assertThat(trail(dir.resolve("runtime"))).noneMatch(r -> r.path("kind").asText()
                    .equals("real"));
            assertNothingReachableCanSend(s.executor().shadow());
        }
    }

    /**
     * Walks every object reachable from {@code root} through fields (lambdas' captured values
     * included) and fails if any of them can place an order. In a do-not-send mode no such
     * object is ever built, so none can be reachable from anywhere.
     */
    static void assertNothingReachableCanSend(Object root) throws Exception {
        Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        int visited = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (o == null || !seen.add(o)) {
                continue;
            }
            visited++;
            assertThat(o).as("reachable from the shadow executor")
                    .isNotInstanceOf(BinanceOrders.class)
                    .isNotInstanceOf(ExchangeOrders.class);
            Class<?> c = o.getClass();
            if (c.isArray()) {
                if (!c.getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        Object element = Array.get(o, i);
                        if (element != null) { // e.g. an empty slot of a subscriber array
                            todo.push(element);
                        }
                    }
                }
                continue;
            }
            if (o instanceof Collection<?> col) {
                try {
                    todo.addAll(List.copyOf(col.stream().filter(x -> x != null).toList()));
                } catch (RuntimeException e) {
                    // a concurrent collection changing under us: its elements are ours anyway
                }
                continue;
            }
            if (o instanceof Map<?, ?> m) {
                for (Object v : List.copyOf(m.values())) {
                    todo.push(v);
                }
                continue;
            }
            if (!c.getName().startsWith("io.spark.day9")) {
                continue; // JDK and library objects: not ours, cannot hold our senders
            }
            for (Class<?> k = c; k != null && k.getName().startsWith("io.spark.day9");
                    k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    f.setAccessible(true);
                    todo.push(f.get(o) == null ? Boolean.FALSE : f.get(o));
                }
            }
        }
        assertThat(visited).isGreaterThan(10);
    }

    @Test
    void liveWithBothDisabledRefusesOrdersClearly(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("TRADE_MODE", "live",
                "LIVE_ENABLED", "false", "SHADOW_LIVE_ENABLED", "false"))) {
            var r = s.post("/api/private/order", GUIDE);
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(json(r.body()).get("type").asText())
                    .isEqualTo("urn:day9:problem:trading-disabled");
            assertThat(json(r.body()).get("detail").asText()).contains("SHADOW_LIVE_ENABLED");
            assertThat(s.executor().sim().ordersPlaced()).isZero();
        }
    }

    @Test
    void testnetSendsAndPairsEachRealOrderWithItsShadowTwin(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("TRADE_MODE", "testnet",
                "SHADOW_AB_FRACTION", "1", "SHADOW_AB_FRACTIONS", "beta=0"))) {
            assertThat(s.executor().router().canSend()).isTrue();
            var r = s.post("/api/private/order", "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\","
                    + "\"type\":\"MARKET\",\"quantity\":\"0.01\",\"clientOrderId\":\"ab-1\","
                    + "\"strategy\":\"alpha\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = json(r.body());
            assertThat(body.get("pairId").asText()).isEqualTo("ab-1");
            assertThat(body.get("real").get("status").asText()).isEqualTo("FILLED");
            assertThat(s.executor().sim().ordersPlaced()).isEqualTo(1);
            // the same id again: neither leg is placed a second time
            var again = s.post("/api/private/order", "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\","
                    + "\"type\":\"MARKET\",\"quantity\":\"0.01\",\"clientOrderId\":\"ab-1\","
                    + "\"strategy\":\"alpha\"}");
            assertThat(json(again.body()).get("duplicate").asBoolean()).isTrue();
            assertThat(s.executor().sim().ordersPlaced()).isEqualTo(1);
            // strategy beta has a fraction of 0: simulated only
            var beta = s.post("/api/private/order", "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\","
                    + "\"type\":\"MARKET\",\"quantity\":\"0.01\",\"strategy\":\"beta\"}");
            assertThat(json(beta.body()).get("real").isNull()).isTrue();
            assertThat(s.executor().sim().ordersPlaced()).isEqualTo(1);
            List<JsonNode> t = trail(dir.resolve("runtime"));
            JsonNode real = t.stream().filter(x -> x.path("kind").asText().equals("real"))
                    .findFirst().orElseThrow();
            assertThat(real.path("pairId").asText()).isEqualTo("ab-1");
            assertThat(real.path("rttMs").asDouble()).isGreaterThan(0);
            assertThat(real.path("avgPrice").asText()).isNotEmpty();
            JsonNode twin = t.stream().filter(x -> x.path("kind").asText().equals("order")
                    && x.path("clientOrderId").asText().equals("ab-1")).findFirst().orElseThrow();
            assertThat(real.path("orderId").asText()).isEqualTo(twin.path("orderId").asText());
            // the shadow twin simulated the very same order at the same instant
            assertThat(s.get("/api/private/order/shadow/ab-1").body()).contains("\"pairId\":\"ab-1\"");
        }
    }

    @Test
    void theGuidesBodyWorksAndBadOrdersAreProblemsWithCodes(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of())) {
            var ok = s.post("/api/private/order/shadow", GUIDE);
            assertThat(ok.statusCode()).isEqualTo(200);
            JsonNode order = json(ok.body()).get("order");
            assertThat(order.get("price").asText()).isEqualTo("65000");
            var bad = s.post("/api/private/order/shadow", GUIDE.replace("0.001", "0.0000001"));
            assertThat(bad.statusCode()).isEqualTo(400);
            JsonNode p = json(bad.body());
            assertThat(p.get("code").asInt()).isEqualTo(-1013);
            assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo("quantity");
            var resting = s.post("/api/private/order/shadow", "{\"symbol\":\"BTCUSDT\","
                    + "\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1000\",\"quantity\":\"0.01\","
                    + "\"clientOrderId\":\"low-1\"}");
            assertThat(json(resting.body()).get("order").get("status").asText()).isEqualTo("NEW");
            var cancel = s.send(java.net.http.HttpRequest.newBuilder(
                    s.uri("/api/private/order/shadow/low-1")).DELETE());
            assertThat(json(cancel.body()).get("status").asText()).isEqualTo("CANCELED");
            // the guide's LIMIT at 65000 fills only if the random walk has crossed it: a MARKET
            // order always fills, so positions and slippage move whatever the walk did
            assertThat(s.post("/api/private/order/shadow", "{\"symbol\":\"BTCUSDT\","
                    + "\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.001\"}")
                    .statusCode()).isEqualTo(200);
            assertThat(s.get("/api/private/shadow/positions").body()).contains("\"default\"");
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("spark_shadow_latency_ms_bucket")
                    .contains("spark_shadow_orders_total{result=\"rejected\"")
                    .contains("spark_shadow_slippage_bps_count{vs=\"mid\"}");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    s.get("/api/private/audit?limit=20").body()).contains("shadow.order")
                    .contains("shadow.canceled"));
        }
    }
}
