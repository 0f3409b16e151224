package io.spark.day9.emergency;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.shadow.OrderGate;
import io.spark.day9.snapshot.StateSection;
import io.spark.day9.time.Scheduler;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * SEAM — to be implemented (helper "core"). The emergency stop: one object that halts trading
 * in a scope, persists that before anything else, fans out to the {@link TradingDesk}, verifies
 * the end state and holds it across restarts until resumed; plus the dead-man switch.
 */
public final class Emergency implements Component {

    /**
     * @param dir       where the state file lives ({@code runtime/emergency})
     * @param desk      the trading side the steps act on
     * @param clock     epoch ms
     * @param scheduler the dead-man timer and restart completion run on its lane
     * @param json      the mapper for the state file
     */
    public Emergency(Path dir, TradingDesk desk, LongSupplier clock, Scheduler scheduler,
                     ObjectMapper json) {
        throw new UnsupportedOperationException("seam");
    }

    /** The gate every order passes (the router and the shadow executor are given it). */
    public OrderGate gate() {
        throw new UnsupportedOperationException("seam");
    }

    /**
     * Stops trading in a scope: the seven steps in order, each timed; returns after the
     * verification.
     *
     * @throws java.io.UncheckedIOException when the state cannot be made durable (orders in
     *                                      scope stay refused in memory)
     */
    public StopResult stop(StopRequest request, String actor) {
        throw new UnsupportedOperationException("seam");
    }

    /**
     * Resumes without a restart: with {@code scope} null every stop in force ends; otherwise
     * the stops whose scope equals {@code scope}. Parked order jobs then flow in order.
     *
     * @return the stops that ended
     * @throws NotStopped when {@code scope} names no stop in force
     */
    public java.util.List<ActiveStop> resume(Scope scope, String actor) {
        throw new UnsupportedOperationException("seam");
    }

    /** The current state. */
    public EmergencyView view() {
        throw new UnsupportedOperationException("seam");
    }

    /** Arms or re-arms the dead-man switch (a heartbeat). */
    public DeadManView heartbeat(long timeoutMs, Scope scope, String actor) {
        throw new UnsupportedOperationException("seam");
    }

    /** Disarms the dead-man switch; returns whether it was armed. */
    public boolean disarm(String actor) {
        throw new UnsupportedOperationException("seam");
    }

    /** Switches shadow execution on or off at run time (persisted like a stop). */
    public void shadowExecution(boolean enabled, String actor) {
        throw new UnsupportedOperationException("seam");
    }

    /** Subscribes to what the emergency stop does. */
    public Subscription subscribe(Consumer<? super EmergencyEvent> subscriber) {
        throw new UnsupportedOperationException("seam");
    }

    /** The emergency's part of the state snapshot (for the record). */
    public StateSection stateSection() {
        throw new UnsupportedOperationException("seam");
    }

    @Override
    public String name() {
        return "emergency";
    }

    @Override
    public Health health() {
        throw new UnsupportedOperationException("seam");
    }
}
