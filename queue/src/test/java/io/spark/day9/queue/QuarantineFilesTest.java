package io.spark.day9.queue;

import static io.spark.day9.queue.JournalTestSupport.bytes;
import static io.spark.day9.queue.JournalTestSupport.config;
import static io.spark.day9.queue.JournalTestSupport.journal;
import static io.spark.day9.queue.JournalTestSupport.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.queue.QuarantineFiles.QuarantineFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only quarantine files are listed, and deleting one never disturbs its queue. */
class QuarantineFilesTest {
    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock();

    /** Flips the payload of the journal's second enqueue line so it fails its check. */
    private static void corruptSecondJob(QueueConfig c) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(journal(c), UTF_8));
        for (int i = 0, seen = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"n\":") && ++seen == 2) {
                lines.set(i, lines.get(i).replaceFirst("\"n\":\\d+", "\"n\":7"));
            }
        }
        Files.write(journal(c), (String.join("\n", lines) + "\n").getBytes(UTF_8));
        Files.deleteIfExists(c.queueDir().resolve(FileJournalQueue.CURSOR));
    }

    private QueueConfig queueWithAQuarantinedLine() throws Exception {
        QueueConfig c = config(tmp);
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"n\":1}"));
            q.enqueue(bytes("{\"n\":2}"));
            q.enqueue(bytes("{\"n\":3}"));
        }
        corruptSecondJob(c);
        return c;
    }

    @Test
    void listsEachQueuesQuarantineFileAndNothingElse() throws Exception {
        QueueConfig c = queueWithAQuarantinedLine();
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.stats().quarantinedLines()).isEqualTo(1);
        }
        Path quarantine = c.queueDir().resolve(QuarantineFiles.FILE_NAME);
        Files.setLastModifiedTime(quarantine, FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        // not quarantine files, or not in a queue directory: never listed
        Files.createDirectories(tmp.resolve("other"));
        Files.createDirectories(tmp.resolve(".hidden"));
        Files.writeString(tmp.resolve(".hidden").resolve(QuarantineFiles.FILE_NAME), "x");
        Files.writeString(tmp.resolve(QuarantineFiles.FILE_NAME), "x");
        Files.createDirectories(tmp.resolve("dir-not-file").resolve(QuarantineFiles.FILE_NAME));

        List<QuarantineFile> files = QuarantineFiles.list(tmp);

        assertThat(files).containsExactly(new QuarantineFile(c.name(), quarantine,
                Instant.parse("2026-01-02T03:04:05Z"), Files.size(quarantine)));
        assertThat(files.get(0).bytes()).isPositive();
    }

    @Test
    void aMissingRootIsAnEmptyList() throws Exception {
        assertThat(QuarantineFiles.list(tmp.resolve("absent"))).isEmpty();
        assertThat(QuarantineFiles.list(tmp)).isEmpty();
    }

    @Test
    void deletingTheQuarantineFileLeavesTheQueueWorkingAndTheNextOneIsWrittenAfresh()
            throws Exception {
        QueueConfig c = queueWithAQuarantinedLine();
        Path quarantine = c.queueDir().resolve(QuarantineFiles.FILE_NAME);
        try (FileJournalQueue q = open(c, clock)) {
            Files.delete(quarantine); // what retention does, while the queue is open
            q.enqueue(bytes("{\"n\":4}"));
            q.enqueue(bytes("{\"n\":5}"));
            assertThat(q.claim(10, JournalTestSupport.VIS)).hasSize(4);
        }
        assertThat(quarantine).doesNotExist();
        corruptSecondJob(c);
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.stats().quarantinedLines()).isEqualTo(1);
        }
        assertThat(Files.readAllLines(quarantine, UTF_8)).hasSize(1);
    }
}
