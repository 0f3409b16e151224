package io.spark.day9.api;

import io.javalin.http.Context;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosPatch;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.chaos.ChaosSettingsView;
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
 * All are admin-only (declared with each route). ChaosException outcomes become problems in
 * {@link ProblemMapper}. The filter runs after authentication on every matched route except the
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
    private final boolean filter;

    /** The routes; every change is audited from the engine's events, not from here. */
    public ChaosRoutes(ChaosEngine engine) {
        this(engine, true);
    }

    private ChaosRoutes(ChaosEngine engine, boolean filter) {
        this.engine = engine;
        this.filter = filter;
    }

    /**
     * The control endpoints without the inbound filter: the same routes, so the filter's cost
     * can be measured alone ({@code bench/run chaos}). Never used by the service.
     */
    public static ChaosRoutes withoutFilter(ChaosEngine engine) {
        return new ChaosRoutes(engine, false);
    }

    @Override
    public void register(RouteTable r) {
        if (filter) {
            // a plain before handler, after identify/limit/authenticate (registered first):
            // beforeMatched would make Javalin look the endpoint up three more times per request
            r.before(this::filter);
        }
        r.add(RouteSpec.get("/api/private/chaos", Role.ADMIN)
                .summary("The full chaos state: settings, ramp, TTL and counters.")
                .answer(200, "the chaos state"), ctx -> ctx.json(view(engine.state())));
        r.add(RouteSpec.post("/api/private/chaos/toggle", Role.ADMIN)
                .summary("Change chaos settings; omitted fields keep their value.")
                .body(Schema.of(ChaosPatch.class))
                .answer(200, "the chaos state")
                .problems("chaos-unavailable"),
                ctx -> change(ctx, Json.read(ctx, ChaosPatch.class)));
        r.add(RouteSpec.post("/api/private/chaos/off", Role.ADMIN)
                .summary("Every fault off.")
                .answer(200, "the chaos state"), ctx -> change(ctx, ChaosPatch.allOff()));
        r.add(RouteSpec.post("/api/private/chaos/flap", Role.ADMIN)
                .summary("Drop the market WebSocket once now.")
                .answer(200, "{flapped, state}"), ctx -> {
                    boolean done = engine.flapNow(Requests.actor(ctx));
                    ctx.json(Map.of("flapped", done, "state", view(engine.state())));
                });
        r.add(RouteSpec.post("/api/private/chaos/inject", Role.ADMIN)
                .summary("Inject one exchange fault now and measure the recovery.")
                .body(Schema.of(InjectRequest.class))
                .answer(200, "{injected, state}")
                .problems("chaos-unavailable"), ctx -> {
                    InjectRequest req = Json.read(ctx, InjectRequest.class);
                    if (req.fault() == null) {
                        throw ProblemException.invalidField("fault", "is required: stale, gap, "
                                + "duplicate or rate-limit");
                    }
                    engine.inject(ExchangeFault.of(req.fault()), Requests.actor(ctx));
                    ctx.json(Map.of("injected", req.fault(), "state", view(engine.state())));
                });
    }

    /** Body of {@code POST /api/private/chaos/inject}. */
    public record InjectRequest(String fault) {
    }

    private void change(Context ctx, ChaosPatch patch) {
        // the audit entry is written from the engine's Changed event (TTL expiry too)
        ChaosEngine.Change c = engine.apply(patch, Requests.actor(ctx));
        ctx.json(view(c.state()));
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

    /** Just the settings, for the state (the audit log uses the same view). */
    public static Map<String, Object> settings(ChaosSettings s) {
        return ChaosSettingsView.of(s);
    }

    /** 15.0 shows as 15, 2.5 as 2.5. */
    private static Number number(double d) {
        return ChaosSettingsView.number(d);
    }
}
