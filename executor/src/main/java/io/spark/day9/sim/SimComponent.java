package io.spark.day9.sim;

import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import java.util.Map;
import java.util.Objects;

/** The embedded simulator as an executor component ({@code MARKET_SOURCE=sim}). */
public final class SimComponent implements Component {
    private final SimConfig config;
    private volatile SimExchange sim;

    public SimComponent(SimConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "sim-exchange";
    }

    @Override
    public void start() {
        sim = SimExchange.start(config);
    }

    @Override
    public void stop() {
        SimExchange s = sim;
        if (s != null) {
            s.close();
        }
    }

    /** The running simulator (null before start). */
    public SimExchange exchange() {
        return sim;
    }

    @Override
    public Health health() {
        SimExchange s = sim;
        if (s == null) {
            return Health.down(Map.of("reason", "not started"));
        }
        return Health.up(Map.of("rest", s.restUrl(), "ws", s.wsUrl(),
                "connections", s.connections(), "faults", s.faults().summary()));
    }
}
