package io.spark.day9.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A chaos experiment, as read from its YAML file by {@link ExperimentParser}: a steady-state
 * hypothesis (probes with thresholds), a method (ordered steps) and a few run options. The file
 * format is documented in {@code docs/chaos-experiments.md}; every value here has already been
 * checked, so a runner can trust it.
 *
 * @param title            short name; also the report file's slug
 * @param description      free text, copied into the report
 * @param checkEvery       how often the hypothesis is checked while the method runs
 * @param abortOnViolation stop the method at the first violation during the run
 * @param settle           after the rollback, how long the hypothesis may take to hold again
 * @param hypothesis       the probes of the steady state
 * @param method           the steps, in order
 */
public record Experiment(String title, String description, Duration checkEvery,
                         boolean abortOnViolation, Duration settle, List<Probe> hypothesis,
                         List<Step> method) {

    public Experiment {
        Objects.requireNonNull(title, "title");
        description = description == null ? "" : description;
        hypothesis = List.copyOf(hypothesis);
        method = List.copyOf(method);
    }

    /** The time the method's timed steps take (holds, ramps, loads), without probes. */
    public Duration plannedDuration() {
        Duration d = Duration.ZERO;
        for (Step s : method) {
            d = d.plus(s.duration());
        }
        return d;
    }

    /** A file-name-safe version of the title: lower case, dashes. */
    public String slug() {
        String s = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        return s.isEmpty() ? "experiment" : s.length() > 60 ? s.substring(0, 60) : s;
    }

    /** When a probe is checked. */
    public enum Phase {
        BEFORE, DURING, AFTER;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One probe of the steady state.
     *
     * @param name  shown in the progress and the report
     * @param when  the phases it is checked in
     * @param grace during the run, a probe failing for less than this is not yet a violation
     *              (a flap makes the book briefly unsynced by design)
     * @param check what is measured and its threshold
     */
    public record Probe(String name, List<Phase> when, Duration grace, Check check) {
        public Probe {
            when = List.copyOf(when);
        }
    }

    /** What a probe measures. */
    public sealed interface Check {
    }

    /**
     * Share of HTTP requests answered 5xx or 429, from {@code spark_http_requests_total} deltas
     * over the last {@code window} (or since the run began), restricted to route templates
     * matching {@code routes} (empty = all) and not {@code exclude}.
     */
    public record ErrorRate(double maxPct, Duration window, List<String> routes,
                            List<String> exclude) implements Check {
        public ErrorRate {
            routes = List.copyOf(routes);
            exclude = List.copyOf(exclude);
        }
    }

    /** {@code GET /api/private/market/book?symbol=S}: {@code synced} and {@code ageMs ≤ max}. */
    public record BookFresh(String symbol, long maxAgeMs) implements Check {
    }

    /** The largest {@code spark_queue_lag_seconds} of any queue is at most {@code maxSec}. */
    public record QueueLag(double maxSec) implements Check {
    }

    /** The sum of the series of {@code metric} matching {@code labels}, within min..max. */
    public record MetricValue(String metric, Map<String, String> labels, Double min, Double max)
            implements Check {
        public MetricValue {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * A field of a JSON answer (dotted path, {@code a.b.0.c}): equal to {@code equals} when
     * given, else a number within min..max.
     */
    public record JsonField(String path, String field, Object equals, Double min, Double max)
            implements Check {
    }

    /**
     * Recoveries since the run began, {@code spark_chaos_recovery_total} over it plus
     * {@code spark_chaos_recovery_failed_total}, at least {@code minPct} (passes with none).
     */
    public record RecoveryRatio(double minPct) implements Check {
    }

    /** Requests sent while a timed step runs: {@code rps} GETs spread over {@code paths}. */
    public record Load(List<String> paths, double rps) {
        public Load {
            paths = List.copyOf(paths);
        }
    }

    /** One step of the method. */
    public sealed interface Step {
        /** How long the step holds (zero for instantaneous steps). */
        default Duration duration() {
            return Duration.ZERO;
        }

        /** One line describing the step, for the progress and the timeline. */
        String describe();
    }

    /** Sets chaos fields, as the toggle body (omitted fields keep their value). */
    public record SetChaos(Map<String, Object> patch) implements Step {
        public SetChaos {
            patch = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(patch));
        }

        @Override
        public String describe() {
            return "chaos " + ExperimentParser.compact(patch);
        }
    }

    /** Waits, checking the hypothesis, optionally sending load. */
    public record Hold(Duration duration, Load load) implements Step {
        @Override
        public String describe() {
            return "hold " + ExperimentParser.format(duration) + (load == null ? ""
                    : " with load " + load.rps() + " rps on " + load.paths());
        }
    }

    /**
     * Ramps the error rate from 0 to {@code toPct} over {@code over} (the engine's
     * {@code rampSec}) and holds while it grows.
     */
    public record Ramp(double toPct, Duration over, List<String> routes, Load load)
            implements Step {
        @Override
        public Duration duration() {
            return over;
        }

        @Override
        public String describe() {
            return "ramp httpErrorPct 0 -> " + ExperimentParser.compact(toPct) + " over "
                    + ExperimentParser.format(over) + (routes == null ? "" : " on " + routes)
                    + (load == null ? "" : " with load " + load.rps() + " rps on "
                    + load.paths());
        }
    }

    /** {@code wsFlapSec = everySec} (0 stops flapping), or one flap now when {@code once}. */
    public record Flap(int everySec, boolean once) implements Step {
        @Override
        public String describe() {
            return once ? "flap once" : everySec == 0 ? "flap off"
                    : "flap every " + everySec + " s";
        }
    }

    /** One exchange fault now: {@code stale}, {@code gap}, {@code duplicate} or
     *  {@code rate-limit}. */
    public record Inject(String fault) implements Step {
        @Override
        public String describe() {
            return "inject " + fault;
        }
    }

    /** Every fault off (the rollback does this too, whatever happens). */
    public record Off() implements Step {
        @Override
        public String describe() {
            return "off";
        }
    }
}
