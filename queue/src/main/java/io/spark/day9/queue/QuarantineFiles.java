package io.spark.day9.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Lists the file journal's quarantine files so an operator tool (the executor's retention) can
 * age them out: {@code <root>/<queue>/quarantine.ndjson}, one per queue directory whose name is
 * a legal {@link QueueNames queue name}. Nothing else in a queue directory is ever listed: the
 * journal, its cursor, its lock and temp files are the queue's live state.
 *
 * <p>A quarantine file holds journal lines that failed their check, set aside verbatim (one a
 * line, appended at open or after a storage failure; see {@code Recovery}). Those lines carry
 * no trustworthy time, so the file is dated by its last-modified time: the last time a line
 * was set aside. This is the one quarantine fact the file system records and nothing inside
 * the file does.
 *
 * <p>Deleting a quarantine file is safe while its queue is open: the queue opens the file only
 * to append a batch and closes it again, and recreates it on the next append.
 */
public final class QuarantineFiles {
    /** The quarantine file's name inside a queue directory. */
    public static final String FILE_NAME = FileJournalQueue.QUARANTINE;

    private QuarantineFiles() {
    }

    /**
     * One queue's quarantine file.
     *
     * @param queue        the queue (its directory's name)
     * @param path         the file
     * @param lastModified when a line was last set aside in it (the file's mtime, UTC)
     * @param bytes        its size
     */
    public record QuarantineFile(String queue, Path path, Instant lastModified, long bytes) {
        public QuarantineFile {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(lastModified, "lastModified");
        }
    }

    /**
     * Every quarantine file under {@code root} (the {@code QUEUE_DIR}), in queue name order.
     * A missing root is an empty list; a file that vanishes while listing is left out.
     */
    public static List<QuarantineFile> list(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> QueueNames.isValid(p.getFileName().toString()))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted().toList();
        }
        List<QuarantineFile> out = new ArrayList<>();
        for (Path d : dirs) {
            Path f = d.resolve(FILE_NAME);
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                out.add(new QuarantineFile(d.getFileName().toString(), f,
                        Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant(),
                        Files.size(f)));
            } catch (NoSuchFileException gone) {
                // deleted while listing: nothing to age
            }
        }
        return out;
    }
}
