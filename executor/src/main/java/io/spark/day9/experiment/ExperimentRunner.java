package io.spark.day9.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.experiment.Experiment.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs one {@link Experiment} against a {@link ChaosTarget} and returns its {@link Report}.
 *
 * <ol>
 *   <li>Scrape {@code /metrics} (the baseline of every delta), then check the hypothesis
 *       <b>before</b>: if it does not hold, the method is not run (ABORTED).</li>
 *   <li>Run the method's steps in order. Timed steps (hold, ramp, load) check the hypothesis
 *       <b>during</b> every {@code checkEvery}; a probe failing for longer than its grace is a
 *       violation, which stops the method when {@code abortOnViolation} is set.</li>
 *   <li><b>Rollback, always</b> (in a {@code finally}): chaos off, retried three times; the
 *       scope settings the run may have changed (routes, exclude, status, ramp, TTL) are put
 *       back as they were before it, still off; then the state is read back. A step that
 *       throws, a violation, or {@link #interrupt} (the CLI's Ctrl-C hook) all end here.
 *       Every chaos change the runner makes also carries a {@code ttlSec} covering the
 *       planned run plus a minute, so even a runner killed with {@code kill -9} leaves no
 *       chaos behind for long.</li>
 *   <li>Check the hypothesis <b>after</b>, repeating for up to {@code settle} until it holds and
 *       no recovery is pending, then take the last scrape: recovery counts and times are the
 *       deltas between it and the first.</li>
 * </ol>
 *
 * <p>Time comes from the {@link Clock} and every wait goes through the {@link Sleeper}, so tests
 * run an experiment of minutes in milliseconds. Progress goes to {@code progress}, one line per
 * step and check. Load requests run on a small pool (8 threads, at most 64 in flight, beyond
 * which a request is skipped and counted); everything else runs on the caller's thread.
 */
public final class ExperimentRunner {
    static final int LOAD_THREADS = 8;
    static final int MAX_IN_FLIGHT = 64;
    static final int OFF_ATTEMPTS = 3;

    private final ChaosTarget target;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<String> progress;
    private volatile String interruptReason;
    private volatile Thread runner;

    // per run
    private Instant start;
    private JsonNode initialState;
    private Probes probes;
    private Experiment experiment;
    private Instant nextCheck;
    private final Map<String, Instant> failingSince = new HashMap<>();
    private final List<Report.Check> during = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Report.TimelineEntry> timeline = new ArrayList<>();
    private ExecutorService loadPool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong loadOk = new AtomicLong();
    private final AtomicLong loadErrors = new AtomicLong();
    private final AtomicLong loadOther = new AtomicLong();
    private final AtomicLong noAnswer = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public ExperimentRunner(ChaosTarget target, Clock clock, Sleeper sleeper,
                            Consumer<String> progress) {
        this.target = Objects.requireNonNull(target, "target");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Stops the run from another thread (Ctrl-C): the current step ends, the rollback and the
     * after-check run, and {@link #run} returns an ABORTED report.
     */
    public void interrupt(String reason) {
        interruptReason = reason;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Why the current step stopped early; the method does not go on. */
    private static final class Abort extends RuntimeException {
        Abort(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Runs the experiment; returns when the rollback and the after-check are done. Never throws
     * for the target's failures: they are in the report.
     *
     * @param source the file it came from, for the report
     */
    public synchronized Report run(Experiment e, String source) {
        reset();
        experiment = e;
        runner = Thread.currentThread();
        start = clock.instant();
        probes = new Probes(target);
        List<String> reasons = new ArrayList<>();
        List<Report.Check> before = new ArrayList<>();
        List<Report.Check> after = new ArrayList<>();
        boolean aborted = false;
        boolean chaosOff = false;
        say("experiment \"%s\" (%s): %d steps, about %s, %d probes", e.title(), source,
                e.method().size(), ExperimentParser.format(e.plannedDuration()),
                e.hypothesis().size());
        try {
            try {
                initialState = target.state();
                probes.record(now());
                Report.Check b = check(Phase.BEFORE);
                before.add(b);
                if (!b.ok()) {
                    aborted = true;
                    reasons.add("the steady state did not hold before the run: " + failures(b)
                            + "; the method was not run");
                } else {
                    nextCheck = clock.instant().plus(e.checkEvery());
                    for (int i = 0; i < e.method().size(); i++) {
                        checkInterrupted();
                        step(i, e.method().get(i));
                    }
                }
            } catch (Abort a) {
                aborted = true;
                reasons.add(a.getMessage());
            } catch (TargetException t) {
                aborted = true;
                reasons.add("cannot reach the executor: " + t.getMessage());
            } catch (RuntimeException x) {
                aborted = true;
                reasons.add("unexpected error: " + x);
            } finally {
                chaosOff = rollback(reasons);
            }
            String why = interruptReason;
            if (why != null && !reasons.contains(why)) {
                aborted = true;
                reasons.add(0, why);
            }
            if (!violations.isEmpty()) {
                reasons.add("hypothesis violated during the run: " + String.join("; ",
                        violations));
            }
            try {
                after.add(settle(interruptReason == null ? e.settle() : Duration.ZERO));
                if (!after.get(0).ok()) {
                    reasons.add("the steady state did not hold after the run: "
                            + failures(after.get(0)));
                }
            } catch (TargetException t) {
                reasons.add("after-check impossible: " + t.getMessage());
            }
        } finally {
            Thread.interrupted(); // an interrupt() that came late must not leak to the caller
            runner = null;
        }
        Report.Recovery recovery = probes.isEmpty() ? RecoveryMath.NONE
                : RecoveryMath.between(probes.first(), probes.last(), probes.measured());
        Report.Verdict verdict = aborted ? Report.Verdict.ABORTED
                : reasons.isEmpty() && chaosOff ? Report.Verdict.PASSED : Report.Verdict.FAILED;
        Instant end = clock.instant();
        say("verdict: %s%s", verdict, reasons.isEmpty() ? "" : " - " + String.join("; ",
                reasons));
        return new Report(e.title(), e.description(), source, start.toString(), end.toString(),
                seconds(start, end), verdict, List.copyOf(reasons), List.copyOf(timeline),
                before, List.copyOf(during), after, recovery,
                new Report.LoadStats(sent.get(), loadOk.get(), loadErrors.get(), loadOther.get(),
                        noAnswer.get(), skipped.get()), chaosOff);
    }

    private void reset() {
        interruptReason = null;
        nextCheck = null;
        failingSince.clear();
        during.clear();
        violations.clear();
        timeline.clear();
        for (AtomicLong c : List.of(sent, loadOk, loadErrors, loadOther, noAnswer, skipped)) {
            c.set(0);
        }
    }

    // --- steps --------------------------------------------------------------------------------

    private void step(int i, Experiment.Step s) {
        Instant at = clock.instant();
        String name = (i + 1) + "/" + experiment.method().size() + " " + s.describe();
        say("step %s", name);
        long sentBefore = sent.get();
        long errorsBefore = loadErrors.get();
        String detail;
        try {
            detail = perform(s);
        } catch (TargetException t) {
            timeline.add(entry(at, name, "error", t.getMessage()));
            say("step %s failed: %s", name, t.getMessage());
            throw new Abort("step " + name + " failed: " + t.getMessage());
        } catch (Abort a) {
            timeline.add(entry(at, name, "stopped", a.getMessage()));
            throw a;
        }
        long n = sent.get() - sentBefore;
        if (n > 0) {
            detail += (detail.isEmpty() ? "" : "; ") + "load: " + n + " sent, "
                    + (loadErrors.get() - errorsBefore) + " errors";
        }
        timeline.add(entry(at, name, "ok", detail));
        maybeCheck();
    }

    private String perform(Experiment.Step s) {
        if (s instanceof Experiment.SetChaos c) {
            Map<String, Object> patch = new LinkedHashMap<>(c.patch());
            return describe(target.toggle(withTtl(patch)));
        } else if (s instanceof Experiment.Hold h) {
            waitFor(h.duration(), h.load());
            return "";
        } else if (s instanceof Experiment.Ramp r) {
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("httpErrorPct", r.toPct());
            patch.put("rampSec", r.over().toSeconds());
            if (r.routes() != null) {
                patch.put("routes", r.routes());
            }
            String d = describe(target.toggle(withTtl(patch)));
            waitFor(r.over(), r.load());
            return d;
        } else if (s instanceof Experiment.Flap f) {
            if (f.once()) {
                JsonNode a = target.flap();
                return "flapped=" + a.path("flapped").asBoolean();
            }
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("wsFlapSec", f.everySec());
            return describe(target.toggle(withTtl(patch)));
        } else if (s instanceof Experiment.Inject x) {
            target.inject(x.fault());
            return "injected " + x.fault();
        }
        return describe(target.off());
    }

    /** A chaos change lives at most for the rest of the run plus a minute (unless set). */
    private Map<String, Object> withTtl(Map<String, Object> patch) {
        if (!patch.containsKey("ttlSec")) {
            long left = experiment.plannedDuration().toSeconds()
                    - Duration.between(start, clock.instant()).toSeconds();
            patch.put("ttlSec", Math.max(0, left) + 60);
        }
        return patch;
    }

    private static String describe(JsonNode st) {
        if (st == null || !st.has("enabled")) {
            return "";
        }
        return String.format(Locale.ROOT, "enabled=%s httpErrorPct=%s latencyMs=%s "
                        + "wsFlapSec=%s", st.path("enabled").asText(),
                st.path("httpErrorPct").asText(), st.path("latencyMs").asText(),
                st.path("wsFlapSec").asText());
    }

    /** Waits {@code d}, sending load and checking the hypothesis when due. */
    private void waitFor(Duration d, Experiment.Load load) {
        Instant end = clock.instant().plus(d);
        Instant nextRequest = clock.instant();
        long intervalNanos = load == null ? 0 : Math.max(1, Math.round(1e9 / load.rps()));
        int next = 0;
        while (true) {
            checkInterrupted();
            Instant now = clock.instant();
            if (!now.isBefore(end)) {
                return;
            }
            if (load != null) {
                if (nextRequest.isBefore(now.minusSeconds(1))) {
                    nextRequest = now; // fell behind (slow target): no burst to catch up
                }
                while (!nextRequest.isAfter(now)) {
                    fire(load.paths().get(next++ % load.paths().size()));
                    nextRequest = nextRequest.plusNanos(intervalNanos);
                }
            }
            maybeCheck();
            Instant wake = end.isBefore(nextCheck) ? end : nextCheck;
            if (load != null && nextRequest.isBefore(wake)) {
                wake = nextRequest;
            }
            Duration nap = Duration.between(clock.instant(), wake);
            if (!nap.isNegative() && !nap.isZero()) {
                try {
                    sleeper.sleep(nap);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    checkInterrupted();
                    throw new Abort("interrupted");
                }
            }
        }
    }

    private void fire(String path) {
        if (loadPool == null) {
            loadPool = Executors.newFixedThreadPool(LOAD_THREADS, r -> {
                Thread t = new Thread(r, "day9-experiment-load");
                t.setDaemon(true);
                return t;
            });
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            skipped.incrementAndGet();
            return;
        }
        sent.incrementAndGet();
        loadPool.execute(() -> {
            try {
                int st = target.load(path);
                if (st == 0) {
                    noAnswer.incrementAndGet();
                } else if (st >= 200 && st < 300) {
                    loadOk.incrementAndGet();
                } else if (st >= 500 || st == 429) {
                    loadErrors.incrementAndGet();
                } else {
                    loadOther.incrementAndGet();
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private void checkInterrupted() {
        String why = interruptReason;
        if (why != null) {
            throw new Abort(why);
        }
    }

    // --- hypothesis ---------------------------------------------------------------------------

    private void maybeCheck() {
        if (nextCheck == null || clock.instant().isBefore(nextCheck)) {
            return;
        }
        nextCheck = clock.instant().plus(experiment.checkEvery());
        if (experiment.hypothesis().stream().noneMatch(p -> p.when().contains(Phase.DURING))) {
            return;
        }
        Report.Check c = check(Phase.DURING);
        during.add(c);
        List<String> now = new ArrayList<>();
        for (Report.ProbeResult r : c.probes()) {
            if (r.violation()) {
                now.add(r.probe() + ": " + r.observed() + " (wanted " + r.threshold() + ")");
            }
        }
        if (!now.isEmpty()) {
            String at = String.format(Locale.ROOT, "at +%.1fs ", c.offsetSec());
            now.forEach(v -> violations.add(at + v));
            if (experiment.abortOnViolation()) {
                throw new Abort("hypothesis violated during the run, aborted "
                        + "(abortOnViolation): " + String.join("; ", now));
            }
        }
    }

    /** Scrapes and evaluates every probe of {@code phase}; prints the result. */
    private Report.Check check(Phase phase) {
        Instant at = clock.instant();
        probes.record(at.toEpochMilli());
        List<Report.ProbeResult> results = new ArrayList<>();
        for (Experiment.Probe p : experiment.hypothesis()) {
            if (!p.when().contains(phase)) {
                continue;
            }
            Report.ProbeResult r = probes.evaluate(p);
            boolean violation = !r.ok();
            if (phase == Phase.DURING) {
                if (r.ok()) {
                    failingSince.remove(p.name());
                } else {
                    Instant since = failingSince.computeIfAbsent(p.name(), k -> at);
                    violation = Duration.between(since, at).compareTo(p.grace()) >= 0;
                }
            }
            results.add(new Report.ProbeResult(r.probe(), r.ok(), r.value(), r.observed(),
                    r.threshold(), violation));
        }
        boolean ok = results.stream().noneMatch(Report.ProbeResult::violation);
        Report.Check c = new Report.Check(phase.id(), at.toString(), seconds(start, at), ok,
                List.copyOf(results));
        if (phase == Phase.DURING) {
            StringBuilder line = new StringBuilder("during: " + (ok ? "ok  " : "VIOLATED "));
            for (Report.ProbeResult r : results) {
                line.append(" | ").append(r.probe()).append(r.ok() ? " " : r.violation()
                        ? " VIOLATED " : " failing (grace) ").append(r.observed());
            }
            say("%s", line);
        } else {
            if (results.isEmpty()) {
                say("%s: no probes", phase.id());
            }
            for (Report.ProbeResult r : results) {
                say("%s: %-4s %s: %s (wanted %s)", phase.id(), r.ok() ? "ok" : "FAIL",
                        r.probe(), r.observed(), r.threshold());
            }
        }
        return c;
    }

    /** The after-check, repeated for up to {@code settle} until it holds, none pending. */
    private Report.Check settle(Duration settle) {
        Instant deadline = clock.instant().plus(settle);
        Duration pause = experiment.checkEvery().compareTo(Duration.ofSeconds(1)) < 0
                ? experiment.checkEvery() : Duration.ofSeconds(1);
        int attempt = 0;
        while (true) {
            attempt++;
            int pending = pending();
            Report.Check c = check(Phase.AFTER);
            boolean last = !clock.instant().isBefore(deadline);
            if ((c.ok() && pending == 0) || last) {
                if (pending > 0) {
                    say("after: %d recoveries still pending after %s", pending,
                            ExperimentParser.format(settle));
                }
                return c;
            }
            say("after: not settled yet (attempt %d%s), again in %s", attempt,
                    pending > 0 ? ", " + pending + " recoveries pending" : "",
                    ExperimentParser.format(pause));
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return check(Phase.AFTER);
            }
        }
    }

    private int pending() {
        try {
            return target.state().path("counters").path("pendingRecoveries").asInt(0);
        } catch (TargetException e) {
            return 0;
        }
    }

    // --- rollback -----------------------------------------------------------------------------

    /** Chaos off whatever happened; true when the executor confirms it is off. */
    private boolean rollback(List<String> reasons) {
        boolean wasInterrupted = Thread.interrupted(); // let the HTTP calls below work
        Instant at = clock.instant();
        stopLoad();
        String error = null;
        for (int attempt = 1; attempt <= OFF_ATTEMPTS; attempt++) {
            try {
                target.off();
                error = null;
                break;
            } catch (TargetException e) {
                error = e.getMessage();
                say("rollback: chaos off failed (attempt %d of %d): %s", attempt, OFF_ATTEMPTS,
                        error);
            }
        }
        boolean off = false;
        String detail;
        if (error == null) {
            restoreScope();
            try {
                off = !target.state().path("enabled").asBoolean(true);
                detail = off ? "chaos is off (GET /api/private/chaos: enabled=false)"
                        : "chaos is STILL ON after the off call";
            } catch (TargetException e) {
                detail = "off sent, state unreadable: " + e.getMessage();
            }
        } else {
            detail = "ROLLBACK FAILED: " + error + " - chaos may still be on until its ttlSec "
                    + "ends it";
        }
        if (!off) {
            reasons.add("rollback: " + detail);
        }
        timeline.add(entry(at, "rollback: chaos off" + (wasInterrupted || interruptReason != null
                ? " (interrupted)" : ""), off ? "ok" : "error", detail));
        say("rollback: %s", detail);
        return off;
    }

    /**
     * Puts back the scope settings the run may have changed (routes, exclude, status, ramp,
     * TTL), every fault still off, so the next {@code chaos on} behaves as before the run.
     */
    private void restoreScope() {
        JsonNode s = initialState;
        if (s == null) {
            return;
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("enabled", false);
        patch.put("routes", strings(s.path("routes")));
        patch.put("exclude", strings(s.path("exclude")));
        patch.put("errorStatus", s.path("errorStatus").asInt(503));
        patch.put("rampSec", s.path("rampSec").asInt(0));
        patch.put("latencyJitterMs", 0);
        if (s.path("ttlSec").asInt(0) > 0) {
            patch.put("ttlSec", s.path("ttlSec").asInt());
        }
        try {
            target.toggle(patch);
        } catch (TargetException e) {
            say("rollback: chaos is off, but the scope could not be restored: %s",
                    e.getMessage());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private void stopLoad() {
        if (loadPool != null) {
            loadPool.shutdown();
            try {
                loadPool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loadPool.shutdownNow();
            loadPool = null;
        }
    }

    // --- small helpers ------------------------------------------------------------------------

    private Report.TimelineEntry entry(Instant at, String step, String outcome, String detail) {
        Instant end = clock.instant();
        return new Report.TimelineEntry(at.toString(), seconds(start, at), step,
                seconds(at, end), outcome, detail);
    }

    private static String failures(Report.Check c) {
        List<String> f = new ArrayList<>();
        for (Report.ProbeResult r : c.probes()) {
            if (!r.ok()) {
                f.add(r.probe() + ": " + r.observed() + " (wanted " + r.threshold() + ")");
            }
        }
        return String.join("; ", f);
    }

    private long now() {
        return clock.millis();
    }

    private static double seconds(Instant a, Instant b) {
        return Math.round(Duration.between(a, b).toMillis() / 100.0) / 10.0;
    }

    private void say(String format, Object... args) {
        double t = start == null ? 0 : Duration.between(start, clock.instant()).toMillis()
                / 1000.0;
        progress.accept(String.format(Locale.ROOT, "[%+7.1fs] ", t)
                + String.format(Locale.ROOT, format, args));
    }
}
