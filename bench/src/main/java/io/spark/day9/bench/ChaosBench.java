package io.spark.day9.bench;

import io.spark.day9.Executor;
import io.spark.day9.api.ApiRoutes;
import io.spark.day9.api.AuthPolicy;
import io.spark.day9.api.HttpServer;
import io.spark.day9.api.MarketRoutes;
import io.spark.day9.api.QueueRoutes;
import io.spark.day9.api.ShadowRoutes;
import io.spark.day9.api.SystemRoutes;
import io.spark.day9.config.ConfigLoader;
import io.spark.day9.config.Day9Config;
import io.spark.day9.metrics.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the inbound chaos filter costs when every fault is 0: the same closed-loop load as
 * {@link HttpBench} against one route of
 * <ol>
 *   <li>the real executor (its HTTP server has the {@code ChaosRoutes} filter on every matched
 *       route), and</li>
 *   <li>a second HTTP server in the same JVM built from the same configuration, auth policy and
 *       route objects (the same queues, market, shadow executor), in the same order, but without
 *       {@code ChaosRoutes}: the filter is not installed.</li>
 * </ol>
 * The route is {@code GET /api/private/shadow} with a bearer token: a private route (so chaos
 * would apply) with a tiny handler, so the filter's share is as large as it gets. Rounds
 * alternate between the two, so drift on the shared machine hits both alike.
 */
final class ChaosBench {
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final String PATH = "/api/private/shadow";

    private ChaosBench() {
    }

    static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Path dir = Files.createTempDirectory("day9-bench-chaos");
        System.out.printf("Chaos filter overhead (all chaos 0): %d interleaved rounds of %d s per "
                + "server after a warm-up, %d connections, GET %s, %d cores, Java %s%n", rounds,
                seconds, clients, PATH, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        Day9Config config = ConfigLoader.load(Map.of("PORT", "0",
                "RUNTIME_DIR", dir.resolve("runtime").toString(),
                "LOG_DIR", dir.resolve("logs").toString(), "API_TOKEN", TOKEN,
                "QUEUE_WORKER_ENABLED", "false"), dir.resolve(".env"));
        Executor day9 = Executor.start(config);
        // the executor's routes in the executor's order, minus ChaosRoutes
        List<ApiRoutes> routes = List.of(
                new SystemRoutes(config, day9.lifecycle(), new MetricsRegistry(), day9.audit(),
                        Clock.systemUTC()),
                new QueueRoutes(day9.queues(), day9.audit()),
                new MarketRoutes(day9.market()),
                new ShadowRoutes(day9.shadow(), day9.router(), System::currentTimeMillis));
        HttpServer bare = new HttpServer(config.server(), new AuthPolicy(
                config.server().apiToken(), config.server().adminToken()), routes);
        bare.start();
        try {
            if (day9.chaos().state().active()) {
                throw new IllegalStateException("chaos is not off: " + day9.chaos().state());
            }
            HttpBench.Target with = new HttpBench.Target("with the chaos filter (all 0)",
                    day9.port(), PATH, TOKEN);
            HttpBench.Target without = new HttpBench.Target("without the chaos filter",
                    bare.port(), PATH, TOKEN);
            for (HttpBench.Target t : List.of(with, without, with, without)) {
                HttpBench.load(t, Math.max(2, seconds / 2), clients, null, new AtomicLong());
            }
            LoadResult w = new LoadResult(with.name(), 0, 0, 0, new long[0]);
            LoadResult wo = new LoadResult(without.name(), 0, 0, 0, new long[0]);
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                // alternate which goes first, so neither always follows the other
                LoadResult a;
                LoadResult b;
                if (round % 2 == 0) {
                    a = HttpBench.measure(with, seconds, clients);
                    b = HttpBench.measure(without, seconds, clients);
                } else {
                    b = HttpBench.measure(without, seconds, clients);
                    a = HttpBench.measure(with, seconds, clients);
                }
                ratios[round] = a.perSecond() / b.perSecond();
                System.out.printf("round %d: with %.0f req/s, without %.0f req/s, ratio %.4f%n",
                        round + 1, a.perSecond(), b.perSecond(), ratios[round]);
                w = HttpBench.merge(w, a);
                wo = HttpBench.merge(wo, b);
            }
            System.out.println();
            System.out.println(w.row());
            System.out.println(wo.row());
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            double overall = w.perSecond() / wo.perSecond();
            System.out.printf("%nthroughput with/without: overall %.4f (%+.2f %%), median of "
                    + "rounds %.4f, range %.4f-%.4f; p50 %.3f / %.3f ms, p99 %.3f / %.3f ms%n",
                    overall, (overall - 1) * 100, median, sorted[0], sorted[sorted.length - 1],
                    w.percentileMillis(50), wo.percentileMillis(50), w.percentileMillis(99),
                    wo.percentileMillis(99));
            System.out.printf("goal: less than 2 %% difference: %s%n",
                    Math.abs(overall - 1) < 0.02 ? "PASS" : "MISS");
            // the filter's own work, timed alone: a bound that the machine's noise cannot blur
            io.spark.day9.chaos.ChaosEngine engine = day9.chaos();
            long sink = 0;
            long calls = 20_000_000;
            for (int warm = 0; warm < 2; warm++) {
                long t0 = System.nanoTime();
                for (long i = 0; i < calls; i++) {
                    sink += engine.inbound(PATH).none() ? 1 : 0;
                }
                double ns = (System.nanoTime() - t0) / (double) calls;
                if (warm == 1) {
                    System.out.printf("the filter's decision alone (ChaosEngine.inbound, all 0): "
                            + "%.1f ns per request = %.3f %% of a core-second at %.0f req/s on "
                            + "%d cores%n", ns, ns * wo.perSecond() / (1e9
                                    * Runtime.getRuntime().availableProcessors()) * 100,
                            wo.perSecond(), Runtime.getRuntime().availableProcessors());
                }
            }
            if (sink == 42) {
                System.out.println();
            }
            List<String> load = new ArrayList<>();
            try {
                load.add(Files.readString(Path.of("/proc/loadavg")).strip());
            } catch (java.io.IOException e) {
                load.add("n/a");
            }
            System.out.println("load average at the end: " + load.get(0));
        } finally {
            bare.stop();
            day9.close();
        }
    }
}
