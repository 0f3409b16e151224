package io.spark.day9.api;

import io.javalin.http.Context;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.ShadowOrderView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Orders and shadow execution over HTTP. Placing and cancelling orders needs the trade role,
 * reading them the read role (declared with each route).
 * <ul>
 *   <li>{@code POST /api/private/order/shadow}: simulate, whatever the mode (never sent).</li>
 *   <li>{@code POST /api/private/order}: route by mode ({@link OrderRouter}): simulated in
 *       do-not-send modes, sent plus an A/B shadow twin in testnet/live.</li>
 *   <li>{@code GET|DELETE /api/private/order/shadow/{id}} (shadow id or client order id).</li>
 *   <li>{@code GET /api/private/shadow/orders?strategy=&limit=},
 *       {@code GET /api/private/shadow/positions}, {@code GET /api/private/shadow}.</li>
 * </ul>
 * An invalid order is a 400 problem {@code order-rejected} carrying Binance's {@code code} and
 * {@code msg} and the field; a book that is not synced is a 503 with {@code Retry-After} (both
 * mapped in {@link ProblemMapper}).
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
    public void register(RouteTable r) {
        r.add(RouteSpec.post("/api/private/order/shadow", Role.TRADE)
                .summary("Simulate an order against the local book, whatever the mode.")
                .body(Schema.of(OrderRequest.Body.class))
                .answer(200, "{mode: shadow, duplicate, order, latencyMs}")
                .problems(ORDER_PROBLEMS), ctx -> {
                    OrderRequest req = parse(ctx);
                    ShadowExecutor.Placement p = shadow.place(req);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("mode", "shadow");
                    out.put("duplicate", p.duplicate());
                    out.put("order", p.order());
                    out.put("latencyMs", Math.max(0, p.order().ackAt() - p.order().decisionAt()));
                    ctx.json(out);
                });
        r.add(RouteSpec.post("/api/private/order", Role.TRADE)
                .summary("Place an order, routed by TRADE_MODE (simulated, or sent with an A/B "
                        + "shadow twin).")
                .body(Schema.of(OrderRequest.Body.class))
                .answer(200, "{mode, duplicate, order, real, realError, pairId}")
                .problems(ORDER_PROBLEMS), ctx -> {
                    OrderRequest req = parse(ctx);
                    OrderRouter.Routed routed = router.submit(req, false);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("mode", router.mode().name().toLowerCase());
                    out.put("duplicate", routed.duplicate());
                    out.put("order", routed.shadow());
                    out.put("real", routed.real());
                    out.put("realError", routed.realError());
                    out.put("pairId", routed.pairId());
                    ctx.json(out);
                });
        r.add(RouteSpec.get("/api/private/order/shadow/{id}", Role.READ)
                .summary("One shadow order, by shadow id or client order id.")
                .answer(200, "the order").problems("not-found"), ctx ->
                ctx.json(shadow.get(ctx.pathParam("id")).orElseThrow(() ->
                        ProblemException.notFound("no shadow order with id or client order id "
                                + ctx.pathParam("id")))));
        r.add(RouteSpec.delete("/api/private/order/shadow/{id}", Role.TRADE)
                .summary("Cancel a resting shadow order.")
                .answer(200, "the cancelled order").problems("not-found", "order-rejected"),
                ctx -> {
                    String id = ctx.pathParam("id");
                    ShadowOrderView v = shadow.cancel(id).orElseThrow(() ->
                            ProblemException.notFound("no shadow order with id or client "
                                    + "order id " + id));
                    ctx.json(v);
                });
        r.add(RouteSpec.get("/api/private/shadow/orders", Role.READ)
                .summary("Recent shadow orders, newest first.")
                .query("strategy", Schema.string(), "only this strategy")
                .query("limit", Schema.integer(), "1..1000, default 100")
                .answer(200, "{orders}"), ctx -> {
                    int limit = limit(ctx);
                    ctx.json(Map.of("orders", shadow.recent(ctx.queryParam("strategy"), limit)));
                });
        r.add(RouteSpec.get("/api/private/shadow/positions", Role.READ)
                .summary("Positions and P&L per strategy and symbol.")
                .answer(200, "{positions}"),
                ctx -> ctx.json(Map.of("positions", shadow.positions())));
        r.add(RouteSpec.get("/api/private/shadow", Role.READ)
                .summary("The trade mode, whether it can send, recent exchange round trips.")
                .answer(200, "{mode, canSend, why, exchangeRoundTripsMs}"), ctx -> {
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

    /** What placing an order can answer besides the shared problems. */
    private static final String[] ORDER_PROBLEMS = {"order-rejected", "market-unavailable",
        "order-in-progress", "trading-disabled"};

    private OrderRequest parse(Context ctx) {
        OrderRequest.Body body = Json.read(ctx, OrderRequest.Body.class);
        return OrderRequest.parse(body, null, clock.getAsLong(), "http");
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return 100;
        }
        try {
            int n = SystemRoutes.ASCII_INTEGER.matcher(v).matches() ? Integer.parseInt(v) : 0;
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ProblemException.invalidField("limit", "must be an integer from 1 to 1000");
    }
}
