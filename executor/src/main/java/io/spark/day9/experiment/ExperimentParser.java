package io.spark.day9.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.spark.day9.experiment.Experiment.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an experiment from YAML (see {@code docs/chaos-experiments.md}). Every value is checked
 * here, and the first bad one raises an {@link ExperimentException} naming its field path
 * ({@code steadyState[1].bookFresh.maxAgeMs}); unknown keys are refused so a typo cannot
 * silently drop a probe or a step.
 */
public final class ExperimentParser {
    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");
    /** Fields of the toggle body ({@code ChaosPatch}). */
    static final Set<String> CHAOS_FIELDS = Set.of("enabled", "httpErrorPct", "errorStatus",
            "latencyMs", "latencyJitterMs", "wsFlapSec", "routes", "exclude", "ttlSec", "rampSec",
            "seed", "outbound", "exchange");
    static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(2);
    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(10);
    static final Duration MAX_DURATION = Duration.ofHours(24);
    private static final Set<String> FAULTS = Set.of("stale", "gap", "duplicate", "rate-limit");

    private final String source;

    private ExperimentParser(String source) {
        this.source = source;
    }

    /** Reads the file. */
    public static Experiment load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read experiment " + file + ": " + e.getMessage(),
                    e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses YAML text.
     *
     * @param source the file name, for messages
     */
    public static Experiment parse(String yaml, String source) {
        return new ExperimentParser(source).experiment(yaml);
    }

