package io.spark.day9.bench;

import com.squareup.tape2.QueueFile;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.queue.FileJournalQueue;
import io.spark.day9.queue.FsyncMode;
import io.spark.day9.queue.QueueConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * The durable queue against its peers and the disk's own limits, in one run, on one disk,
 * with 200-byte payloads. See BENCHMARKS.md for the method; every figure is printed with the
 * goal it is held to.
 */
final class QueueBench {
    private static final byte[] PAYLOAD = payload();
    private static final List<String[]> GOALS = new ArrayList<>();

    private QueueBench() {
    }

    private static byte[] payload() {
        // a JSON object of exactly 200 bytes, like a small strategy signal
        String head = "{\"job\":\"order\",\"data\":{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"pad\":\"";
        String tail = "\"}}";
        return (head + "x".repeat(200 - head.length() - tail.length()) + tail).getBytes();
    }

    static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : "/tmp"),
                "day9-queue-bench");
        System.out.printf("Durable queue benchmark in %s; payload %d bytes; %d cores; Java %s%n",
                root, PAYLOAD.length, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        try {
            Latency rawSingle = rawSingleFsync(root.resolve("raw1"), 3000);
            double rawBatch = rawBatchedFsync(root.resolve("raw2"), 300);
            double tape = tape(root.resolve("tape"), 2000);
            double chronicle = chronicle(root.resolve("chronicle"), 3_000_000);
            row("raw: 200 B append + force, one record per force", rawSingle.rate(), "records/s",
                    "p99 " + ms(rawSingle.p99Nanos()));
            row("raw: 1000 records + one force", rawBatch, "records/s", "");
            row("Tape QueueFile.add (fsync each add)", tape, "adds/s", "");
            row("Chronicle Queue append (page cache)", chronicle, "appends/s", "");

            double day9Batch64 = day9Concurrent(root.resolve("d64"), FsyncMode.BATCH, 64, 6);
            row("Day9 enqueue, batch fsync, 64 producers", day9Batch64, "jobs/s", "");
            Latency batchSingle = day9Single(root.resolve("d1b"), FsyncMode.BATCH, 3000);
            row("Day9 enqueue, batch fsync, 1 producer", batchSingle.rate(), "jobs/s",
                    "p99 " + ms(batchSingle.p99Nanos()));
            Latency alwaysSingle = day9Single(root.resolve("d1a"), FsyncMode.ALWAYS, 3000);
            row("Day9 enqueue, always fsync, 1 producer", alwaysSingle.rate(), "jobs/s",
                    "p99 " + ms(alwaysSingle.p99Nanos()));
            Latency none = day9Single(root.resolve("dn"), FsyncMode.NONE, 1_000_000);
            row("Day9 enqueue, fsync none, 1 producer", none.rate(), "jobs/s", "");
            double none8 = day9Concurrent(root.resolve("dn8"), FsyncMode.NONE, 8, 4);
            row("Day9 enqueue, fsync none, 8 producers", none8, "jobs/s", "");
            double cycle = fullCycle(root.resolve("cycle"), 6);
            row("Day9 full durable cycle (enqueue, claim, ack)", cycle, "jobs/s", "");
            double[] replay = replayAndHeap(root.resolve("replay"), 1_000_000);
            row("Day9 open + replay of a 1 M-record journal", replay[0], "s", "");
            row("Day9 heap per pending job at 1 M pending", replay[1], "bytes", "");

            goal("durable enqueue, 64 producers >= 100 x Tape", day9Batch64 / tape, 100);
            goal("durable enqueue, 64 producers >= 30 % of raw batched fsync",
                    day9Batch64 / rawBatch, 0.30);
            goal("single-producer p99 (batch) <= 2 x raw single-fsync p99",
                    2.0 / ((double) batchSingle.p99Nanos() / rawSingle.p99Nanos()), 1);
            goal("single-producer p99 (always) <= 2 x raw single-fsync p99",
                    2.0 / ((double) alwaysSingle.p99Nanos() / rawSingle.p99Nanos()), 1);
            goal("fsync none >= 20 % of Chronicle (best of 1 or 8 producers)",
                    Math.max(none.rate(), none8) / chronicle, 0.20);
            goal("full durable cycle >= 100 000 jobs/s", cycle / 100_000, 1);
            goal("open + replay of 1 M records < 2 s", 2.0 / replay[0], 1);
            goal("heap per pending job <= 100 bytes", 100 / replay[1], 1);
            System.out.println();
            for (String[] g : GOALS) {
                System.out.println(String.join("  ", g));
            }
        } finally {
            delete(root);
        }
    }

    // ------------------------------------------------------------------ peers and the disk

    record Latency(double rate, long p99Nanos) {
    }

    private static Latency rawSingleFsync(Path file, int n) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < 200; i++) { // warm-up
                ch.write(ByteBuffer.wrap(PAYLOAD));
                ch.force(false);
            }
            long[] lat = new long[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                ch.write(ByteBuffer.wrap(PAYLOAD));
                ch.force(false);
                lat[i] = System.nanoTime() - s;
            }
            return new Latency(n / secs(t0), p99(lat));
        }
    }

    private static double rawBatchedFsync(Path file, int batches) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer batch = ByteBuffer.allocate(PAYLOAD.length * 1000);
        for (int i = 0; i < 1000; i++) {
            batch.put(PAYLOAD);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < 20; i++) {
                batch.flip();
                ch.write(batch);
                ch.force(false);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                batch.flip();
                while (batch.hasRemaining()) {
                    ch.write(batch);
                }
                ch.force(false);
            }
            return batches * 1000.0 / secs(t0);
        }
    }

    private static double tape(Path file, int n) throws IOException {
        Files.createDirectories(file.getParent());
        try (QueueFile q = new QueueFile.Builder(file.toFile()).build()) {
            for (int i = 0; i < 100; i++) {
                q.add(PAYLOAD);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                q.add(PAYLOAD);
            }
            return n / secs(t0);
        }
    }

    private static double chronicle(Path dir, int n) {
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(dir).build();
             ExcerptAppender a = q.createAppender()) {
            for (int i = 0; i < 200_000; i++) {
                a.writeBytes(b -> b.write(PAYLOAD));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                a.writeBytes(b -> b.write(PAYLOAD));
            }
            return n / secs(t0);
        }
    }

    // ------------------------------------------------------------------ Day9

    static QueueConfig config(Path dir, FsyncMode mode) {
        return new QueueConfig(dir, "bench", mode, 60_000, 5, 120_000, 50_000_000,
                Long.MAX_VALUE / 8, 256 * 1024, 1000, 300_000,
                QueueConfig.DEFAULT_BATCH_WINDOW_MICROS, 1L << 40);
    }

    private static Latency day9Single(Path dir, FsyncMode mode, int n) {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, mode))) {
            int warm = Math.min(n / 5, 20_000);
            for (int i = 0; i < warm; i++) {
                q.enqueue(PAYLOAD);
            }
            long[] lat = new long[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                q.enqueue(PAYLOAD);
                lat[i] = System.nanoTime() - s;
            }
            return new Latency(n / secs(t0), p99(lat));
        }
    }

    private static double day9Concurrent(Path dir, FsyncMode mode, int producers, int seconds)
            throws InterruptedException {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, mode))) {
            run(producers, 1, () -> q.enqueue(PAYLOAD)); // warm-up
            AtomicLong done = new AtomicLong();
            long t0 = System.nanoTime();
            run(producers, seconds, () -> {
                q.enqueue(PAYLOAD);
                done.incrementAndGet();
            });
            return done.get() / secs(t0);
        }
    }

    /**
     * Producers enqueue while consumers claim in batches of 100 and ack each job; counts jobs
     * acked per second. Everything is durable (batch fsync) before each call returns.
     */
    private static double fullCycle(Path dir, int seconds) throws InterruptedException {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, FsyncMode.BATCH))) {
            AtomicLong acked = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> consumers = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        List<ClaimedJob> jobs = q.claim(100);
                        if (jobs.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        for (ClaimedJob j : jobs) {
                            q.ack(j.id(), j.receipt());
                            acked.incrementAndGet();
                        }
                    }
                });
                t.start();
                consumers.add(t);
            }
            run(32, 1, () -> q.enqueue(PAYLOAD)); // warm-up
            long before = acked.get();
            long t0 = System.nanoTime();
            run(32, seconds, () -> q.enqueue(PAYLOAD));
            double rate = (acked.get() - before) / secs(t0);
            stop.set(true);
            for (Thread t : consumers) {
                t.join();
            }
            return rate;
        }
    }

    /** Returns {open seconds, heap bytes per pending job}. */
    private static double[] replayAndHeap(Path dir, int jobs) throws InterruptedException {
        fill(dir, jobs); // in its own frame, so nothing of that queue stays reachable
        long heapBefore = usedHeapAfterGc();
        long t0 = System.nanoTime();
        FileJournalQueue q = FileJournalQueue.open(config(dir, FsyncMode.NONE));
        double openSeconds = secs(t0);
        try {
            if (q.stats().depth() != jobs) {
                throw new IllegalStateException("replay found " + q.stats().depth() + " jobs");
            }
            long heapAfter = usedHeapAfterGc();
            // the queue must still be reachable here, or the GC above would have freed it
            if (q.stats().depth() != jobs) {
                throw new IllegalStateException("queue changed");
            }
            return new double[] {openSeconds, (heapAfter - heapBefore) / (double) jobs};
        } finally {
            q.close();
        }
    }

    private static void fill(Path dir, int jobs) {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, FsyncMode.NONE))) {
            for (int i = 0; i < jobs; i++) {
                q.enqueue(PAYLOAD);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()
                    .getUsed());
        }
        return used;
    }

    private static void run(int threads, int seconds, Runnable op) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    op.run();
                }
                done.countDown();
            }).start();
        }
        done.await();
    }

    private static long p99(long[] lat) {
        long[] s = lat.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(s.length * 0.99) - 1];
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String ms(long nanos) {
        return String.format("%.3f ms", nanos / 1e6);
    }

    private static void row(String what, double value, String unit, String extra) {
        System.out.printf("%-52s %14s %-10s %s%n", what, String.format("%,.2f", value), unit,
                extra);
    }

    private static void goal(String what, double ratio, double needed) {
        GOALS.add(new String[] {ratio >= needed ? "PASS" : "MISS",
                String.format("%-62s", what), String.format("(measured %.3f of the goal's %s)",
                        ratio / needed, "1.0")});
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
