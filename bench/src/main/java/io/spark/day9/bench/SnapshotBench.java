package io.spark.day9.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.snapshot.RestoreOutcome;
import io.spark.day9.snapshot.SnapshotInfo;
import io.spark.day9.snapshot.SnapshotIo;
import io.spark.day9.snapshot.SnapshotService;
import io.spark.day9.snapshot.SnapshotSettings;
import io.spark.day9.snapshot.SnapshotStore;
import io.spark.day9.snapshot.StateSection;
import io.spark.day9.time.SystemScheduler;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Snapshot write and restore for a state the size the issue names: 10 000 resting orders and
 * 100 000 recent settled ones, in a synthetic section shaped like shadow orders (ids, client
 * order id, symbol, side, type, price, quantity, filled, status, strategy, times). Write =
 * capture (JSON tree) + serialise + hash + atomic write with fsyncs. Restore = what start does:
 * list, read, verify (parse + SHA-256), and hand the section its member, which rebuilds one
 * Java record per order. {@code bench/run snapshot [rounds=7]}.
 */
final class SnapshotBench {
    private SnapshotBench() {
    }

    record Order(long id, String clientOrderId, String symbol, String side, String type,
                 BigDecimal price, BigDecimal qty, BigDecimal filled, String status,
                 String strategy, long placedAt, long updatedAt) {
    }

    /** The synthetic section: captures and restores a list of orders. */
    static final class OrdersSection implements StateSection {
        final List<Order> resting;
        final List<Order> settled;
        int restored;

        OrdersSection(List<Order> resting, List<Order> settled) {
            this.resting = resting;
            this.settled = settled;
        }

        @Override
        public String name() {
            return "orders";
        }

        @Override
        public JsonNode capture() {
            ObjectNode n = Json.mapper().createObjectNode();
            write(n.putArray("resting"), resting);
            write(n.putArray("settled"), settled);
            return n;
        }

        private static void write(ArrayNode a, List<Order> orders) {
            for (Order o : orders) {
                a.addObject().put("id", o.id()).put("clientOrderId", o.clientOrderId())
                        .put("symbol", o.symbol()).put("side", o.side()).put("type", o.type())
                        .put("price", o.price().toPlainString())
                        .put("qty", o.qty().toPlainString())
                        .put("filled", o.filled().toPlainString()).put("status", o.status())
                        .put("strategy", o.strategy()).put("placedAt", o.placedAt())
                        .put("updatedAt", o.updatedAt());
            }
        }

        @Override
        public boolean restorable() {
            return true;
        }

        @Override
        public void restore(JsonNode state) {
            List<Order> out = new ArrayList<>(120_000);
            for (String part : List.of("resting", "settled")) {
                for (JsonNode o : state.get(part)) {
                    out.add(new Order(o.get("id").asLong(), o.get("clientOrderId").asText(),
                            o.get("symbol").asText(), o.get("side").asText(),
                            o.get("type").asText(), new BigDecimal(o.get("price").asText()),
                            new BigDecimal(o.get("qty").asText()),
                            new BigDecimal(o.get("filled").asText()),
                            o.get("status").asText(), o.get("strategy").asText(),
                            o.get("placedAt").asLong(), o.get("updatedAt").asLong()));
                }
            }
            restored = out.size();
        }
    }

