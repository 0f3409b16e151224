package io.spark.day9.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file-journal queue's directory, held: {@link #lock} creates {@code QUEUE_DIR/<queue>/}
 * (0700, and the root too when it is new) and takes an OS lock on its empty {@code lock} file
 * (0600) for as long as the queue is open, so one process at a time owns the journal.
 * {@link #release} gives it up; a killed process loses it with its file handles.
 */
final class QueueDirectory {
    private final FileChannel channel;
    private final FileLock lock;

    private QueueDirectory(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the directory if needed and locks it.
     *
     * @throws QueueLockedException when another process (or queue) holds the lock
     */
    static QueueDirectory lock(QueueConfig config) throws IOException {
        Path dir = config.queueDir();
        boolean rootExisted = Files.isDirectory(config.dir());
        Files.createDirectories(dir);
        if (!rootExisted) {
            JournalIo.SystemIo.restrict(config.dir(), JournalIo.SystemIo.DIR_MODE);
        }
        JournalIo.SystemIo.restrict(dir, JournalIo.SystemIo.DIR_MODE);
        Path lockPath = dir.resolve(FileJournalQueue.LOCK);
        FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            JournalIo.SystemIo.restrict(lockPath, JournalIo.SystemIo.FILE_MODE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw QueueLockedException.of(config.name(), lockPath);
        }
        return new QueueDirectory(channel, lock);
    }

    /** Releases the lock and closes its file; failures are ignored (closing anyway). */
    void release() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
