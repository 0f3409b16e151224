package io.spark.day9.queue;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The journal could not be written, forced or read (ENOSPC, EIO, read-only file system). The
 * operation did not take effect: the queue truncates the journal back to its last durable
 * record, reloads its state from disk, and refuses writes until that succeeds; it resumes by
 * itself when the disk recovers. Nothing acknowledged earlier is lost. HTTP 503.
 */
public final class QueueStorageException extends UncheckedIOException {
    private QueueStorageException(String message, IOException cause) {
        super(message, cause);
    }

    /** {@code what} failed on {@code queue} because of {@code cause}. */
    public static QueueStorageException of(String queue, String what, IOException cause) {
        return new QueueStorageException("queue '" + queue + "': " + what + " failed: "
                + cause.getMessage() + "; the operation was not applied", cause);
    }
}
