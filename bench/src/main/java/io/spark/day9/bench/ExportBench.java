package io.spark.day9.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.export.FeatureExport;
import io.spark.day9.shadow.OrderRequest.Side;
import io.spark.day9.shadow.OrderRequest.TimeInForce;
import io.spark.day9.shadow.OrderRequest.Type;
import io.spark.day9.shadow.OrderStatus;
import io.spark.day9.shadow.TrailRecord;
import io.spark.day9.tape.TapeRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The feature export's rate to Parquet on a generated dataset: {@code rows} shadow orders
 * (half with one fill; shadow legs only, so rows = orders) over
 * one UTC day on two symbols, and a tape of top of book every 100 ms per symbol plus a trade
 * every 500 ms. Files are written in their real on-disk formats (trail lines from
 * {@link TrailRecord#toMap()}, tape lines from {@link TapeRecord#line()}). Prints each phase's
 * wall time and the process's CPU time (every thread: the export's workers, GC, JIT), and rows
 * per second end to end and for compute + write. The phases overlap: while the calling thread
 * reads the trail, workers hash the inputs and read the tape, so the later "read tape" and
 * "hash inputs" phases only wait for what is left.
 */
final class ExportBench {
    private static final long DAY0 = Instant.parse("2026-12-05T00:00:00Z").toEpochMilli();

    private ExportBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path root = args.length > 1 ? Path.of(args[1])
                : Files.createTempDirectory("day9-export-bench");
        Path shadow = root.resolve("shadow");
        Path tape = root.resolve("tape");
        long g0 = System.nanoTime();
        generate(rows, shadow, tape);
        System.out.printf("generated %,d orders: trail %,d bytes, tape %,d bytes in %.1f s%n",
                rows, size(shadow), size(tape), (System.nanoTime() - g0) / 1e9);
        for (int run = 1; run <= 3; run++) {
            Path out = root.resolve("out-" + run);
            Map<String, Long> phases = new LinkedHashMap<>();
            Map<String, Long> cpuPhases = new LinkedHashMap<>();
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            java.util.function.LongSupplier cpuNow = os::getProcessCpuTime;
            long[] mark = {System.nanoTime()};
            long[] cpuMark = {cpuNow.getAsLong()};
            String[] current = {null};
            FeatureExport.Progress timer = new FeatureExport.Progress() {
                @Override
                public void phase(String name, long total) {
                    long now = System.nanoTime();
                    long cpu = cpuNow.getAsLong();
                    if (current[0] != null) {
                        phases.put(current[0], now - mark[0]);
                        cpuPhases.put(current[0], cpu - cpuMark[0]);
                    }
                    current[0] = name;
                    mark[0] = now;
                    cpuMark[0] = cpu;
                }
            };
            long c0 = cpuNow.getAsLong();
            long t0 = System.nanoTime();
            FeatureExport.Result r = new FeatureExport().run(new FeatureExport.Params(
                    Instant.ofEpochMilli(DAY0), Instant.ofEpochMilli(DAY0 + 86_400_000L), out,
                    FeatureExport.Format.PARQUET, shadow, tape), timer);
            long total = System.nanoTime() - t0;
            long cpu = cpuNow.getAsLong() - c0;
            phases.put(current[0], System.nanoTime() - mark[0]);
            cpuPhases.put(current[0], cpuNow.getAsLong() - cpuMark[0]);
            long computeWrite = phases.getOrDefault("compute", 0L)
                    + phases.getOrDefault("write parquet", 0L);
            StringBuilder b = new StringBuilder();
            phases.forEach((k, v) -> b.append(String.format(" %s %.2f s (CPU %.2f s);", k,
                    v / 1e9, cpuPhases.getOrDefault(k, 0L) / 1e9)));
            System.out.printf("run %d: %,d rows in %.2f s = %,.0f rows/s end to end (wall);"
                            + " process CPU (all threads, GC and JIT included) %.2f s ="
                            + " %,.0f rows/s per CPU second;"
                            + " compute+write %,.0f rows/s (wall); parquet %,d bytes;%s%n", run,
                    r.rows(), total / 1e9, r.rows() / (total / 1e9), cpu / 1e9,
                    r.rows() / (cpu / 1e9),
                    r.rows() / (computeWrite / 1e9), size(out), b);
        }
    }

    static void generate(int rows, Path shadow, Path tape) throws IOException {
        Files.createDirectories(shadow);
        Files.createDirectories(tape);
        SplittableRandom rnd = new SplittableRandom(42);
        String[] symbols = {"BTCUSDT", "ETHUSDT"};
        double[] mid = {60_000, 3_000};
        try (OutputStream t = new BufferedOutputStream(Files.newOutputStream(
                tape.resolve("tape-2026-12-05-000.csv")), 1 << 20)) {
            for (long at = DAY0; at < DAY0 + 86_400_000L + 120_000; at += 100) {
                for (int s = 0; s < 2; s++) {
                    mid[s] *= 1 + (rnd.nextDouble() - 0.5) * 2e-4;
                    double m = Math.round(mid[s] * 100) / 100.0;
                    String line = new TapeRecord.Top(at + s, symbols[s], m - 0.01,
                            Math.round(rnd.nextDouble() * 500) / 100.0, m + 0.01,
                            Math.round(rnd.nextDouble() * 500) / 100.0).line();
                    t.write(line.getBytes(StandardCharsets.US_ASCII));
                    t.write('\n');
                    if (at % 500 == 0) {
                        t.write(new TapeRecord.Trade(at + s + 1, symbols[s], m, 0.01, s == 0, at)
                                .line().getBytes(StandardCharsets.US_ASCII));
                        t.write('\n');
                    }
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        long step = 86_400_000L / rows;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(
                shadow.resolve("orders-2026-12-05.ndjson")), 1 << 20)) {
            for (int i = 0; i < rows; i++) {
                long t = DAY0 + i * step + 3;
                String sym = symbols[i & 1];
                String id = "s" + i;
                TrailRecord.Head h = new TrailRecord.Head(t + 1, id, "c" + i, i % 3 == 0
                        ? "alpha" : "beta", sym);
                boolean queued = i % 4 == 0;
                o.write(json.writeValueAsBytes(new TrailRecord.Order(h, i % 2 == 0 ? Side.BUY
                        : Side.SELL, Type.LIMIT, TimeInForce.GTC, new BigDecimal("100.5"),
                        new BigDecimal("0.01"), queued ? t - 40 : t, t + 1, t + 1,
                        new BigDecimal("100.5"), new BigDecimal("100.49"),
                        new BigDecimal("100.51"), 1.0, OrderStatus.NEW, null, null, "USDT",
                        queued ? "queue" : "http", null).toMap()));
                o.write('\n');
                if (i % 2 == 0) {
                    o.write(json.writeValueAsBytes(new TrailRecord.Fill(h,
                            new BigDecimal("100.5"), new BigDecimal("0.01"),
                            new BigDecimal("0.001"), "USDT", "MAKER", t + 20, 20.0, 1.0, 0.5,
                            0.0).toMap()));
                    o.write('\n');
                }
            }
        }
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
