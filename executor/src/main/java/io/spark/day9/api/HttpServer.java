package io.spark.day9.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.spark.day9.config.Day9Config;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.metrics.HttpMetrics;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP server (Javalin on Jetty). Every request passes, in order: request id → body size
 * limit → auth for anything that canonicalises to {@code /api/private} → the routes'
 * own before-filters (chaos goes there) → the role the route declares ({@link RouteTable}) →
 * the handler. Every error leaves through one mapper ({@link ProblemMapper}) as
 * {@code application/problem+json}: handler exceptions, Javalin's own (404, 405, 413) and
 * Jetty's (400 for a request line it refuses).
 *
 * <p>Stopping is graceful: the connector closes, in-flight requests get up to
 * {@code SHUTDOWN_TIMEOUT_MS} to finish, then the server stops.
 *
 * <p><b>Reserved for the control plane.</b> Jetty runs on {@value #MAX_THREADS} threads (Javalin's
 * own default, made explicit); ordinary requests may hold at most {@value #MAX_THREADS} minus
 * {@value #CONTROL_RESERVE} of them, so the emergency stop, chaos off and the health checks
 * always find a thread however many orders are in flight or delayed by chaos
 * ({@link ControlPlaneReserve}; an ordinary request over the limit is a 503
 * {@code overloaded}).
 */
public final class HttpServer implements Component {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger access = LoggerFactory.getLogger("io.spark.day9.http.access");
    private static final Pattern GOOD_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String UNMATCHED = "unmatched";
    private static final int RESULT_COPY_BUFFER = 4096;
    /** Where handlers find the body limit ({@link Json#body}). */
    static final io.javalin.config.Key<Long> MAX_BODY_KEY = new io.javalin.config.Key<>("day9.maxBody");

    /** Jetty's pool: Javalin's default size. */
    static final int MAX_THREADS = 250;
    static final int MIN_THREADS = 8;
    /** Threads ordinary requests may never hold: the control plane's. */
    static final int CONTROL_RESERVE = 16;

    /**
     * The thread pool's size and how much of it is kept for the control plane.
     *
     * @param max      Jetty's pool size
     * @param reserved threads ordinary requests may never hold
     */
    record Threads(int max, int reserved) {
        static final Threads DEFAULT = new Threads(MAX_THREADS, CONTROL_RESERVE);
    }

    private final Day9Config.Server config;
    private final Threads threads;
    private final ControlPlaneReserve reserve;
    private final AuthPolicy auth;
    private final List<ApiRoutes> routes;
    private final AtomicLong served = new AtomicLong();
    private final HttpMetrics metrics;
    private volatile Javalin app;
    private volatile List<RouteSpec> specs = List.of();
    private volatile List<String> routeTemplates = List.of();

    /**
     * @param config server section of the configuration
     * @param auth   who may call private routes
     * @param routes every subsystem's routes, mounted in this order
     * @param metrics where request metrics go (registered by the caller on its registry)
     */
    public HttpServer(Day9Config.Server config, AuthPolicy auth, List<ApiRoutes> routes,
                      HttpMetrics metrics) {
        this(config, auth, routes, metrics, Threads.DEFAULT);
    }

    /** As above, with a pool of another size (tests of the reserve). */
    HttpServer(Day9Config.Server config, AuthPolicy auth, List<ApiRoutes> routes,
               HttpMetrics metrics, Threads threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
        this.reserve = new ControlPlaneReserve(threads.max(), threads.reserved());
        this.config = Objects.requireNonNull(config, "config");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.routes = List.copyOf(routes);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** As above, with request metrics on a registry of their own (not exported). */
    public HttpServer(Day9Config.Server config, AuthPolicy auth, List<ApiRoutes> routes) {
        this(config, auth, routes, new HttpMetrics(new PrometheusRegistry()));
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void start() {
        if (auth.loopbackTrust()) {
            log.warn("API_TOKEN is not set: /api/private/* admits loopback callers without "
                    + "credentials. Set API_TOKEN before exposing this executor.");
        }
        RouteTemplates templates = new RouteTemplates();
        app = Javalin.create(cfg -> {
            cfg.appData(RouteTemplates.KEY, templates);
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
            cfg.http.maxRequestSize = config.maxBodyBytes();
            // Javalin copies every result to the response through a buffer of this size, newly
            // allocated per request; left unset it takes Jetty's 32 KiB output buffer size, a
            // third of all the garbage a small JSON answer makes. Jetty's own buffer is unchanged.
            cfg.http.responseBufferSize = RESULT_COPY_BUFFER;
            cfg.appData(MAX_BODY_KEY, config.maxBodyBytes());
            cfg.http.prefer405over404 = true;
            cfg.http.defaultContentType = "application/json";
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.threadPool = pool();
            cfg.jetty.modifyServletContextHandler(h -> h.addFilter(
                    new org.eclipse.jetty.servlet.FilterHolder(reserve), "/*",
                    java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(config.shutdownTimeout().toMillis());
                server.setErrorHandler(new ProblemErrorHandler());
            });
            cfg.requestLogger.http(this::logRequest);
            cfg.router.mount(r -> {
                r.before(this::identify);
                r.before(this::limitBody);
                r.before(this::authenticate);
                // one mapper for every exception of every route (ProblemMapper); Javalin's own
                // 404/405 responses reach it only when their class is registered by name
                r.exception(HttpResponseException.class, this::mapException);
                r.exception(Exception.class, this::mapException);
                r.error(404, ctx -> {
                    if (!isProblem(ctx)) {
                        write(ctx, ProblemException.notFound("no route for " + ctx.method() + " "
                                + ctx.path()));
                    }
                });
                RouteTable table = new RouteTable(r);
                for (ApiRoutes contribution : routes) {
                    contribution.register(table);
                }
                OpenApi.register(table);
                specs = table.specs();
            });
        });
        templates.attach(app.unsafeConfig().pvt.internalRouter);
        declareRouteMetrics();
        try {
            app.start(config.host(), config.port());
        } catch (Exception e) { // Javalin rethrows Jetty's checked exceptions unchecked
            throw explainStartFailure(e);
        }
        log.info("HTTP listening on http://{}:{} (env {})", config.host(), port(),
                config.env().id());
    }

    private org.eclipse.jetty.util.thread.QueuedThreadPool pool() {
        var pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(threads.max(),
                Math.min(MIN_THREADS, threads.max()));
        pool.setName("day9-http");
        return pool;
    }

    /**
     * Javalin loses a bind failure: stopping the half-started Jetty throws, and that exception
     * replaces the {@link java.net.BindException}. Probe the port to name the real cause.
     */
    private RuntimeException explainStartFailure(Exception e) {
        RuntimeException original = e instanceof RuntimeException r ? r
                : new IllegalStateException("HTTP server failed to start: " + e, e);
        if (config.port() == 0) {
            return original;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket(config.port(), 1,
                java.net.InetAddress.getByName(config.host()))) {
            return original; // the port is free: something else failed
        } catch (java.net.BindException taken) {
            taken.addSuppressed(e);
            return new java.io.UncheckedIOException("port " + config.port() + " on "
                    + config.host() + " is already in use", taken);
        } catch (java.io.IOException other) {
            original.addSuppressed(other);
            return original;
        }
    }

    /** Creates each route's HTTP series at 0 (status 200), so they exist before any request. */
    private void declareRouteMetrics() {
        java.util.Set<String> paths = new java.util.TreeSet<>();
        for (var parsed : app.unsafeConfig().pvt.internalRouter.allHttpHandlers()) {
            var endpoint = parsed.getEndpoint();
            if (endpoint.getMethod().isHttpMethod()) {
                metrics.declare(endpoint.getPath(), endpoint.getMethod().name());
                paths.add(endpoint.getPath());
            }
        }
        routeTemplates = List.copyOf(paths);
    }

    /** Every route template served, sorted (empty before start). */
    public List<String> routeTemplates() {
        return routeTemplates;
    }

    @Override
    public void stop() {
        Javalin running = app;
        if (running != null) {
            log.info("HTTP stopping: no new connections, waiting up to {} ms for in-flight requests",
                    config.shutdownTimeout().toMillis());
            running.stop();
        }
    }

    @Override
    public Health health() {
        Javalin running = app;
        if (running == null || running.jettyServer().server() == null
                || !running.jettyServer().server().isStarted()) {
            return Health.down(Map.of("reason", "not listening"));
        }
        return Health.up(Map.of("port", port(), "requests", served.get(),
                "inFlight", inFlight(running), "ordinarySlots", reserve.ordinarySlots(),
                "shedOverloaded", reserve.shed()));
    }

    /** Every route declared by the mounted {@link ApiRoutes}, as the OpenAPI document shows. */
    public List<RouteSpec> routeSpecs() {
        return specs;
    }

    /**
     * Every HTTP endpoint the running router holds, as {@code "METHOD path"}: what the OpenAPI
     * document is checked against.
     */
    public List<String> registeredEndpoints() {
        return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(e -> e.getEndpoint())
                .filter(e -> e.getMethod().isHttpMethod()) // not the before/after filters
                .map(e -> e.getMethod().name() + " " + e.getPath())
                .toList();
    }

    /** The auth policy: its failed-authentication counters, for a metrics adapter to export. */
    public AuthPolicy auth() {
        return auth;
    }

    /** The bound port (useful with {@code PORT=0}). */
    public int port() {
        return app.port();
    }

    private static long inFlight(Javalin running) {
        var handler = running.jettyServer().server().getChildHandlerByClass(StatisticsHandler.class);
        return handler == null ? 0 : handler.getRequestsActive();
    }

    private void identify(Context ctx) {
        String given = ctx.header(Requests.REQUEST_ID_HEADER);
        String id = given != null && GOOD_REQUEST_ID.matcher(given).matches()
                ? given : newRequestId();
        ctx.attribute(Requests.REQUEST_ID, id);
        ctx.header(Requests.REQUEST_ID_HEADER, id);
        MDC.put("requestId", id);
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: a request id needs to be unique,
     * not unguessable, and {@link UUID#randomUUID()} serialises every request on one
     * {@code SecureRandom} lock.
     */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo).toString();
    }

    private void limitBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length > config.maxBodyBytes()) {
            throw ProblemException.payloadTooLarge(config.maxBodyBytes());
        }
    }

    private void authenticate(Context ctx) {
        if (PrivatePaths.isPrivate(ctx.req().getRequestURI())) {
            AuthPolicy.Caller caller = auth.authenticate(ctx.header("Authorization"),
                    ctx.req().getRemoteAddr());
            ctx.attribute(Requests.ACTOR, caller.actor());
            ctx.attribute(Requests.ROLE, caller.role());
        }
    }

    private void mapException(Exception e, Context ctx) {
        ProblemMapper.map(e).ifPresentOrElse(p -> write(ctx, p), () -> internalError(e, ctx));
    }

    private void internalError(Exception e, Context ctx) {
        log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
        write(ctx, new ProblemException(Problem.of("internal", "Internal error", 500,
                "the request failed inside the executor; see the log for request id "
                        + Requests.id(ctx))));
    }

    static void write(Context ctx, ProblemException e) {
        Problem p = e.problem().at(ctx.path(), Requests.id(ctx));
        e.headers().forEach(ctx::header);
        try {
            ctx.status(p.status()).contentType(Problem.MEDIA_TYPE)
                    .result(Json.mapper().writeValueAsBytes(p));
        } catch (JsonProcessingException impossible) {
            ctx.status(p.status()).result(p.detail());
        }
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(Problem.MEDIA_TYPE);
    }

    private void logRequest(Context ctx, Float millis) {
        served.incrementAndGet();
        int status = ctx.statusCode();
        String route = route(ctx);
        metrics.observe(route, ctx.method().name(), status, millis / 1000.0);
        if (status >= 500) {
            access.warn("{} {} -> {} in {} ms", ctx.method(), ctx.path(), status, millis);
        } else if (status >= 400) {
            access.info("{} {} -> {} in {} ms", ctx.method(), ctx.path(), status, millis);
        } else {
            access.debug("{} {} -> {} in {} ms", ctx.method(), ctx.path(), status, millis);
        }
        MDC.remove("requestId");
    }

    private static String route(Context ctx) {
        if (ctx.statusCode() == 404) {
            return UNMATCHED;
        }
        String path;
        try {
            path = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            path = null; // Javalin refuses it when a before handler ended the request
        }
        if (path == null || path.isEmpty() || path.equals("*")) {
            // a before handler answered (401, 413, an injected chaos fault): the label is the
            // endpoint the request was going to, looked up only in this rare case
            try {
                return RouteTemplates.of(ctx).orElse(UNMATCHED);
            } catch (RuntimeException e) {
                return UNMATCHED;
            }
        }
        return path;
    }
}
