package io.spark.day9.queue;

import java.util.Arrays;
import java.util.Locale;

/** The built-in queue backends ({@code QUEUE_BACKEND}); see {@link QueueBackends}. */
public enum QueueBackend {
    /** The durable file journal ({@link FileJournalQueue}). */
    FILE,
    /** In memory only: lost at exit; the reference implementation and a fast test double. */
    MEMORY;

    /** Parses {@code file} or {@code memory}, case-insensitively. */
    public static QueueBackend parse(String s) {
        for (QueueBackend b : values()) {
            if (b.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return b;
            }
        }
        throw new IllegalArgumentException("queue backend must be one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ", but got '" + s + "'");
    }

    /** The lower-case name used in configuration. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
