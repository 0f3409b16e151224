package io.spark.day9.lifecycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order they were added and stops them in reverse.
 *
 * <p>States: NEW → STARTING → RUNNING → STOPPING → STOPPED; a failed start goes straight to
 * STOPPING (the components already started are stopped in reverse) and rethrows. {@link #stop()}
 * is idempotent and isolates failures: one component throwing does not keep the others from
 * closing.
 *
 * <p>Thread safety: {@code start} and {@code stop} are synchronized; {@link #health()} may be
 * called from any thread at any time.
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    /** Where the lifecycle is. */
    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final List<Component> components = new ArrayList<>();
    private final List<Component> started = new ArrayList<>();
    private volatile State state = State.NEW;

    /** Adds a component; components start in the order they are added. */
    public synchronized Lifecycle add(Component component) {
        if (state != State.NEW) {
            throw new IllegalStateException("cannot add " + component.name() + " in state " + state);
        }
        for (Component c : components) {
            if (c.name().equals(component.name())) {
                throw new IllegalArgumentException("duplicate component name " + component.name());
            }
        }
        components.add(component);
        return this;
    }

    /** Starts the components in the order they were added. */
    public synchronized void start() throws Exception {
        if (state != State.NEW) {
            throw new IllegalStateException("cannot start in state " + state);
        }
        state = State.STARTING;
        for (Component c : components) {
            long t0 = System.nanoTime();
            try {
                c.start();
            } catch (Exception e) {
                log.error("component {} failed to start: {}", c.name(), e.toString());
                stop();
                throw e;
            }
            started.add(c);
            log.info("started {} in {} ms", c.name(), (System.nanoTime() - t0) / 1_000_000);
        }
        state = State.RUNNING;
    }

    /** Stops started components in reverse order; safe to call more than once. */
    public synchronized void stop() {
        if (state == State.STOPPED || state == State.NEW) {
            state = State.STOPPED;
            return;
        }
        state = State.STOPPING;
        List<Component> reverse = new ArrayList<>(started);
        Collections.reverse(reverse);
        for (Component c : reverse) {
            try {
                c.stop();
                log.info("stopped {}", c.name());
            } catch (Exception e) {
                log.error("component {} failed to stop cleanly", c.name(), e);
            }
        }
        started.clear();
        state = State.STOPPED;
    }

    public State state() {
        return state;
    }

    /** Every component's health, in start order; a throwing component reports DOWN. */
    public Map<String, Health> health() {
        Map<String, Health> all = new LinkedHashMap<>();
        List<Component> snapshot;
        synchronized (this) {
            snapshot = List.copyOf(components);
        }
        for (Component c : snapshot) {
            Health h;
            try {
                h = c.health();
            } catch (RuntimeException e) {
                h = Health.down(Map.of("error", e.toString()));
            }
            all.put(c.name(), h);
        }
        return all;
    }

    /** True when every component started and none reports DOWN. */
    public boolean ready() {
        return state == State.RUNNING
                && health().values().stream().noneMatch(h -> h.status() == Health.Status.DOWN);
    }
}
