package io.spark.day9.sim.server;

import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.time.Scheduler;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The embedded simulator as an executor component ({@code MARKET_SOURCE=sim}). It runs on the
 * executor's clock and scheduler, so a manual clock in tests moves the simulated market too.
 */
public final class SimComponent implements Component {
    private final SimConfig config;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private volatile SimServer sim;

    public SimComponent(SimConfig config, LongSupplier clock, Scheduler scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public String name() {
        return "sim-exchange";
    }

    @Override
    public void start() {
        sim = SimServer.start(config, clock, scheduler);
    }

    @Override
    public void stop() {
        SimServer s = sim;
        if (s != null) {
            s.close();
        }
    }

    /** The running simulator's logic (null before start). */
    public SimExchange exchange() {
        SimServer s = sim;
        return s == null ? null : s.exchange();
    }

    /** The running simulator's server: its URLs (null before start). */
    public SimServer server() {
        return sim;
    }

    @Override
    public Health health() {
        SimServer s = sim;
        if (s == null) {
            return Health.down(Map.of("reason", "not started"));
        }
        return Health.up(Map.of("rest", s.restUrl(), "ws", s.wsUrl(),
                "connections", s.connections(), "faults", s.faults().summary()));
    }
}
