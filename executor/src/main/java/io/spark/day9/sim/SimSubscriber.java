package io.spark.day9.sim;

/**
 * One open stream connection, as the simulator's logic sees it. The WebSocket adapter
 * implements it; the simulator decides what to send whom, and when to close.
 */
public interface SimSubscriber {
    /**
     * Sends one text frame without blocking the caller (the market thread). A failed send is
     * reported by the adapter with {@link SimExchange#unsubscribe(SimSubscriber)}.
     */
    void send(String text);

    /** Closes the connection politely with a close frame. */
    void close(int statusCode, String reason);

    /** Cuts the connection at once (no close handshake), as a network failure would. */
    void disconnect();
}
