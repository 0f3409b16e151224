package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.cli.Day9Command;
import io.spark.day9.emergency.OrderLoad.Kind;
import io.spark.day9.emergency.OrderLoad.Signal;
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
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments of a stop, for real: {@code day9 serve} runs in a child JVM in a
 * sending mode ({@code TRADE_MODE=testnet}, A/B fraction 1) against a simulated exchange in its
 * <em>own</em> JVM ({@code day9 sim-exchange}), so the exchange and its order log outlive every
 * kill of the executor. {@value #ROUNDS} rounds on one {@code RUNTIME_DIR}; in each, with
 * resting orders open and orders arriving from HTTP and the queue at {@value #RATE}/s, an admin
 * sends a stop and the executor is killed with SIGKILL at a moment drawn from a seeded random
 * generator. The first round, and one in four after it, kill as soon as the stop's answer
 * arrived; the others kill 0 to 130 % of the last answered stop's round trip after the stop
 * left, so kills land before the stop arrives, while it runs (before and after the state is
 * durable, during the cancels) and just after its answer, whatever this machine's speed. The
 * executor is then started again on the same directories.
 *
 * <p>What is checked, and where:
 * <ul>
 *   <li>The stop's answer received (a 200) → the restarted executor is stopped at once
 *       ({@code GET /api/private/emergency}) and completes the stop on its own:
 *       {@code completed: true} and its verification {@code verified: true}.</li>
 *   <li>No answer → either not stopped (the kill came before the state was durable) or
 *       stopped, and then completed and verified as above.</li>
 *   <li>No order placed after an acknowledged stop, until the test resumes it in the next
 *       round: in the <b>shadow trail</b> (on disk in {@code RUNTIME_DIR}, so it spans the
 *       kill: no {@code order} line created and no real leg sent after the answer) and in the
 *       <b>exchange's order log</b> (the standalone simulator's {@code allOrders}, signed, as
 *       any Binance client reads it: no order created after the answer). Order jobs enqueued
 *       before the kill are delivered again after the restart; while stopped they must not be
 *       placed either. A stop in force after the restart without an answer is held to the same
 *       rule from the restart on.</li>
 *   <li>After each restart that is stopped, nothing is open on the exchange (the stop's
 *       cancels, or the restart's completion, reached it).</li>
 *   <li>No signal lost: after the last resume the queue drains without a dead letter, and
 *       every order job that enqueue acknowledged (across all kills) placed its order (an
 *       {@code order} line in the trail).</li>
 * </ul>
 * The embedded simulator would die with the executor and forget its orders; that is why the
 * exchange runs on its own here. Bounded to about 90 s on two cores (child JVM starts
 * dominate).
 */
class EmergencyKillTest {
    private static final int ROUNDS = 8;
    private static final long SEED = 14;
    private static final int RATE = 200;
    private static final String TRADE = "kill-trade-token-0123456789";
    private static final String ADMIN = "kill-admin-token-0123456789";
    private static final String KEY = "day9-sim-key";
    private static final String SECRET = "day9-sim-secret";
    private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
    private static final Duration TIMEOUT = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
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

    /** How one round ended. */
    private record Round(int n, String killAt, boolean acked, boolean stoppedAfter,
                         long ackAt) {
    }

    @Test
    void kill9AtRandomMomentsOfAStopNeverLosesAnAcknowledgedStopNorPlacesAnOrderAfterIt()
            throws Exception {
        deadline = System.nanoTime() + TIMEOUT.toNanos();
        long started = System.nanoTime();
        int simPort = freePort();
        start(List.of("sim-exchange", "--port", Integer.toString(simPort),
                "--weight-per-minute", "1000000"), Map.of(), dir.resolve("sim.out"));
        String simUrl = "http://127.0.0.1:" + simPort;
        awaitStatus(URI.create(simUrl + "/api/v3/ping"), null);
        SimOrderLog exchange = new SimOrderLog(URI.create(simUrl), KEY, SECRET);

        Path work = dir.resolve("executor");
        Files.createDirectories(work);
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        Map<String, String> env = new HashMap<>(Map.of("PORT", Integer.toString(port),
                "RUNTIME_DIR", work.resolve("runtime").toString(),
                "LOG_DIR", work.resolve("logs").toString(),
                "API_TOKEN", TRADE, "ADMIN_TOKEN", ADMIN,
                "TRADE_MODE", "testnet", "MARKET_SOURCE", "binance-testnet",
                "MARKET_REST_URL", simUrl, "MARKET_WS_URL", "ws://127.0.0.1:" + simPort));
        env.putAll(Map.of("MARKET_API_KEY", KEY, "MARKET_API_SECRET", SECRET,
                "SHADOW_AB_FRACTION", "1", "SHADOW_RTT_PROBE_SEC", "0",
                "SNAPSHOT_INTERVAL_SEC", "0", "TAPE_ENABLED", "false",
                "QUEUE_VISIBILITY_MS", "2000", "QUEUE_MAX_DELIVERIES", "100"));
        Path shadowDir = work.resolve("runtime/shadow");
        Path out = work.resolve("serve.out");
        Process exec = start(List.of("serve"), env, out);
        awaitUp(exec);

        SplittableRandom random = new SplittableRandom(SEED);
        List<Round> rounds = new ArrayList<>();
        List<String> enqueued = new ArrayList<>();
        int signal = 0;
        long lastRoundTripNs = 0; // of the last stop answered; round 0 waits for its answer
        for (int n = 0; n < ROUNDS; n++) {
            resumeIfStopped();
            awaitSynced();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = post("/api/private/order",
                        resting(SYMBOLS.get(i % 2), "r" + n + "-" + i), TRADE);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            int first = signal;
            OrderLoad load = OrderLoad.start(base, TRADE, 4, RATE, 100_000,
                    i -> signal(first + i));
            while (load.done() < RATE / 4) {
                check("the load to get going");
                Thread.sleep(5);
            }
            // the stop, and the kill at a random moment
            boolean afterAnswer = n == 0 || random.nextInt(4) == 0;
            double share = random.nextDouble() * 1.3;
            long delayNs = (long) (share * lastRoundTripNs);
            AtomicLong ackAt = new AtomicLong(-1);
            AtomicLong ackNanos = new AtomicLong(-1);
            long sentNanos = System.nanoTime();
            CompletableFuture<HttpResponse<String>> stop = http.sendAsync(
                    request("/api/private/emergency/stop", "{\"reason\":\"kill drill " + n
                            + "\"}", ADMIN), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> {
                        ackNanos.compareAndSet(-1, System.nanoTime());
                        ackAt.compareAndSet(-1, System.currentTimeMillis());
                        return r;
                    });
            if (afterAnswer) {
                stop.handle((r, e) -> r).get(30, TimeUnit.SECONDS);
            } else {
                LockSupport.parkNanos(delayNs);
            }
            exec.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            long killedNanos = System.nanoTime();
            exec.waitFor(30, TimeUnit.SECONDS);
            assertThat(exec.exitValue()).isEqualTo(137);
            load.close();
            load.sent().stream().filter(x -> x.signal().kind() == Kind.QUEUE
                    && x.status() == 200).forEach(x -> enqueued.add(x.signal().clientOrderId()));
            signal += load.issued();
            HttpResponse<String> answer = stop.handle((r, e) -> r).get(30, TimeUnit.SECONDS);
            boolean acked = answer != null && answer.statusCode() == 200;
            if (acked) {
                lastRoundTripNs = ackNanos.get() - sentNanos;
            }
            String killAt = afterAnswer ? "right after the answer" : String.format(
                    "%.2f ms after sending the stop (%.0f %% of the last answered stop's round "
                    + "trip)", delayNs / 1e6, share * 100);

            long restartAt = System.currentTimeMillis();
            exec = start(List.of("serve"), env, out);
            awaitUp(exec);
            JsonNode view = get("/api/private/emergency");
            boolean stopped = view.path("stops").size() > 0;
            if (acked) {
                assertThat(stopped).as("round " + n + ": the stop was acknowledged ("
                        + killAt + "), so the restarted executor is stopped: " + view).isTrue();
            }
            if (stopped) {
                view = awaitCompleted(n);
                assertThat(exchange.openOrders()).as("round " + n + ": nothing open on the "
                        + "exchange after a completed stop").isEmpty();
                long from = acked ? ackAt.get() : restartAt;
                assertThat(TrailLines.placedBetween(TrailLines.read(shadowDir), from,
                        Long.MAX_VALUE)).as("round " + n + ": shadow trail, nothing placed after "
                        + (acked ? "the stop's answer" : "the restart")).isEmpty();
                assertThat(exchange.createdSince(SYMBOLS, from + 1)).as("round " + n
                        + ": exchange, no order created after " + (acked ? "the stop's answer"
                        : "the restart")).isEmpty();
            }
            System.out.printf("round %d: killed %s (signal sent %.2f ms after the stop), "
                    + "answer %s, restarted %s%n", n, killAt, (killedNanos - sentNanos) / 1e6,
                    acked ? String.format("received after %.2f ms",
                            (ackNanos.get() - sentNanos) / 1e6) : "not received",
                    stopped ? "stopped and completed" : "not stopped");
            rounds.add(new Round(n, killAt, acked, stopped, ackAt.get()));
        }
        // resumed, the jobs parked and redelivered across the kills flow: no signal was lost
        resumeIfStopped();
        JsonNode stats;
        while ((stats = get("/api/private/queue/stats")).path("depth").asLong() > 0) {
            check("the queue to drain after the last resume: " + stats);
            Thread.sleep(50);
        }
        assertThat(stats.path("dead").asLong()).as("dead letters: " + stats).isZero();
        java.util.Set<String> placed = new java.util.HashSet<>();
        TrailLines.orders(TrailLines.read(shadowDir))
                .forEach(r -> placed.add(r.path("clientOrderId").asText()));
        assertThat(enqueued).as("every order job acknowledged by enqueue placed its order")
                .isNotEmpty().allSatisfy(id -> assertThat(placed).contains(id));
        long acked = rounds.stream().filter(Round::acked).count();
        long stoppedUnacked = rounds.stream().filter(r -> !r.acked() && r.stoppedAfter())
                .count();
        System.out.printf("%d rounds in %.1f s: %d acknowledged (all stopped after restart), "
                + "%d unacknowledged but durable (completed after restart), %d not stopped%n",
                ROUNDS, (System.nanoTime() - started) / 1e9, acked, stoppedUnacked,
                ROUNDS - acked - stoppedUnacked);
        assertThat(acked).as("some rounds were killed after the answer").isPositive();
        exec.destroy();
        exec.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits until every stop in force is completed and the last verification verified. */
    private JsonNode awaitCompleted(int round) throws Exception {
        while (true) {
            JsonNode view = get("/api/private/emergency");
            boolean completed = view.path("stops").size() > 0;
            for (JsonNode s : view.path("stops")) {
                completed &= s.path("completed").asBoolean();
            }
            if (completed && view.path("lastVerification").path("verified").asBoolean()) {
                return view;
            }
            check("round " + round + ": the restarted executor to complete its stop: " + view);
            Thread.sleep(50);
        }
    }

    private void awaitSynced() throws Exception {
        for (String symbol : SYMBOLS) {
            while (!get("/api/private/market/book?symbol=" + symbol + "&limit=1")
                    .path("synced").asBoolean()) {
                check("the " + symbol + " book to sync");
                Thread.sleep(20);
            }
        }
    }

    private void resumeIfStopped() throws Exception {
        if (get("/api/private/emergency").path("stops").size() > 0) {
            HttpResponse<String> r = post("/api/private/emergency/resume", "{}", ADMIN);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    /** Small MARKET orders, one in ten a resting LIMIT; even ones over HTTP, odd ones queued. */
    private static Signal signal(int i) {
        Kind kind = i % 2 == 0 ? Kind.HTTP : Kind.QUEUE;
        String symbol = SYMBOLS.get((i / 2) % 2);
        String id = "k-" + i;
        if (i % 10 == 9) {
            return new Signal(kind, id, resting(symbol, id));
        }
        return new Signal(kind, id, "{\"symbol\":\"" + symbol + "\",\"strategy\":\"kill\","
                + "\"clientOrderId\":\"" + id + "\",\"side\":\"" + ((i / 4) % 2 == 0 ? "BUY"
                : "SELL") + "\",\"type\":\"MARKET\",\"quantity\":\""
                + (symbol.equals("BTCUSDT") ? "0.001" : "0.01") + "\"}");
    }

    private static String resting(String symbol, String id) {
        return "{\"symbol\":\"" + symbol + "\",\"strategy\":\"kill\",\"clientOrderId\":\"" + id
                + "\",\"side\":\"BUY\",\"type\":\"LIMIT\"," + (symbol.equals("BTCUSDT")
                ? "\"price\":\"1000.00\",\"quantity\":\"0.01\""
                : "\"price\":\"100.00\",\"quantity\":\"0.1\"") + "}";
    }

    // ------------------------------------------------------------------ helpers

    private Process start(List<String> args, Map<String, String> env, Path out)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Day9Command.class.getName()));
        cmd.addAll(args);
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

    /** Waits until the child serves HTTP ({@code /healthz}: a stop that failed to verify
     * turns readiness down, on purpose). */
    private void awaitUp(Process p) throws Exception {
        awaitStatus(base.resolve("/healthz"), p);
    }

    private void awaitStatus(URI probe, Process p) throws Exception {
        while (true) {
            if (p != null && !p.isAlive()) {
                throw new IllegalStateException("child exited with " + p.exitValue()
                        + "; see the .out files in " + dir);
            }
            try {
                if (http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            check("waiting for " + probe);
            Thread.sleep(20);
        }
    }

    private HttpRequest request(String path, String body, String token) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return http.send(request(path, body, token), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ADMIN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
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
}
