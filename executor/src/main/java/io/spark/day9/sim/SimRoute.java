package io.spark.day9.sim;

import java.util.Objects;

/**
 * One REST endpoint of the simulated exchange: method, path and the logic that answers it. The
 * simulator lists its endpoints ({@link SimExchange#routes()}); the HTTP adapter registers each
 * one as it is, so a new Binance endpoint is one more entry in that list and one method.
 *
 * @param method  the HTTP method
 * @param path    the path, e.g. {@code /api/v3/depth}
 * @param handler the logic; it answers a JSON value or throws {@link SimError}
 */
public record SimRoute(Method method, String path, Handler handler) {
    /** The HTTP methods the simulator serves. */
    public enum Method { GET, POST, PUT, DELETE }

    /** Answers one call. */
    @FunctionalInterface
    public interface Handler {
        /**
         * The answer body: a {@link String} is sent as it is (already JSON), anything else is
         * serialised as JSON. Errors are thrown as {@link SimError}.
         */
        Object answer(SimCall call);
    }

    public SimRoute {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
    }
}
