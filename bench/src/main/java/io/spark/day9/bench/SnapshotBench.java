package io.spark.day9.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.snapshot.RestoreOutcome;
import io.spark.day9.snapshot.SnapshotInfo;
import io.spark.day9.snapshot.SnapshotIo;
import io.spark.day9.snapshot.SnapshotService;
import io.spark.day9.snapshot.SnapshotSettings;
import io.spark.day9.snapshot.SnapshotStore;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.time.SystemScheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Snapshot write and restore-on-start for the state the issue names, with the REAL shadow
 * section: a {@link ShadowExecutor} filled through {@link ShadowExecutor#place} with 10 000
 * resting LIMIT orders and 100 000 settled MARKET orders (its recent window, 100 000 by
 * default), captured through the {@link SnapshotService}. Write = {@code captureState}.
 * Restore on start = the snapshot service's start (list, read, verify, hand the section its
 * member) plus the shadow executor's {@code start()} up to ready (index the trail before the
 * mark, replay after it); compared with a start without any snapshot (the whole trail
 * replayed) and with a start on an empty directory. {@code bench/run snapshot [rounds=7]}.
 */
final class SnapshotBench {
    private static final int RESTING = 10_000;
    private static final int SETTLED = 100_000;
    private static final int THREADS = 4;

    private SnapshotBench() {
    }

    static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        System.out.printf("Snapshot benchmark (real shadow section): %d cores, Java %s, "
                + "%d rounds%n", Runtime.getRuntime().availableProcessors(), Runtime.version(),
                rounds);
        Path base = Optional.ofNullable(System.getenv("BENCH_SNAPSHOT_DIR")).map(Path::of)
                .orElse(Path.of(System.getProperty("java.io.tmpdir")));
        Path trail = Files.createTempDirectory(base, "day9-snapshot-bench-trail");
        Path empty = Files.createTempDirectory(base, "day9-snapshot-bench-empty");
        Path snaps = Files.createTempDirectory(base, "day9-snapshot-bench");
        RetentionPolicy policy = new RetentionPolicy(3650, 1000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] write = new long[rounds];
        long[] writeCpu = new long[rounds];
        long[] restore = new long[rounds];
        long[] restoreCpu = new long[rounds];
        long[] startAfter = new long[rounds];
        long[] startAfterCpu = new long[rounds];
        long[] full = new long[rounds];
        long[] fullCpu = new long[rounds];
        long[] bare = new long[rounds];
        long[] bareCpu = new long[rounds];
        long size = 0;
        try (SystemScheduler scheduler = new SystemScheduler()) {
            ShadowExecutor source = shadow(trail, scheduler);
            source.start();
            fill(source);
            var health = source.health().details();
            System.out.printf("filled: %s orders in memory, %s resting, %s indexed; trail %.1f "
                    + "MB in %s%n", health.get("orders"), health.get("resting"),
                    health.get("indexedOrders"), trailBytes(trail) / 1e6, trail);
            for (int i = 0; i < rounds; i++) {
                clean(snaps);
                SnapshotService writer = service(snaps, policy, scheduler, source);
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                SnapshotInfo info = writer.captureState("state", "bench");
                write[i] = System.nanoTime() - t0;
                writeCpu[i] = threads.getCurrentThreadCpuTime() - c0;
                size = info.size();
            }
            source.stop();
            for (int i = 0; i < rounds; i++) {
                // restore on start: the snapshot service restores the section, then the shadow
                // executor starts (indexes the trail before the mark, replays after it)
                ShadowExecutor target = shadow(trail, scheduler);
                SnapshotService reader = service(snaps, policy, scheduler, target);
                long c1 = threads.getCurrentThreadCpuTime();
                long t1 = System.nanoTime();
                reader.start();
                restore[i] = System.nanoTime() - t1;
                restoreCpu[i] = threads.getCurrentThreadCpuTime() - c1;
                target.start();
                startAfter[i] = System.nanoTime() - t1 - restore[i];
                startAfterCpu[i] = threads.getCurrentThreadCpuTime() - c1 - restoreCpu[i];
                if (reader.restoreOutcome().outcome() != RestoreOutcome.RESTORED) {
                    throw new IllegalStateException("restore failed: "
                            + reader.restoreOutcome());
                }
                check(target);
                target.stop();
                // no snapshot: the whole trail is replayed
                ShadowExecutor replayed = shadow(trail, scheduler);
                long c2 = threads.getCurrentThreadCpuTime();
                long t2 = System.nanoTime();
                replayed.start();
                full[i] = System.nanoTime() - t2;
                fullCpu[i] = threads.getCurrentThreadCpuTime() - c2;
                check(replayed);
                replayed.stop();
                // nothing at all: an empty directory
                ShadowExecutor fresh = shadow(empty, scheduler);
                long c3 = threads.getCurrentThreadCpuTime();
                long t3 = System.nanoTime();
                fresh.start();
                bare[i] = System.nanoTime() - t3;
                bareCpu[i] = threads.getCurrentThreadCpuTime() - c3;
                fresh.stop();
                System.out.printf("round %d: write %.1f ms (cpu %.1f); restore %.1f ms (cpu "
                        + "%.1f) + start after it %.1f ms (cpu %.1f); start replaying the "
                        + "whole trail %.1f ms (cpu %.1f); empty start %.1f ms%n", i + 1,
                        write[i] / 1e6, writeCpu[i] / 1e6, restore[i] / 1e6,
                        restoreCpu[i] / 1e6, startAfter[i] / 1e6, startAfterCpu[i] / 1e6,
                        full[i] / 1e6, fullCpu[i] / 1e6, bare[i] / 1e6);
            }
        } finally {
            for (Path d : List.of(trail, empty, snaps)) {
                try (Stream<Path> files = Files.walk(d)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        long[] total = new long[rounds];
        long[] totalCpu = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            total[i] = restore[i] + startAfter[i];
            totalCpu[i] = restoreCpu[i] + startAfterCpu[i];
        }
        System.out.printf("%nfile size: %.1f MiB (%d bytes) for %d resting + %d settled orders"
                + "%n", size / 1048576.0, size, RESTING, SETTLED);
        line("write (capture, serialise, hash, atomic write, retention)", write, writeCpu);
        line("snapshot restore (list, read, verify, section restore)", restore, restoreCpu);
        line("shadow start after the restore (index before mark, replay)", startAfter,
                startAfterCpu);
        line("restore on start, total", total, totalCpu);
        line("start without a snapshot (whole trail replayed)", full, fullCpu);
        line("start on an empty directory", bare, bareCpu);
        System.out.printf("restore on start adds (total - empty start), median: %.1f ms wall, "
                + "%.1f ms cpu%n", (median(total) - median(bare)) / 1e6,
                (median(totalCpu) - median(bareCpu)) / 1e6);
        System.out.printf("first round (cold JVM): write %.1f ms, restore on start %.1f ms%n",
                write[0] / 1e6, total[0] / 1e6);
    }

    private static void line(String what, long[] wall, long[] cpu) {
        System.out.printf("| %s | %.1f ms / %.1f ms | %.1f ms |%n", what, median(wall) / 1e6,
                min(wall) / 1e6, median(cpu) / 1e6);
    }

    private static void check(ShadowExecutor s) {
        var d = s.health().details();
        if (!Integer.valueOf(RESTING).equals(d.get("resting"))
                || ((Number) d.get("indexedOrders")).intValue() < RESTING + SETTLED
                || s.get("settled-0").isEmpty() || !s.place(settled(0)).duplicate()) {
            throw new IllegalStateException("the restarted executor lost state: " + d);
        }
    }

    private static void fill(ShadowExecutor shadow) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int phase = 0; phase < 2; phase++) {
                int n = phase == 0 ? RESTING : SETTLED;
                boolean rest = phase == 0;
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = thread; i < n; i += THREADS) {
                            shadow.place(rest ? resting(i) : settled(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static OrderRequest resting(int i) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", i % 2 == 0 ? "BUY" : "SELL",
                "LIMIT", i % 2 == 0 ? "90000.00" : "110000.00", "0.001", "bench",
                "resting-" + i, "GTC", null), null, System.currentTimeMillis(), "http");
    }

