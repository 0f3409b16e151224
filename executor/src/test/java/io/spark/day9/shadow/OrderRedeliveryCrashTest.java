package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.cli.Day9Command;
import io.spark.day9.market.BinanceOrders;
import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.ExchangeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Order-safe redelivery, run for real: the executor is a child JVM consuming queued
 * {@code order} jobs; it is killed with SIGKILL twice while orders are being placed and started
 * again on the same {@code RUNTIME_DIR}. Jobs in flight at a kill are delivered again, and none
 * may be placed a second time: in shadow mode one shadow order per client order id in the
 * trail; in testnet mode also one order per client order id on a standalone simulated exchange
 * (its own JVM, so it outlives the executor's crashes), and no second placement attempt.
 */
class OrderRedeliveryCrashTest {
    private static final int JOBS = 200;
    private static final double[] KILL_AT = {0.25, 0.6};
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY = "day9-sim-key";
    private static final String SECRET = "day9-sim-secret";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> children = new ArrayList<>();
    private long deadline;

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shadowModeNeverPlacesARedeliveredOrderTwiceAfterKill9() throws Exception {
        Map<String, String> env = Map.of("TRADE_MODE", "live", "LIVE_ENABLED", "false",
                "SHADOW_LIVE_ENABLED", "true");
        Drill d = drill(env);

        Map<String, Integer> orders = countByClientId(d.trail(), "order");
        assertThat(orders.keySet()).as("a shadow order for every job")
                .containsExactlyInAnyOrderElementsOf(d.clientOrderIds());
        assertThat(orders).as("no client order id placed twice")
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(countByClientId(d.trail(), "real")).as("do-not-send: no real leg").isEmpty();
    }

    @Test
    void testnetModeNeverPlacesARedeliveredOrderTwiceOnTheExchangeAfterKill9() throws Exception {
        deadline = System.nanoTime() + TIMEOUT.toNanos();
        int simPort = freePort();
        Process sim = start(List.of("sim-exchange", "--port", Integer.toString(simPort)),
                Map.of(), dir.resolve("sim.out"));
        String simUrl = "http://127.0.0.1:" + simPort;
        awaitUp(sim, URI.create(simUrl + "/api/v3/ping"));
        Map<String, String> env = Map.of("TRADE_MODE", "testnet",
                "MARKET_SOURCE", "binance-testnet", "MARKET_REST_URL", simUrl,
                "MARKET_WS_URL", "ws://127.0.0.1:" + simPort,
                "MARKET_API_KEY", KEY, "MARKET_API_SECRET", SECRET,
                "SHADOW_AB_FRACTION", "1");
        Drill d = drill(env);

        Map<String, Integer> shadowOrders = countByClientId(d.trail(), "order");
        assertThat(shadowOrders.keySet()).as("a shadow twin for every job")
                .containsExactlyInAnyOrderElementsOf(d.clientOrderIds());
        assertThat(shadowOrders).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        List<JsonNode> real = d.trail().stream()
                .filter(r -> r.path("kind").asText().equals("real")).toList();
        assertThat(real).as("no second placement attempt reached the exchange")
                .noneMatch(r -> r.path("error").asText("").contains("Duplicate order"));
        assertThat(countByClientId(d.trail(), "real"))
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));

        BinanceOrders exchange = new BinanceOrders(new BinanceRest(simUrl, KEY, SECRET, 5000,
                System::currentTimeMillis, Json.mapper()));
        Map<String, Long> exchangeIds = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : d.clientOrderIds()) {
            try {
                JsonNode o = exchange.queryOrder("BTCUSDT", id);
                assertThat(o.path("clientOrderId").asText()).isEqualTo(id);
                exchangeIds.put(id, o.path("orderId").asLong());
            } catch (ExchangeException e) {
                missing.add(id + " (" + e.code() + " " + e.getMessage() + ")");
            }
        }
        assertThat(missing).as("every job's order is on the exchange").isEmpty();
        assertThat(exchangeIds.values()).as("one exchange order per client order id")
                .doesNotHaveDuplicates().hasSize(JOBS);
        for (JsonNode r : real) {
            if (!r.path("exchangeOrderId").isNull()) {
                assertThat(r.path("exchangeOrderId").asLong()).as("the real leg of "
                        + r.path("clientOrderId").asText() + " is the exchange's only order")
                        .isEqualTo(exchangeIds.get(r.path("clientOrderId").asText()));
            }
        }
    }

    // ------------------------------------------------------------------ the drill

    /** What a drill leaves: the client order ids of its jobs and the trail. */
    private record Drill(List<String> clientOrderIds, Path work) {
        List<JsonNode> trail() throws IOException {
            return readTrail(work.resolve("runtime/shadow"));
        }
    }

    /**
     * Enqueues the jobs, kills the executor with SIGKILL at each {@link #KILL_AT} share of placed
     * orders, restarts it on the same directories and waits until the queue is drained.
     */
    private Drill drill(Map<String, String> mode) throws Exception {
        deadline = System.nanoTime() + TIMEOUT.toNanos();
        Path work = dir.resolve("executor");
        Files.createDirectories(work);
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        Map<String, String> env = new HashMap<>(mode);
        env.putAll(Map.of("PORT", Integer.toString(port),
                "RUNTIME_DIR", work.resolve("runtime").toString(),
                "LOG_DIR", work.resolve("logs").toString(),
                "QUEUE_VISIBILITY_MS", "2000",
                "QUEUE_WORKER_THREADS", "2",
                "QUEUE_MAX_DELIVERIES", "50",
                // slows each placement so the kills land while orders are being placed
                "SHADOW_LATENCY_MODEL", "fixed", "SHADOW_LATENCY_MS", "25",
                "SHADOW_RTT_PROBE_SEC", "0"));
        Process exec = start(List.of("serve"), env, work.resolve("serve.out"));
        awaitUp(exec, base.resolve("/readyz"));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(
                    base.resolve("/api/private/queue/enqueue"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(job(i))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode a = Json.mapper().readTree(r.body());
            // the default clientOrderId is the job's key from the enqueue answer
            ids.add(a.path("key").asText());
        }
        Path shadowDir = work.resolve("runtime/shadow");
        for (double share : KILL_AT) {
            long target = Math.round(JOBS * share);
            while (countKind(readTrail(shadowDir), "order") < target) {
                check("waiting for " + target + " orders to be placed");
                Thread.sleep(2);
            }
            exec.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            exec.waitFor(30, TimeUnit.SECONDS);
            long placed = countKind(readTrail(shadowDir), "order");
            assertThat(exec.exitValue()).isEqualTo(137);
            assertThat(placed).as("killed while orders were still being placed")
                    .isLessThan(JOBS);
            System.out.printf("killed at %d of %d orders placed%n", placed, JOBS);
            exec = start(List.of("serve"), env, work.resolve("serve.out"));
            awaitUp(exec, base.resolve("/readyz"));
        }
        JsonNode stats;
        while ((stats = get(base.resolve("/api/private/queue/stats"))).path("depth").asLong()
                > 0) {
            check("waiting for the restarted executor to drain the queue: " + stats);
            Thread.sleep(50);
        }
        assertThat(stats.path("dead").asLong()).as("dead letters: " + stats).isZero();
        String metrics = send(HttpRequest.newBuilder(base.resolve("/metrics")).GET()).body();
        metrics.lines().filter(l -> l.startsWith("spark_queue_redelivered_total"))
                .forEach(l -> System.out.println("after the last restart: " + l));
        exec.destroy();
        exec.waitFor(30, TimeUnit.SECONDS);
        return new Drill(List.copyOf(ids), work);
    }

    /** Four kinds of orders in turn; the LIMITs rest far from the touch. */
    private static String job(int i) {
        String data = switch (i % 4) {
            case 0 -> "\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.001\"";
            case 1 -> "\"side\":\"SELL\",\"type\":\"MARKET\",\"quantity\":\"0.001\"";
            case 2 -> "\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1000.00\","
                    + "\"quantity\":\"0.01\"";
            default -> "\"side\":\"SELL\",\"type\":\"LIMIT\",\"price\":\"200000.00\","
                    + "\"quantity\":\"0.001\"";
        };
        return "{\"job\":\"order\",\"data\":{\"symbol\":\"BTCUSDT\",\"strategy\":\"crash\","
                + data + "}}";
    }

    // ------------------------------------------------------------------ helpers

    private Process start(List<String> args, Map<String, String> env, Path out)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Day9Command.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("QUEUE_") || k.startsWith("CHAOS_")
                || k.startsWith("MARKET_") || k.startsWith("SHADOW_") || k.startsWith("SIM_")
                || List.of("API_TOKEN", "ADMIN_TOKEN", "HOST", "DAY9_ENV", "TRADE_MODE",
                "LIVE_ENABLED").contains(k));
        e.putAll(env);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private void awaitUp(Process p, URI probe) throws Exception {
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("child exited with " + p.exitValue()
                        + "; see the .out files in " + dir);
            }
            try {
                if (send(HttpRequest.newBuilder(probe).GET()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            check("waiting for " + probe);
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(URI uri) throws Exception {
        return Json.mapper().readTree(send(HttpRequest.newBuilder(uri).GET()).body());
    }

    private void check(String what) {
        if (System.nanoTime() > deadline) {
            throw new AssertionError("timed out " + what + " (see the .out files in " + dir
                    + ")");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Every whole line of the trail (a line being written as we read is skipped). */
    private static List<JsonNode> readTrail(Path shadowDir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(shadowDir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(shadowDir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("orders-")).sorted()
                    .toList();
        }
        for (Path f : files) {
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        out.add(Json.mapper().readTree(line));
                    } catch (IOException torn) {
                        // being written
                    }
                }
            }
        }
        return out;
    }

    private static long countKind(List<JsonNode> trail, String kind) {
        return trail.stream().filter(r -> r.path("kind").asText().equals(kind)).count();
    }

    private static Map<String, Integer> countByClientId(List<JsonNode> trail, String kind) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (JsonNode r : trail) {
            if (r.path("kind").asText().equals(kind)) {
                n.merge(r.path("clientOrderId").asText(), 1, Integer::sum);
            }
        }
        return n;
    }
}
