package io.spark.day9.event;

/**
 * The handle {@link EventPublisher#subscribe} returns. Closing it removes the subscriber; the
 * subscriber sees no event published after {@code close()} returns (an event being delivered on
 * another thread at that moment may still reach it). Closing twice does nothing.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** Removes the subscriber. Idempotent; never throws. */
    @Override
    void close();
}
