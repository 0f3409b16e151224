package io.spark.day9.shadow.archfixture;

import io.javalin.http.Context;

/**
 * A deliberate violation, for {@code DependencyRuleTest} only: a class in a domain package
 * (shadow) that uses Javalin. Test sources are not scanned by the rule itself.
 */
public final class HttpAwareShadowFixture {

    private HttpAwareShadowFixture() {
    }

    /** Reads a header: the domain reaching into HTTP, which the rule forbids. */
    public static String orderIdFrom(Context ctx) {
        return ctx.header("X-Order-Id");
    }
}
