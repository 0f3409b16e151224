package io.spark.day9.queue.event;

/**
 * Receives a queue's events. Called synchronously on the thread that completed the operation,
 * after the operation is durable and outside the queue's state lock (fsync-batch events are
 * published while the commit lock is held). Keep it fast and non-blocking; an exception it
 * throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface QueueListener {
    void onEvent(QueueEvent event);
}
