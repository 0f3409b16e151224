package io.spark.day9.queue;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared helpers for the file-journal tests. */
final class JournalTestSupport {
    static final long VIS = 10_000;

    private JournalTestSupport() {
    }

    static QueueConfig config(Path root) {
        return QueueConfig.of(root, "q").withDelivery(VIS, 3, 1_000, 8_000);
    }

    static FileJournalQueue open(QueueConfig c, ManualClock clock) {
        return FileJournalQueue.builder(c).clock(clock).open();
    }

    static FileJournalQueue open(QueueConfig c, ManualClock clock, JournalIo io) {
        return FileJournalQueue.builder(c).clock(clock).io(io).open();
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static Path journal(QueueConfig c) {
        return c.queueDir().resolve(FileJournalQueue.JOURNAL);
    }

    /** Claims every ready job (without acking): id -> payload as text. */
    static Map<Long, String> drain(JobQueue q) {
        Map<Long, String> out = new TreeMap<>();
        while (true) {
            List<ClaimedJob> jobs = q.claim(100, VIS);
            if (jobs.isEmpty()) {
                return out;
            }
            for (ClaimedJob j : jobs) {
                out.put(j.id(), new String(j.payload(), UTF_8));
            }
        }
    }

    static void copyDir(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals(FileJournalQueue.LOCK)) {
                    Files.copy(p, t);
                }
            }
        }
    }

    static void deleteDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
