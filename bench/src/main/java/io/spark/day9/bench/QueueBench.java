package io.spark.day9.bench;

import com.squareup.tape2.QueueFile;
import io.spark.day9.queue.Ack;
import io.spark.day9.queue.AckResult;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.queue.EnqueueOptions;
import io.spark.day9.queue.FileJournalQueue;
import io.spark.day9.queue.FsyncMode;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.queue.event.QueueEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.Semaphore;
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
    /** enqueueAsync producers keep at most this many futures in flight each. */
    private static final int WINDOW = 16;
    /** A wider window, printed as a diagnostic: is the rate bound by the window or the CPU? */
    private static final int WIDE_WINDOW = 64;
    /** Batch size of enqueueAll / claim / ackAll in the batch cases. */
    private static final int BATCH = 100;
    private static final List<byte[]> PAYLOADS = java.util.Collections.nCopies(BATCH, PAYLOAD);

    private QueueBench() {
    }

    private static byte[] payload() {
        // a JSON object of exactly 200 bytes, like a small strategy signal
        String head = "{\"job\":\"order\",\"data\":{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"pad\":\"";
        String tail = "\"}}";
        return (head + "x".repeat(200 - head.length() - tail.length()) + tail).getBytes();
    }

    static void main(String[] args) throws Exception {
        String base = "/tmp";
        for (String a : args) {
            if (!a.startsWith("--")) {
                base = a;
            }
        }
        Path root = Files.createTempDirectory(Path.of(base), "day9-queue-bench");
        System.out.printf("Durable queue benchmark in %s; payload %d bytes; %d cores; Java %s;"
                        + " load average %s%n", root, PAYLOAD.length,
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());
        long started = System.nanoTime();
        try {
            for (String a : args) {
                if (a.startsWith("--only=")) {
                    only(root, a.substring("--only=".length()).split(":"));
                    return;
                }
            }
            Latency[] single = singleProducerLatency(root, 3, 1000);
            Latency rawSingle = single[0];
            Durable durable = durableThroughput(root, 3);
            double rawBatch = durable.rawBatch();
            double tape = durable.tape();
            double tape64 = tapeSerialised(root.resolve("tape64"), 64, 3);
            double chronicle = chronicle(root.resolve("chronicle"), 3_000_000);
            row("raw: 200 B append + force, one record per force", rawSingle.rate(), "records/s",
                    rawSingle.percentiles());
            row("raw: 1000 records + one force", rawBatch, "records/s", "");
            row("Tape QueueFile.add, 1 producer (fsync each add)", tape, "adds/s", "");
            row("Tape QueueFile.add, 64 producers serialised on it", tape64, "adds/s", "");
            row("Chronicle Queue append, 1 appender (page cache)", chronicle, "appends/s", "");

            Concurrent day9Batch64 = durable.day9();
            row("Day9 enqueue (blocking), batch fsync, 64 producers", day9Batch64.rate(),
                    "jobs/s", day9Batch64.fsyncRate());
            Concurrent day9Async64 = durable.day9Async();
            row("Day9 enqueueAsync (window " + WINDOW + "), batch fsync, 64 producers",
                    day9Async64.rate(), "jobs/s", day9Async64.fsyncRate());
            row("diagnostic: enqueueAsync (window " + WIDE_WINDOW + "), 64 producers",
                    durable.day9AsyncWide().rate(), "jobs/s",
                    durable.day9AsyncWide().fsyncRate());
            double[] ceiling = CommitCeiling.run(64, 4, 250, false);
            row("diagnostic: group-commit hand-off alone, 64 threads", ceiling[0], "commits/s",
                    String.format("no journal, fsync simulated as 0.25 ms; %.1f per fsync",
                            ceiling[1]));
            Latency batchSingle = single[1];
            row("Day9 enqueue, batch fsync, 1 producer", batchSingle.rate(), "jobs/s",
                    batchSingle.percentiles());
            Latency alwaysSingle = single[2];
            row("Day9 enqueue, always fsync, 1 producer", alwaysSingle.rate(), "jobs/s",
                    alwaysSingle.percentiles());
            Latency none = day9Single(root.resolve("dn"), FsyncMode.NONE, 1_000_000);
            row("Day9 enqueue, fsync none, 1 producer", none.rate(), "jobs/s", "");
            Concurrent none8 = day9Concurrent(root.resolve("dn8"), FsyncMode.NONE, 8, 4);
            row("Day9 enqueue, fsync none, 8 producers", none8.rate(), "jobs/s", "");
            Concurrent noneAll1 = day9Batches(root.resolve("dnb1"), FsyncMode.NONE, 1, 4);
            row("Day9 enqueueAll(" + BATCH + "), fsync none, 1 producer", noneAll1.rate(),
                    "jobs/s", "");
            Concurrent noneAll8 = day9Batches(root.resolve("dnb8"), FsyncMode.NONE, 8, 4);
            row("Day9 enqueueAll(" + BATCH + "), fsync none, 8 producers", noneAll8.rate(),
                    "jobs/s", "");
            Concurrent cycle = fullCycle(root.resolve("cycle"), 4);
            row("Day9 full cycle, single calls (enqueue; claim(100), ack)", cycle.rate(),
                    "jobs/s", cycle.fsyncRate());
            Concurrent cycleAll = fullCycleBatched(root.resolve("cycleall"), 4, 4, 6);
            row("Day9 full cycle, batch calls (enqueueAll; claim(100), ackAll)",
                    cycleAll.rate(), "jobs/s", cycleAll.fsyncRate());
            double[] replay = replayAndHeap(root.resolve("replay"), 1_000_000);
            row("Day9 open + replay of a 1 M-record journal", replay[0], "s", "");
            row("Day9 heap per pending job at 1 M pending", replay[1], "bytes", "");

            System.out.println();
            System.out.printf("%-4s  %-56s %14s %12s%n", "", "goal (issue 3)", "measured",
                    "of goal");
            goal("64 producers, enqueueAsync >= 100 x Tape (1 producer)",
                    x(day9Async64.rate() / tape), day9Async64.rate() / tape / 100);
            goal("64 producers, enqueueAsync >= 30 % of raw batched fsync",
                    pct(day9Async64.rate() / rawBatch), day9Async64.rate() / rawBatch / 0.30);
            goal("64 producers, blocking enqueue >= 100 x Tape (1 producer)",
                    x(day9Batch64.rate() / tape), day9Batch64.rate() / tape / 100);
            goal("64 producers, blocking enqueue >= 30 % of raw batched fsync",
                    pct(day9Batch64.rate() / rawBatch), day9Batch64.rate() / rawBatch / 0.30);
            double pBatch = (double) batchSingle.p99Nanos() / rawSingle.p99Nanos();
            double pAlways = (double) alwaysSingle.p99Nanos() / rawSingle.p99Nanos();
            goal("1 producer p99, batch  <= 2 x raw single-fsync p99", x(pBatch), 2 / pBatch);
            goal("1 producer p99, always <= 2 x raw single-fsync p99", x(pAlways), 2 / pAlways);
            double bestNone = Math.max(none.rate(), none8.rate());
            goal("fsync none, enqueue (best of 1 or 8) >= 20 % of Chronicle",
                    pct(bestNone / chronicle), bestNone / chronicle / 0.20);
            double bestNoneAll = Math.max(noneAll1.rate(), noneAll8.rate());
            goal("fsync none, enqueueAll (best of 1 or 8) >= 20 % of Chronicle",
                    pct(bestNoneAll / chronicle), bestNoneAll / chronicle / 0.20);
            goal("full durable cycle, batch calls >= 100 000 jobs/s",
                    String.format("%,.0f/s", cycleAll.rate()), cycleAll.rate() / 100_000);
            goal("full durable cycle, single calls >= 100 000 jobs/s",
                    String.format("%,.0f/s", cycle.rate()), cycle.rate() / 100_000);
            goal("open + replay of 1 M records < 2 s", String.format("%.2f s", replay[0]),
                    2.0 / replay[0]);
            goal("heap per pending job at 1 M pending <= 100 bytes",
                    String.format("%.1f B", replay[1]), 100 / replay[1]);
            System.out.printf("%nsuite took %.0f s; load average now %s%n", secs(started),
                    loadAverage());
        } finally {
            delete(root);
        }
    }

    /**
     * One case alone, to run under a profiler: {@code --only=batch|always|none:<producers>:<s>},
     * {@code --only=batch:cycle:<s>} (single calls),
     * {@code --only=batch:cycleall:<producers>:<consumers>:<s>} (batch calls),
     * {@code --only=async:<producers>:<s>:<window>} (enqueueAsync, batch fsync),
     * {@code --only=none-all|batch-all:<producers>:<s>} (enqueueAll of 100), or
     * {@code --only=ceiling|ceiling-direct:<threads>:<s>:<us>} (see {@link CommitCeiling}).
     */
    private static void only(Path root, String[] m) throws InterruptedException {
        String what = String.join(":", m);
        if (m[0].startsWith("ceiling")) {
            double[] r = CommitCeiling.run(Integer.parseInt(m[1]), Integer.parseInt(m[2]),
                    Integer.parseInt(m[3]), m[0].equals("ceiling-direct"));
            row(what, r[0], "commits/s", String.format("%.1f per fsync", r[1]));
        } else if (m[1].equals("cycle")) {
            Concurrent c = fullCycle(root.resolve("only"), Integer.parseInt(m[2]));
            row(what, c.rate(), "jobs/s", c.fsyncRate());
        } else if (m[1].equals("cycleall")) {
            Concurrent c = fullCycleBatched(root.resolve("only"), Integer.parseInt(m[2]),
                    Integer.parseInt(m[3]), Integer.parseInt(m[4]));
            row(what, c.rate(), "jobs/s", c.fsyncRate());
        } else if (m[0].equals("async")) {
            Concurrent c = day9Async(root.resolve("only"), FsyncMode.BATCH,
                    Integer.parseInt(m[1]), Integer.parseInt(m[2]), Integer.parseInt(m[3]));
            row(what, c.rate(), "jobs/s", c.fsyncRate());
        } else if (m[0].endsWith("-all")) {
            Concurrent c = day9Batches(root.resolve("only"),
                    FsyncMode.parse(m[0].substring(0, m[0].length() - 4)),
                    Integer.parseInt(m[1]), Integer.parseInt(m[2]));
            row(what, c.rate(), "jobs/s", c.fsyncRate());
        } else {
            Concurrent c = day9Concurrent(root.resolve("only"), FsyncMode.parse(m[0]),
                    Integer.parseInt(m[1]), Integer.parseInt(m[2]));
            row(what, c.rate(), "jobs/s", c.fsyncRate());
        }
    }

    // ------------------------------------------------------------------ peers and the disk

    record Latency(double rate, long p50Nanos, long p99Nanos) {
        static Latency of(long[] lat, double seconds) {
            long[] s = lat.clone();
            Arrays.sort(s);
            return new Latency(s.length / seconds, s[(int) Math.ceil(s.length * 0.50) - 1],
                    s[(int) Math.ceil(s.length * 0.99) - 1]);
        }

        String percentiles() {
            return "p50 " + ms(p50Nanos) + ", p99 " + ms(p99Nanos);
        }
    }

    record Concurrent(double rate, long fsyncs, long records, double seconds) {
        String fsyncRate() {
            return fsyncs == 0 ? "" : String.format("%,.0f fsyncs/s, %.1f records/fsync",
                    fsyncs / seconds, (double) records / fsyncs);
        }
    }

    /**
     * The raw single-fsync limit and Day9's single-producer enqueue (batch, always), measured in
     * interleaved rounds so that disk and machine drift hit all three alike. Each target is
     * warmed up first. Returns {raw, batch, always}.
     */
    private static Latency[] singleProducerLatency(Path root, int rounds, int perRound)
            throws IOException {
        Path raw = root.resolve("raw1");
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
             FileJournalQueue batch = FileJournalQueue.open(config(root.resolve("d1b"),
                     FsyncMode.BATCH));
             FileJournalQueue always = FileJournalQueue.open(config(root.resolve("d1a"),
                     FsyncMode.ALWAYS))) {
            List<Op> ops = List.of(() -> {
                ch.write(ByteBuffer.wrap(PAYLOAD));
                ch.force(false);
            }, () -> batch.enqueue(PAYLOAD), () -> always.enqueue(PAYLOAD));
            long[][] lat = new long[3][rounds * perRound];
            double[] busy = new double[3];
            for (int k = 0; k < 3; k++) { // warm-up
                for (int i = 0; i < 500; i++) {
                    ops.get(k).run();
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 3; k++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perRound; i++) {
                        long s = System.nanoTime();
                        ops.get(k).run();
                        lat[k][r * perRound + i] = System.nanoTime() - s;
                    }
                    busy[k] += secs(t0);
                }
            }
            Latency[] out = new Latency[3];
            for (int k = 0; k < 3; k++) {
                out[k] = Latency.of(lat[k], busy[k]);
            }
            return out;
        }
    }

    @FunctionalInterface
    interface Op {
        void run() throws IOException;
    }

    record Durable(double rawBatch, double tape, Concurrent day9, Concurrent day9Async,
                   Concurrent day9AsyncWide) {
    }

    /**
     * The three figures the 64-producer goals compare, measured in interleaved rounds so that
     * disk and machine drift hit all three alike: the raw batched-fsync limit (batches of 1 000
     * records + one force), Tape with one producer (a sync per add), and Day9 with 64 producers
     * in batch mode, once with the blocking {@code enqueue} and once with {@code enqueueAsync}
     * and a window of {@link #WINDOW} futures per producer (and, as a diagnostic, a window of
     * {@link #WIDE_WINDOW}). Each is warmed up first; every round runs each for a fixed time.
     */
    private static Durable durableThroughput(Path root, int rounds)
            throws IOException, InterruptedException {
        ByteBuffer batch = ByteBuffer.allocate(PAYLOAD.length * 1000);
        for (int i = 0; i < 1000; i++) {
            batch.put(PAYLOAD);
        }
        Files.createDirectories(root);
        try (FileChannel ch = FileChannel.open(root.resolve("raw2"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
             QueueFile tape = new QueueFile.Builder(root.resolve("tape").toFile()).build();
             FileJournalQueue q = FileJournalQueue.open(config(root.resolve("d64"),
                     FsyncMode.BATCH));
             FileJournalQueue qa = FileJournalQueue.open(config(root.resolve("d64a"),
                     FsyncMode.BATCH));
             FileJournalQueue qw = FileJournalQueue.open(config(root.resolve("d64w"),
                     FsyncMode.BATCH))) {
            Op rawOp = () -> {
                batch.flip();
                while (batch.hasRemaining()) {
                    ch.write(batch);
                }
                ch.force(false);
            };
            Op tapeOp = () -> tape.add(PAYLOAD);
            timed(rawOp, 0.3); // warm-up
            timed(tapeOp, 0.3);
            run(64, 1, () -> q.enqueue(PAYLOAD));
            asyncRound(qa, 64, 1, WINDOW);
            asyncRound(qw, 64, 1, WIDE_WINDOW);
            AtomicLong fsyncs = new AtomicLong();
            AtomicLong records = new AtomicLong();
            AutoCloseable sub = countFsyncs(q, FsyncMode.BATCH, fsyncs, records);
            AtomicLong fsyncsA = new AtomicLong();
            AtomicLong recordsA = new AtomicLong();
            AutoCloseable subA = countFsyncs(qa, FsyncMode.BATCH, fsyncsA, recordsA);
            AtomicLong fsyncsW = new AtomicLong();
            AtomicLong recordsW = new AtomicLong();
            AutoCloseable subW = countFsyncs(qw, FsyncMode.BATCH, fsyncsW, recordsW);
            double[] raw = new double[2];
            double[] tp = new double[2];
            double[] d9 = new double[2];
            double[] d9a = new double[2];
            double[] d9w = new double[2];
            AtomicLong done = new AtomicLong();
            for (int r = 0; r < rounds; r++) {
                add(raw, timed(rawOp, 0.5));
                add(tp, timed(tapeOp, 1.5));
                long before = done.get();
                long t0 = System.nanoTime();
                run(64, 2, () -> {
                    q.enqueue(PAYLOAD);
                    done.incrementAndGet();
                });
                add(d9, new double[] {done.get() - before, secs(t0)});
                add(d9a, asyncRound(qa, 64, 2, WINDOW));
                add(d9w, asyncRound(qw, 64, 1, WIDE_WINDOW));
            }
            close(sub);
            close(subA);
            close(subW);
            return new Durable(raw[0] * 1000 / raw[1], tp[0] / tp[1],
                    new Concurrent(d9[0] / d9[1], fsyncs.get(), records.get(), d9[1]),
                    new Concurrent(d9a[0] / d9a[1], fsyncsA.get(), recordsA.get(), d9a[1]),
                    new Concurrent(d9w[0] / d9w[1], fsyncsW.get(), recordsW.get(), d9w[1]));
        }
    }

    /** Runs op for about {@code seconds}; returns {operations, seconds}. */
    private static double[] timed(Op op, double seconds) throws IOException {
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        long n = 0;
        while (System.nanoTime() < deadline) {
            op.run();
            n++;
        }
        return new double[] {n, secs(t0)};
    }

    private static void add(double[] sum, double[] round) {
        sum[0] += round[0];
        sum[1] += round[1];
    }

    /** Producers serialised on one QueueFile (it is not thread-safe), as a service would. */
    private static double tapeSerialised(Path file, int producers, int seconds)
            throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        try (QueueFile q = new QueueFile.Builder(file.toFile()).build()) {
            Runnable add = () -> {
                synchronized (q) {
                    try {
                        q.add(PAYLOAD);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
            run(producers, 1, add); // warm-up
            AtomicLong done = new AtomicLong();
            long t0 = System.nanoTime();
            run(producers, seconds, () -> {
                add.run();
                done.incrementAndGet();
            });
            return done.get() / secs(t0);
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
                Integer.getInteger("bench.batchWindowMicros",
                        QueueConfig.DEFAULT_BATCH_WINDOW_MICROS),
                1L << 40);
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
            return Latency.of(lat, secs(t0));
        }
    }

    private static Concurrent day9Concurrent(Path dir, FsyncMode mode, int producers, int seconds)
            throws InterruptedException {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, mode))) {
            run(producers, 1, () -> q.enqueue(PAYLOAD)); // warm-up
            AtomicLong done = new AtomicLong();
            AtomicLong fsyncs = new AtomicLong();
            AtomicLong records = new AtomicLong();
            AutoCloseable sub = countFsyncs(q, mode, fsyncs, records);
            long t0 = System.nanoTime();
            run(producers, seconds, () -> {
                q.enqueue(PAYLOAD);
                done.incrementAndGet();
            });
            double took = secs(t0);
            close(sub);
            return new Concurrent(done.get() / took, fsyncs.get(), records.get(), took);
        }
    }

    /**
     * {@code producers} threads, each keeping up to {@code window} {@code enqueueAsync} futures
     * in flight (a semaphore; a permit comes back when a future completes), for about
     * {@code seconds}; then waits for every future. Returns {jobs completed, seconds until the
     * last completed}. Fails if any future failed.
     */
    private static double[] asyncRound(FileJournalQueue q, int producers, int seconds,
                                       int window) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Semaphore> windows = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            windows.add(new Semaphore(window));
        }
        long t0 = System.nanoTime();
        long deadline = t0 + seconds * 1_000_000_000L;
        CountDownLatch finished = new CountDownLatch(producers);
        for (int t = 0; t < producers; t++) {
            Semaphore w = windows.get(t);
            new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    w.acquireUninterruptibly();
                    q.enqueueAsync(PAYLOAD, EnqueueOptions.none()).whenComplete((r, e) -> {
                        (e == null ? done : failed).incrementAndGet();
                        w.release();
                    });
                }
                w.acquireUninterruptibly(window); // every future of this producer completed
                finished.countDown();
            }).start();
        }
        finished.await();
        double took = secs(t0);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " async enqueues failed");
        }
        return new double[] {done.get(), took};
    }

    private static Concurrent day9Async(Path dir, FsyncMode mode, int producers, int seconds,
                                        int window) throws InterruptedException {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, mode))) {
            asyncRound(q, producers, 1, window); // warm-up
            AtomicLong fsyncs = new AtomicLong();
            AtomicLong records = new AtomicLong();
            AutoCloseable sub = countFsyncs(q, mode, fsyncs, records);
            double[] r = asyncRound(q, producers, seconds, window);
            close(sub);
            return new Concurrent(r[0] / r[1], fsyncs.get(), records.get(), r[1]);
        }
    }

    /** {@code producers} threads each calling {@code enqueueAll} of {@link #BATCH} jobs. */
    private static Concurrent day9Batches(Path dir, FsyncMode mode, int producers, int seconds)
            throws InterruptedException {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, mode))) {
            run(producers, 1, () -> q.enqueueAll(PAYLOADS, EnqueueOptions.none())); // warm-up
            AtomicLong done = new AtomicLong();
            AtomicLong fsyncs = new AtomicLong();
            AtomicLong records = new AtomicLong();
            AutoCloseable sub = countFsyncs(q, mode, fsyncs, records);
            long t0 = System.nanoTime();
            run(producers, seconds, () -> {
                q.enqueueAll(PAYLOADS, EnqueueOptions.none());
                done.addAndGet(BATCH);
            });
            double took = secs(t0);
            close(sub);
            return new Concurrent(done.get() / took, fsyncs.get(), records.get(), took);
        }
    }

    /**
     * The full cycle with batch calls: {@code producers} threads call {@code enqueueAll} of
     * {@link #BATCH} jobs while {@code consumers} threads {@code claim(100)} and {@code ackAll}
     * what they got; counts jobs acked per second. Every call is durable (batch fsync) before
     * it returns.
     */
    private static Concurrent fullCycleBatched(Path dir, int producers, int consumers,
                                               int seconds) throws InterruptedException {
        try (FileJournalQueue q = FileJournalQueue.open(config(dir, FsyncMode.BATCH))) {
            AtomicLong acked = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        List<ClaimedJob> jobs = q.claim(BATCH);
                        if (jobs.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        List<Ack> acks = new ArrayList<>(jobs.size());
                        for (ClaimedJob j : jobs) {
                            acks.add(Ack.of(j));
                        }
                        for (AckResult r : q.ackAll(acks)) {
                            if (!r.acked()) {
                                throw new IllegalStateException(r.toString());
                            }
                        }
                        acked.addAndGet(acks.size());
                    }
                });
                t.start();
                threads.add(t);
            }
            run(producers, 1, () -> q.enqueueAll(PAYLOADS, EnqueueOptions.none())); // warm-up
            AtomicLong fsyncs = new AtomicLong();
            AtomicLong records = new AtomicLong();
            AutoCloseable sub = countFsyncs(q, FsyncMode.BATCH, fsyncs, records);
            long before = acked.get();
            long t0 = System.nanoTime();
            run(producers, seconds, () -> q.enqueueAll(PAYLOADS, EnqueueOptions.none()));
            double took = secs(t0);
            double rate = (acked.get() - before) / took;
            close(sub);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            return new Concurrent(rate, fsyncs.get(), records.get(), took);
        }
    }

    /**
     * Producers enqueue while consumers claim in batches of 100 and ack each job; counts jobs
     * acked per second. Everything is durable (batch fsync) before each call returns.
     */
    private static Concurrent fullCycle(Path dir, int seconds) throws InterruptedException {
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
            AtomicLong fsyncs = new AtomicLong();
            AtomicLong records = new AtomicLong();
            AutoCloseable sub = countFsyncs(q, FsyncMode.BATCH, fsyncs, records);
            long before = acked.get();
            long t0 = System.nanoTime();
            run(32, seconds, () -> q.enqueue(PAYLOAD));
            double took = secs(t0);
            double rate = (acked.get() - before) / took;
            close(sub);
            stop.set(true);
            for (Thread t : consumers) {
                t.join();
            }
            return new Concurrent(rate, fsyncs.get(), records.get(), took);
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

    /**
     * Counts the queue's fsync batches (its FsyncBatch events) while subscribed; in other modes
     * subscribes nothing, so that no listener runs on the measured path.
     */
    private static AutoCloseable countFsyncs(FileJournalQueue q, FsyncMode mode,
                                             AtomicLong fsyncs, AtomicLong records) {
        if (mode != FsyncMode.BATCH) {
            return () -> { };
        }
        return q.subscribe(e -> {
            if (e instanceof QueueEvent.FsyncBatch b) {
                fsyncs.incrementAndGet();
                records.addAndGet(b.records());
            }
        });
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static String x(double ratio) {
        return String.format("%.2f x", ratio);
    }

    private static String pct(double ratio) {
        return String.format("%.1f %%", ratio * 100);
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

    private static void goal(String what, String measured, double ofGoal) {
        System.out.printf("%-4s  %-56s %14s %11.2f%n", ofGoal >= 1 ? "PASS" : "MISS", what,
                measured, ofGoal);
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
