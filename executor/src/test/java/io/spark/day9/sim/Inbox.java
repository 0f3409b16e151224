package io.spark.day9.sim;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A stream subscriber in memory that keeps what it was sent. */
final class Inbox implements SimSubscriber {
    final List<String> frames = new CopyOnWriteArrayList<>();
    volatile boolean disconnected;

    @Override
    public void send(String text) {
        frames.add(text);
    }

    @Override
    public void close(int statusCode, String reason) {
    }

    @Override
    public void disconnect() {
        disconnected = true;
    }
}