    static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        System.out.printf("Snapshot benchmark: %d cores, Java %s, %d rounds%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), rounds);
        SplittableRandom r = new SplittableRandom(7);
        List<Order> resting = orders(r, 10_000, "NEW", 0);
        List<Order> settled = orders(r, 100_000, "FILLED", 10_000);
        Path dir = Files.createTempDirectory("day9-snapshot-bench");
        RetentionPolicy policy = new RetentionPolicy(3650, 1000);
        long[] write = new long[rounds];
        long[] restore = new long[rounds];
        long[] writeCpu = new long[rounds];
        long[] restoreCpu = new long[rounds];
        java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        long size = 0;
        try (SystemScheduler scheduler = new SystemScheduler()) {
            for (int i = 0; i < rounds; i++) {
                clean(dir);
                SnapshotService writer = service(dir, policy, scheduler,
                        new OrdersSection(resting, settled));
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                SnapshotInfo info = writer.captureState("state", "bench");
                write[i] = System.nanoTime() - t0;
                writeCpu[i] = threads.getCurrentThreadCpuTime() - c0;
                size = info.size();
                OrdersSection target = new OrdersSection(List.of(), List.of());
                SnapshotService reader = service(dir, policy, scheduler, target);
                long c1 = threads.getCurrentThreadCpuTime();
                long t1 = System.nanoTime();
                reader.start();
                restore[i] = System.nanoTime() - t1;
                restoreCpu[i] = threads.getCurrentThreadCpuTime() - c1;
                if (reader.restoreOutcome().outcome() != RestoreOutcome.RESTORED
                        || target.restored != 110_000) {
                    throw new IllegalStateException("restore failed: "
                            + reader.restoreOutcome() + ", " + target.restored + " orders");
                }
                System.out.printf("round %d: write %.1f ms (cpu %.1f ms), restore %.1f ms "
                        + "(cpu %.1f ms), %d bytes%n", i + 1, write[i] / 1e6, writeCpu[i] / 1e6,
                        restore[i] / 1e6, restoreCpu[i] / 1e6, size);
            }
        } finally {
            clean(dir);
            Files.deleteIfExists(dir);
        }
        System.out.printf("file size: %.1f MiB (%d bytes) for 10 000 resting + 100 000 settled"
                + " orders%n", size / 1048576.0, size);
        System.out.printf("write   (capture, serialise, hash, temp+fsync+rename+dir fsync): "
                + "median %.1f ms, min %.1f ms (rounds after the first)%n",
                median(write) / 1e6, min(write) / 1e6);
        System.out.printf("restore (list, read, verify, parse, rebuild 110 000 records):     "
                + "median %.1f ms, min %.1f ms (rounds after the first)%n",
                median(restore) / 1e6, min(restore) / 1e6);
        System.out.printf("thread CPU time (insensitive to other processes on the host): "
                + "write median %.1f ms, restore median %.1f ms%n", median(writeCpu) / 1e6,
                median(restoreCpu) / 1e6);
        System.out.printf("first round (cold JVM): write %.1f ms, restore %.1f ms%n",
                write[0] / 1e6, restore[0] / 1e6);
    }

    private static SnapshotService service(Path dir, RetentionPolicy policy,
                                           SystemScheduler scheduler, StateSection section) {
        SnapshotService s = new SnapshotService(new SnapshotSettings(dir, Duration.ZERO,
                1L << 30, policy), new SnapshotStore(dir, SnapshotIo.FILES, Json.mapper()),
                new Retention(Clock.systemUTC()), Clock.systemUTC(), scheduler, Json.mapper());
        s.register(section);
        return s;
    }

    private static List<Order> orders(SplittableRandom r, int n, String status, long base) {
        List<Order> out = new ArrayList<>(n);
        String[] symbols = {"BTCUSDT", "ETHUSDT"};
        for (int i = 0; i < n; i++) {
            long id = base + i + 1;
            BigDecimal price = BigDecimal.valueOf(6_500_000 + r.nextInt(-5000, 5000), 2);
            BigDecimal qty = BigDecimal.valueOf(1 + r.nextInt(100_000), 5);
            out.add(new Order(id, "cid-" + Long.toHexString(r.nextLong()), symbols[i % 2],
                    r.nextBoolean() ? "BUY" : "SELL", r.nextInt(4) == 0 ? "MARKET" : "LIMIT",
                    price, qty, status.equals("NEW") ? BigDecimal.ZERO : qty, status,
                    "strategy-" + r.nextInt(8), 1_700_000_000_000L + id,
                    1_700_000_000_500L + id));
        }
        return out;
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
