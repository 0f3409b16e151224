package io.spark.day9.queue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The child JVM of {@link ProcessCrashTest}: enqueues, claims and acks under load until it is
 * killed, with every call shape: one producer calls {@code enqueue}, one {@code enqueueAll}
 * (batches of 5), one {@code enqueueAsync} (up to 8 in flight); the consumer alternates
 * {@code ack} one by one and {@code ackAll}. It prints, one line each, only what the queue told
 * it is durable: {@code E <id> .} after enqueue returned (for a batch, each id after the call
 * returned; for async, when the future completed), {@code C <id> <attempt> .} after claim
 * returned, {@code A <id> .} after ack returned (for a batch, each item reported acked), and
 * {@code a <id> .} just before calling ack (each item before ackAll). The trailing dot marks a
 * complete line.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        QueueConfig config = QueueConfig.of(Path.of(args[0]), "crash")
                .withDelivery(2_000, 1_000, 10, 10);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.US_ASCII);
        FileJournalQueue q = null;
        for (int i = 0; q == null; i++) {
            try {
                q = FileJournalQueue.open(config);
            } catch (QueueLockedException e) {
                if (i > 100) {
                    throw e;
                }
                Thread.sleep(50); // the killed parent's lock is released by the OS
            }
        }
        FileJournalQueue queue = q;
        out.println("READY .");
        Thread single = new Thread(() -> {
            for (int i = 0; ; i++) {
                long id = queue.enqueue(payload(0, i)).id();
                out.println("E " + id + " .");
            }
        });
        Thread batch = new Thread(() -> {
            for (int i = 0; ; i += 5) {
                List<byte[]> ps = new ArrayList<>();
                for (int k = 0; k < 5; k++) {
                    ps.add(payload(1, i + k));
                }
                for (EnqueueResult r : queue.enqueueAll(ps, EnqueueOptions.none())) {
                    out.println("E " + r.id() + " .");
                }
            }
        });
        Thread async = new Thread(() -> {
            Semaphore window = new Semaphore(8);
            for (int i = 0; ; i++) {
                window.acquireUninterruptibly();
                queue.enqueueAsync(payload(2, i), EnqueueOptions.none()).whenComplete((r, e) -> {
                    if (r != null) {
                        out.println("E " + r.id() + " .");
                    }
                    window.release();
                });
            }
        });
        single.start();
        batch.start();
        async.start();
        for (int round = 0; ; round++) {
            List<ClaimedJob> jobs = queue.claim(8);
            for (ClaimedJob j : jobs) {
                out.println("C " + j.id() + " " + j.attempt() + " .");
            }
            if (round % 2 == 0) {
                for (ClaimedJob j : jobs) {
                    out.println("a " + j.id() + " ."); // about to ack: outcome unknown if killed
                    queue.ack(j.id(), j.receipt());
                    out.println("A " + j.id() + " .");
                }
            } else if (!jobs.isEmpty()) {
                for (ClaimedJob j : jobs) {
                    out.println("a " + j.id() + " .");
                }
                for (AckResult r : queue.ackAll(jobs.stream().map(Ack::of).toList())) {
                    if (r.acked()) {
                        out.println("A " + r.id() + " .");
                    }
                }
            }
        }
    }

    private static byte[] payload(int producer, int i) {
        return ("{\"job\":\"test-crash\",\"p\":" + producer + ",\"i\":" + i + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
