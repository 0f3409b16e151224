package io.spark.day9.api;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import io.spark.day9.shadow.OrderRejected;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.ShadowOrderView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Orders and shadow execution over HTTP (admin-only: shadow-live has admin authentication).
 * <ul>
 *   <li>{@code POST /api/private/order/shadow}: simulate, whatever the mode (never sent).</li>
 *   <li>{@code POST /api/private/order}: route by mode ({@link OrderRouter}): simulated in
 *       do-not-send modes, sent plus an A/B shadow twin in testnet/live.</li>
 *   <li>{@code GET|DELETE /api/private/order/shadow/{id}} (shadow id or client order id).</li>
 *   <li>{@code GET /api/private/shadow/orders?strategy=&limit=},
 *       {@code GET /api/private/shadow/positions}, {@code GET /api/private/shadow}.</li>
 * </ul>
 * An invalid order is a 400 problem {@code order-rejected} carrying Binance's {@code code} and
 * {@code msg} and the field; a book that is not synced is a 503 with {@code Retry-After}.
 */
public final class ShadowRoutes implements ApiRoutes {
    private final ShadowExecutor shadow;
    private final OrderRouter router;
    private final LongSupplier clock;

    public ShadowRoutes(ShadowExecutor shadow, OrderRouter router, LongSupplier clock) {
        this.shadow = shadow;
        this.router = router;
        this.clock = clock;
    }

    @Override
    public void register(JavalinDefaultRouting r) {
        r.post("/api/private/order/shadow", ctx -> {
            Requests.requireAdmin(ctx);
            OrderRequest req = parse(ctx);
            ShadowExecutor.Placement p = guarded(() -> shadow.place(req));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", "shadow");
            out.put("duplicate", p.duplicate());
            out.put("order", p.order());
            out.put("latencyMs", Math.max(0, p.order().ackAt() - p.order().decisionAt()));
            ctx.json(out);
        });
        r.post("/api/private/order", ctx -> {
            Requests.requireAdmin(ctx);
            OrderRequest req = parse(ctx);
            OrderRouter.Routed routed = guarded(() -> router.submit(req, false));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", router.mode().name().toLowerCase());
            out.put("duplicate", routed.duplicate());
            out.put("order", routed.shadow());
            out.put("real", routed.real());
            out.put("realError", routed.realError());
            out.put("pairId", routed.pairId());
            ctx.json(out);
        });
        r.get("/api/private/order/shadow/{id}", ctx -> {
            Requests.requireAdmin(ctx);
            ctx.json(shadow.get(ctx.pathParam("id")).orElseThrow(() -> ProblemException.notFound(
                    "no shadow order with id or client order id " + ctx.pathParam("id"))));
        });
        r.delete("/api/private/order/shadow/{id}", ctx -> {
            Requests.requireAdmin(ctx);
            String id = ctx.pathParam("id");
            ShadowOrderView v = guarded(() -> shadow.cancel(id)).orElseThrow(() ->
                    ProblemException.notFound("no shadow order with id or client order id "
                            + id));
            ctx.json(v);
        });
        r.get("/api/private/shadow/orders", ctx -> {
            Requests.requireAdmin(ctx);
            int limit = limit(ctx);
            ctx.json(Map.of("orders", shadow.recent(ctx.queryParam("strategy"), limit)));
        });
        r.get("/api/private/shadow/positions", ctx -> {
            Requests.requireAdmin(ctx);
            ctx.json(Map.of("positions", shadow.positions()));
        });
        r.get("/api/private/shadow", ctx -> {
            Requests.requireAdmin(ctx);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("mode", router.mode().name().toLowerCase());
            out.put("canSend", router.canSend());
            out.put("why", router.describe());
            List<Double> rtts = shadow.roundTrips();
            out.put("exchangeRoundTripsMs", rtts.subList(Math.max(0, rtts.size() - 10),
                    rtts.size()));
            ctx.json(out);
        });
    }

    private OrderRequest parse(Context ctx) {
        OrderRequest.Body body = Json.read(ctx, OrderRequest.Body.class);
        return guarded(() -> OrderRequest.parse(body, null, clock.getAsLong(), "http"));
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ProblemException.invalidField("limit", "must be an integer from 1 to 1000");
    }

    private static <T> T guarded(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (OrderRejected e) {
            throw new ProblemException(Problem.of("order-rejected", "Order rejected", 400,
                    e.getMessage()).withErrors(List.of(new Problem.FieldError(e.field(),
                    e.getMessage()))).with("code", e.code()).with("msg", e.getMessage()));
        } catch (ShadowExecutor.MarketUnavailable e) {
            throw new ProblemException(Problem.of("market-unavailable", "Market unavailable",
                    503, e.getMessage()), Map.of("Retry-After", "1"));
        } catch (OrderRouter.InProgress e) {
            throw new ProblemException(Problem.of("order-in-progress", "Order in progress", 409,
                    e.getMessage()), Map.of("Retry-After", "1"));
        } catch (OrderRouter.Refused e) {
            throw new ProblemException(Problem.of("trading-disabled", "Trading disabled", 409,
                    e.getMessage()));
        }
    }
}
