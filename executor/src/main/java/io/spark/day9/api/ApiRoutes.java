package io.spark.day9.api;

import io.javalin.router.JavalinDefaultRouting;

/**
 * A subsystem's HTTP routes. Each subsystem contributes one implementation (thin handlers that
 * parse, call the domain and map the result); the {@link HttpServer} mounts them all behind the
 * same request-id, auth and problem handling. Paths under {@code /api/private/} are protected
 * automatically.
 */
@FunctionalInterface
public interface ApiRoutes {
    /** Adds routes; called once while the server is built. */
    void register(JavalinDefaultRouting routes);
}
