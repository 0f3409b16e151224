package io.spark.day9.api;

import io.javalin.http.Context;

/** What the filters attach to a request, for handlers to read. */
public final class Requests {
    static final String REQUEST_ID = "day9.requestId";
    static final String ACTOR = "day9.actor";
    static final String ROLE = "day9.role";
    /** Response header and MDC key of the request id. */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private Requests() {
    }

    /** The request id (accepted from {@code X-Request-Id} or generated). */
    public static String id(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id == null ? "-" : id;
    }

    /**
     * Refuses callers that are not admins (see {@link AuthPolicy}).
     *
     * @throws ProblemException 403
     */
    public static void requireAdmin(Context ctx) {
        require(ctx, Role.ADMIN);
    }

    /**
     * Refuses callers whose role does not cover {@code needed}. Routes need not call it: the
     * {@link RouteTable} does, from the role each route declares.
     *
     * @throws ProblemException 403 naming the role and its token
     */
    public static void require(Context ctx, Role needed) {
        if (!role(ctx).covers(needed)) {
            throw ProblemException.forbidden("this endpoint needs the " + needed.id()
                    + " role: present 'Authorization: Bearer <" + needed.tokenVariable() + ">'");
        }
    }

    /** The caller's role: set by authentication on private paths, else {@link Role#PUBLIC}. */
    public static Role role(Context ctx) {
        Role role = ctx.attribute(ROLE);
        return role == null ? Role.PUBLIC : role;
    }

    /** Who is calling, for the audit log: {@code token@addr} or {@code loopback@addr}. */
    public static String actor(Context ctx) {
        String actor = ctx.attribute(ACTOR);
        return actor == null ? "anonymous@" + ctx.req().getRemoteAddr() : actor;
    }
}
