package io.spark.day9.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spark.day9.Executor;
import io.spark.day9.config.ConfigLoader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The emergency stop's latency while the executor is busy:
 * {@code bench/run emergency [cycles=200] [rate=1000] [rounds=20]}.
 *
 * <ol>
 *   <li><b>Stop under load</b>: the executor (in this JVM, paper mode, the embedded simulated
 *       market) serves shadow orders over HTTP at {@code rate}/s, open loop over 32
 *       connections (MARKET orders, buy and sell in turn, each written durably to the trail),
 *       with chaos on (5 % injected 503s on the order routes, a WebSocket flap every 5 s).
 *       {@code cycles} stop-then-resume cycles over HTTP with the admin token (after 20 not
 *       counted, for the JIT): chaos on again (a stop turns it off), 100 ms of orders, then
 *       {@code POST /api/private/emergency/stop} timed by the client (a), the answer's
 *       {@code stopSeconds} (b: the server's time from the request until new orders are
 *       refused and the state is durable, its fsync included) and {@code verifySeconds}, then
 *       {@code POST /api/private/emergency/resume}; and each step's own time from the
 *       answer's {@code steps}.</li>
 *   <li><b>Verification of 100 open orders, shadow</b>: {@code rounds} times, 100 resting
 *       shadow LIMIT orders are placed far from the book (the load still running), then a
 *       stop; its {@code verifySeconds} is the request until the end state was read again,
 *       after cancelling the 100.</li>
 *   <li><b>Verification of 100 open orders, sending</b>: a second executor in
 *       {@code TRADE_MODE=testnet} against its embedded simulator, A/B fraction 1: 100
 *       resting LIMIT orders through {@code POST /api/private/order} (50 per symbol), so 100
 *       open on the exchange and their 100 shadow twins; then a stop (cancel-all on the
 *       exchange, the shadow cancels, the exchange's {@code openOrders} read again). No
 *       background load in this phase.</li>
 * </ol>
 * Prints p50, p99 and max of each figure and writes them as JSON to
 * {@code bench/target/emergency.json} (or {@code BENCH_JSON}).
 */
final class EmergencyBench {
    private static final String TRADE = "bench-trade-token-0123456789";
    private static final String ADMIN = "bench-admin-token-0123456789";
    private static final int CONNECTIONS = 32;
    private static final int WARMUP_CYCLES = 20;
    /** Orders flow with chaos on for this long before each stop. */
    private static final int FLOW_MS = 100;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final String CHAOS_ON = "{\"httpErrorPct\":5,\"routes\":"
            + "[\"/api/private/order/**\",\"/api/private/order\"],\"wsFlapSec\":5}";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();
    private URI base;

    private EmergencyBench() {
    }

    static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        new EmergencyBench().run(cycles, rate, rounds);
    }

    private void run(int cycles, int rate, int rounds) throws Exception {
        System.out.printf("Emergency stop benchmark: %d stop-then-resume cycles (after %d not "
                + "counted) while serving %d shadow orders/s over HTTP with chaos on; "
                + "verification of 100 open orders, %d rounds, shadow and sending; %d cores, "
                + "Java %s, load average at start %s%n", cycles, WARMUP_CYCLES, rate, rounds,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());
        report.put("at", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", Runtime.version().toString());
        report.put("loadAverageAtStart", loadAverage());
        report.put("cycles", cycles);
        report.put("rate", rate);
        report.put("rounds", rounds);

        Path dir = Files.createTempDirectory("day9-bench-emergency");
        try (Executor day9 = start(dir, Map.of())) {
            stopsUnderLoad(day9, cycles, rate, rounds);
        }
        Path dir2 = Files.createTempDirectory("day9-bench-emergency-testnet");
        try (Executor day9 = start(dir2, Map.of("TRADE_MODE", "testnet",
                "SHADOW_AB_FRACTION", "1", "SIM_WEIGHT_PER_MINUTE", "1000000"))) {
            sendingVerification(rounds);
        }
        report.put("loadAverageAtEnd", loadAverage());

        System.out.printf("%n| measure | n | p50 ms | p99 ms | max ms |%n"
                + "|---|---:|---:|---:|---:|%n");
        for (String[] row : table) {
            System.out.printf("| %s | %s | %s | %s | %s |%n", (Object[]) row);
        }
        String out = System.getenv("BENCH_JSON");
        Path json = out != null && !out.isBlank() ? Path.of(out)
                : root().resolve("bench/target/emergency.json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, JSON.writeValueAsString(report));
        System.out.println("figures written to " + json);
        System.out.println("load average at the end: " + loadAverage());
    }

    private Executor start(Path dir, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0",
                "RUNTIME_DIR", dir.resolve("runtime").toString(),
                "LOG_DIR", dir.resolve("logs").toString(), "API_TOKEN", TRADE,
                "ADMIN_TOKEN", ADMIN, "QUEUE_WORKER_ENABLED", "false",
                "SHADOW_RTT_PROBE_SEC", "0", "SNAPSHOT_INTERVAL_SEC", "0",
                "TAPE_ENABLED", "false", "LOG_LEVEL", "WARN"));
        env.putAll(extra);
        Executor day9 = Executor.start(ConfigLoader.load(env, dir.resolve(".env")));
        base = URI.create("http://127.0.0.1:" + day9.port());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            while (day9.market().book(symbol, 1).map(b -> !b.synced()).orElse(true)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the " + symbol + " book did not sync");
                }
                Thread.sleep(50);
            }
        }
        return day9;
    }

    // ------------------------------------------------------------------ phase 1 and 2

    private void stopsUnderLoad(Executor day9, int cycles, int rate, int rounds)
            throws Exception {
        Load load = Load.start(base.getPort(), rate);
        try {
            Thread.sleep(2000); // the load settles
            long[] rtt = new long[cycles];
            double[] stopSeconds = new double[cycles];
            double[] verifySeconds = new double[cycles];
            int unverified = 0;
            Map<String, double[]> steps = new LinkedHashMap<>();
            for (int c = -WARMUP_CYCLES; c < cycles; c++) {
                call("/api/private/chaos/toggle", CHAOS_ON);
                Thread.sleep(FLOW_MS);
                long t0 = System.nanoTime();
                JsonNode a = call("/api/private/emergency/stop", "{\"reason\":\"bench\"}");
                long took = System.nanoTime() - t0;
                call("/api/private/emergency/resume", "{}");
                if (c >= 0) {
                    rtt[c] = took;
                    stopSeconds[c] = a.path("stopSeconds").asDouble();
                    verifySeconds[c] = a.path("verifySeconds").asDouble();
                    unverified += a.path("verified").asBoolean() ? 0 : 1;
                    for (JsonNode step : a.path("steps")) {
                        steps.computeIfAbsent(step.path("name").asText(),
                                k -> new double[cycles])[c] = step.path("micros").asLong() / 1e3;
                    }
                }
                Thread.sleep(10);
            }
            Load.Counts during = load.counts();
            row("a. stop, HTTP round trip (client)", millis(rtt), "stopRoundTripMs");
            row("b. stop, server `stopSeconds` (refused + durable, fsync)",
                    millis(stopSeconds), "stopSecondsMs");
            row("stop, server `verifySeconds` (nothing open)", millis(verifySeconds),
                    "verifyNothingOpenMs");
            steps.forEach((name, ms) -> row("  step `" + name + "`", ms, "step-" + name + "Ms"));
            report.put("unverifiedStops", unverified);
            report.put("loadDuringStops", during.toMap());
            System.out.printf("%n%d stops under load (%d not verified); the load meanwhile: "
                    + "%s%n", cycles, unverified, during);

            double[] verify = new double[rounds];
            double[] roundStop = new double[rounds];
            int cancelled = Integer.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < 100; i++) {
                    call("/api/private/order/shadow", resting("BTCUSDT", "v" + r + "-" + i),
                        TRADE);
                }
                call("/api/private/chaos/toggle", CHAOS_ON);
                long t0 = System.nanoTime();
                JsonNode a = call("/api/private/emergency/stop", "{\"reason\":\"bench\"}");
                roundStop[r] = (System.nanoTime() - t0) / 1e6;
                call("/api/private/emergency/resume", "{}");
                verify[r] = a.path("verifySeconds").asDouble() * 1000;
                cancelled = Math.min(cancelled, a.path("cancelled").size());
                if (!a.path("verified").asBoolean()) {
                    System.out.println("round " + r + " not verified: " + a.path("verification"));
                }
            }
            row("verification, 100 resting shadow orders, under load", verify,
                    "verify100ShadowMs");
            row("stop round trip with 100 resting shadow orders", roundStop,
                    "stopRoundTrip100ShadowMs");
            report.put("cancelledPerRoundShadowMin", cancelled);
        } finally {
            load.stop();
        }
        System.out.println("the load in total: " + load.counts());
    }

    // ------------------------------------------------------------------ phase 3

    private void sendingVerification(int rounds) throws Exception {
        double[] verify = new double[rounds];
        double[] roundStop = new double[rounds];
        int cancelled = Integer.MAX_VALUE;
        for (int r = -2; r < rounds; r++) {
            for (int i = 0; i < 100; i++) {
                call("/api/private/order", resting(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT",
                        "s" + (r + 2) + "-" + i), TRADE);
            }
            long t0 = System.nanoTime();
            JsonNode a = call("/api/private/emergency/stop", "{\"reason\":\"bench\"}");
            double took = (System.nanoTime() - t0) / 1e6;
            call("/api/private/emergency/resume", "{}");
            if (!a.path("verified").asBoolean()) {
                System.out.println("sending round " + r + " not verified: "
                        + a.path("verification"));
            }
            if (r >= 0) {
                verify[r] = a.path("verifySeconds").asDouble() * 1000;
                roundStop[r] = took;
                cancelled = Math.min(cancelled, a.path("cancelled").size());
            }
        }
        row("verification, 100 resting orders sent (exchange + shadow twins), testnet",
                verify, "verify100SendingMs");
        row("stop round trip with 100 resting orders sent", roundStop,
                "stopRoundTrip100SendingMs");
        report.put("cancelledPerRoundSendingMin", cancelled);
    }

    private static String resting(String symbol, String id) {
        return "{\"symbol\":\"" + symbol + "\",\"strategy\":\"bench\",\"clientOrderId\":\"" + id
                + "\",\"side\":\"BUY\",\"type\":\"LIMIT\"," + (symbol.equals("BTCUSDT")
                ? "\"price\":\"1000.00\",\"quantity\":\"0.01\""
                : "\"price\":\"100.00\",\"quantity\":\"0.1\"") + "}";
    }

    // ------------------------------------------------------------------ figures

    private void row(String name, double[] ms, String key) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("n", sorted.length);
        f.put("p50", pct(sorted, 50));
        f.put("p99", pct(sorted, 99));
        f.put("max", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
        report.put(key, f);
        table.add(new String[] {name, Integer.toString(sorted.length),
                String.format("%.3f", (double) f.get("p50")),
                String.format("%.3f", (double) f.get("p99")),
                String.format("%.3f", (double) f.get("max"))});
        System.out.printf("%-66s p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms  (n=%d)%n", name,
                f.get("p50"), f.get("p99"), f.get("max"), sorted.length);
        if (key.equals("stopRoundTripMs") || key.equals("stopSecondsMs")) {
            double p99 = (double) f.get("p99");
            String verdict = String.format("goal p99 < 5 ms: %s; the guide's SLO < 100 ms: %s",
                    p99 < 5 ? "PASS" : "MISS", p99 < 100 ? "PASS" : "MISS");
            System.out.println("  " + verdict);
            f.put("verdict", verdict);
        }
    }

    private static double[] millis(long[] nanos) {
        return Arrays.stream(nanos).mapToDouble(n -> n / 1e6).toArray();
    }

    private static double[] millis(double[] seconds) {
        return Arrays.stream(seconds).map(s -> s * 1000).toArray();
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)];
    }

    private JsonNode call(String path, String body) throws Exception {
        return call(path, body, ADMIN);
    }

    /** POST with a token; anything but a 200 stops the benchmark (it would measure errors). */
    private JsonNode call(String path, String body, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            if (path.startsWith("/api/private/order") && r.statusCode() == 503) {
                return JSON.readTree(r.body()); // chaos on the order routes: not ours
            }
            throw new IllegalStateException(path + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Path root() throws Exception {
        return Path.of(EmergencyBench.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).getParent().getParent().getParent();
    }

    /**
     * Shadow orders at a fixed rate until stopped: connection c sends orders c, c + C, … of
     * the schedule, each at its time or as soon as the connection is free (open loop);
     * answers are counted by status (200 placed, 409 refused by a stop, 503 chaos or a book
     * resyncing after a flap).
     */
    private static final class Load {
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        private final LongAdder failures = new LongAdder();
        private final List<Thread> threads = new ArrayList<>();
        private long startedNanos;

        /** Answers by status, and the rate achieved. */
        record Counts(Map<Integer, Long> statuses, long failures, double perSecond) {
            Map<String, Object> toMap() {
                Map<String, Object> m = new LinkedHashMap<>();
                statuses.forEach((k, v) -> m.put(Integer.toString(k), v));
                m.put("failures", failures);
                m.put("perSecond", Math.round(perSecond));
                return m;
            }

            @Override
            public String toString() {
                return String.format("%.0f orders/s answered, by status %s, %d failed",
                        perSecond, statuses, failures);
            }
        }

        static Load start(int port, int rate) {
            Load load = new Load();
            load.startedNanos = System.nanoTime() + 100_000_000L;
            double gap = 1e9 / rate;
            for (int c = 0; c < CONNECTIONS; c++) {
                int lane = c;
                Thread t = new Thread(() -> load.lane(port, lane, gap), "bench-emergency-" + c);
                t.setDaemon(true);
                load.threads.add(t);
                t.start();
            }
            return load;
        }

        private void lane(int port, int lane, double gap) {
            long i = lane;
            while (!stopped.get()) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    for (; !stopped.get(); i += CONNECTIONS) {
                        long due = startedNanos + (long) (i * gap);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        out.write(request(i));
                        out.flush();
                        statuses.computeIfAbsent(HttpBench.readResponse(in),
                                k -> new LongAdder()).increment();
                    }
                } catch (IOException e) {
                    failures.increment(); // a new connection takes over the schedule
                    i += CONNECTIONS;
                }
            }
        }

        Counts counts() {
            Map<Integer, Long> m = new java.util.TreeMap<>();
            statuses.forEach((k, v) -> m.put(k, v.sum()));
            long total = m.values().stream().mapToLong(Long::longValue).sum();
            return new Counts(m, failures.sum(),
                    total / ((System.nanoTime() - startedNanos) / 1e9));
        }

        void stop() throws InterruptedException {
            stopped.set(true);
            for (Thread t : threads) {
                t.join(5000);
            }
        }

        private static byte[] request(long i) {
            String body = "{\"symbol\":\"BTCUSDT\",\"side\":\"" + (i % 2 == 0 ? "BUY" : "SELL")
                    + "\",\"type\":\"MARKET\",\"quantity\":\"0.001\",\"strategy\":\"load\"}";
            return ("POST /api/private/order/shadow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TRADE + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII);
        }
    }
}
