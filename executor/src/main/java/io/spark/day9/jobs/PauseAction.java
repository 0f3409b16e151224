package io.spark.day9.jobs;

import java.util.Objects;

/**
 * An operator paused or resumed the consumption of a queue through {@link Queues#pause};
 * published after the state file was written. The audit log subscribes.
 *
 * @param actor  who asked (the caller's identity)
 * @param queue  the queue's name
 * @param paused true for a pause, false for a resume
 */
public record PauseAction(String actor, String queue, boolean paused) {
    public PauseAction {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(queue, "queue");
    }
}
