package io.spark.day9.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.spark.day9.emergency.ActiveStop;
import io.spark.day9.emergency.Emergency;
import io.spark.day9.emergency.Scope;
import io.spark.day9.emergency.StopRequest;
import io.spark.day9.emergency.StopResult;
import io.spark.day9.emergency.TradingMode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The emergency stop over HTTP: thin handlers over {@link Emergency}.
 * <ul>
 *   <li>{@code POST /api/private/emergency/stop} (admin): a {@link StopBody}, every field
 *       optional; answers the {@link StopResult} plus a top-level {@code verified}.</li>
 *   <li>{@code POST /api/private/emergency/resume} (admin): {@code {"scope":{…}}}, absent =
 *       every stop; answers {@code {"resumed":[…],"state":{…}}}, 409 {@code not-stopped}.</li>
 *   <li>{@code GET /api/private/emergency} (read): the {@code EmergencyView}.</li>
 *   <li>{@code POST /api/private/emergency/heartbeat} (trade): arms or re-arms the dead-man
 *       switch; {@code DELETE} (admin) disarms it.</li>
 *   <li>{@code POST /api/private/emergency/shadow} (admin) {@code {"enabled":false}}: shadow
 *       execution off (or on) at run time.</li>
 * </ul>
 * Every body is checked here before the domain sees it (400 naming the field); a state that
 * cannot be made durable is a 503 {@code emergency-not-durable}. These paths are part of the
 * control plane: chaos never touches them ({@link ChaosRoutes#CONTROL_PLANE}) and the HTTP
 * server keeps request slots for them ({@link HttpServer}). What a stop does is audited and
 * counted from the emergency's events, not here.
 */
public final class EmergencyRoutes implements ApiRoutes {
    /** The longest reason accepted, in characters. */
    public static final int MAX_REASON = 500;
    /** The most names one scope list may carry. */
    public static final int MAX_SCOPE_NAMES = 64;
    /** The dead-man switch's timeout when a heartbeat names none. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    /** The reason of a stop that gives none. */
    public static final String DEFAULT_REASON = "unspecified";
    // the order routes' own patterns (shadow.OrderRequest): a scope can name any order's
    // strategy and symbol, and nothing an order could not carry
    private static final Pattern STRATEGY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{2,20}");

    private final Emergency emergency;

    public EmergencyRoutes(Emergency emergency) {
        this.emergency = emergency;
    }

    /** What a stop or a resume covers; absent lists mean "any". */
    public record ScopeBody(List<String> strategies, List<String> symbols) {
    }

    /**
     * Body of a stop; every field is optional.
     *
     * @param reason     why, up to {@value #MAX_REASON} characters ({@code unspecified})
     * @param scope      what it covers (everything)
     * @param mode       {@code HALTED} or {@code REDUCING} ({@code HALTED})
     * @param flatten    close positions in scope after the cancels (false)
     * @param pauseQueue also pause the whole queue; only with the scope everything (false)
     */
    public record StopBody(String reason, ScopeBody scope, String mode, Boolean flatten,
                           Boolean pauseQueue) {
        static final StopBody EMPTY = new StopBody(null, null, null, null, null);
    }

    /** Body of a resume: the scope of the stops to end, or none for every stop. */
    public record ResumeBody(ScopeBody scope) {
        static final ResumeBody EMPTY = new ResumeBody(null);
    }

    /** Body of a heartbeat: the timeout (30 000 ms) and what a firing stops (everything). */
    public record HeartbeatBody(Long timeoutMs, ScopeBody scope) {
        static final HeartbeatBody EMPTY = new HeartbeatBody(null, null);
    }

    /** Body of the shadow switch. */
    public record ShadowBody(Boolean enabled) {
    }

    @Override
    public void register(RouteTable r) {
        r.add(RouteSpec.post("/api/private/emergency/stop", Role.ADMIN)
                .summary("Stop trading in a scope now: refuse, persist, chaos off, cancel, "
                        + "pause, flatten, verify.")
                .optionalBody(Schema.of(StopBody.class))
                .answer(200, "the stop's steps, cancelled, flattened, verification, verified")
                .problems("emergency-not-durable"), this::stop);
        r.add(RouteSpec.post("/api/private/emergency/resume", Role.ADMIN)
                .summary("Resume trading without a restart: every stop, or the stops of a "
                        + "scope.")
                .optionalBody(Schema.of(ResumeBody.class))
                .answer(200, "{resumed, state}")
                .problems("not-stopped", "emergency-not-durable"), this::resume);
        r.add(RouteSpec.get("/api/private/emergency", Role.READ)
                .summary("The emergency state: mode, stops, last verification, dead-man "
                        + "switch.")
                .answer(200, "the emergency state"), ctx -> ctx.json(emergency.view()));
        r.add(RouteSpec.post("/api/private/emergency/heartbeat", Role.TRADE)
                .summary("Arm or re-arm the dead-man switch: without another heartbeat within "
                        + "timeoutMs, the scope is stopped.")
                .optionalBody(Schema.of(HeartbeatBody.class))
                .answer(200, "the dead-man switch")
                .problems("emergency-not-durable"), this::heartbeat);
        r.add(RouteSpec.delete("/api/private/emergency/heartbeat", Role.ADMIN)
                .summary("Disarm the dead-man switch.")
                .answer(200, "{disarmed}")
                .problems("emergency-not-durable"), ctx -> {
                    boolean was = durable(() -> emergency.disarm(Requests.actor(ctx)));
                    ctx.json(Map.of("disarmed", was));
                });
        r.add(RouteSpec.post("/api/private/emergency/shadow", Role.ADMIN)
                .summary("Switch shadow execution off (or on) at run time, as "
                        + "SHADOW_LIVE_ENABLED does at start.")
                .body(Schema.of(ShadowBody.class))
                .answer(200, "the emergency state")
                .problems("shadow-switch-refused", "emergency-not-durable"), this::shadow);
    }

    private void stop(Context ctx) {
        StopRequest req = stopRequest(Json.readOrDefault(ctx, StopBody.class, StopBody.EMPTY));
        StopResult result = durable(() -> emergency.stop(req, Requests.actor(ctx)));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("verified", result.verification() != null && result.verification().verified());
        out.setAll((ObjectNode) Json.mapper().valueToTree(result));
        ctx.json(out);
    }

    private void resume(Context ctx) {
        ResumeBody body = Json.readOrDefault(ctx, ResumeBody.class, ResumeBody.EMPTY);
        Scope scope = body.scope() == null ? null : scope(body.scope());
        List<ActiveStop> resumed = durable(() -> emergency.resume(scope, Requests.actor(ctx)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resumed", resumed);
        out.put("state", emergency.view());
        ctx.json(out);
    }

    private void heartbeat(Context ctx) {
        HeartbeatBody body = Json.readOrDefault(ctx, HeartbeatBody.class, HeartbeatBody.EMPTY);
        long timeout = body.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : body.timeoutMs();
        if (timeout < Emergency.MIN_DEAD_MAN_TIMEOUT_MS
                || timeout > Emergency.MAX_DEAD_MAN_TIMEOUT_MS) {
            throw ProblemException.invalidField("timeoutMs", "must be "
                    + Emergency.MIN_DEAD_MAN_TIMEOUT_MS + ".." + Emergency.MAX_DEAD_MAN_TIMEOUT_MS
                    + " ms, got " + timeout);
        }
        Scope scope = body.scope() == null ? Scope.ALL : scope(body.scope());
        ctx.json(durable(() -> emergency.heartbeat(timeout, scope, Requests.actor(ctx))));
    }

    private void shadow(Context ctx) {
        ShadowBody body = Json.read(ctx, ShadowBody.class);
        if (body.enabled() == null) {
            throw ProblemException.invalidField("enabled", "is required: true or false");
        }
        try {
            durable(() -> {
                emergency.shadowExecution(body.enabled(), Requests.actor(ctx));
                return null;
            });
        } catch (IllegalStateException e) {
            throw ProblemException.conflict("shadow-switch-refused",
                    ProblemTypes.of("shadow-switch-refused").title(), e.getMessage());
        }
        ctx.json(emergency.view());
    }

    /**
     * The domain request of a stop body, every field checked.
     *
     * @throws ProblemException 400 naming the first field at fault
     */
    static StopRequest stopRequest(StopBody b) {
        String reason = b.reason() == null ? DEFAULT_REASON : b.reason().strip();
        if (reason.isEmpty()) {
            reason = DEFAULT_REASON;
        }
        if (reason.length() > MAX_REASON) {
            throw ProblemException.invalidField("reason", "must be at most " + MAX_REASON
                    + " characters, got " + reason.length());
        }
        if (reason.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalidField("reason", "must not contain control "
                    + "characters (line breaks, tabs)");
        }
        TradingMode mode = mode(b.mode());
        Scope scope = b.scope() == null ? Scope.ALL : scope(b.scope());
        boolean pauseQueue = Boolean.TRUE.equals(b.pauseQueue());
        if (pauseQueue && !scope.all()) {
            throw ProblemException.invalidField("pauseQueue", "pauses the whole queue, so it "
                    + "needs the scope everything; scope is " + scope.label());
        }
        return new StopRequest(reason, scope, mode, Boolean.TRUE.equals(b.flatten()),
                pauseQueue);
    }

    private static TradingMode mode(String given) {
        if (given == null) {
            return TradingMode.HALTED;
        }
        for (TradingMode m : TradingMode.values()) {
            if (m.stopped() && m.name().equals(given)) {
                return m;
            }
        }
        throw ProblemException.invalidField("mode", "must be HALTED or REDUCING, got '"
                + abbreviate(given) + "'");
    }

    /** The scope of a body, its names checked as the order routes check them. */
    static Scope scope(ScopeBody s) {
        List<String> strategies = names("scope.strategies", s.strategies(), STRATEGY);
        List<String> symbols = names("scope.symbols", s.symbols(), SYMBOL);
        return Scope.of(strategies, symbols);
    }

    private static List<String> names(String field, List<String> given, Pattern pattern) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_SCOPE_NAMES) {
            throw ProblemException.invalidField(field, "at most " + MAX_SCOPE_NAMES
                    + " names, got " + given.size());
        }
        List<String> out = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            String n = given.get(i);
            if (n == null || !pattern.matcher(n).matches()) {
                throw ProblemException.invalidField(field + "[" + i + "]", "must match '^"
                        + pattern.pattern() + "$', got '" + abbreviate(String.valueOf(n)) + "'");
            }
            out.add(n);
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /**
     * Runs an emergency action whose state must reach the disk.
     *
     * @throws ProblemException 503 {@code emergency-not-durable} when it could not
     */
    private static <T> T durable(Supplier<T> action) {
        try {
            return action.get();
        } catch (UncheckedIOException e) {
            throw new ProblemException(Problem.of("emergency-not-durable",
                    ProblemTypes.of("emergency-not-durable").title(), 503,
                    "the emergency state could not be written: " + e.getCause().getMessage()
                            + "; a stop still refuses orders in its scope in memory, but would "
                            + "not survive a restart"), Map.of("Retry-After", "1"));
        }
    }
}
