package io.spark.day9.emergency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.shadow.OrderGate;
import io.spark.day9.snapshot.StateSection;
import io.spark.day9.time.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emergency stop: one object that halts trading in a scope, makes that durable before
 * anything else, fans out to the {@link TradingDesk}, verifies the end state and holds it
 * across restarts until resumed; plus the dead-man switch.
 *
 * <p>A stop ({@link #stop}) runs seven steps, each timed into a {@link StopResult.Step}:
 * <ol>
 *   <li>{@code refuse}: the {@link #gate()} refuses new orders in scope from this instant;</li>
 *   <li>{@code persist}: the state is written to its next slot file and fdatasynced, one
 *       force ({@link EmergencyStateFile});
 *       {@link EmergencyEvent.Stopped} carries the time from the request to here (the SLO).
 *       If it fails the gate stays closed and the stop throws;</li>
 *   <li>{@code chaos-off}, 4. {@code cancel}, 5. {@code pause}, 6. {@code flatten} (when asked,
 *       after the cancels), 7. {@code verify}: see {@link StopActions}. Then the stop is marked
 *       completed, persisted again, and {@link EmergencyEvent.Verified} is published.</li>
 * </ol>
 * A stop of a scope that already has a stop in force replaces it (new id, mode and reason; a
 * whole-queue pause is kept). Stops and resumes run one at a time.
 *
 * <p>Durability and restart: the state file is read in the constructor, so the gate is closed
 * before any component starts; a corrupt or unreadable file refuses the start. {@link #start()}
 * re-applies what memory lost (the run-time shadow switch, a whole-queue pause), re-arms an
 * armed dead-man switch counting from the restart, and runs steps 3 to 7 again, on the
 * {@code day9-emergency} lane after start returns, for every stop not yet completed (one that
 * kill -9 interrupted).
 *
 * <p>Fail-safe order of memory and disk: what makes trading safer takes effect in memory first
 * and is then persisted (a stop, arming the dead-man switch, switching shadow execution off),
 * so a write failure leaves the safer state in force and throws {@link UncheckedIOException};
 * what lets trading go on is persisted first (a resume, disarming the dead-man switch,
 * switching shadow execution on), so a write failure changes nothing. Health is DOWN while the
 * last write failed.
 *
 * <p>Dead-man switch: {@link #heartbeat} arms or re-arms a one-shot timer on the lane; when it
 * fires without a newer heartbeat, it publishes {@link EmergencyEvent.DeadManFired}, disarms
 * (the fired event implies it) and stops its scope with reason {@code dead-man}, actor
 * {@code dead-man}. Heartbeats are persisted only when they arm the switch or change its timeout
 * or scope, so a steady heartbeat costs no fsync.
 *
 * <p>Threading: {@link #stop}, {@link #resume} and the lane's tasks hold the stop lock for
 * their whole run (the desk's steps may take seconds); every state change also holds the short
 * state lock (lock order: stop lock, then state lock). {@link #gate()}, {@link #view()},
 * {@link #health()} and {@link #stateSection()} read one volatile snapshot and never block.
 */
public final class Emergency implements Component {
    /** Shortest dead-man timeout. */
    public static final long MIN_DEAD_MAN_TIMEOUT_MS = 1_000;
    /** Longest dead-man timeout (one day). */
    public static final long MAX_DEAD_MAN_TIMEOUT_MS = 86_400_000;
    /** The reason, and the actor, of a stop made by the dead-man switch. */
    public static final String DEAD_MAN = "dead-man";
    /** The actor recorded for steps a restart runs again. */
    public static final String RESTART = "restart";
    /** The scheduler lane of the dead-man timer and the restart completion. */
    public static final String LANE = "day9-emergency";

    private static final Logger log = LoggerFactory.getLogger(Emergency.class);

    private final TradingDesk desk;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private final ObjectMapper json;
    private final EmergencyStateFile file;
    private final EventPublisher<EmergencyEvent> events = new EventPublisher<>("emergency");
    private final StopGate gate = new StopGate(events);
    private final StopActions actions;
    private final AtomicLong ids = new AtomicLong();
    /** Serialises stops, resumes and the lane's tasks. */
    private final Object stopLock = new Object();
    /** Guards every change of {@link #state} and the dead-man timer; held over the fsync. */
    private final Object stateLock = new Object();

    private volatile EmergencyState state;
    /** The last state made durable (to skip the fsync of a heartbeat that changes nothing). */
    private EmergencyState written;
    private volatile DeadManView deadMan = DeadManView.DISARMED;
    /** Why the last write of the state file failed; null when it succeeded. */
    private volatile String writeFailure;
    private long deadManGeneration;
    private Scheduler.Handle deadManTask;
    private Scheduler.Lane lane;
    private boolean closed;

    /**
     * Reads the state file: the stops it holds are in force (the gate refuses) from here on.
     *
     * @param dir       where the state file lives ({@code runtime/emergency})
     * @param desk      the trading side the steps act on
     * @param clock     epoch ms
     * @param scheduler the dead-man timer and restart completion run on its lane
     * @param json      the mapper for the state file
     * @throws UncheckedIOException when the state file exists but cannot be read or is not a
     *                              valid state file (the message names it): fail safe
     */
    public Emergency(Path dir, TradingDesk desk, LongSupplier clock, Scheduler scheduler,
                     ObjectMapper json) {
        this.desk = Objects.requireNonNull(desk, "desk");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.json = Objects.requireNonNull(json, "json");
        this.file = new EmergencyStateFile(Objects.requireNonNull(dir, "dir"), json);
        this.actions = new StopActions(desk, clock);
        EmergencyState loaded = file.read();
        this.state = loaded;
        this.written = loaded;
        gate.set(loaded.stops());
        if (loaded.deadMan().armed()) { // the timer itself starts with start()
            long now = clock.getAsLong();
            deadMan = new DeadManView(true, loaded.deadMan().timeoutMs(),
                    loaded.deadMan().scope(), now, now + loaded.deadMan().timeoutMs());
        }
        if (!loaded.stops().isEmpty()) {
            log.warn("emergency stop in force from {}: {} (resume to trade again)",
                    file.path(), labels(loaded.stops()));
        }
    }

    /** The gate every order passes (the router and the shadow executor are given it). */
    public OrderGate gate() {
        return gate;
    }

    /**
     * The state slot holding the newest state ({@code <dir>/state-a.json} or
     * {@code state-b.json}; see {@link EmergencyStateFile}).
     */
    public Path stateFile() {
        return file.path();
    }

    /**
     * Stops trading in a scope: the seven steps in order, each timed; returns after the
     * verification.
     *
     * @throws java.io.UncheckedIOException when the state cannot be made durable (orders in
     *                                      scope stay refused in memory)
     */
    public StopResult stop(StopRequest request, String actor) {
        long t0 = System.nanoTime();
        Objects.requireNonNull(request, "request");
        String who = actor == null ? "unknown" : actor;
        synchronized (stopLock) {
            List<StopResult.Step> steps = new ArrayList<>(7);
            ActiveStop stop;
            synchronized (stateLock) {
                long s1 = System.nanoTime();
                EmergencyState now = state;
                ActiveStop replaced = now.stopWithScope(request.scope());
                long since = clock.getAsLong();
                String id;
                do { // unique also against stops loaded from before a restart
                    id = "stop-" + since + "-" + ids.incrementAndGet();
                } while (now.stopWithId(id) != null);
                stop = new ActiveStop(id,
                        request.scope(), request.mode(), request.reason(), who, since,
                        request.flatten(), request.pauseQueue()
                        || (replaced != null && replaced.pauseQueue()), false);
                EmergencyState next = now.withStop(stop);
                state = next;
                gate.set(next.stops()); // 1. refused from this instant
                steps.add(new StopResult.Step("refuse", clock.getAsLong(),
                        StopActions.micros(s1), true, "new orders in scope " + stop.scope()
                        + " refused (" + stop.mode() + ")" + (replaced == null ? ""
                        : "; replaces " + replaced.id())));
                long s2 = System.nanoTime();
                persistOrThrow(next, "orders in scope " + stop.scope().label()
                        + " stay refused in memory, but the stop would not survive a restart");
                steps.add(new StopResult.Step("persist", clock.getAsLong(),
                        StopActions.micros(s2), true, "fsynced " + file.path() + " (sequence "
                        + file.sequence() + ")"));
            }
            long stopNanos = System.nanoTime() - t0; // 2. refused and durable: the SLO
            log.warn("emergency stop {} in scope {} ({}) by {}: {}", stop.id(), stop.scope(),
                    stop.mode(), who, stop.reason());
            events.publish(new EmergencyEvent.Stopped(stop, stopNanos));
            StopActions.Outcome out = actions.run(stop, who, steps); // 3. to 7.
            ActiveStop done = complete(stop, out.verification());
            long verifyNanos = System.nanoTime() - t0;
            events.publish(new EmergencyEvent.Verified(stop.id(), out.verification(),
                    verifyNanos));
            return new StopResult(done, List.copyOf(steps), out.cancelled(), out.flattened(),
                    out.verification(), stopNanos / 1e9, verifyNanos / 1e9);
        }
    }

    /**
     * Resumes without a restart: with {@code scope} null every stop in force ends; otherwise
     * the stops whose scope equals {@code scope}. Parked order jobs then flow in order.
     *
     * @return the stops that ended
     * @throws NotStopped when {@code scope} names no stop in force
     * @throws UncheckedIOException when the resume cannot be made durable (nothing changed)
     */
    public List<ActiveStop> resume(Scope scope, String actor) {
        String who = actor == null ? "unknown" : actor;
        synchronized (stopLock) {
            List<ActiveStop> removed = new ArrayList<>();
            synchronized (stateLock) {
                EmergencyState now = state;
                if (now.stops().isEmpty()) {
                    throw new NotStopped("no stop is in force"
                            + (scope == null ? "" : " (asked to resume scope " + scope + ")"));
                }
                for (ActiveStop s : now.stops()) {
                    if (scope == null || s.scope().equals(scope)) {
                        removed.add(s);
                    }
                }
                if (removed.isEmpty()) {
                    throw new NotStopped("no stop in force has the scope " + scope
                            + "; stops in force: " + labels(now.stops()));
                }
                EmergencyState next = now.resumed(removed);
                persistOrThrow(next, "nothing was resumed"); // durable before orders flow
                state = next;
                gate.set(next.stops());
            }
            boolean wholeQueue = removed.stream().anyMatch(ActiveStop::pauseQueue);
            try {
                desk.releaseOrders(wholeQueue);
            } catch (RuntimeException e) {
                log.error("emergency resume: releasing parked order jobs failed (the gate is"
                        + " open; parked jobs wait): {}", StopActions.message(e), e);
            }
            log.warn("emergency resume by {}: {}", who, labels(removed));
            events.publish(new EmergencyEvent.Resumed(List.copyOf(removed), who));
            return List.copyOf(removed);
        }
    }

    /** The current state. */
    public EmergencyView view() {
        EmergencyState s = state;
        return new EmergencyView(s.mode(), s.stops(), s.lastVerification(), deadMan,
                s.shadowExecution(), parked(), s.verificationFailed());
    }

    /**
     * True from a stop whose verification failed until a resume or a later verified stop (the
     * {@code spark_emergency_verified} gauge is 0 meanwhile, and health is DOWN).
     */
    public boolean verificationFailed() {
        return state.verificationFailed();
    }

    /**
     * Arms or re-arms the dead-man switch (a heartbeat): it fires {@code timeoutMs} from now
     * unless another heartbeat comes first.
     *
     * @throws IllegalArgumentException when {@code timeoutMs} is outside 1 000 .. 86 400 000
     * @throws UncheckedIOException     when arming (or a new timeout or scope) cannot be made
     *                                  durable; the switch is armed in memory all the same
     */
    public DeadManView heartbeat(long timeoutMs, Scope scope, String actor) {
        if (timeoutMs < MIN_DEAD_MAN_TIMEOUT_MS || timeoutMs > MAX_DEAD_MAN_TIMEOUT_MS) {
            throw new IllegalArgumentException("timeoutMs must be between "
                    + MIN_DEAD_MAN_TIMEOUT_MS + " and " + MAX_DEAD_MAN_TIMEOUT_MS + " ms, got "
                    + timeoutMs);
        }
        Scope sc = scope == null ? Scope.ALL : scope;
        String who = actor == null ? "unknown" : actor;
        DeadManView view;
        boolean first;
        synchronized (stateLock) {
            EmergencyState now = state;
            first = !now.deadMan().armed();
            EmergencyState.DeadMan d = new EmergencyState.DeadMan(true, timeoutMs, sc);
            EmergencyState next = now.withDeadMan(d);
            state = next;
            view = armTimer(d);
            if (!d.equals(written.deadMan())) {
                persistOrThrow(next, "the dead-man switch is armed in memory only");
            }
        }
        events.publish(new EmergencyEvent.DeadManArmed(view, who, first));
        return view;
    }

    /**
     * Disarms the dead-man switch; returns whether it was armed.
     *
     * @throws UncheckedIOException when the disarm cannot be made durable (then it stays armed)
     */
    public boolean disarm(String actor) {
        synchronized (stateLock) {
            EmergencyState now = state;
            if (!now.deadMan().armed()) {
                return false;
            }
            EmergencyState next = now.withDeadMan(EmergencyState.DeadMan.DISARMED);
            persistOrThrow(next, "the dead-man switch stays armed"); // durable first
            cancelTimer();
            state = next;
        }
        events.publish(new EmergencyEvent.DeadManDisarmed(actor == null ? "unknown" : actor));
        return true;
    }

    /**
     * Switches shadow execution on or off at run time (persisted like a stop): off takes effect
     * before the write, on only after it.
     *
     * @throws UncheckedIOException when the switch cannot be made durable
     */
    public void shadowExecution(boolean enabled, String actor) {
        synchronized (stateLock) {
            EmergencyState next = state.withShadowExecution(enabled);
            if (!enabled) {
                desk.shadowExecution(false); // throws where the switch has no effect: no change
                state = next;
            }
            persistOrThrow(next, enabled ? "shadow execution stays off"
                    : "shadow execution is off in memory only");
            if (enabled) {
                state = next;
                desk.shadowExecution(true);
            }
        }
        log.warn("shadow execution switched {} at run time by {}", enabled ? "on" : "off",
                actor);
        events.publish(new EmergencyEvent.ShadowExecution(enabled,
                actor == null ? "unknown" : actor));
    }

    /** Subscribes to what the emergency stop does. */
    public Subscription subscribe(Consumer<? super EmergencyEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    /**
     * The emergency's part of the state snapshot, for the record only: the
     * {@link EmergencyView} as JSON. Never restored: the state file is the authority on what is
     * stopped, read before anything starts, and an older snapshot must never lift or add a
     * stop.
     */
    public StateSection stateSection() {
        return new StateSection() {
            @Override
            public String name() {
                return "emergency";
            }

            @Override
            public JsonNode capture() {
                return json.valueToTree(view());
            }
        };
    }

    @Override
    public String name() {
        return "emergency";
    }

    /**
     * Re-applies the persisted state to the desk (shadow switch, a whole-queue pause), re-arms
     * an armed dead-man switch from now, and schedules the completion of stops a crash
     * interrupted on the lane (they run after this returns).
     */
    @Override
    public void start() {
        EmergencyState s;
        synchronized (stateLock) {
            if (lane != null || closed) {
                throw new IllegalStateException("emergency already started or stopped");
            }
            lane = scheduler.lane(LANE);
            s = state;
            if (s.deadMan().armed()) {
                DeadManView v = armTimer(s.deadMan());
                log.warn("dead-man switch armed from the state file: fires at {} without a"
                        + " heartbeat (timeout {} ms, scope {})", v.firesAt(), v.timeoutMs(),
                        v.scope());
            }
            for (ActiveStop stop : s.stops()) {
                if (!stop.completed()) {
                    String id = stop.id();
                    lane.once(Duration.ZERO, () -> completeAfterRestart(id));
                }
            }
        }
        if (!s.shadowExecution()) {
            try {
                desk.shadowExecution(false);
            } catch (IllegalStateException e) { // the mode changed since: the switch is moot
                log.warn("shadow execution was switched off at run time before the restart, "
                        + "but the switch has no effect in this mode: {}", e.getMessage());
            }
        }
        for (ActiveStop stop : s.stops()) {
            if (stop.completed() && stop.pauseQueue()) {
                desk.pauseOrders(true);
            }
        }
    }

    @Override
    public void stop() {
        synchronized (stateLock) {
            closed = true;
            file.close(); // a later write opens the slots again
            deadManGeneration++;
            deadManTask = null;
            if (lane != null) {
                lane.close();
                lane = null;
            }
        }
    }

    /**
     * DOWN while the last verification failed (until a resume or a verified stop) or the last
     * write of the state file failed; UP otherwise. Details: mode, stops, dead-man switch,
     * shadow execution, parked order jobs.
     */
    @Override
    public Health health() {
        EmergencyState s = state;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mode", s.mode().name());
        d.put("stops", s.stops().stream().map(x -> x.scope().label()).toList());
        d.put("deadManArmed", s.deadMan().armed());
        d.put("shadowExecution", s.shadowExecution());
        d.put("parkedOrderJobs", parked());
        boolean down = false;
        Verification v = s.lastVerification();
        if (s.verificationFailed() && v != null) {
            d.put("verification", "failed at " + v.at() + ": " + v.stillOpen().size()
                    + " order(s) still open, " + v.positions().size() + " position(s), errors "
                    + v.errors());
            down = true;
        }
        String failure = writeFailure;
        if (failure != null) {
            d.put("stateFile", failure);
            down = true;
        }
        return down ? Health.down(d) : Health.up(d);
    }

    // ---- internals ------------------------------------------------------------------------

    /** Marks {@code stop} completed with its verification, durably when possible. */
    private ActiveStop complete(ActiveStop stop, Verification v) {
        ActiveStop done = new ActiveStop(stop.id(), stop.scope(), stop.mode(), stop.reason(),
                stop.actor(), stop.since(), stop.flatten(), stop.pauseQueue(), true);
        synchronized (stateLock) {
            EmergencyState now = state;
            EmergencyState next = (now.stopWithId(stop.id()) == null ? now
                    : now.withReplaced(done)).withVerification(v);
            state = next;
            gate.set(next.stops());
            try {
                persist(next);
            } catch (IOException e) {
                // the stop is durable (completed=false): a restart would run its steps again
                log.error("emergency stop {}: recording its completion in {} failed: {}",
                        stop.id(), file.path(), e.toString());
            }
        }
        if (v.verified()) {
            log.info("emergency stop {} verified: nothing open in scope {}", stop.id(),
                    stop.scope());
        } else {
            log.error("emergency stop {} NOT verified: still open {}, positions {}, errors {}",
                    stop.id(), v.stillOpen(), v.positions(), v.errors());
        }
        return done;
    }

    /** Steps 3 to 7 of a stop that a crash interrupted (on the lane). */
    private void completeAfterRestart(String id) {
        synchronized (stopLock) {
            ActiveStop stop = state.stopWithId(id);
            if (stop == null || stop.completed()) {
                return; // resumed or replaced meanwhile
            }
            long t0 = System.nanoTime();
            log.warn("emergency stop {} was not completed before the restart: running its"
                    + " steps again", id);
            List<StopResult.Step> steps = new ArrayList<>(5);
            StopActions.Outcome out = actions.run(stop, RESTART, steps);
            complete(stop, out.verification());
            // the request was in another process: timed from the start of this completion
            events.publish(new EmergencyEvent.Verified(id, out.verification(),
                    System.nanoTime() - t0));
        }
    }

    /** Schedules the dead-man timer for {@code d} from now; caller holds the state lock. */
    private DeadManView armTimer(EmergencyState.DeadMan d) {
        cancelTimer();
        long now = clock.getAsLong();
        DeadManView v = new DeadManView(true, d.timeoutMs(), d.scope(), now,
                now + d.timeoutMs());
        deadMan = v;
        long generation = deadManGeneration;
        if (lane != null) { // before start: start() arms it
            deadManTask = lane.once(Duration.ofMillis(d.timeoutMs()),
                    () -> deadManDue(generation));
        }
        return v;
    }

    /** Caller holds the state lock. */
    private void cancelTimer() {
        deadManGeneration++;
        Scheduler.Handle t = deadManTask;
        deadManTask = null;
        if (t != null) {
            t.cancel();
        }
        deadMan = DeadManView.DISARMED;
    }

    /** The dead-man timer ran out (on the lane): disarm, then stop its scope. */
    private void deadManDue(long generation) {
        DeadManView fired;
        synchronized (stateLock) {
            if (generation != deadManGeneration || !state.deadMan().armed()) {
                return; // a later heartbeat or a disarm won the race
            }
            fired = deadMan;
            cancelTimer();
            // persisted with the stop below: a crash before it re-arms the switch on restart
            state = state.withDeadMan(EmergencyState.DeadMan.DISARMED);
        }
        log.error("dead-man switch fired: no heartbeat within {} ms; stopping scope {}",
                fired.timeoutMs(), fired.scope());
        events.publish(new EmergencyEvent.DeadManFired(fired));
        try {
            stop(new StopRequest(DEAD_MAN, fired.scope(), TradingMode.HALTED, false, false),
                    DEAD_MAN);
        } catch (RuntimeException e) {
            log.error("dead-man stop of scope {} failed: {}", fired.scope(),
                    StopActions.message(e), e);
        }
    }

    /** Writes {@code next}; caller holds the state lock. */
    private void persist(EmergencyState next) throws IOException {
        try {
            file.write(next, clock.getAsLong());
        } catch (IOException | RuntimeException e) {
            writeFailure = e instanceof IOException ? e.getMessage()
                    : "writing " + file.next() + " failed: " + e;
            throw e;
        }
        written = next;
        writeFailure = null;
    }

    /** Writes {@code next} or throws naming the file and what that means. */
    private void persistOrThrow(EmergencyState next, String consequence) {
        try {
            persist(next);
        } catch (IOException e) {
            log.error("emergency state file {} could not be written ({}): {}", file.next(), e,
                    consequence);
            throw new UncheckedIOException("emergency state file " + file.next()
                    + " could not be written (" + e + "): " + consequence, e);
        }
    }

    private long parked() {
        try {
            return desk.parkedOrderJobs();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static List<String> labels(List<ActiveStop> stops) {
        List<String> out = new ArrayList<>(stops.size());
        for (ActiveStop s : stops) {
            out.add(s.scope().label() + " " + s.mode());
        }
        return out;
    }
}
