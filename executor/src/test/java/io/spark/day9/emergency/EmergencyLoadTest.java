package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.emergency.OrderLoad.Kind;
import io.spark.day9.emergency.OrderLoad.Sent;
import io.spark.day9.emergency.OrderLoad.Signal;
import io.spark.day9.shadow.OrderStatus;
import io.spark.day9.shadow.ShadowOrderView;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency stop under load, in one executor (this JVM) that sends: {@code TRADE_MODE=testnet}
 * against the embedded simulated exchange, {@code SHADOW_AB_FRACTION=1}, so every order is
 * placed on the simulator <em>and</em> simulated in the shadow book (both legs in the trail).
 *
 * <p>The drill: {@value #RESTING} resting LIMIT orders are placed far from the book on both
 * symbols; chaos is switched on (5 % injected 503s on the order and queue routes, a WebSocket
 * flap every 2 s, 2 % outbound REST errors, a duplicate market message every 2 s: light
 * enough that orders flow); then {@value #TOTAL} order signals go out at {@value #RATE}/s from
 * {@value #THREADS} threads, half as {@code POST /api/private/order}, half as queued order
 * jobs, one in ten a new resting LIMIT. Half-way through, an admin stops everything over HTTP
 * while the load keeps coming, from an address that a client guessing tokens beside it has got
 * locked out ({@code AUTH_MAX_FAILURES} wrong tokens: that address's trade token gets 429; the
 * valid admin token still stops, "never starved"). What the stop must leave, each checked
 * against its own source:
 * <ul>
 *   <li>no order accepted after the stop's answer: no {@code order} line created, and no real
 *       leg sent, after it in the shadow trail (read from disk), and no order created after it
 *       in the simulator's own order log ({@code GET /api/v3/allOrders}, signed, as any
 *       Binance client reads it); every order request sent after it was refused;</li>
 *   <li>every open order cancelled: the simulator's {@code openOrders} and the shadow book's
 *       resting orders are empty, and the answer lists at least the resting orders placed
 *       before the load on both venues;</li>
 *   <li>order jobs parked while enqueue still answers 200: every enqueue sent after the answer
 *       was a 200, and every job left in the queue is parked; a job of another type enqueued
 *       meanwhile runs (only order jobs are held);</li>
 *   <li>chaos off ({@code GET /api/private/chaos}) and {@code verified: true};</li>
 *   <li>then a resume (no restart): the parked jobs flow, each one's order is in the trail.</li>
 * </ul>
 * Wall time about 15 s on two cores; no timing is asserted (the stop's latency is printed; the
 * benchmark measures it).
 */
class EmergencyLoadTest {
    private static final String TRADE = "load-trade-token-0123456789";
    private static final String ADMIN = "load-admin-token-0123456789";
    private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
    private static final int RESTING = 40;
    private static final int TOTAL = 2000;
    private static final int RATE = 500;
    private static final int THREADS = 16;
    private static final int AUTH_MAX_FAILURES = 10;
    /** The operator's own loopback address: locked out, unlike the load's 127.0.0.1. */
    private static final String OPERATOR = "127.0.0.2";

    @TempDir
    Path dir;

    @Test
    void aStopUnderLoadLeavesNoOrderAfterItsAnswerNothingOpenOrderJobsParkedAndChaosOff()
            throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("API_TOKEN", TRADE, "ADMIN_TOKEN", ADMIN,
                "TRADE_MODE", "testnet", "SHADOW_AB_FRACTION", "1",
                "SIM_WEIGHT_PER_MINUTE", "1000000", "QUEUE_MAX_DELIVERIES", "50",
                "QUEUE_WORKER_THREADS", "4", "AUTH_MAX_FAILURES", "" + AUTH_MAX_FAILURES,
                "SHADOW_RTT_PROBE_SEC", "0", "SNAPSHOT_INTERVAL_SEC", "0"));
        try (TestExecutor day9 = TestExecutor.start(dir, env)) {
            awaitSynced(day9);
            SimConfig sc = day9.executor().sim().config();
            SimOrderLog sim = new SimOrderLog(day9.executor().market().rest().base(),
                    sc.apiKey(), sc.apiSecret());

            // resting orders on both venues, far from the book
            for (int i = 0; i < RESTING; i++) {
                HttpResponse<String> r = day9.post("/api/private/order",
                        resting(SYMBOLS.get(i % 2), "rest-" + i, "alpha"), auth(TRADE));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(Json.mapper().readTree(r.body()).path("realError").isNull())
                        .as("the real leg rests on the simulator: " + r.body()).isTrue();
            }
            assertThat(sim.openOrders()).hasSize(RESTING);
            assertThat(shadowResting(day9)).hasSize(RESTING);

            HttpResponse<String> chaos = day9.post("/api/private/chaos/toggle", """
                    {"httpErrorPct":5,"routes":["/api/private/order","/api/private/queue/enqueue"],
                     "wsFlapSec":2,"seed":7,"outbound":{"errorPct":2},
                     "exchange":{"duplicateEverySec":2}}""", auth(ADMIN));
            assertThat(chaos.statusCode()).as(chaos.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(chaos.body()).path("enabled").asBoolean()).isTrue();

            // the load, and the stop half-way through it
            JsonNode answer;
            long answeredAt;
            List<Sent> sent;
            try (OrderLoad load = OrderLoad.start(day9.uri("/"), TRADE, THREADS, RATE, TOTAL,
                    EmergencyLoadTest::signal)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> load.done() >= TOTAL / 2);
                // the operator's host is locked out by a client guessing tokens beside it
                for (int i = 0; i < AUTH_MAX_FAILURES; i++) {
                    assertThat(fromOperator(day9, "/api/private/queue/stats", "GET",
                            "wrong-token-0123456789abcdef", "").status()).isEqualTo(401);
                }
                assertThat(fromOperator(day9, "/api/private/queue/stats", "GET", TRADE, "")
                        .status()).as("the operator's address is locked out").isEqualTo(429);
                long t0 = System.nanoTime();
                RawAnswer stop = fromOperator(day9, "/api/private/emergency/stop", "POST", ADMIN,
                        "{\"reason\":\"load test\"}");
                answeredAt = System.currentTimeMillis();
                long roundTrip = System.nanoTime() - t0;
                assertThat(stop.status()).as("a valid admin token passes the lockout: "
                        + stop.body()).isEqualTo(200);
                answer = Json.mapper().readTree(stop.body());
                System.out.printf("stop answered in %.2f ms under load after %d signals: "
                        + "stopSeconds %s, verifySeconds %s%n", roundTrip / 1e6, load.done(),
                        answer.path("stopSeconds"), answer.path("verifySeconds"));
                assertThat(load.await(Duration.ofSeconds(60))).as("the load finished").isTrue();
                sent = load.sent();
            }
            assertThat(answer.path("verified").asBoolean()).as(answer.toString()).isTrue();
            assertThat(answer.path("verification").path("stillOpen")).as(answer.toString())
                    .isEmpty();
            long since = answer.path("stop").path("since").asLong();
            assertThat(since).as("the stop took effect before its answer")
                    .isPositive().isLessThanOrEqualTo(answeredAt);
            summarise(sent, answeredAt);

            // no order accepted after the answer: requests, trail, simulator
            List<Sent> after = sent.stream().filter(s -> s.startedAt() > answeredAt).toList();
            assertThat(after).as("the load went on after the stop").hasSizeGreaterThan(100);
            assertThat(after.stream().filter(s -> s.signal().kind() == Kind.HTTP))
                    .as("every order sent after the stop's answer was refused")
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(s.status()).as(s.body()).isEqualTo(409))
                    .allSatisfy(s -> assertThat(s.problem()).isEqualTo("trading-halted"));
            List<Sent> queuedAfter = after.stream()
                    .filter(s -> s.signal().kind() == Kind.QUEUE).toList();
            assertThat(queuedAfter).as("enqueue still answers 200 while stopped").isNotEmpty()
                    .allSatisfy(s -> assertThat(s.status()).as(s.body()).isEqualTo(200));
            Path shadowDir = day9.executor().config().paths().shadowDir();
            assertThat(TrailLines.placedBetween(TrailLines.read(shadowDir), answeredAt,
                    Long.MAX_VALUE)).as("shadow trail: nothing placed after the answer").isEmpty();
            assertThat(sim.createdSince(SYMBOLS, answeredAt + 1))
                    .as("simulator: no order created after the answer").isEmpty();

            // every open order in scope cancelled, on both venues
            assertThat(sim.openOrders()).as("simulator openOrders").isEmpty();
            assertThat(shadowResting(day9)).as("shadow resting orders").isEmpty();
            Map<String, Long> cancelled = count(answer.path("cancelled"), "venue");
            assertThat(cancelled.getOrDefault("exchange", 0L)).as(cancelled.toString())
                    .isGreaterThanOrEqualTo(RESTING);
            assertThat(cancelled.getOrDefault("shadow", 0L)).as(cancelled.toString())
                    .isGreaterThanOrEqualTo(RESTING);

            // chaos off
            JsonNode chaosNow = Json.mapper().readTree(day9.get("/api/private/chaos",
                    auth(ADMIN)).body());
            assertThat(chaosNow.path("enabled").asBoolean()).as(chaosNow.toString()).isFalse();

            // order jobs parked: nothing left in the queue is processed while stopped; other
            // job types flow (the stop's scope is everything, but it did not ask pauseQueue)
            HttpResponse<String> probe = day9.post("/api/private/queue/enqueue",
                    "{\"job\":\"test-while-stopped\",\"data\":{}}", auth(TRADE));
            assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
            Path probeFile = day9.executor().config().paths().runtimeDir()
                    .resolve("probe/processed.ndjson");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(probeFile).as("a probe job runs while order jobs are parked")
                            .content().contains("test-while-stopped"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                long parked = view(day9).path("parkedOrderJobs").asLong();
                long depth = stats(day9).path("depth").asLong();
                assertThat(parked).as("parked order jobs vs queue depth " + depth)
                        .isPositive().isEqualTo(depth);
            });
            assertThat(stats(day9).path("depth").asLong()).as("no queued job ran while stopped")
                    .isGreaterThanOrEqualTo(queuedAfter.size());
            assertThat(TrailLines.placedBetween(TrailLines.read(shadowDir), answeredAt,
                    Long.MAX_VALUE)).as("still nothing placed before the resume").isEmpty();

            // resume without a restart: the parked jobs flow
            HttpResponse<String> resume = day9.post("/api/private/emergency/resume", "{}",
                    auth(ADMIN));
            assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(resume.body()).path("resumed")).hasSize(1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(stats(day9).path("depth").asLong()).as("queue drained")
                            .isZero());
            Set<String> placed = TrailLines.orders(TrailLines.read(shadowDir)).stream()
                    .map(r -> r.path("clientOrderId").asText()).collect(Collectors.toSet());
            assertThat(queuedAfter).as("each job parked by the stop placed its order after the "
                    + "resume").allSatisfy(s -> assertThat(placed)
                    .contains(s.signal().clientOrderId()));
            assertThat(view(day9).path("mode").asText()).isEqualTo("ACTIVE");
        }
    }

    /**
     * Signal {@code i}: even ones over HTTP, odd ones queued; symbols and strategies in turn;
     * one in ten a resting LIMIT far from the book, the rest small MARKET orders.
     */
    private static Signal signal(int i) {
        Kind kind = i % 2 == 0 ? Kind.HTTP : Kind.QUEUE;
        String symbol = SYMBOLS.get((i / 2) % 2);
        String strategy = List.of("alpha", "beta", "gamma").get(i % 3);
        String id = "load-" + i;
        if (i % 10 == 9) {
            return new Signal(kind, id, resting(symbol, id, strategy));
        }
        String qty = symbol.equals("BTCUSDT") ? "0.001" : "0.01";
        String side = (i / 4) % 2 == 0 ? "BUY" : "SELL";
        return new Signal(kind, id, "{\"symbol\":\"" + symbol + "\",\"strategy\":\"" + strategy
                + "\",\"clientOrderId\":\"" + id + "\",\"side\":\"" + side
                + "\",\"type\":\"MARKET\",\"quantity\":\"" + qty + "\"}");
    }

    /** A LIMIT buy far below the book (10 USDT of notional): it rests. */
    private static String resting(String symbol, String id, String strategy) {
        String priceQty = symbol.equals("BTCUSDT")
                ? "\"price\":\"1000.00\",\"quantity\":\"0.01\""
                : "\"price\":\"100.00\",\"quantity\":\"0.1\"";
        return "{\"symbol\":\"" + symbol + "\",\"strategy\":\"" + strategy
                + "\",\"clientOrderId\":\"" + id + "\",\"side\":\"BUY\",\"type\":\"LIMIT\","
                + priceQty + "}";
    }

    private static void summarise(List<Sent> sent, long answeredAt) {
        Map<String, Long> before = sent.stream().filter(s -> s.startedAt() <= answeredAt)
                .collect(Collectors.groupingBy(s -> s.signal().kind() + " " + s.status() + " "
                        + s.problem(), java.util.TreeMap::new, Collectors.counting()));
        Map<String, Long> after = sent.stream().filter(s -> s.startedAt() > answeredAt)
                .collect(Collectors.groupingBy(s -> s.signal().kind() + " " + s.status() + " "
                        + s.problem(), java.util.TreeMap::new, Collectors.counting()));
        System.out.println("answers before the stop's answer: " + before);
        System.out.println("answers after the stop's answer:  " + after);
    }

    private static List<ShadowOrderView> shadowResting(TestExecutor day9) {
        return day9.executor().shadow().recent(null, Integer.MAX_VALUE).stream()
                .filter(o -> o.status() == OrderStatus.NEW
                        || o.status() == OrderStatus.PARTIALLY_FILLED).toList();
    }

    private static Map<String, Long> count(JsonNode array, String field) {
        Map<String, Long> out = new java.util.TreeMap<>();
        array.forEach(o -> out.merge(o.path(field).asText(), 1L, Long::sum));
        return out;
    }

    private static JsonNode view(TestExecutor day9) throws Exception {
        HttpResponse<String> r = day9.get("/api/private/emergency", auth(ADMIN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static JsonNode stats(TestExecutor day9) throws Exception {
        HttpResponse<String> r = day9.get("/api/private/queue/stats", auth(ADMIN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static void awaitSynced(TestExecutor day9) {
        await().atMost(Duration.ofSeconds(30)).until(() -> SYMBOLS.stream().allMatch(s ->
                day9.executor().market().book(s, 1).map(b -> b.synced()).orElse(false)));
    }

    /** A status and a body read over a raw connection. */
    private record RawAnswer(int status, String body) {
    }

    /**
     * One request from the operator's own address ({@value #OPERATOR}, a loopback address the
     * load does not use), over a raw HTTP/1.1 connection: the JDK client cannot choose its
     * source address, and the failed-authentication limit counts per address.
     */
    private static RawAnswer fromOperator(TestExecutor day9, String path, String method,
                                          String token, String body) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(OPERATOR, 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", day9.port()), 5000);
            s.setSoTimeout(30_000);
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + b.length
                    + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            // bytes as chars, so chunk sizes count right; the body is decoded as UTF-8 below
            String all = new String(s.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            int split = all.indexOf("\r\n\r\n");
            String head = all.substring(0, split);
            String rest = all.substring(split + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                StringBuilder out = new StringBuilder();
                int i = 0;
                while (true) {
                    int eol = rest.indexOf("\r\n", i);
                    int size = Integer.parseInt(rest.substring(i, eol).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    out.append(rest, eol + 2, eol + 2 + size);
                    i = eol + 2 + size + 2;
                }
                rest = out.toString();
            }
            return new RawAnswer(Integer.parseInt(head.split(" ")[1]), new String(
                    rest.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static String[] auth(String token) {
        return new String[] {"Authorization", "Bearer " + token, "Content-Type",
                "application/json"};
    }
}