    private static OrderRequest settled(int i) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", i % 2 == 0 ? "BUY" : "SELL",
                "MARKET", null, "0.001", "bench", "settled-" + i, null, null), null,
                System.currentTimeMillis(), "http");
    }

    private static ShadowExecutor shadow(Path dir, SystemScheduler scheduler) throws Exception {
        JsonNode info = Json.mapper().readTree("""
                {"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                 {"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"1000000","tickSize":"0.01"},
                 {"filterType":"LOT_SIZE","minQty":"0.00001","maxQty":"9000","stepSize":"0.00001"}
                 ]}]}""");
        return new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN, BigDecimal.TEN,
                ShadowConfig.LatencyModel.NONE, 0, 86_400_000, 0, SETTLED),
                new ShadowHeapBench.FixedBook(), () -> info, null, System::currentTimeMillis,
                scheduler, Json.mapper());
    }

    private static SnapshotService service(Path dir, RetentionPolicy policy,
                                           SystemScheduler scheduler, ShadowExecutor shadow) {
        SnapshotService s = new SnapshotService(new SnapshotSettings(dir, Duration.ZERO,
                1L << 30, policy), new SnapshotStore(dir, SnapshotIo.FILES, Json.mapper()),
                new Retention(Clock.systemUTC()), Clock.systemUTC(), scheduler, Json.mapper());
        s.register(shadow.stateSection());
        return s;
    }

    private static long trailBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void clean(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static double median(long[] xs) {
        long[] s = Arrays.copyOfRange(xs, xs.length > 1 ? 1 : 0, xs.length);
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(long[] xs) {
        return Arrays.stream(xs, xs.length > 1 ? 1 : 0, xs.length).min().orElse(0);
    }
}
