package io.spark.day9.queue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link ProcessCrashTest}: enqueues, claims and acks under load until it is
 * killed. It prints, one line each, only what the queue told it is durable: {@code E <id> .}
 * after enqueue returned, {@code C <id> <attempt> .} after claim returned, {@code A <id> .}
 * after ack returned, and {@code a <id> .} just before calling ack. The trailing dot marks a complete line.
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
        for (int t = 0; t < 2; t++) {
            int producer = t;
            Thread p = new Thread(() -> {
                for (int i = 0; ; i++) {
                    long id = queue.enqueue(("{\"job\":\"test-crash\",\"p\":" + producer
                            + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)).id();
                    out.println("E " + id + " .");
                }
            });
            p.start();
        }
        while (true) {
            List<ClaimedJob> jobs = queue.claim(8);
            for (ClaimedJob j : jobs) {
                out.println("C " + j.id() + " " + j.attempt() + " .");
            }
            for (ClaimedJob j : jobs) {
                out.println("a " + j.id() + " ."); // about to ack: outcome unknown if killed
                queue.ack(j.id(), j.receipt());
                out.println("A " + j.id() + " .");
            }
        }
    }
}
