package io.spark.day9.queue;

import java.nio.file.Path;

/** Open refused: another process (or another open queue in this JVM) holds the directory. */
public final class QueueLockedException extends QueueException {
    private QueueLockedException(String queue, String message) {
        super(queue, message);
    }

    /** The lock file {@code lockFile} is held by someone else. */
    public static QueueLockedException of(String queue, Path lockFile) {
        return new QueueLockedException(queue, "queue directory is in use: " + lockFile
                + " is locked by another process; only one process may open a queue");
    }
}
