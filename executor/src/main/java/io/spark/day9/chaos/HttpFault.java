package io.spark.day9.chaos;

/**
 * What to do to one request or call: wait {@code latencyMs}, then fail with {@code status}
 * (0 = do not fail). {@link #NONE} when nothing applies.
 */
public record HttpFault(long latencyMs, int status) {
    public static final HttpFault NONE = new HttpFault(0, 0);

    public boolean fails() {
        return status != 0;
    }

    public boolean none() {
        return latencyMs == 0 && status == 0;
    }
}
