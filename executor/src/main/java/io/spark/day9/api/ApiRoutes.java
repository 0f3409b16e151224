package io.spark.day9.api;

/**
 * A subsystem's HTTP routes. Each subsystem contributes one implementation (thin handlers that
 * parse, call the domain and map the result) and declares every route in a {@link RouteSpec}
 * beside its handler: the role it needs and what it reads and answers. The {@link HttpServer}
 * mounts them all behind the same request-id, auth and problem handling, and serves the OpenAPI
 * document generated from the declarations.
 */
@FunctionalInterface
public interface ApiRoutes {
    /** Declares routes; called once while the server is built (and for the document). */
    void register(RouteTable routes);
}
