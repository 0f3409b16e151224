package io.spark.day9.api;

import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRouting;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@link ApiRoutes} declare their routes. Each {@link #add} registers one handler with
 * Javalin, guarded by the role its {@link RouteSpec} names, and keeps the spec for the OpenAPI
 * document. The role check is precomputed per route: the guard compares the caller's role (set
 * once per request by the auth filter) with a constant, O(1), with no lookup.
 *
 * <p>Not thread-safe: used while the server is built, before it starts.
 */
public final class RouteTable {
    private final JavalinDefaultRouting routing;
    private final List<RouteSpec> specs = new ArrayList<>();

    RouteTable(JavalinDefaultRouting routing) {
        this.routing = routing;
    }

    /** Declares one route and registers its handler. */
    public RouteTable add(RouteSpec.Builder declaration, Handler handler) {
        RouteSpec spec = declaration.build();
        for (RouteSpec s : specs) {
            if (s.method() == spec.method() && s.path().equals(spec.path())) {
                throw new IllegalArgumentException("route declared twice: " + spec.method() + " "
                        + spec.path());
            }
        }
        specs.add(spec);
        if (routing != null) {
            routing.addHttpHandler(spec.method(), spec.path(), guarded(spec.role(), handler));
        }
        return this;
    }

    /** A before-filter for every request (after request id, body limit and authentication). */
    public RouteTable before(Handler handler) {
        if (routing != null) {
            routing.before(handler);
        }
        return this;
    }

    /** Every route declared so far, in order. */
    public List<RouteSpec> specs() {
        return List.copyOf(specs);
    }

    /** The declarations of {@code routes}, without a server (for documents and tests). */
    public static List<RouteSpec> declarations(List<ApiRoutes> routes) {
        RouteTable table = new RouteTable(null);
        routes.forEach(r -> r.register(table));
        return table.specs();
    }

    private static Handler guarded(Role role, Handler handler) {
        if (role == Role.PUBLIC) {
            return handler;
        }
        return ctx -> {
            Requests.require(ctx, role);
            handler.handle(ctx);
        };
    }
}
