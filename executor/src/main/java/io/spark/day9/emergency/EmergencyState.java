package io.spark.day9.emergency;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the emergency stop keeps durable, as one immutable value: the stops in force, the
 * dead-man switch, the run-time shadow switch and the last verification. {@link Emergency}
 * swaps it whole (a volatile write) and {@link EmergencyStateFile} writes it whole.
 *
 * @param stops              the stops in force, oldest first, at most one per scope
 * @param deadMan            the dead-man switch as it survives a restart
 * @param shadowExecution    false when shadow execution was switched off at run time
 * @param lastVerification   the last stop's verification (null before the first stop)
 * @param verificationFailed true from a verification that failed until a resume or a later
 *                           verified stop: health is DOWN meanwhile
 */
record EmergencyState(List<ActiveStop> stops, DeadMan deadMan, boolean shadowExecution,
                      Verification lastVerification, boolean verificationFailed) {

    /** Nothing stopped, dead-man disarmed, shadow execution as configured. */
    static final EmergencyState INITIAL = new EmergencyState(List.of(), DeadMan.DISARMED, true,
            null, false);

    EmergencyState {
        stops = List.copyOf(stops);
        Objects.requireNonNull(deadMan, "deadMan");
    }

    /**
     * The dead-man switch as the state file holds it: a restart only needs whether it is armed,
     * its timeout and its scope (it counts again from the restart).
     *
     * @param armed     whether it is armed
     * @param timeoutMs the last heartbeat's timeout (0 when disarmed)
     * @param scope     what it stops when it fires
     */
    record DeadMan(boolean armed, long timeoutMs, Scope scope) {
        static final DeadMan DISARMED = new DeadMan(false, 0, Scope.ALL);

        DeadMan {
            Objects.requireNonNull(scope, "scope");
        }
    }

    /** The stop in force with this scope, or null. */
    ActiveStop stopWithScope(Scope scope) {
        for (ActiveStop s : stops) {
            if (s.scope().equals(scope)) {
                return s;
            }
        }
        return null;
    }

    /** The stop in force with this id, or null. */
    ActiveStop stopWithId(String id) {
        for (ActiveStop s : stops) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** This state with {@code stop} in force: a stop of the same scope is replaced. */
    EmergencyState withStop(ActiveStop stop) {
        List<ActiveStop> next = new ArrayList<>(stops.size() + 1);
        for (ActiveStop s : stops) {
            if (!s.scope().equals(stop.scope())) {
                next.add(s);
            }
        }
        next.add(stop);
        return new EmergencyState(next, deadMan, shadowExecution, lastVerification,
                verificationFailed);
    }

    /** This state with the stop of {@code stop.id()} replaced by {@code stop} (if in force). */
    EmergencyState withReplaced(ActiveStop stop) {
        List<ActiveStop> next = new ArrayList<>(stops.size());
        for (ActiveStop s : stops) {
            next.add(s.id().equals(stop.id()) ? stop : s);
        }
        return new EmergencyState(next, deadMan, shadowExecution, lastVerification,
                verificationFailed);
    }

    /** This state without {@code removed}; a resume also clears a failed verification. */
    EmergencyState resumed(List<ActiveStop> removed) {
        List<ActiveStop> next = new ArrayList<>(stops);
        next.removeAll(removed);
        return new EmergencyState(next, deadMan, shadowExecution, lastVerification, false);
    }

    EmergencyState withDeadMan(DeadMan d) {
        return new EmergencyState(stops, d, shadowExecution, lastVerification,
                verificationFailed);
    }

    EmergencyState withShadowExecution(boolean enabled) {
        return new EmergencyState(stops, deadMan, enabled, lastVerification, verificationFailed);
    }

    EmergencyState withVerification(Verification v) {
        return new EmergencyState(stops, deadMan, shadowExecution, v, !v.verified());
    }

    /** The strongest mode in force (see {@link EmergencyView#mode()}). */
    TradingMode mode() {
        TradingMode m = TradingMode.ACTIVE;
        for (ActiveStop s : stops) {
            if (s.mode() == TradingMode.HALTED) {
                return TradingMode.HALTED;
            }
            m = s.mode();
        }
        return m;
    }
}
