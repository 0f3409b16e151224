package io.spark.day9.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.cli.Day9Command;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore round trip for real: {@code day9 serve} in a child JVM places shadow orders, takes
 * a state snapshot, places more, and is killed with SIGKILL. The restarted executor must have
 * the same positions, the same resting orders and the same idempotency for client order ids
 * placed before the snapshot (restored from it) and after it (replayed from the trail), also for
 * orders long pushed out of the in-memory window. Then a graceful stop and a second restart
 * (restored from the shutdown snapshot) must give the same state again.
 */
class ShadowRestoreKillTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> children = new ArrayList<>();
    private long deadline;
    private URI base;

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void positionsRestingOrdersAndIdempotencySurviveKill9AndAGracefulRestart() throws Exception {
        deadline = System.nanoTime() + TIMEOUT.toNanos();
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        Path work = dir.resolve("executor");
        Files.createDirectories(work);
        Map<String, String> env = new HashMap<>(Map.of("PORT", Integer.toString(port),
                "RUNTIME_DIR", work.resolve("runtime").toString(),
                "LOG_DIR", work.resolve("logs").toString(),
                "TRADE_MODE", "live", "LIVE_ENABLED", "false", "SHADOW_LIVE_ENABLED", "true",
                "SNAPSHOT_INTERVAL_SEC", "0", "SHADOW_RTT_PROBE_SEC", "0",
                // a tiny window: most orders are answered from the trail index after restart
                "SHADOW_RECENT_ORDERS", "3"));
        Process exec = start(env, work.resolve("serve.out"));
        awaitReady(exec);

        Map<String, String> orderIds = new TreeMap<>();
        for (int i = 0; i < 8; i++) {
            orderIds.put("pre-" + i, place("pre-" + i, i));
        }
        HttpResponse<String> snap = post("/api/private/snapshot", "{\"name\":\"state\"}");
        assertThat(snap.statusCode()).as(snap.body()).isEqualTo(200);
        for (int i = 0; i < 6; i++) {
            orderIds.put("post-" + i, place("post-" + i, i + 1));
        }
        String positions = positions();
        TreeSet<String> resting = resting();
        assertThat(resting).as("the drill leaves resting orders from both sides of the snapshot")
                .anyMatch(id -> id.equals(orderIds.get("pre-2")))
                .anyMatch(id -> id.equals(orderIds.get("post-1")));

        exec.destroyForcibly(); // SIGKILL: no shutdown snapshot, no flush
        exec.waitFor(30, TimeUnit.SECONDS);
        assertThat(exec.exitValue()).isEqualTo(137);

        exec = start(env, work.resolve("serve.out"));
        awaitReady(exec);
        JsonNode health = get("/api/private/health");
        assertThat(health.findValue("restore").asText()).as(health.toString())
                .isEqualTo("restored");
        assertSameState(positions, resting, orderIds);

        exec.destroy(); // SIGTERM: graceful, takes the shutdown snapshot
        assertThat(exec.waitFor(30, TimeUnit.SECONDS)).isTrue();
        exec = start(env, work.resolve("serve.out"));
        awaitReady(exec);
        assertSameState(positions, resting, orderIds);
        exec.destroy();
        exec.waitFor(30, TimeUnit.SECONDS);
    }

    private void assertSameState(String positions, TreeSet<String> resting,
                                 Map<String, String> orderIds) throws Exception {
        assertThat(positions()).as("positions").isEqualTo(positions);
        assertThat(resting()).as("resting orders").isEqualTo(resting);
        for (var e : orderIds.entrySet()) {
            JsonNode again = Json.mapper().readTree(placeBody(e.getKey(), 0));
            assertThat(again.path("duplicate").asBoolean()).as(e.getKey() + ": " + again)
                    .isTrue();
            assertThat(again.path("order").path("orderId").asText()).as(e.getKey())
                    .isEqualTo(e.getValue());
            JsonNode byId = get("/api/private/order/shadow/" + e.getValue());
            assertThat(byId.path("clientOrderId").asText()).as(byId.toString())
                    .isEqualTo(e.getKey());
        }
    }

    /** Orders in turn: market buy, market sell, a resting buy far below, a resting sell. */
    private String place(String clientOrderId, int kind) throws Exception {
        JsonNode a = Json.mapper().readTree(placeBody(clientOrderId, kind));
        assertThat(a.path("duplicate").asBoolean()).as(a.toString()).isFalse();
        return a.path("order").path("orderId").asText();
    }

    private String placeBody(String clientOrderId, int kind) throws Exception {
        String order = switch (kind % 4) {
            case 0 -> "\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.002\"";
            case 1 -> "\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"0.001\"";
            case 2 -> "\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1000.00\","
                    + "\"quantity\":\"0.01\"";
            default -> "\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"200000.00\","
                    + "\"quantity\":\"0.001\"";
        };
        HttpResponse<String> r = post("/api/private/order/shadow", "{\"symbol\":\"BTCUSDT\","
                + "\"strategy\":\"restore\",\"clientOrderId\":\"" + clientOrderId + "\","
                + order + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** Quantities, average prices, fees and fill counts (marks move with the market). */
    private String positions() throws Exception {
        StringBuilder out = new StringBuilder();
        for (JsonNode p : get("/api/private/shadow/positions").path("positions")) {
            out.append(p.path("strategy").asText()).append(' ').append(p.path("symbol").asText())
                    .append(" qty=").append(p.path("qty").decimalValue().stripTrailingZeros())
                    .append(" avg=").append(p.path("avgPrice").decimalValue()
                            .stripTrailingZeros())
                    .append(" fees=").append(p.path("fees").decimalValue().stripTrailingZeros())
                    .append(" fills=").append(p.path("fills").asLong()).append('\n');
        }
        assertThat(out).as("the drill filled orders").isNotEmpty();
        return out.toString();
    }

    private TreeSet<String> resting() throws Exception {
        TreeSet<String> ids = new TreeSet<>();
        for (JsonNode o : get("/api/private/shadow/orders?limit=1000").path("orders")) {
            String status = o.path("status").asText();
            if (status.equals("NEW") || status.equals("PARTIALLY_FILLED")) {
                ids.add(o.path("orderId").asText());
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------ helpers

    private Process start(Map<String, String> env, Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Day9Command.class.getName(), "serve");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("QUEUE_") || k.startsWith("CHAOS_")
                || k.startsWith("MARKET_") || k.startsWith("SHADOW_") || k.startsWith("SIM_")
                || k.startsWith("SNAPSHOT_") || k.startsWith("TAPE_")
                || List.of("API_TOKEN", "ADMIN_TOKEN", "READ_TOKEN", "HOST", "DAY9_ENV",
                "TRADE_MODE", "LIVE_ENABLED").contains(k));
        e.putAll(env);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private void awaitReady(Process p) throws Exception {
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("child exited with " + p.exitValue()
                        + "; see the .out files in " + dir);
            }
            try {
                if (send(HttpRequest.newBuilder(base.resolve("/readyz")).GET()).statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for /readyz (see " + dir + ")");
            }
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(path)).GET());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
