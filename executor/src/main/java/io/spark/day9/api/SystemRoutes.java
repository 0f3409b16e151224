package io.spark.day9.api;

import io.javalin.http.Context;
import io.spark.day9.Version;
import io.spark.day9.audit.AuditComponent;
import io.spark.day9.config.Day9Config;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.lifecycle.Lifecycle;
import io.spark.day9.logging.Logging;
import io.spark.day9.metrics.MetricsRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The service's own routes: liveness, readiness, metrics, component health, the effective
 * configuration, the audit tail and run-time log levels.
 */
public final class SystemRoutes implements ApiRoutes {
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR",
            "OFF");
    static final Pattern ASCII_INTEGER = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,200}|ROOT");

    private final Day9Config config;
    private final Lifecycle lifecycle;
    private final MetricsRegistry metrics;
    private final AuditComponent audit;
    private final Clock clock;
    private final Instant started;

    public SystemRoutes(Day9Config config, Lifecycle lifecycle, MetricsRegistry metrics,
                        AuditComponent audit, Clock clock) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.audit = audit;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public void register(RouteTable r) {
        r.add(RouteSpec.get("/healthz", Role.PUBLIC)
                .summary("Liveness: UP while the process serves HTTP.")
                .answer(200, "{status: UP}"), ctx -> ctx.json(Map.of("status", "UP")));
        r.add(RouteSpec.get("/readyz", Role.PUBLIC)
                .summary("Readiness: every component started and none is down.")
                .answer(200, "{status: READY}").problems("not-ready"), this::ready);
        r.add(RouteSpec.get("/metrics", Role.PUBLIC)
                .summary("Prometheus text, or OpenMetrics for Accept: "
                        + "application/openmetrics-text.")
                .answer(200, "the exposition"), this::scrape);
        r.add(RouteSpec.head("/metrics", Role.PUBLIC)
                .summary("The content type GET /metrics would answer with, no body.")
                .answer(200, "no body"), ctx -> ctx.contentType(
                        metrics.contentType(ctx.header("Accept"))));
        r.add(RouteSpec.get("/api/private/health", Role.READ)
                .summary("Overall and per-component health.")
                .answer(200, "{status, version, env, uptimeSeconds, components}")
                .answer(503, "the same, when a component is DOWN"), this::health);
        r.add(RouteSpec.get("/api/private/config", Role.READ)
                .summary("The effective configuration with sources, secrets masked.")
                .answer(200, "{NAME: {value, source}}"), this::effectiveConfig);
        r.add(RouteSpec.get("/api/private/audit", Role.READ)
                .summary("The last audit entries.")
                .query("limit", Schema.integer(), "1..1000, default 50")
                .answer(200, "{entries}"), this::auditTail);
        r.add(RouteSpec.get("/api/private/loggers/{name}", Role.READ)
                .summary("A logger's configured and effective level.")
                .answer(200, "{logger, level, effectiveLevel}"), ctx -> ctx.json(Logging.level(
                        loggerName(ctx.pathParam("name")))));
        r.add(RouteSpec.post("/api/private/loggers", Role.ADMIN)
                .summary("Change a logger's level at run time (audited).")
                .body(Schema.of(LevelChange.class))
                .answer(200, "{logger, level, effectiveLevel}"), this::setLevel);
    }

    private void ready(Context ctx) {
        if (lifecycle.ready()) {
            ctx.json(Map.of("status", "READY"));
            return;
        }
        throw new ProblemException(Problem.of("not-ready", "Not ready", 503,
                "the executor is " + lifecycle.state().name().toLowerCase()
                        + " or a component is down").with("components", components()));
    }

    private void scrape(Context ctx) throws IOException {
        MetricsRegistry.Scrape scrape = metrics.scrape(ctx.header("Accept"));
        ctx.contentType(scrape.contentType()).result(scrape.body());
    }

    private void health(Context ctx) {
        Map<String, Health> all = lifecycle.health();
        Health.Status overall = all.values().stream().map(Health::status)
                .reduce(Health.Status.UP, Health.Status::worst);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", overall);
        body.put("version", Version.get());
        body.put("env", config.server().env().id());
        body.put("uptimeSeconds", Duration.between(started, clock.instant()).toSeconds());
        body.put("components", components());
        ctx.status(overall == Health.Status.DOWN ? 503 : 200).json(body);
    }

    private Map<String, Object> components() {
        Map<String, Object> out = new LinkedHashMap<>();
        lifecycle.health().forEach((name, h) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("status", h.status());
            one.putAll(h.details());
            out.put(name, one);
        });
        return out;
    }

    private void effectiveConfig(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.effective().values().stream()
                .sorted((a, b) -> Integer.compare(
                        io.spark.day9.config.Setting.ALL.indexOf(a.setting()),
                        io.spark.day9.config.Setting.ALL.indexOf(b.setting())))
                .forEach(e -> out.put(e.setting().name(), Map.of("value", e.shown(),
                        "source", e.source().name().toLowerCase())));
        ctx.json(out);
    }

    private void auditTail(Context ctx) throws IOException {
        int limit = intParam(ctx, "limit", 50, 1, 1000);
        ctx.json(Map.of("entries", audit.log().tail(limit)));
    }

    /** Body of {@code POST /api/private/loggers}. */
    record LevelChange(String logger, String level) {
    }

    private void setLevel(Context ctx) {
        LevelChange change = Json.read(ctx, LevelChange.class);
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        if (change.logger() == null || !LOGGER_NAME.matcher(change.logger()).matches()) {
            errors.add(new Problem.FieldError("logger",
                    "required: a logger name such as io.spark.day9 or ROOT"));
        }
        String level = change.level() == null ? "" : change.level().toUpperCase(Locale.ROOT);
        if (change.level() == null) {
            errors.add(new Problem.FieldError("level",
                    "required: one of TRACE, DEBUG, INFO, WARN, ERROR, OFF"));
        } else if (!LEVELS.contains(level)) {
            errors.add(new Problem.FieldError("level", "unknown level '" + change.level()
                    + "': use one of TRACE, DEBUG, INFO, WARN, ERROR, OFF"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        Logging.LevelInfo before = Logging.setLevel(change.logger(), level);
        Logging.LevelInfo after = Logging.level(change.logger());
        audit.log().append(Requests.actor(ctx), "log.level", change.logger(), before, after);
        ctx.json(after);
    }

    private static String loggerName(String name) {
        if (!LOGGER_NAME.matcher(name).matches()) {
            throw ProblemException.invalidField("name", "not a logger name");
        }
        return name;
    }

    /** An integer query parameter within bounds, or a 400 naming it. */
    public static int intParam(Context ctx, String name, int dflt, int min, int max) {
        return (int) longParam(ctx, name, dflt, min, max);
    }

    /** A long query parameter within bounds, or a 400 naming it. */
    public static long longParam(Context ctx, String name, long dflt, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        try {
            // ASCII digits only: Long.parseLong would also take other scripts' digits
            long v = ASCII_INTEGER.matcher(raw).matches() ? Long.parseLong(raw) : min - 1;
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.invalidField(name, "must be an integer from " + min + " to " + max
                + ", got \"" + raw + "\"");
    }
}
