package io.spark.day9.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import java.util.Optional;

/**
 * The route template ({@code /api/private/order/shadow/{id}}) a request will be handled by, for
 * code that runs in a plain {@code before} handler, where Javalin has not matched the endpoint
 * yet. It asks the app's own router, so it agrees with the dispatch that follows.
 *
 * <p>Why not {@code beforeMatched}: Javalin looks the endpoint up three more times per request
 * for every matched-before handler, which measurably cost the chaos filter (see BENCHMARKS.md,
 * "Chaos filter overhead"); a plain {@code before} costs nothing when it returns at once. The
 * lookup here runs only when it is needed (when a fault fires), never on the hot path.
 *
 * <p>Thread safety: the router is set once, after the app is created and before it starts.
 */
final class RouteTemplates {
    static final io.javalin.config.Key<RouteTemplates> KEY =
            new io.javalin.config.Key<>("day9.routeTemplates");

    private volatile InternalRouter router;

    void attach(InternalRouter router) {
        this.router = router;
    }

    /** The template of the endpoint this request will reach, or empty for a 404/405. */
    static Optional<String> of(Context ctx) {
        RouteTemplates self = ctx.appData(KEY);
        InternalRouter r = self.router;
        if (r == null) {
            return Optional.empty();
        }
        HandlerType method = ctx.method() == HandlerType.HEAD ? HandlerType.GET : ctx.method();
        return r.findHttpHandlerEntries(method, ctx.path()).findFirst()
                .map(ParsedEndpoint::getEndpoint).map(e -> e.getPath());
    }
}
