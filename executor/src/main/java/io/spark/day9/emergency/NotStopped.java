package io.spark.day9.emergency;

/**
 * A resume named a scope that no stop in force has (mapped to a 409 problem
 * {@code not-stopped} listing the scopes in force).
 */
public final class NotStopped extends RuntimeException {
    public NotStopped(String message) {
        super(message, null, false, false);
    }
}
