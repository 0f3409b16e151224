package io.spark.day9.snapshot;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Locale;

/**
 * A snapshot could not be written (disk full, permission denied, read-only directory, any other
 * I/O error) or its data is over the size limit. Nothing that passes verify was left behind.
 * The API answers it with a problem; the service counts it and goes on.
 */
public final class SnapshotFailure extends RuntimeException {

    /** Why a write failed; a metric label. */
    public enum Reason {
        DISK_FULL, PERMISSION_DENIED, READ_ONLY, IO, CAPTURE;

        /** The lower-case id, e.g. {@code disk-full}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public SnapshotFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Classifies an I/O failure by its type and the operating system's message. */
    public static Reason classify(Throwable e) {
        if (e instanceof AccessDeniedException) {
            return Reason.PERMISSION_DENIED;
        }
        if (e instanceof ReadOnlyFileSystemException) {
            return Reason.READ_ONLY;
        }
        String text = e instanceof FileSystemException f && f.getReason() != null
                ? f.getReason() : String.valueOf(e.getMessage());
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left") || lower.contains("disk quota")
                || lower.contains("not enough space")) {
            return Reason.DISK_FULL;
        }
        if (lower.contains("read-only file system")) {
            return Reason.READ_ONLY;
        }
        if (lower.contains("permission denied") || lower.contains("access is denied")) {
            return Reason.PERMISSION_DENIED;
        }
        return Reason.IO;
    }
}
