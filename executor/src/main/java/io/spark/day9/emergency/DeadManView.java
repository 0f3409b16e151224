package io.spark.day9.emergency;

/**
 * The dead-man switch as seen from outside.
 *
 * @param armed        whether it is armed
 * @param timeoutMs    the timeout of the last heartbeat
 * @param scope        what it stops when it fires
 * @param lastBeatAt   the last heartbeat (or the restart that kept it armed), epoch ms
 * @param firesAt      when it fires without another heartbeat (epoch ms), 0 when disarmed
 */
public record DeadManView(boolean armed, long timeoutMs, Scope scope, long lastBeatAt,
                          long firesAt) {
    /** Disarmed. */
    public static final DeadManView DISARMED = new DeadManView(false, 0, Scope.ALL, 0, 0);
}
