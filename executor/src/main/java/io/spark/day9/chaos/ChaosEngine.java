package io.spark.day9.chaos;

import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos engine: holds the current {@link ChaosSettings}, decides per request whether to
 * delay or fail it, drops the market connection every {@code wsFlapSec}, injects exchange
 * faults through the simulator's hooks, and measures recovery from every flap and fault.
 *
 * <h2>Decisions</h2>
 * {@link #inbound(String)} and {@link #outbound(String)} are called on every request and
 * exchange call. With chaos off they read one volatile field and return {@link HttpFault#NONE}.
 * Otherwise: a path out of scope gets nothing; latency is {@code latencyMs} plus a uniform draw
 * in {@code [0, latencyJitterMs]}; an error is drawn with probability
 * {@code httpErrorPct·min(1, elapsed/rampSec)}, where {@code elapsed} runs from the change that
 * last set the error rate or the ramp. With a {@code seed}, the n-th decision after a change is
 * a pure function of (seed, n), so a run with the same requests in the same order repeats
 * exactly.
 *
 * <h2>Safety</h2>
 * <ul>
 *   <li>Every change that leaves any fault on re-arms the TTL: {@code ttlSec} later everything is
 *       switched off (reported as a change by {@code chaos-ttl}).</li>
 *   <li>With {@code production} set and no override, a change that turns a fault on is refused
 *       ({@link ChaosException.Forbidden}); turning chaos off is always allowed.</li>
 * </ul>
 *
 * <h2>Recovery</h2>
 * Each flap or injected exchange fault opens a pending recovery with a deadline
 * ({@code recoveryDeadlineMs}; for a stale stream, plus the client's stale threshold). Market
 * events and, for REST faults, probe calls through the executor's own client resolve it; the
 * time from injection to resolution is reported as {@link ChaosEvent.Recovered}, a missed
 * deadline as {@link ChaosEvent.RecoveryFailed}. A flap is skipped (not counted) while the
 * stream is still recovering from the previous one.
 *
 * <h2>Off means off</h2>
 * A change that leaves no fault on ({@code off}, {@code {"enabled":false}}, every fault set to
 * 0, or the TTL) returns every setting the change does not name to its default: scope, ramp,
 * seed, error status, TTL, outbound and exchange faults. The next change that turns a fault on
 * therefore starts clean: the guide's {@code {"httpErrorPct":15,"latencyMs":200,"wsFlapSec":10}}
 * means exactly those faults, on every route, at the full rate, now.
 *
 * <p>Threading: changes are serialised on this object; decisions are lock-free; flaps,
 * injections, TTL expiry and recovery checks run on one {@link Scheduler.Lane lane} of the
 * injected scheduler ({@code day9-chaos}), whose clock is the one given here.
 */
public final class ChaosEngine implements Component {
    private static final Logger log = LoggerFactory.getLogger(ChaosEngine.class);
    static final long CHECK_MS = 20;
    static final String WS_FLAP = "ws-flap";
    /** How long an injected rate limit lasts, and the Retry-After it announces. */
    static final long RATE_LIMIT_MS = 1_500;
    static final int RATE_LIMIT_RETRY_AFTER_SEC = 1;

    /**
     * The engine's settings, checked as the record is built; errors name the variable.
     *
     * @param initial            settings at start ({@code CHAOS_*})
     * @param production         {@code DAY9_ENV=production}
     * @param allowProduction    {@code CHAOS_ALLOW_PRODUCTION}
     * @param recoveryDeadlineMs a flap or fault not recovered from within this counts as failed,
     *                           ms ({@code CHAOS_RECOVERY_DEADLINE_MS}, 100..600000)
     * @param marketStaleMs      the client's silent-stream threshold, ms ({@code MARKET_STALE_MS},
     *                           positive)
     */
    public record Config(ChaosSettings initial, boolean production, boolean allowProduction,
                         long recoveryDeadlineMs, long marketStaleMs) {
        /** {@code CHAOS_RECOVERY_DEADLINE_MS}: 10 s. */
        public static final long DEFAULT_RECOVERY_DEADLINE_MS = 10_000;
        public static final long MIN_RECOVERY_DEADLINE_MS = 100;
        public static final long MAX_RECOVERY_DEADLINE_MS = 600_000;

        public Config {
            java.util.Objects.requireNonNull(initial, "initial (CHAOS_*)");
            if (recoveryDeadlineMs < MIN_RECOVERY_DEADLINE_MS
                    || recoveryDeadlineMs > MAX_RECOVERY_DEADLINE_MS) {
                throw new IllegalArgumentException("CHAOS_RECOVERY_DEADLINE_MS="
                        + recoveryDeadlineMs + " is invalid: must be from "
                        + MIN_RECOVERY_DEADLINE_MS + " to " + MAX_RECOVERY_DEADLINE_MS);
            }
            if (marketStaleMs < 1) {
                throw new IllegalArgumentException("MARKET_STALE_MS=" + marketStaleMs
                        + " is invalid: must be positive");
            }
        }
    }

    /** The settings with when they took effect and when they expire. */
    public record State(ChaosSettings settings, long changedAt, long rampStartedAt,
                        long expiresAt, double effectiveErrorPct, long flaps, long recoveries,
                        long recoveryFailures, int pendingRecoveries, boolean exchangeFaults) {
        public boolean active() {
            return settings.active();
        }
    }

    private final Config config;
    private final LongSupplier clock;
    private final EventPublisher<ChaosEvent> events = new EventPublisher<>("chaos");
    private final List<Pending> pending = new ArrayList<>();
    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong flaps = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private final AtomicLong recoveryFailures = new AtomicLong();
    private final Scheduler scheduler;
    private final Map<ExchangeFault, Scheduler.Handle> faultTasks =
            new EnumMap<>(ExchangeFault.class);
    private volatile Snapshot current;
    private volatile ChaosTargets.Market market;
    private volatile ChaosTargets.ExchangeHooks exchange;
    private volatile ChaosTargets.ExchangeProbe probe;
    private Scheduler.Lane lane;
    private Scheduler.Handle flapTask;
    private Scheduler.Handle ttlTask;

    /** The settings plus everything derived from them that a decision needs, swapped whole. */
    private record Snapshot(ChaosSettings settings, List<RoutePattern> routes,
                            List<RoutePattern> exclude, long changedAt, long rampStartedAt,
                            long expiresAt, long seedBase) {
    }

    /**
     * @param clock     epoch ms; the {@code scheduler} must run on the same time
     * @param scheduler runs flaps, periodic faults, the TTL and recovery checks (from start)
     */
    public ChaosEngine(Config config, LongSupplier clock, Scheduler scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        ChaosSettings s = config.initial();
        guard(ChaosSettings.off(), s);
        long now = clock.getAsLong();
        this.current = snapshot(s, now, now);
    }

    /** Connects the market data flap hook (before start). */
    public void attachMarket(ChaosTargets.Market target) {
        this.market = target;
    }

    /** Connects the simulator's fault hooks and a probe through our own client (before start). */
    public void attachExchange(ChaosTargets.ExchangeHooks hooks, ChaosTargets.ExchangeProbe p) {
        this.exchange = hooks;
        this.probe = p;
    }

    /** Subscribes to chaos events (see {@link EventPublisher} for threading). */
    public Subscription subscribe(Consumer<? super ChaosEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public synchronized void start() {
        lane = scheduler.lane("day9-chaos");
        lane.every(Duration.ofMillis(CHECK_MS), Duration.ofMillis(CHECK_MS),
                this::checkRecoveries);
        ChaosSettings s = current.settings();
        if (s.active()) {
            log.warn("chaos is ON at start (CHAOS_* settings): {}", describe(s));
        }
        reschedule(ChaosSettings.off(), s);
    }

    @Override
    public synchronized void stop() {
        ChaosSettings s = current.settings();
        if (s.active()) {
            ChaosTargets.ExchangeHooks x = exchange;
            if (x != null && s.exchange().active()) {
                x.clear();
            }
        }
        if (lane != null) {
            lane.close();
            lane = null;
            flapTask = null;
            ttlTask = null;
            faultTasks.clear();
        }
    }

    @Override
    public Health health() {
        State st = state();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("active", st.active());
        d.put("flaps", st.flaps());
        d.put("recoveries", st.recoveries());
        d.put("recoveryFailures", st.recoveryFailures());
        // chaos being on is a choice, not a fault: always UP
        return Health.up(d);
    }

    /** The current state. */
    public State state() {
        Snapshot s = current;
        int open;
        synchronized (pending) {
            open = pending.size();
        }
        return new State(s.settings(), s.changedAt(), s.rampStartedAt(), s.expiresAt(),
                effectiveErrorPct(s, clock.getAsLong()), flaps.get(), recoveries.get(),
                recoveryFailures.get(), open, exchange != null);
    }

    /** The change that was applied: settings before and after. */
    public record Change(ChaosSettings before, ChaosSettings after, State state) {
    }

    /**
     * Applies a patch.
     *
     * @throws ChaosException.Invalid     a field out of range (nothing changes)
     * @throws ChaosException.Forbidden   turning chaos on in production without the override
     * @throws ChaosException.Unavailable exchange faults without the simulator
     */
    public synchronized Change apply(ChaosPatch patch, String actor) {
        ChaosSettings before = current.settings();
        ChaosSettings after = patch.applyTo(before);
        if (!after.active()) {
            after = patch.applyTo(ChaosSettings.off()); // off means off: see the class doc
        }
        guard(before, after);
        if (after.exchange().active() && exchange == null) {
            throw new ChaosException.Unavailable("exchange faults work through the embedded "
                    + "simulator's hooks; this executor follows a real exchange (MARKET_SOURCE)");
        }
        install(before, after, actor, "toggle");
        return new Change(before, after, state());
    }

    /**
     * Drops the market connection once, now. Returns false when the stream is not connected or
     * still recovering from the previous flap.
     *
     * @throws ChaosException.Forbidden in production without the override
     */
    public boolean flapNow() {
        refuseInProduction();
        return flap();
    }

    /**
     * As {@link #flapNow()}, asked for by {@code actor}: publishes {@link ChaosEvent.FlapAsked}
     * with the outcome (the audit log subscribes).
     */
    public boolean flapNow(String actor) {
        boolean done = flapNow();
        emit(new ChaosEvent.FlapAsked(actor, done));
        return done;
    }

    private void refuseInProduction() {
        if (config.production() && !config.allowProduction()) {
            throw new ChaosException.Forbidden("DAY9_ENV=production: chaos is refused unless "
                    + "CHAOS_ALLOW_PRODUCTION=true");
        }
    }

    /**
     * Injects one exchange fault now and watches the client recover.
     *
     * @throws ChaosException.Unavailable without the simulator
     * @throws ChaosException.Forbidden   in production without the override
     */
    public void inject(ExchangeFault fault) {
        refuseInProduction();
        if (exchange == null) {
            throw new ChaosException.Unavailable("exchange faults need the embedded simulator "
                    + "(MARKET_SOURCE=sim)");
        }
        if (fault == ExchangeFault.CLOCK_SKEW) {
            throw new ChaosException.Invalid("fault", "clock-skew is a setting, not a one-off: "
                    + "set exchange.clockSkewMs");
        }
        injectNow(fault);
    }

    /**
     * As {@link #inject(ExchangeFault)}, asked for by {@code actor}: publishes
     * {@link ChaosEvent.InjectAsked} once the fault is injected (the audit log subscribes).
     */
    public void inject(ExchangeFault fault, String actor) {
        inject(fault);
        emit(new ChaosEvent.InjectAsked(actor, fault));
    }

    /**
     * The fault for one inbound request on {@code path}; the caller applies it. Lock-free.
     */
    public HttpFault inbound(String path) {
        Snapshot s = current;
        ChaosSettings c = s.settings();
        if (!c.httpActive() || !inScope(s, path)) {
            return HttpFault.NONE;
        }
        return draw(s, effectiveErrorPct(s, clock.getAsLong()), c.errorStatus(), c.latencyMs(),
                c.latencyJitterMs());
    }

    /** The fault for one outbound exchange call; the caller applies it. Lock-free. */
    public HttpFault outbound(String endpoint) {
        Snapshot s = current;
        ChaosSettings.Outbound o = s.settings().outbound();
        if (!o.active()) {
            return HttpFault.NONE;
        }
        HttpFault f = draw(s, o.errorPct(), o.errorStatus(), o.latencyMs(), 0);
        if (!f.none()) {
            emit(new ChaosEvent.OutboundInjected(endpoint, f.status(), f.latencyMs()));
        }
        return f;
    }

    /**
     * Waits {@code ms} milliseconds on the engine's scheduler: how the inbound filter and the
     * outbound interceptor apply an injected latency. Wall-clock time in service; in tests the
     * wait ends exactly when the manual clock has moved {@code ms} on.
     *
     * @throws InterruptedException the waiting thread was interrupted (the timer is cancelled)
     */
    public void delay(long ms) throws InterruptedException {
        if (ms <= 0) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        Scheduler.Handle timer = scheduler.once(Duration.ofMillis(ms), done::countDown);
        try {
            done.await();
        } finally {
            timer.cancel();
        }
    }

    /** Reports an injected inbound fault (the filter calls this once it has applied it). */
    public void injected(String route, HttpFault fault) {
        emit(new ChaosEvent.HttpInjected(route, fault.status(), fault.latencyMs()));
    }

    /** Market events resolve pending recoveries. */
    public void onMarketEvent(MarketEvent e) {
        if (e instanceof MarketEvent.Recovered) {
            resolve(p -> p.fault.equals(WS_FLAP) || p.fault.equals(ExchangeFault.STALE.id())
                    || p.fault.equals(ExchangeFault.GAP.id()));
        } else if (e instanceof MarketEvent.BookResynced) {
            resolve(p -> p.fault.equals(ExchangeFault.GAP.id()));
        }
    }

    // ---------------------------------------------------------------- internals

    private void guard(ChaosSettings before, ChaosSettings after) {
        if (config.production() && !config.allowProduction() && after.active()) {
            throw new ChaosException.Forbidden("DAY9_ENV=production: turning chaos on is refused "
                    + "unless CHAOS_ALLOW_PRODUCTION=true (turning it off is always allowed)");
        }
    }

    private void install(ChaosSettings before, ChaosSettings after, String actor,
                         String reason) {
        long now = clock.getAsLong();
        Snapshot old = current;
        boolean rampRestarts = after.httpErrorPct() != before.httpErrorPct()
                || after.rampSec() != before.rampSec() || !before.httpActive();
        current = snapshot(after, now, rampRestarts ? now : old.rampStartedAt());
        if (!before.equals(after) || !reason.equals("toggle")) {
            log.info("chaos {} by {}: {} -> {}", reason, actor, describe(before), describe(after));
        }
        reschedule(before, after);
        emit(new ChaosEvent.Changed(actor, reason, before, after));
    }

    private Snapshot snapshot(ChaosSettings s, long now, long rampStartedAt) {
        long expires = s.active() ? now + s.ttlSec() * 1000L : 0;
        long seedBase = s.seed() == null ? 0 : mix(s.seed());
        decisions.set(0);
        return new Snapshot(s, RoutePattern.all(s.routes()), RoutePattern.all(s.exclude()), now,
                rampStartedAt, expires, seedBase);
    }

    /** Re-plans flaps, exchange faults and the TTL after a change (holding the monitor). */
    private void reschedule(ChaosSettings before, ChaosSettings after) {
        Scheduler.Lane sch = lane;
        if (sch == null) {
            return; // not started: start() calls this again
        }
        if (flapTask != null && after.wsFlapSec() != before.wsFlapSec()) {
            flapTask.cancel();
            flapTask = null;
        }
        if (after.wsFlapSec() > 0 && flapTask == null) {
            long period = after.wsFlapSec() * 1000L;
            flapTask = sch.every(Duration.ofMillis(period), Duration.ofMillis(period), this::flap);
        }
        for (ExchangeFault f : ExchangeFault.values()) {
            if (f == ExchangeFault.CLOCK_SKEW) {
                continue;
            }
            int was = before.exchange().everySec(f);
            int now = after.exchange().everySec(f);
            Scheduler.Handle task = faultTasks.get(f);
            if (task != null && was != now) {
                task.cancel();
                faultTasks.remove(f);
                task = null;
            }
            if (now > 0 && task == null) {
                long period = now * 1000L;
                faultTasks.put(f, sch.every(Duration.ofMillis(period), Duration.ofMillis(period),
                        () -> injectNow(f)));
            }
        }
        long skew = after.exchange().clockSkewMs();
        ChaosTargets.ExchangeHooks x = exchange;
        if (x != null && skew != before.exchange().clockSkewMs()) {
            x.clockSkew(skew);
            log.info("chaos exchange clock skew set to {} ms", skew);
            emit(new ChaosEvent.ExchangeInjected(ExchangeFault.CLOCK_SKEW));
            open(ExchangeFault.CLOCK_SKEW.id(), config.recoveryDeadlineMs(), 0);
        }
        if (ttlTask != null) {
            ttlTask.cancel();
            ttlTask = null;
        }
        if (after.active()) {
            ttlTask = sch.once(Duration.ofSeconds(after.ttlSec()), this::expire);
        }
    }

    private void expire() {
        synchronized (this) {
            ChaosSettings before = current.settings();
            if (!before.active() || clock.getAsLong() < current.expiresAt() - 5) {
                return;
            }
            log.warn("chaos TTL of {} s passed without a change: switching every fault off",
                    before.ttlSec());
            install(before, ChaosSettings.off(), "chaos-ttl", "ttl-expired");
        }
    }

    private boolean flap() {
        ChaosTargets.Market m = market;
        if (m == null) {
            return false;
        }
        boolean recovering;
        synchronized (pending) {
            recovering = pending.stream().anyMatch(p -> p.fault.equals(WS_FLAP));
        }
        if (recovering || !m.connected()) {
            log.info("chaos ws flap skipped: the market stream is still recovering");
            return false;
        }
        long n = flaps.incrementAndGet();
        open(WS_FLAP, config.recoveryDeadlineMs(), 0);
        log.info("chaos ws flap #{}: dropping the market connection", n);
        m.flap();
        emit(new ChaosEvent.Flapped(n));
        return true;
    }

    private void injectNow(ExchangeFault f) {
        ChaosTargets.ExchangeHooks x = exchange;
        if (x == null) {
            return;
        }
        long deadline = config.recoveryDeadlineMs();
        long baseline = 0;
        switch (f) {
            case STALE -> {
                deadline += config.marketStaleMs();
                x.silence(config.marketStaleMs() + 500);
            }
            case GAP -> x.skipDepthUpdates(1);
            case DUPLICATE -> {
                ChaosTargets.Market m = market;
                baseline = m == null ? 0 : m.duplicatesIgnored();
                x.duplicateDepthUpdates(3);
            }
            case RATE_LIMIT -> x.rateLimit(current.settings().exchange().rateLimitStatus(),
                    RATE_LIMIT_RETRY_AFTER_SEC, RATE_LIMIT_MS);
            case CLOCK_SKEW -> {
                return;
            }
        }
        log.info("chaos exchange fault injected: {}", f.id());
        open(f.id(), deadline, baseline);
        emit(new ChaosEvent.ExchangeInjected(f));
    }

    private static final class Pending {
        final String fault;
        final long startedAt;
        final long deadline;
        final long baseline;
        boolean detected;

        Pending(String fault, long startedAt, long deadline, long baseline) {
            this.fault = fault;
            this.startedAt = startedAt;
            this.deadline = deadline;
            this.baseline = baseline;
        }
    }

    private void open(String fault, long deadlineMs, long baseline) {
        long now = clock.getAsLong();
        synchronized (pending) {
            pending.add(new Pending(fault, now, now + deadlineMs, baseline));
        }
    }

    private void resolve(java.util.function.Predicate<Pending> which) {
        long now = clock.getAsLong();
        List<Pending> done = new ArrayList<>();
        synchronized (pending) {
            for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (which.test(p)) {
                    it.remove();
                    done.add(p);
                }
            }
        }
        done.forEach(p -> recovered(p, now));
    }

    private void recovered(Pending p, long now) {
        long ms = Math.max(0, now - p.startedAt);
        recoveries.incrementAndGet();
        if (p.fault.equals(WS_FLAP)) {
            log.info("chaos ws flap recovered in {} ms: reconnected, resubscribed, book resynced",
                    ms);
        } else {
            log.info("chaos exchange fault {} recovered in {} ms", p.fault, ms);
        }
        emit(new ChaosEvent.Recovered(p.fault, ms));
    }

    /** Runs every {@value #CHECK_MS} ms: polled recoveries and missed deadlines. */
    private void checkRecoveries() {
        try {
            List<Pending> open;
            synchronized (pending) {
                if (pending.isEmpty()) {
                    return;
                }
                open = List.copyOf(pending);
            }
            for (Pending p : open) {
                if (poll(p)) {
                    resolve(q -> q == p);
                }
            }
            long now = clock.getAsLong();
            List<Pending> failed = new ArrayList<>();
            synchronized (pending) {
                for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    if (now > p.deadline) {
                        it.remove();
                        failed.add(p);
                    }
                }
            }
            for (Pending p : failed) {
                recoveryFailures.incrementAndGet();
                long ms = now - p.startedAt;
                if (p.fault.equals(WS_FLAP)) {
                    log.warn("chaos ws flap NOT recovered within {} ms", ms);
                } else {
                    log.warn("chaos exchange fault {} NOT recovered within {} ms", p.fault, ms);
                }
                emit(new ChaosEvent.RecoveryFailed(p.fault, ms));
            }
        } catch (RuntimeException e) {
            log.error("chaos recovery check failed", e);
        }
    }

    /** For faults judged by polling: true once recovered. */
    private boolean poll(Pending p) {
        ChaosTargets.Market m = market;
        ChaosTargets.ExchangeProbe pr = probe;
        if (p.fault.equals(ExchangeFault.DUPLICATE.id())) {
            return m != null && m.duplicatesIgnored() > p.baseline && m.allSynced();
        }
        if (p.fault.equals(ExchangeFault.RATE_LIMIT.id())) {
            if (pr == null) {
                return false;
            }
            try {
                pr.ping();
                return p.detected || clock.getAsLong() - p.startedAt > RATE_LIMIT_MS;
            } catch (RuntimeException e) {
                p.detected = true;
                return false;
            }
        }
        if (p.fault.equals(ExchangeFault.CLOCK_SKEW.id())) {
            if (pr == null) {
                return false;
            }
            try {
                pr.signed();
                return true;
            } catch (RuntimeException e) {
                p.detected = true;
                return false;
            }
        }
        return false;
    }

    private boolean inScope(Snapshot s, String path) {
        for (RoutePattern x : s.exclude()) {
            if (x.matches(path)) {
                return false;
            }
        }
        if (s.routes().isEmpty()) {
            return true;
        }
        for (RoutePattern r : s.routes()) {
            if (r.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private HttpFault draw(Snapshot s, double effective, int status, long latency, long jitter) {
        long extra = 0;
        boolean fail;
        if (s.settings().seed() != null) {
            long n = decisions.getAndIncrement();
            long r1 = mix(s.seedBase() + 2 * n);
            fail = effective > 0 && unit(r1) * 100 < effective;
            if (jitter > 0) {
                extra = Math.floorMod(mix(s.seedBase() + 2 * n + 1), jitter + 1);
            }
        } else {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            fail = effective > 0 && r.nextDouble() * 100 < effective;
            if (jitter > 0) {
                extra = r.nextLong(jitter + 1);
            }
        }
        long wait = latency + extra;
        if (!fail && wait == 0) {
            return HttpFault.NONE;
        }
        return new HttpFault(wait, fail ? status : 0);
    }

    private static double effectiveErrorPct(Snapshot s, long now) {
        ChaosSettings c = s.settings();
        if (c.rampSec() == 0 || c.httpErrorPct() == 0) {
            return c.httpErrorPct();
        }
        double f = (now - s.rampStartedAt()) / (c.rampSec() * 1000.0);
        return c.httpErrorPct() * Math.max(0, Math.min(1, f));
    }

    /** SplitMix64's finaliser: a well-spread 64-bit hash. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    private void emit(ChaosEvent e) {
        events.publish(e);
    }

    /** One line for logs: only what is on. */
    public static String describe(ChaosSettings s) {
        if (!s.active()) {
            return "off";
        }
        List<String> on = new ArrayList<>();
        if (s.httpErrorPct() > 0) {
            on.add("httpErrorPct=" + s.httpErrorPct() + " (" + s.errorStatus() + ")");
        }
        if (s.latencyMs() > 0 || s.latencyJitterMs() > 0) {
            on.add("latencyMs=" + s.latencyMs() + "+" + s.latencyJitterMs());
        }
        if (s.wsFlapSec() > 0) {
            on.add("wsFlapSec=" + s.wsFlapSec());
        }
        if (s.outbound().active()) {
            on.add("outbound=" + s.outbound());
        }
        if (s.exchange().active()) {
            on.add("exchange=" + s.exchange());
        }
        if (!s.routes().isEmpty()) {
            on.add("routes=" + s.routes());
        }
        if (!s.exclude().isEmpty()) {
            on.add("exclude=" + s.exclude());
        }
        if (s.rampSec() > 0) {
            on.add("rampSec=" + s.rampSec());
        }
        on.add("ttlSec=" + s.ttlSec());
        return String.join(", ", on);
    }

    /** Test hook: counts as a scheduler tick. */
    void checkNow() {
        checkRecoveries();
    }

    Map<ExchangeFault, Scheduler.Handle> faultTasks() {
        return faultTasks;
    }
}
