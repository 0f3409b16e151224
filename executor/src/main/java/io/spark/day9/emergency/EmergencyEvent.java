package io.spark.day9.emergency;

/**
 * What the emergency stop did; metrics and the audit log subscribe. Published on the thread
 * that acted ({@link Refused} on the order's own thread: keep subscribers cheap).
 */
public sealed interface EmergencyEvent {

    /** A stop took effect: orders refused and the state durable after {@code nanos}. */
    record Stopped(ActiveStop stop, long nanos) implements EmergencyEvent {
    }

    /** A stop's end state was verified (or not) {@code nanos} after the request. */
    record Verified(String stopId, Verification verification, long nanos)
            implements EmergencyEvent {
    }

    /** Stops were resumed (removed). */
    record Resumed(java.util.List<ActiveStop> stops, String actor) implements EmergencyEvent {
    }

    /** One order refused by the gate. */
    record Refused(String scope, String mode) implements EmergencyEvent {
    }

    /** The dead-man switch was armed or re-armed (a heartbeat). */
    record DeadManArmed(DeadManView deadMan, String actor, boolean first)
            implements EmergencyEvent {
    }

    /** The dead-man switch was disarmed. */
    record DeadManDisarmed(String actor) implements EmergencyEvent {
    }

    /** The dead-man switch fired: a stop with reason {@code dead-man} follows. */
    record DeadManFired(DeadManView deadMan) implements EmergencyEvent {
    }

    /** Shadow execution was switched on or off at run time. */
    record ShadowExecution(boolean enabled, String actor) implements EmergencyEvent {
    }
}
