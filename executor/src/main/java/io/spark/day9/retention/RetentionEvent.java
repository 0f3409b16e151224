package io.spark.day9.retention;

import java.nio.file.Path;

/** What {@link Retention} publishes; metrics and audit subscribe. */
public sealed interface RetentionEvent {

    /** A file was deleted by retention. */
    record Deleted(String kind, Path file, String reason) implements RetentionEvent {
    }

    /** A file retention wanted to delete could not be deleted; it stays for the next pass. */
    record DeleteFailed(String kind, Path file, String error) implements RetentionEvent {
    }

    /** A kind's files could not be listed; nothing of that kind was deleted in this pass. */
    record ListFailed(String kind, String error) implements RetentionEvent {
    }
}
