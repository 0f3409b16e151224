package io.spark.day9.api;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosException;
import io.spark.day9.chaos.ChaosPatch;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.chaos.ExchangeFault;
import io.spark.day9.chaos.HttpFault;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chaos control plane and the inbound chaos filter.
 * <ul>
 *   <li>{@code GET /api/private/chaos}: the full state.</li>
 *   <li>{@code POST /api/private/chaos/toggle}: a {@link ChaosPatch} (the guide's
 *       {@code {"httpErrorPct":15,"latencyMs":200,"wsFlapSec":10}} or any subset); answers the
 *       full state.</li>
 *   <li>{@code POST /api/private/chaos/off}: every fault off.</li>
 *   <li>{@code POST /api/private/chaos/flap}: one WebSocket flap now.</li>
 *   <li>{@code POST /api/private/chaos/inject} {@code {"fault":"gap"}}: one exchange fault now.</li>
 * </ul>
 * All are admin-only. The filter runs after authentication on every matched route except the
 * control plane ({@link #CONTROL_PLANE}), which chaos never touches: an injected error is a
 * problem+json with {@code X-Day9-Chaos: injected}.
 */
public final class ChaosRoutes implements ApiRoutes {
    /** Response header that marks an injected fault. */
    public static final String MARKER = "X-Day9-Chaos";
    /** Paths never subject to chaos: they must work while everything else is being broken. */
    static final List<String> CONTROL_PLANE = List.of("/api/private/chaos",
            "/api/private/emergency", "/healthz", "/readyz", "/metrics");

    private final ChaosEngine engine;
    private final AuditHook audit;

    /** Where chaos changes are written (the audit log), as seen from here. */
    @FunctionalInterface
    public interface AuditHook {
        void record(String actor, String action, Object before, Object after);
    }

    private final boolean filter;

    public ChaosRoutes(ChaosEngine engine, AuditHook audit) {
        this(engine, audit, true);
    }

    private ChaosRoutes(ChaosEngine engine, AuditHook audit, boolean filter) {
        this.engine = engine;
        this.audit = audit;
        this.filter = filter;
    }

    /**
     * The control endpoints without the inbound filter: the same routes, so the filter's cost
     * can be measured alone ({@code bench/run chaos}). Never used by the service.
     */
    public static ChaosRoutes withoutFilter(ChaosEngine engine, AuditHook audit) {
        return new ChaosRoutes(engine, audit, false);
    }

    @Override
    public void register(JavalinDefaultRouting r) {
        if (filter) {
            // a plain before handler, after identify/limit/authenticate (registered first):
            // beforeMatched would make Javalin look the endpoint up three more times per request
            r.before(this::filter);
        }
        r.get("/api/private/chaos", ctx -> {
            Requests.requireAdmin(ctx);
            ctx.json(view(engine.state()));
        });
        r.post("/api/private/chaos/toggle", ctx -> {
            Requests.requireAdmin(ctx);
            change(ctx, Json.read(ctx, ChaosPatch.class));
        });
        r.post("/api/private/chaos/off", ctx -> {
            Requests.requireAdmin(ctx);
            change(ctx, ChaosPatch.allOff());
        });
        r.post("/api/private/chaos/flap", ctx -> {
            Requests.requireAdmin(ctx);
            boolean done = guarded(engine::flapNow);
            audit.record(Requests.actor(ctx), "chaos.flap", null, Map.of("flapped", done));
            ctx.json(Map.of("flapped", done, "state", view(engine.state())));
        });
        r.post("/api/private/chaos/inject", ctx -> {
            Requests.requireAdmin(ctx);
            InjectRequest req = Json.read(ctx, InjectRequest.class);
            if (req.fault() == null) {
                throw ProblemException.invalidField("fault", "is required: stale, gap, "
                        + "duplicate or rate-limit");
            }
            guarded(() -> {
                engine.inject(ExchangeFault.of(req.fault()));
                return true;
            });
            audit.record(Requests.actor(ctx), "chaos.inject", null, Map.of("fault", req.fault()));
            ctx.json(Map.of("injected", req.fault(), "state", view(engine.state())));
        });
    }

    /** Body of {@code POST /api/private/chaos/inject}. */
    public record InjectRequest(String fault) {
    }

    private void change(Context ctx, ChaosPatch patch) {
        // the audit entry is written from the engine's Changed event (TTL expiry too)
        ChaosEngine.Change c = guarded(() -> engine.apply(patch, Requests.actor(ctx)));
        ctx.json(view(c.state()));
    }

    /**
     * Writes every settings change to the audit log: {@code chaos.toggle} by an operator,
     * {@code chaos.expire} by the TTL.
     */
    public static void auditChanges(ChaosEngine engine, AuditHook audit) {
        engine.subscribe(e -> {
            if (e instanceof io.spark.day9.chaos.ChaosEvent.Changed c) {
                audit.record(c.actor(), c.reason().equals("toggle") ? "chaos.toggle"
                        : "chaos.expire", settings(c.before()), settings(c.after()));
            }
        });
    }

    private static <T> T guarded(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ChaosException.Invalid e) {
            throw ProblemException.invalidField(e.field(), e.detail());
        } catch (ChaosException.Forbidden e) {
            throw ProblemException.forbidden(e.getMessage());
        } catch (ChaosException.Unavailable e) {
            throw ProblemException.conflict("chaos-unavailable", "Fault not available",
                    e.getMessage());
        }
    }

    private void filter(Context ctx) {
        String path = ctx.path();
        if (isControlPlane(path)) {
            return;
        }
        HttpFault f = engine.inbound(path);
        if (f.none()) {
            return;
        }
        // only requests that reach an endpoint are in scope (a 404 stays a 404), and the
        // metric's route label is the template, never the raw path
        java.util.Optional<String> template = RouteTemplates.of(ctx);
        if (template.isEmpty()) {
            return;
        }
        if (f.latencyMs() > 0) {
            try {
                engine.delay(f.latencyMs()); // on the injected scheduler
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String route = template.get();
        engine.injected(route, f);
        if (!f.fails()) {
            ctx.header(MARKER, "latency=" + f.latencyMs());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MARKER, "injected");
        if (f.status() == 429) {
            headers.put("Retry-After", "1");
        }
        throw new ProblemException(Problem.of("chaos-injected", "Injected fault", f.status(),
                "chaos injected this " + f.status() + " on " + route + " (see GET "
                        + "/api/private/chaos); it is not a real failure"), headers);
    }

    static boolean isControlPlane(String path) {
        for (String p : CONTROL_PLANE) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The full state as the API shows it. */
    static Map<String, Object> view(ChaosEngine.State st) {
        Map<String, Object> m = settings(st.settings());
        m.put("enabled", st.active());
        m.put("effectiveErrorPct", number(st.effectiveErrorPct()));
        m.put("changedAt", Instant.ofEpochMilli(st.changedAt()).toString());
        m.put("expiresAt", st.expiresAt() == 0 ? null : Instant.ofEpochMilli(st.expiresAt())
                .toString());
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("flaps", st.flaps());
        counters.put("recoveries", st.recoveries());
        counters.put("recoveryFailures", st.recoveryFailures());
        counters.put("pendingRecoveries", st.pendingRecoveries());
        m.put("counters", counters);
        m.put("exchangeFaultsAvailable", st.exchangeFaults());
        return m;
    }

    /** Just the settings, for the state and the audit log. */
    public static Map<String, Object> settings(ChaosSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.active());
        m.put("httpErrorPct", number(s.httpErrorPct()));
        m.put("errorStatus", s.errorStatus());
        m.put("latencyMs", s.latencyMs());
        m.put("latencyJitterMs", s.latencyJitterMs());
        m.put("wsFlapSec", s.wsFlapSec());
        m.put("routes", s.routes());
        m.put("exclude", s.exclude());
        m.put("ttlSec", s.ttlSec());
        m.put("rampSec", s.rampSec());
        m.put("seed", s.seed());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("errorPct", number(s.outbound().errorPct()));
        o.put("errorStatus", s.outbound().errorStatus());
        o.put("latencyMs", s.outbound().latencyMs());
        m.put("outbound", o);
        ChaosSettings.Exchange x = s.exchange();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("staleEverySec", x.staleEverySec());
        e.put("gapEverySec", x.gapEverySec());
        e.put("duplicateEverySec", x.duplicateEverySec());
        e.put("rateLimitEverySec", x.rateLimitEverySec());
        e.put("rateLimitStatus", x.rateLimitStatus());
        e.put("clockSkewMs", x.clockSkewMs());
        m.put("exchange", e);
        return m;
    }

    /** 15.0 shows as 15, 2.5 as 2.5. */
    private static Number number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
    }
}
