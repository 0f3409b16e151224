package io.spark.day9.jobs;

import java.util.List;
import java.util.Objects;

/**
 * An operator acted on a queue's dead letters through {@link Queues#redrive} or
 * {@link Queues#purge}; published after the queue made the change durable. The audit log
 * subscribes.
 *
 * @param actor who asked (the caller's identity)
 * @param queue the queue's name
 * @param kind  what was done
 * @param count how many dead letters it touched
 * @param ids   the ids asked for, or null for "all"
 */
public record DlqAction(String actor, String queue, Kind kind, int count, List<Long> ids) {

    /** What was done to the dead letters. */
    public enum Kind {
        /** Put back into the queue. */
        REDRIVE,
        /** Deleted. */
        PURGE
    }

    public DlqAction {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(kind, "kind");
        ids = ids == null ? null : List.copyOf(ids);
    }
}
