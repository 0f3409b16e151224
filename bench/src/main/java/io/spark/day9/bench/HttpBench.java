package io.spark.day9.bench;

import io.javalin.Javalin;
import io.spark.day9.Executor;
import io.spark.day9.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the executor's HTTP foundation costs: the same closed-loop load (persistent HTTP/1.1
 * connections, one request in flight per connection) against
 * <ol>
 *   <li>a bare Javalin 6 server answering a small JSON body (the peer: the framework alone),</li>
 *   <li>Day9's public {@code /healthz} (request id, path canonicalisation, metrics, access log),</li>
 *   <li>Day9's {@code /api/private/health} with a bearer token (plus constant-time auth and
 *       every component's health).</li>
 * </ol>
 * Client and servers share the machine, equally for all three, so the ratios are the point.
 */
final class HttpBench {
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final int ROUNDS = 3;

    private HttpBench() {
    }

    static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path dir = Files.createTempDirectory("day9-bench-http");
        System.out.printf("HTTP foundation benchmark: %d rounds of %d s per target after a %d s "
                + "warm-up each, %d connections, %d cores, Java %s%n", ROUNDS, seconds,
                Math.max(2, seconds / 3), clients,
                Runtime.getRuntime().availableProcessors(), Runtime.version());

        Javalin bare = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.router.mount(r -> r.get("/ping", ctx -> ctx.json(Map.of("status", "UP"))));
        }).start("127.0.0.1", 0);
        Executor day9 = Executor.start(ConfigLoader.load(Map.of("PORT", "0",
                "RUNTIME_DIR", dir.resolve("runtime").toString(), "LOG_DIR",
                dir.resolve("logs").toString(), "API_TOKEN", TOKEN), dir.resolve(".env")));
        try {
            List<Target> targets = List.of(
                    new Target("bare Javalin GET /ping (peer)", bare.port(), "/ping", null),
                    new Target("Day9 GET /healthz", day9.port(), "/healthz", null),
                    new Target("Day9 GET /api/private/health (bearer auth)", day9.port(),
                            "/api/private/health", TOKEN));
            for (Target t : targets) { // warm every code path before measuring any
                load(t, Math.max(2, seconds / 3), clients, null, new AtomicLong());
            }
            // interleaved rounds, so drift (JIT, page cache, the other core) hits all alike
            List<LoadResult> results = new ArrayList<>();
            for (Target t : targets) {
                results.add(new LoadResult(t.name(), 0, 0, 0, new long[0]));
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < targets.size(); i++) {
                    results.set(i, merge(results.get(i), measure(targets.get(i), seconds,
                            clients)));
                }
            }
            System.out.println();
            results.forEach(r -> System.out.println(r.row()));
            System.out.println();
            LoadResult peer = results.get(0);
            for (LoadResult r : results.subList(1, results.size())) {
                System.out.printf("ratio %-44s throughput %.2f x peer, p99 %.2f x peer%n",
                        r.name(), r.perSecond() / peer.perSecond(),
                        r.percentileMillis(99) / peer.percentileMillis(99));
            }
        } finally {
            day9.close();
            bare.stop();
        }
    }

    record Target(String name, int port, String path, String token) {
    }

    static LoadResult merge(LoadResult a, LoadResult b) {
        long[] all = java.util.Arrays.copyOf(a.latenciesNanos(),
                a.latenciesNanos().length + b.latenciesNanos().length);
        System.arraycopy(b.latenciesNanos(), 0, all, a.latenciesNanos().length,
                b.latenciesNanos().length);
        return new LoadResult(a.name(), a.requests() + b.requests(), a.errors() + b.errors(),
                a.seconds() + b.seconds(), all);
    }

    static LoadResult measure(Target t, int seconds, int clients) throws Exception {
        List<long[]> samples = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        long t0 = System.nanoTime();
        long requests = load(t, seconds, clients, samples, errors);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        int total = samples.stream().mapToInt(a -> (int) a[0]).sum();
        long[] all = new long[total];
        int k = 0;
        for (long[] s : samples) {
            System.arraycopy(s, 1, all, k, (int) s[0]);
            k += (int) s[0];
        }
        return new LoadResult(t.name(), requests, errors.get(), elapsed, all);
    }

    /** Closed loop: each client thread keeps one connection and one request in flight. */
    static long load(Target target, int seconds, int clients, List<long[]> samples,
                             AtomicLong errors) throws Exception {
        int port = target.port();
        byte[] request = ("GET " + target.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (target.token() == null ? ""
                : "Authorization: Bearer " + target.token() + "\r\n")
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong done = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long[] lat = new long[1 + (samples == null ? 0 : 1_000_000)];
            if (samples != null) {
                synchronized (samples) {
                    samples.add(lat);
                }
            }
            Thread t = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                    while (System.nanoTime() < deadline) {
                        long start = System.nanoTime();
                        out.write(request);
                        out.flush();
                        int status = readResponse(in);
                        long took = System.nanoTime() - start;
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                        done.incrementAndGet();
                        if (lat[0] < lat.length - 1) {
                            lat[(int) ++lat[0]] = took;
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } finally {
                    finished.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        finished.await();
        return done.get();
    }

    /** Reads one HTTP/1.1 response with Content-Length; returns its status. */
    static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        int length = 0;
        boolean first = true;
        while (true) {
            line.setLength(0);
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            if (line.length() == 0) {
                break;
            }
            String l = line.toString();
            if (first) {
                status = Integer.parseInt(l.split(" ")[1]);
                first = false;
            } else if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(l.substring(15).strip());
            }
        }
        in.readNBytes(length);
        return status;
    }
}
