package io.spark.day9.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Evaluates probes. Metric probes read the scrapes taken so far ({@link #record}); the
 * experiment's own traffic ({@code /metrics}, {@code /api/private/chaos/**}) is left out of
 * error rates. Not thread-safe: the runner's thread only.
 */
final class Probes {
    private static final List<Pattern> OWN_TRAFFIC = List.of(glob("/metrics"),
            glob("/api/private/chaos"), glob("/api/private/chaos/**"));
    private final ChaosTarget target;
    private final List<Sample> samples = new ArrayList<>();
    private RecoveryMath.Measured measured = RecoveryMath.Measured.NONE;

    record Sample(long atMillis, Scrape scrape) {
    }

    Probes(ChaosTarget target) {
        this.target = target;
    }

    /** Scrapes {@code /metrics} now and keeps the sample. */
    Scrape record(long atMillis) {
        Scrape s = Scrape.parse(target.metrics());
        if (!samples.isEmpty()) {
            measured = measured.add(last(), s); // before old samples are dropped below
        }
        samples.add(new Sample(atMillis, s));
        // keep memory bounded on long runs: the first sample and the last hour are enough
        while (samples.size() > 2 && samples.get(1).atMillis() < atMillis - 3_600_000) {
            samples.remove(1);
        }
        return s;
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    Scrape first() {
        return samples.get(0).scrape();
    }

    Scrape last() {
        return samples.get(samples.size() - 1).scrape();
    }

    /** Each recovery's measured duration so far, from consecutive samples. */
    RecoveryMath.Measured measured() {
        return measured;
    }

    /** One probe against the latest sample (taken by the caller just before). */
    Report.ProbeResult evaluate(Experiment.Probe p) {
        try {
            Experiment.Check c = p.check();
            if (c instanceof Experiment.ErrorRate e) {
                return errorRate(p.name(), e);
            } else if (c instanceof Experiment.BookFresh b) {
                return bookFresh(p.name(), b);
            } else if (c instanceof Experiment.QueueLag q) {
                return queueLag(p.name(), q);
            } else if (c instanceof Experiment.MetricValue m) {
                return metric(p.name(), m);
            } else if (c instanceof Experiment.JsonField j) {
                return json(p.name(), j);
            }
            return recovery(p.name(), (Experiment.RecoveryRatio) c);
        } catch (TargetException e) {
            return new Report.ProbeResult(p.name(), false, null, "no answer: " + e.getMessage(),
                    threshold(p.check()), false);
        }
    }

    private Report.ProbeResult errorRate(String name, Experiment.ErrorRate e) {
        Sample now = samples.get(samples.size() - 1);
        Sample base = samples.get(0);
        for (Sample s : samples) {
            if (s.atMillis() <= now.atMillis() - e.window().toMillis()) {
                base = s;
            }
        }
        List<Pattern> include = e.routes().stream().map(Probes::glob).toList();
        List<Pattern> exclude = e.exclude().stream().map(Probes::glob).toList();
        java.util.function.Predicate<Map<String, String>> inScope = l -> {
            String route = l.getOrDefault("route", "");
            return (include.isEmpty() || matches(include, route)) && !matches(exclude, route)
                    && !matches(OWN_TRAFFIC, route);
        };
        java.util.function.Predicate<Map<String, String>> isError = l -> {
            String st = l.getOrDefault("status", "");
            return st.startsWith("5") || st.equals("429");
        };
        String metric = "spark_http_requests_total";
        double total = now.scrape().sum(metric, inScope) - base.scrape().sum(metric, inScope);
        double errors = now.scrape().sum(metric, inScope.and(isError))
                - base.scrape().sum(metric, inScope.and(isError));
        double secs = (now.atMillis() - base.atMillis()) / 1000.0;
        String over = String.format(Locale.ROOT, "over %.1f s", secs);
        if (total <= 0) {
            return new Report.ProbeResult(name, true, null, "no requests " + over,
                    threshold(e), false);
        }
        double pct = 100.0 * errors / total;
        return new Report.ProbeResult(name, pct <= e.maxPct(), pct, String.format(Locale.ROOT,
                "%.2f %% (%d of %d requests %s)", pct, Math.round(errors), Math.round(total),
                over), threshold(e), false);
    }

    private Report.ProbeResult bookFresh(String name, Experiment.BookFresh b) {
        JsonNode n = target.getJson("/api/private/market/book?symbol=" + b.symbol()
                + "&limit=1");
        boolean synced = n.path("synced").asBoolean(false);
        long age = n.path("ageMs").asLong(-1);
        boolean ok = synced && age >= 0 && age <= b.maxAgeMs();
        return new Report.ProbeResult(name, ok, (double) age, b.symbol() + (synced ? " synced"
                : " NOT synced") + ", age " + age + " ms", threshold(b), false);
    }

    private Report.ProbeResult queueLag(String name, Experiment.QueueLag q) {
        double lag = last().find("spark_queue_lag_seconds", l -> true).stream()
                .mapToDouble(Scrape.Series::value).max().orElse(0);
        return new Report.ProbeResult(name, lag <= q.maxSec(), lag, String.format(Locale.ROOT,
                "queue lag %.2f s", lag), threshold(q), false);
    }

    private Report.ProbeResult metric(String name, Experiment.MetricValue m) {
        List<Scrape.Series> found = last().find(m.metric(), l -> l.entrySet().containsAll(
                m.labels().entrySet()));
        if (found.isEmpty()) {
            return new Report.ProbeResult(name, false, null, "no series " + m.metric()
                    + m.labels(), threshold(m), false);
        }
        double v = found.stream().mapToDouble(Scrape.Series::value).sum();
        boolean ok = (m.min() == null || v >= m.min()) && (m.max() == null || v <= m.max());
        return new Report.ProbeResult(name, ok, v, m.metric() + " = " + measured(v),
                threshold(m), false);
    }

    private Report.ProbeResult json(String name, Experiment.JsonField j) {
        JsonNode n = target.getJson(j.path());
        for (String part : j.field().split("\\.")) {
            n = n.isArray() && part.matches("\\d+") ? n.path(Integer.parseInt(part))
                    : n.path(part);
        }
        String shown = j.field() + " = " + (n.isMissingNode() ? "(missing)"
                : n.isFloatingPointNumber() ? measured(n.asDouble()) : n.toString());
        boolean ok;
        Double value = n.isNumber() ? n.asDouble() : null;
        if (j.equals() != null) {
            Object want = j.equals();
            ok = want instanceof Boolean bo ? n.isBoolean() && n.asBoolean() == bo
                    : want instanceof Double d ? n.isNumber() && n.asDouble() == d
                    : n.isValueNode() && n.asText().equals(want);
        } else {
            ok = value != null && (j.min() == null || value >= j.min())
                    && (j.max() == null || value <= j.max());
        }
        return new Report.ProbeResult(name, ok, value, shown, threshold(j), false);
    }

    private Report.ProbeResult recovery(String name, Experiment.RecoveryRatio r) {
        Report.Recovery rec = RecoveryMath.between(first(), last());
        long all = rec.recoveries() + rec.failed();
        if (all == 0) {
            return new Report.ProbeResult(name, true, null, "no flaps or faults to recover from",
                    threshold(r), false);
        }
        double pct = 100.0 * rec.recoveries() / all;
        return new Report.ProbeResult(name, pct >= r.minPct(), pct, String.format(Locale.ROOT,
                "%.1f %% recovered (%d of %d)", pct, rec.recoveries(), all), threshold(r), false);
    }

    static String threshold(Experiment.Check c) {
        if (c instanceof Experiment.ErrorRate e) {
            return "error rate <= " + num(e.maxPct()) + " % over "
                    + ExperimentParser.format(e.window())
                    + (e.routes().isEmpty() ? "" : " on " + e.routes())
                    + (e.exclude().isEmpty() ? "" : " excluding " + e.exclude());
        } else if (c instanceof Experiment.BookFresh b) {
            return b.symbol() + " synced, age <= " + b.maxAgeMs() + " ms";
        } else if (c instanceof Experiment.QueueLag q) {
            return "queue lag <= " + num(q.maxSec()) + " s";
        } else if (c instanceof Experiment.MetricValue m) {
            return range(m.metric() + m.labels(), m.min(), m.max());
        } else if (c instanceof Experiment.JsonField j) {
            return j.equals() != null
                    ? j.path() + " " + j.field() + " == " + ExperimentParser.compact(j.equals())
                    : range(j.path() + " " + j.field(), j.min(), j.max());
        }
        return "recovered >= " + num(((Experiment.RecoveryRatio) c).minPct()) + " %";
    }

    private static String range(String what, Double min, Double max) {
        return (min == null ? "" : num(min) + " <= ") + what + (max == null ? "" : " <= "
                + num(max));
    }

    static String num(double d) {
        return ExperimentParser.compact(d);
    }

    /**
     * A measured number for people: rounded to three decimals (three significant digits below
     * 1), never binary floating-point noise such as {@code 0.30000000000000004}.
     */
    static String measured(double d) {
        if (!Double.isFinite(d) || d == Math.rint(d)) {
            return num(d);
        }
        java.math.BigDecimal b = new java.math.BigDecimal(d);
        b = Math.abs(d) >= 1 ? b.setScale(3, java.math.RoundingMode.HALF_EVEN)
                : b.round(new java.math.MathContext(3, java.math.RoundingMode.HALF_EVEN));
        return b.stripTrailingZeros().toPlainString();
    }

    private static boolean matches(List<Pattern> patterns, String route) {
        for (Pattern p : patterns) {
            if (p.matcher(route).matches()) {
                return true;
            }
        }
        return false;
    }

    /** {@code *} within one segment, {@code **} any number of segments. */
    static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*') {
                if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
