package io.spark.day9.bench;

import io.spark.day9.Executor;
import io.spark.day9.config.ConfigLoader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A shadow order through HTTP at a fixed rate: {@code POST /api/private/order/shadow} (MARKET
 * orders, buy and sell in turn, each a new order written durably to the trail) against the real
 * executor and its embedded simulated market, open loop. Send times are scheduled at
 * {@code 1/rate} apart and spread round-robin over persistent connections; a request is sent at
 * its scheduled time or as soon as its connection is free, and its latency is measured from the
 * scheduled time, so a stall shows up in every request it delayed (no coordinated omission).
 * Measured twice, each after a warm-up at the same rate (default 30 s: the JIT is still busy
 * well after 5 s): the executor in this JVM, then {@code ./day9 serve} in its own JVM through
 * the launcher. {@code BENCH_SHADOW_ONLY=serve} skips the first, {@code BENCH_SHADOW_TRACE=f}
 * writes each order's scheduled time (µs since the epoch) and latency (ns) to {@code f.serve}
 * and {@code f.inproc}, {@code BENCH_SERVE_JAVA_OPTS} is passed on as {@code DAY9_JAVA_OPTS}.
 */
final class ShadowBench {
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final int CONNECTIONS = 32;

    private ShadowBench() {
    }

    static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        System.out.printf("Shadow order benchmark: POST /api/private/order/shadow at %d orders/s, "
                + "open loop over %d connections, %d s after a %d s warm-up, %d cores, Java %s%n",
                rate, CONNECTIONS, seconds, warmup, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        // 1. the executor in this JVM, as the other suites do
        if (!"serve".equals(System.getenv("BENCH_SHADOW_ONLY"))) {
            inProcess(rate, seconds, warmup);
        }
        serve(rate, seconds, warmup);
    }

    private static void inProcess(int rate, int seconds, int warmup) throws Exception {
        Path dir = Files.createTempDirectory("day9-bench-shadow");
        Executor day9 = Executor.start(ConfigLoader.load(Map.of("PORT", "0",
                "RUNTIME_DIR", dir.resolve("runtime").toString(),
                "LOG_DIR", dir.resolve("logs").toString(), "API_TOKEN", TOKEN,
                "QUEUE_WORKER_ENABLED", "false"), dir.resolve(".env")));
        try {
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (day9.market().book("BTCUSDT", 1).map(b -> !b.synced()).orElse(true)) {
                if (System.nanoTime() > waitUntil) {
                    throw new IllegalStateException("the BTCUSDT book did not sync");
                }
                Thread.sleep(50);
            }
            measure("executor in the client's JVM", "inproc", day9.port(), rate, seconds, warmup);
        } finally {
            day9.close();
        }
    }

