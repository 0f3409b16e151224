package io.spark.day9.api;

import io.javalin.http.Context;

/** What the filters attach to a request, for handlers to read. */
public final class Requests {
    static final String REQUEST_ID = "day9.requestId";
    static final String ACTOR = "day9.actor";
    static final String ADMIN = "day9.admin";
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
        Boolean admin = ctx.attribute(ADMIN);
        if (!Boolean.TRUE.equals(admin)) {
            throw ProblemException.forbidden("this endpoint is admin-only: present "
                    + "'Authorization: Bearer <ADMIN_TOKEN>'");
        }
    }

    /** Who is calling, for the audit log: {@code token@addr} or {@code loopback@addr}. */
    public static String actor(Context ctx) {
        String actor = ctx.attribute(ACTOR);
        return actor == null ? "anonymous@" + ctx.req().getRemoteAddr() : actor;
    }
}