    private Experiment experiment(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ExperimentException(source, "(file)", "not valid YAML" + where + ": "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ExperimentException(source, "(file)", "must be a YAML mapping with title, "
                    + "steadyState and method");
        }
        keys(root, "", Set.of("title", "description", "checkEvery", "abortOnViolation", "settle",
                "steadyState", "method"));
        String title = text(root, "title", "title", true);
        String description = text(root, "description", "description", false);
        Duration checkEvery = root.has("checkEvery")
                ? duration(root.get("checkEvery"), "checkEvery", Duration.ofMillis(100))
                : DEFAULT_CHECK_EVERY;
        boolean abort = bool(root, "abortOnViolation", "abortOnViolation", false);
        Duration settle = root.has("settle") ? durationOrZero(root.get("settle"), "settle")
                : DEFAULT_SETTLE;
        List<Experiment.Probe> probes = new ArrayList<>();
        JsonNode ss = root.get("steadyState");
        if (ss != null && !ss.isNull()) {
            if (!ss.isArray()) {
                throw bad("steadyState", "must be a list of probes");
            }
            for (int i = 0; i < ss.size(); i++) {
                probes.add(probe(ss.get(i), "steadyState[" + i + "]"));
            }
        }
        JsonNode m = root.get("method");
        if (m == null || !m.isArray() || m.isEmpty()) {
            throw bad("method", "is required: a list of at least one step");
        }
        List<Experiment.Step> steps = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            steps.add(step(m.get(i), "method[" + i + "]"));
        }
        return new Experiment(title, description, checkEvery, abort, settle, probes, steps);
    }

    private Experiment.Probe probe(JsonNode n, String at) {
        if (!n.isObject()) {
            throw bad(at, "must be a mapping such as {name: api, errorRate: {maxPct: 1}}");
        }
        Set<String> kinds = Set.of("errorRate", "bookFresh", "queueLag", "metric", "json",
                "recovery");
        keys(n, at, union(kinds, Set.of("name", "when", "grace")));
        String kind = onlyOne(n, at, kinds);
        JsonNode b = n.get(kind);
        String p = at + "." + kind;
        Experiment.Check check = switch (kind) {
            case "errorRate" -> {
                object(b, p);
                keys(b, p, Set.of("maxPct", "window", "routes", "exclude"));
                yield new Experiment.ErrorRate(pct(b, "maxPct", p, null),
                        b.has("window") ? duration(b.get("window"), p + ".window",
                                Duration.ofSeconds(1)) : Duration.ofSeconds(10),
                        strings(b, "routes", p), strings(b, "exclude", p));
            }
            case "bookFresh" -> {
                JsonNode o = b.isNull() ? JSON.createObjectNode() : b;
                object(o, p);
                keys(o, p, Set.of("symbol", "maxAgeMs"));
                String symbol = o.has("symbol") ? text(o, "symbol", p + ".symbol", true)
                        .toUpperCase(Locale.ROOT) : "BTCUSDT";
                if (!symbol.matches("[A-Z0-9]{2,20}")) {
                    throw bad(p + ".symbol", "must be a symbol such as BTCUSDT, got '" + symbol
                            + "'");
                }
                yield new Experiment.BookFresh(symbol, o.has("maxAgeMs")
                        ? (long) number(o, "maxAgeMs", p, 1, 3_600_000) : 5000);
            }
            case "queueLag" -> {
                object(b, p);
                keys(b, p, Set.of("maxSec"));
                yield new Experiment.QueueLag(number(b, "maxSec", p, 0, 86_400));
            }
            case "metric" -> {
                object(b, p);
                keys(b, p, Set.of("name", "labels", "min", "max"));
                String name = text(b, "name", p + ".name", true);
                if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                    throw bad(p + ".name", "must be a Prometheus metric name, got '" + name + "'");
                }
                Map<String, String> labels = new LinkedHashMap<>();
                JsonNode l = b.get("labels");
                if (l != null) {
                    object(l, p + ".labels");
                    l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                }
                Double min = b.has("min") ? number(b, "min", p, -1e18, 1e18) : null;
                Double max = b.has("max") ? number(b, "max", p, -1e18, 1e18) : null;
                if (min == null && max == null) {
                    throw bad(p, "needs min or max");
                }
                yield new Experiment.MetricValue(name, labels, min, max);
            }
            case "json" -> {
                object(b, p);
                keys(b, p, Set.of("path", "field", "equals", "min", "max"));
                String path = text(b, "path", p + ".path", true);
                if (!path.startsWith("/")) {
                    throw bad(p + ".path", "must start with /, got '" + path + "'");
                }
                String field = text(b, "field", p + ".field", true);
                Object equals = b.has("equals") ? scalar(b.get("equals"), p + ".equals") : null;
                Double min = b.has("min") ? number(b, "min", p, -1e18, 1e18) : null;
                Double max = b.has("max") ? number(b, "max", p, -1e18, 1e18) : null;
                if (equals == null && min == null && max == null) {
                    throw bad(p, "needs equals, min or max");
                }
                yield new Experiment.JsonField(path, field, equals, min, max);
            }
            default -> {
                JsonNode o = b.isNull() ? JSON.createObjectNode() : b;
                object(o, p);
                keys(o, p, Set.of("minPct"));
                yield new Experiment.RecoveryRatio(o.has("minPct") ? pct(o, "minPct", p, null)
                        : 99);
            }
        };
        String name = n.has("name") ? text(n, "name", at + ".name", true) : kind + "-" + at
                .replaceAll("\\D", "");
        List<Phase> when = List.of(Phase.values());
        if (n.has("when")) {
            when = new ArrayList<>();
            JsonNode w = n.get("when");
            List<JsonNode> items = new ArrayList<>();
            if (w.isArray()) {
                w.forEach(items::add);
            } else {
                items.add(w);
            }
            for (JsonNode x : items) {
                String s = x.asText().toUpperCase(Locale.ROOT);
                try {
                    when.add(Phase.valueOf(s));
                } catch (IllegalArgumentException e) {
                    throw bad(at + ".when", "must list before, during and/or after, got '"
                            + x.asText() + "'");
                }
            }
            if (when.isEmpty()) {
                throw bad(at + ".when", "must list at least one of before, during, after");
            }
        }
        Duration grace = n.has("grace") ? durationOrZero(n.get("grace"), at + ".grace")
                : Duration.ZERO;
        return new Experiment.Probe(name, when, grace, check);
    }

    private Experiment.Step step(JsonNode n, String at) {
        if (n.isTextual() && n.asText().equals("off")) {
            return new Experiment.Off();
        }
        if (n.isBoolean() && !n.asBoolean()) {
            return new Experiment.Off(); // YAML 1.1 readers may turn a bare 'off' into false
        }
        if (!n.isObject()) {
            throw bad(at, "must be a step: chaos, hold, ramp, flap, inject, load or off, got "
                    + n);
        }
        String kind = onlyOne(n, at, Set.of("chaos", "hold", "ramp", "flap", "inject", "off"),
                n.has("load") ? "load" : null);
        String p = at + "." + kind;
        JsonNode b = n.get(kind);
        switch (kind) {
            case "chaos" -> {
                keys(n, at, Set.of("chaos"));
                object(b, p);
                keys(b, p, CHAOS_FIELDS);
                @SuppressWarnings("unchecked")
                Map<String, Object> patch = JSON.convertValue(b, LinkedHashMap.class);
                return new Experiment.SetChaos(patch);
            }
            case "hold" -> {
                keys(n, at, Set.of("hold", "load"));
                return new Experiment.Hold(duration(b, p, Duration.ofMillis(1)),
                        n.has("load") ? load(n.get("load"), at + ".load", false) : null);
            }
            case "load" -> {
                keys(n, at, Set.of("load"));
                object(b, p);
                if (!b.has("duration")) {
                    throw bad(p + ".duration", "is required, e.g. 10s");
                }
                return new Experiment.Hold(duration(b.get("duration"), p + ".duration",
                        Duration.ofMillis(1)), load(b, p, true));
            }
            case "ramp" -> {
                keys(n, at, Set.of("ramp", "load"));
                object(b, p);
                keys(b, p, Set.of("to", "over", "routes"));
                if (!b.has("over")) {
                    throw bad(p + ".over", "is required, e.g. 10s");
                }
                Duration over = duration(b.get("over"), p + ".over", Duration.ofSeconds(1));
                if (over.toMillis() % 1000 != 0) {
                    throw bad(p + ".over", "must be whole seconds (the engine ramps in seconds),"
                            + " got " + format(over));
                }
                List<String> routes = b.has("routes") ? strings(b, "routes", p) : null;
                return new Experiment.Ramp(pct(b, "to", p, null), over, routes,
                        n.has("load") ? load(n.get("load"), at + ".load", false) : null);
            }
            case "flap" -> {
                keys(n, at, Set.of("flap"));
                if (b.isTextual() && b.asText().equals("once")) {
                    return new Experiment.Flap(0, true);
                }
                if (!b.canConvertToInt() || !b.isIntegralNumber() || b.asInt() < 0
                        || b.asInt() > 86_400) {
                    throw bad(p, "must be 'once' or seconds between flaps (0 stops, 1..86400), "
                            + "got " + b);
                }
                return new Experiment.Flap(b.asInt(), false);
            }
            case "inject" -> {
                keys(n, at, Set.of("inject"));
                String fault = b.isObject() && b.has("fault") ? b.get("fault").asText()
                        : b.asText();
                if (!FAULTS.contains(fault)) {
                    throw bad(p, "must be one of stale, gap, duplicate, rate-limit, got '"
                            + fault + "' (clock skew is a setting: chaos: {exchange: "
                            + "{clockSkewMs: 2000}})");
                }
                return new Experiment.Inject(fault);
            }
            default -> {
                keys(n, at, Set.of("off"));
                return new Experiment.Off();
            }
        }
    }

    private Experiment.Load load(JsonNode b, String p, boolean withDuration) {
        object(b, p);
        keys(b, p, withDuration ? Set.of("path", "paths", "rps", "duration")
                : Set.of("path", "paths", "rps"));
        List<String> paths = new ArrayList<>();
        if (b.has("path")) {
            paths.add(text(b, "path", p + ".path", true));
        }
        paths.addAll(strings(b, "paths", p));
        if (paths.isEmpty()) {
            throw bad(p + ".path", "is required: the route to send GETs to, e.g. "
                    + "/api/private/market");
        }
        for (String x : paths) {
            if (!x.startsWith("/")) {
                throw bad(p + ".path", "must start with /, got '" + x + "'");
            }
        }
        return new Experiment.Load(paths, number(b, "rps", p, 0.1, 500));
    }

    // --- small readers, each naming the field -----------------------------------------------

    private ExperimentException bad(String field, String message) {
        return new ExperimentException(source, field, message);
    }

    private void keys(JsonNode n, String at, Set<String> allowed) {
        Iterator<String> it = n.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw bad(at.isEmpty() ? k : at + "." + k, "unknown key; allowed here: "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private String onlyOne(JsonNode n, String at, Set<String> kinds) {
        return onlyOne(n, at, kinds, null);
    }

    /** The one key of {@code kinds} present; {@code fallback} when none is. */
    private String onlyOne(JsonNode n, String at, Set<String> kinds, String fallback) {
        String found = null;
        for (String k : new java.util.TreeSet<>(kinds)) {
            if (n.has(k)) {
                if (found != null) {
                    throw bad(at, "has both '" + found + "' and '" + k + "'; give one per entry");
                }
                found = k;
            }
        }
        if (found == null) {
            found = fallback;
        }
        if (found == null) {
            throw bad(at, "needs one of " + new java.util.TreeSet<>(kinds));
        }
        return found;
    }

    private void object(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw bad(at, "must be a mapping");
        }
    }

    private String text(JsonNode n, String key, String at, boolean required) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw bad(at, "is required");
            }
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw bad(at, "must be non-empty text");
        }
        return v.asText().strip();
    }

    private boolean bool(JsonNode n, String key, String at, boolean dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw bad(at, "must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private double number(JsonNode n, String key, String at, double min, double max) {
        JsonNode v = n.get(key);
        String f = at + "." + key;
        if (v == null || v.isNull()) {
            throw bad(f, "is required");
        }
        if (!v.isNumber()) {
            throw bad(f, "must be a number, got " + v);
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw bad(f, "must be from " + compact(min) + " to " + compact(max) + ", got "
                    + compact(d));
        }
        return d;
    }

    private double pct(JsonNode n, String key, String at, Double dflt) {
        if (!n.has(key) && dflt != null) {
            return dflt;
        }
        return number(n, key, at, 0, 100);
    }

    private List<String> strings(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw bad(at + "." + key, "must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw bad(at + "." + key + "[" + i + "]", "must be a string, got " + v.get(i));
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    private Object scalar(JsonNode v, String at) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        throw bad(at, "must be a string, number or boolean, got " + v);
    }

    private Duration durationOrZero(JsonNode v, String at) {
        if (v.isNumber() && v.asDouble() == 0) {
            return Duration.ZERO;
        }
        return duration(v, at, Duration.ZERO);
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, or a number of seconds. */
    private Duration duration(JsonNode v, String at, Duration min) {
        Duration d = null;
        if (v != null && v.isNumber()) {
            d = Duration.ofMillis(Math.round(v.asDouble() * 1000));
        } else if (v != null && v.isTextual()) {
            Matcher m = DURATION.matcher(v.asText().strip());
            if (m.matches()) {
                double x = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = Duration.ofMillis(Math.round(switch (unit) {
                    case "ms" -> x;
                    case "m" -> x * 60_000;
                    default -> x * 1000;
                }));
            }
        }
        if (d == null) {
            throw bad(at, "must be a duration such as 500ms, 5s or 2m, got "
                    + (v == null ? "nothing" : v.toString()));
        }
        if (d.compareTo(min) < 0 || d.compareTo(MAX_DURATION) > 0) {
            throw bad(at, "must be from " + format(min) + " to 24h, got " + format(d));
        }
        return d;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    /** {@code 5s}, {@code 1.5s}, {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms < 1000 ? ms + "ms" : compact(ms / 1000.0) + "s";
    }

    /** 15.0 as 15, 2.5 as 2.5; maps and lists as compact JSON. */
    static String compact(Object o) {
        if (o instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                    : Double.toString(d);
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            return String.valueOf(o);
        }
    }
}