    private static void serve(int rate, int seconds, int warmup) throws Exception {
        // 2. the executor in its own JVM (`day9 serve` with its defaults), as a strategy would
        // meet it: the client's threads and garbage no longer share the server's heap and GC
        Path dir2 = Files.createTempDirectory("day9-bench-shadow-serve");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // through the ./day9 launcher, with the JVM settings it gives the service
        Path root = Path.of(ShadowBench.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).getParent().getParent().getParent();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("day9").toString(), "serve")
                .directory(dir2.toFile()).redirectErrorStream(true)
                .redirectOutput(dir2.resolve("serve.out").toFile());
        pb.environment().putAll(Map.of("PORT", String.valueOf(port), "API_TOKEN", TOKEN,
                "QUEUE_WORKER_ENABLED", "false"));
        String extra = System.getenv("BENCH_SERVE_JAVA_OPTS"); // e.g. a JFR recording
        if (extra != null && !extra.isBlank()) {
            pb.environment().put("DAY9_JAVA_OPTS", extra.trim());
        }
        Process serve = pb.start();
        try {
            awaitSynced(port, serve);
            run(port, rate, warmup);
            java.time.Duration cpu0 = cpu(serve);
            measure("executor in its own JVM (day9 serve)", "serve", port, rate, seconds, 0);
            java.time.Duration cpu = cpu(serve).minus(cpu0);
            System.out.printf("the executor's CPU time: %.1f s in %d s = %.0f µs per order "
                    + "(%.0f %% of the %d cores)%n", cpu.toNanos() / 1e9, seconds,
                    cpu.toNanos() / 1e3 / ((double) rate * seconds),
                    100.0 * cpu.toNanos() / 1e9 / seconds
                            / Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            serve.destroy();
            if (!serve.waitFor(15, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        System.out.println("load average at the end: "
                + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static java.time.Duration cpu(Process p) {
        return p.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    private static void measure(String what, String tag, int port, int rate, int seconds,
                                int warmup)
            throws Exception {
        if (warmup > 0) {
            run(port, rate, warmup);
        }
        Result r = run(port, rate, seconds);
        long[] lat = r.latencies();
        String trace = System.getenv("BENCH_SHADOW_TRACE");
        if (trace != null) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lat.length; i++) {
                sb.append(r.at()[i]).append(',').append(lat[i]).append('\n');
            }
            Files.writeString(Path.of(trace + "." + tag), sb);
        }
        Arrays.sort(lat);
        System.out.printf("%n%s: sent %d in %d s (%.0f orders/s achieved), errors %d%n", what,
                lat.length, seconds, lat.length / (double) seconds, r.errors());
        System.out.printf("latency from the scheduled send: p50 %.3f ms  p90 %.3f ms  "
                + "p99 %.3f ms  p99.9 %.3f ms  max %.3f ms%n", pct(lat, 50), pct(lat, 90),
                pct(lat, 99), pct(lat, 99.9), lat.length == 0 ? Double.NaN
                        : lat[lat.length - 1] / 1e6);
        double p99 = pct(lat, 99);
        System.out.printf("goal p99 < 5 ms: %s; the guide's SLO < 500 ms: %s%n",
                p99 < 5 ? "PASS" : "MISS", p99 < 500 ? "PASS" : "MISS");
    }

    /** Waits until the child executor answers and its BTCUSDT book is synced. */
    private static void awaitSynced(int port, Process serve) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest book = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + port + "/api/private/market/book?symbol=BTCUSDT&limit=1"))
                .header("Authorization", "Bearer " + TOKEN).build();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (!serve.isAlive()) {
                throw new IllegalStateException("day9 serve exited with " + serve.exitValue());
            }
            try {
                String body = http.send(book, java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
                if (body.contains("\"synced\":true")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("day9 serve did not sync BTCUSDT within 60 s");
    }

    private record Result(long[] latencies, long errors, long[] at) {
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    /** One open-loop run; connection c sends requests c, c + C, c + 2C, … of the schedule. */
    private static Result run(int port, int rate, int seconds) throws Exception {
        long total = (long) rate * seconds;
        double intervalNs = 1e9 / rate;
        long start = System.nanoTime() + 100_000_000L;
        List<long[]> samples = new ArrayList<>();
        List<long[]> whens = new ArrayList<>();
        long wallOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        for (int c = 0; c < CONNECTIONS; c++) {
            int lane = c;
            long[] lat = new long[(int) (total / CONNECTIONS + 2)];
            long[] when = new long[lat.length];
            samples.add(lat);
            whens.add(when);
            Thread t = new Thread(() -> {
                int n = 0;
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    for (long i = lane; i < total; i += CONNECTIONS) {
                        long scheduled = start + (long) (i * intervalNs);
                        long wait;
                        while ((wait = scheduled - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        out.write(request(i));
                        out.flush();
                        int status = HttpBench.readResponse(in);
                        long took = System.nanoTime() - scheduled;
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                        when[n] = (scheduled + wallOffset) / 1000;
                        lat[n++] = took;
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } finally {
                    lat[lat.length - 1] = n; // count in the last slot
                    done.countDown();
                }
            }, "bench-shadow-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        int count = samples.stream().mapToInt(a -> (int) a[a.length - 1]).sum();
        long[] all = new long[count];
        long[] at = new long[count];
        int k = 0;
        for (int j = 0; j < samples.size(); j++) {
            long[] a = samples.get(j);
            int n = (int) a[a.length - 1];
            System.arraycopy(a, 0, all, k, n);
            System.arraycopy(whens.get(j), 0, at, k, n);
            k += n;
        }
        return new Result(all, errors.get(), at);
    }

    private static byte[] request(long i) {
        String body = "{\"symbol\":\"BTCUSDT\",\"side\":\"" + (i % 2 == 0 ? "BUY" : "SELL")
                + "\",\"type\":\"MARKET\",\"quantity\":\"0.001\",\"strategy\":\"bench\"}";
        return ("POST /api/private/order/shadow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
