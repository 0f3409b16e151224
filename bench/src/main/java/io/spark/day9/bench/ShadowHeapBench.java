package io.spark.day9.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.ShadowOrderView;
import io.spark.day9.time.SystemScheduler;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Heap held by the shadow executor as orders accumulate: {@link ShadowExecutor#place} in this
 * JVM (MARKET orders of 0.001, buy and sell in turn, each with a new client order id, each
 * filled against a fixed simulated book and written to the trail), from {@value #THREADS}
 * threads. At each checkpoint the placing pauses, the JVM collects ({@code System.gc()} until
 * the used heap stops falling) and the used heap is read. Run twice: with the bounded window
 * ({@code SHADOW_RECENT_ORDERS}, default 100 000) and with a window as large as the run, which
 * is how the executor kept every order before. The trail goes to {@code /dev/shm} when it
 * exists (the heap is measured, not the disk; {@code BENCH_SHADOW_HEAP_DIR} overrides).
 * After the bounded run it also times a lookup and a duplicate of the first order (read back
 * from the trail) and the capture of the state section.
 */
final class ShadowHeapBench {
    private static final int THREADS = 4;

    private ShadowHeapBench() {
    }

    static void main(String[] args) throws Exception {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        System.out.printf("Shadow heap benchmark: %d MARKET orders through ShadowExecutor.place "
                + "from %d threads, Java %s, max heap %d MB%n", orders, THREADS,
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        long[] points = {orders / 10, orders / 4, orders / 2, orders};
        run("bounded window of " + window, orders, window, points, true);
        run("window as large as the run (every order in memory, as before)", orders,
                Math.min(orders, ShadowConfig.MAX_RECENT_ORDERS), points, false);
    }

    private static void run(String what, int orders, int window, long[] points, boolean probe)
            throws Exception {
        Path base = Optional.ofNullable(System.getenv("BENCH_SHADOW_HEAP_DIR")).map(Path::of)
                .orElse(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                        : Path.of(System.getProperty("java.io.tmpdir")));
        Path dir = Files.createTempDirectory(base, "day9-bench-shadow-heap");
        long before = usedAfterGc();
        SystemScheduler scheduler = new SystemScheduler();
        JsonNode info = Json.mapper().readTree("""
                {"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                 {"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"1000000","tickSize":"0.01"},
                 {"filterType":"LOT_SIZE","minQty":"0.00001","maxQty":"9000","stepSize":"0.00001"}
                 ]}]}""");
        ShadowExecutor shadow = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 86_400_000, 0, window),
                new FixedBook(), () -> info, null, System::currentTimeMillis, scheduler,
                Json.mapper());
        shadow.start();
        System.out.printf("%n%s (trail in %s); heap before start %.1f MB%n", what, dir,
                before / 1e6);
        System.out.println("| orders placed | used heap after GC | growth since start | "
                + "orders in memory | orders indexed | place rate |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long placed = 0;
            long startHeap = usedAfterGc();
            for (long point : points) {
                long from = placed;
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (long i = from + thread; i < point; i += THREADS) {
                            shadow.place(order(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                placed = point;
                long used = usedAfterGc();
                var health = shadow.health().details();
                System.out.printf("| %,d | %.1f MB | %.1f MB | %,d | %,d | %,.0f/s |%n", point,
                        used / 1e6, (used - startHeap) / 1e6, health.get("orders"),
                        health.get("indexedOrders"), (point - from) / secs);
            }
            if (probe) {
                long t0 = System.nanoTime();
                ShadowOrderView first = shadow.get("heap-0").orElseThrow();
                long t1 = System.nanoTime();
                ShadowExecutor.Placement again = shadow.place(order(0));
                long t2 = System.nanoTime();
                JsonNode section = shadow.stateSection().capture();
                long t3 = System.nanoTime();
                int bytes = Json.mapper().writeValueAsBytes(section).length;
                System.out.printf("oldest order read back from the trail: %.2f ms (%s); its "
                        + "client order id again: %.2f ms, duplicate=%s%n", (t1 - t0) / 1e6,
                        first.orderId(), (t2 - t1) / 1e6, again.duplicate());
                JsonNode parsed = Json.mapper().readTree(
                        Json.mapper().writeValueAsBytes(section));
                ShadowExecutor fresh = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                        BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 86_400_000, 0,
                        window), new FixedBook(), () -> info, null, System::currentTimeMillis,
                        scheduler, Json.mapper());
                long t4 = System.nanoTime();
                fresh.stateSection().restore(parsed);
                long t5 = System.nanoTime();
                ShadowExecutor warm = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                        BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 86_400_000, 0,
                        window), new FixedBook(), () -> info, null, System::currentTimeMillis,
                        scheduler, Json.mapper());
                long t6 = System.nanoTime();
                warm.stateSection().restore(parsed);
                long t7 = System.nanoTime();
                System.out.printf("state section capture: %.0f ms, %.1f MB of JSON "
                        + "(%d recent orders); its restore (check and load, before start): "
                        + "%.0f ms, then %.0f ms a second time (the code compiled)%n",
                        (t3 - t2) / 1e6, bytes / 1e6, section.path("recent").size(),
                        (t5 - t4) / 1e6, (t7 - t6) / 1e6);
            }
        } finally {
            pool.shutdownNow();
            shadow.stop();
            scheduler.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static OrderRequest order(long i) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", i % 2 == 0 ? "BUY" : "SELL",
                "MARKET", null, "0.001", "bench", "heap-" + i, null, null), null,
                System.currentTimeMillis(), "http");
    }

    /** Collects until the used heap stops falling; returns it. */
    private static long usedAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used >= last - (1 << 20)) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }

    /** One BTCUSDT book, deep enough that every order fills; it never changes. */
    static final class FixedBook implements MarketData {
        private final BookView book = new BookView("BTCUSDT", true, 1, 0,
                List.of(new PriceLevel(new BigDecimal("99999.90"), new BigDecimal("1000000"))),
                List.of(new PriceLevel(new BigDecimal("100000.10"), new BigDecimal("1000000"))),
                null, null, null, 0, 1, 1);

        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            return "BTCUSDT".equals(symbol) ? Optional.of(book) : Optional.empty();
        }

        @Override
        public boolean connected() {
            return true;
        }
    }
}
