package io.spark.day9.emergency;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosPatch;
import io.spark.day9.jobs.Worker;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.ShadowOrderView;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The executor's {@link TradingDesk}: the steps of an emergency stop over the chaos engine, the
 * shadow executor, the order router (and through it, when the mode sends, the exchange's order
 * endpoints) and the worker.
 *
 * <ul>
 *   <li><b>Cancel</b> first waits (up to {@value #REAL_IDLE_WAIT_MS} ms) for real legs that
 *       passed the gate before the stop to be answered, so they are there to cancel. Shadow:
 *       every resting order in scope, under the executor's monitor, durable in the trail.
 *       Exchange (a sending mode): per symbol in scope (the scope's symbols, or every
 *       configured symbol), cancel-all for an everything or symbol scope; for a strategy scope
 *       the open orders are listed and those whose client order id the shadow trail knows as
 *       a strategy in scope are cancelled one by one (others' orders are left alone).</li>
 *   <li><b>Flatten</b> closes each non-zero position in scope with a MARKET order of the
 *       opposite side, its size rounded down to the symbol's step, bypassing the gate (the
 *       stop's own order). Client order ids are derived from the stop id, the strategy and the
 *       symbol ({@link #flattenId}), so a repeated flatten of the same stop is a duplicate,
 *       never a second order. Shadow positions on the shadow book; in a sending mode also the
 *       real positions (the net executed quantity of the real legs) on the exchange. Failures
 *       are returned in {@link TradingDesk.Flattened#error()}.</li>
 *   <li><b>Read</b> lists what is still open and the non-zero positions in scope; a read of
 *       the exchange that fails is named in {@link TradingDesk.EndState#errors()}.</li>
 * </ul>
 * Thread-safety: stateless beyond its collaborators, each of which is thread-safe.
 */
public final class ExecutorDesk implements TradingDesk {
    /** How long {@link #cancelOpen} waits for real legs admitted before the stop. */
    static final long REAL_IDLE_WAIT_MS = 5_000;
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,36}");

    private final ChaosEngine chaos;
    private final ShadowExecutor shadow;
    private final OrderRouter router;
    private final Worker worker;
    private final List<String> symbols;
    private final LongSupplier clock;

    /**
     * @param chaos   the chaos engine (null: none, nothing to turn off)
     * @param shadow  the shadow executor
     * @param router  the order router
     * @param worker  the queue's worker (null: no queue, nothing parked or paused)
     * @param symbols the configured symbols ({@code MARKET_SYMBOLS}): an everything or
     *                strategy scope's symbols on the exchange
     * @param clock   epoch ms, the flatten orders' decision time
     */
    public ExecutorDesk(ChaosEngine chaos, ShadowExecutor shadow, OrderRouter router,
                        Worker worker, List<String> symbols, LongSupplier clock) {
        this.chaos = chaos;
        this.shadow = Objects.requireNonNull(shadow, "shadow");
        this.router = Objects.requireNonNull(router, "router");
        this.worker = worker;
        this.symbols = List.copyOf(symbols);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void chaosOff(String actor) {
        if (chaos != null) {
            chaos.apply(ChaosPatch.allOff(), actor); // what POST /api/private/chaos/off does
        }
    }

    @Override
    public List<OpenOrder> cancelOpen(Scope scope, String actor) {
        List<String> errors = new ArrayList<>();
        try {
            if (!router.awaitRealIdle(REAL_IDLE_WAIT_MS)) {
                errors.add("real orders still on their way to the exchange after "
                        + REAL_IDLE_WAIT_MS + " ms (" + router.realInFlight() + " in flight)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add("interrupted while waiting for real orders in flight");
        }
        List<OpenOrder> cancelled = new ArrayList<>();
        for (ShadowOrderView v : shadow.cancelAll(scope::covers,
                "emergency stop (" + scope.label() + ") by " + actor)) {
            cancelled.add(new OpenOrder(OpenOrder.SHADOW, v.symbol(), v.strategy(),
                    v.orderId(), v.clientOrderId()));
        }
        if (router.canSend()) {
            for (String symbol : exchangeSymbols(scope)) {
                try {
                    cancelled.addAll(cancelOnExchange(scope, symbol));
                } catch (RuntimeException e) {
                    errors.add("cancelling the exchange's open " + symbol + " orders failed: "
                            + e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(String.join("; ", errors) + " (" + cancelled.size()
                    + " orders cancelled: " + cancelled.stream().map(OpenOrder::clientOrderId)
                    .toList() + ")");
        }
        return cancelled;
    }

    private List<OpenOrder> cancelOnExchange(Scope scope, String symbol) {
        List<OpenOrder> out = new ArrayList<>();
        if (scope.strategies().isEmpty()) { // everything, or whole symbols: cancel-all
            for (JsonNode o : router.exchangeCancelAll(symbol)) {
                out.add(exchangeOrder(symbol, o, strategyOf(o).orElse(null)));
            }
            return out;
        }
        for (JsonNode o : router.exchangeOpenOrders(symbol)) {
            Optional<String> strategy = strategyOf(o);
            if (strategy.isPresent() && scope.covers(strategy.get(), symbol)) {
                JsonNode done = router.exchangeCancel(symbol, o.path("clientOrderId").asText());
                if (done != null) {
                    out.add(exchangeOrder(symbol, done, strategy.get()));
                }
            }
        }
        return out;
    }

    @Override
    public void pauseOrders(boolean all) {
        if (all && worker != null) {
            worker.pause(true);
        }
    }

    @Override
    public void releaseOrders(boolean all) {
        if (worker == null) {
            return;
        }
        if (all) {
            worker.pause(false);
        }
        worker.releaseParked();
    }

    @Override
    public List<Flattened> flatten(Scope scope, String stopId, String actor) {
        List<Flattened> out = new ArrayList<>();
        for (ShadowExecutor.Net p : shadow.netPositions()) {
            if (p.quantity().signum() != 0 && scope.covers(p.strategy(), p.symbol())) {
                out.add(flattenShadow(p, stopId));
            }
        }
        if (router.canSend()) {
            for (ShadowExecutor.Net p : shadow.realPositions()) {
                if (p.quantity().signum() != 0 && scope.covers(p.strategy(), p.symbol())) {
                    out.add(flattenReal(p, stopId));
                }
            }
        }
        return out;
    }

    private Flattened flattenShadow(ShadowExecutor.Net p, String stopId) {
        String side = p.quantity().signum() > 0 ? "SELL" : "BUY";
        String id = flattenId("flat", stopId, p.strategy(), p.symbol());
        BigDecimal qty = closingQuantity(p);
        if (qty.signum() <= 0) {
            return new Flattened(OpenOrder.SHADOW, p.strategy(), p.symbol(), side, qty, id, null,
                    "position " + p.quantity().toPlainString() + " is below the step size");
        }
        try {
            ShadowExecutor.Placement placed = shadow.placeBypassingGate(
                    order(p, side, qty, id));
            return new Flattened(OpenOrder.SHADOW, p.strategy(), p.symbol(), side, qty, id,
                    placed.order().status().name(), null);
        } catch (RuntimeException e) {
            return new Flattened(OpenOrder.SHADOW, p.strategy(), p.symbol(), side, qty, id, null,
                    "the shadow flatten order failed: " + e.getMessage());
        }
    }

    private Flattened flattenReal(ShadowExecutor.Net p, String stopId) {
        String side = p.quantity().signum() > 0 ? "SELL" : "BUY";
        String id = flattenId("flatr", stopId, p.strategy(), p.symbol());
        BigDecimal qty = closingQuantity(p);
        if (qty.signum() <= 0) {
            return new Flattened(OpenOrder.EXCHANGE, p.strategy(), p.symbol(), side, qty, id,
                    null, "position " + p.quantity().toPlainString()
                    + " is below the step size");
        }
        try {
            OrderRouter.FlattenLeg leg = router.placeFlatten(order(p, side, qty, id));
            String status = leg.answer() == null ? null : leg.answer().path("status").asText();
            return new Flattened(OpenOrder.EXCHANGE, p.strategy(), p.symbol(), side, qty, id,
                    status, leg.error());
        } catch (RuntimeException e) {
            return new Flattened(OpenOrder.EXCHANGE, p.strategy(), p.symbol(), side, qty, id,
                    null, "the real flatten order failed: " + e.getMessage());
        }
    }

    private OrderRequest order(ShadowExecutor.Net p, String side, BigDecimal qty, String id) {
        return new OrderRequest(p.symbol(), OrderRequest.Side.valueOf(side),
                OrderRequest.Type.MARKET, null, null, qty, p.strategy(), id, null,
                clock.getAsLong(), ShadowExecutor.EMERGENCY_SOURCE);
    }

    /** |position| rounded down to the symbol's step (as is when the step is unknown or 0). */
    private BigDecimal closingQuantity(ShadowExecutor.Net p) {
        BigDecimal qty = p.quantity().abs();
        BigDecimal step = shadow.stepSize(p.symbol()).orElse(BigDecimal.ZERO);
        if (step.signum() > 0) {
            qty = qty.divide(step, 0, RoundingMode.DOWN).multiply(step);
        }
        return qty.stripTrailingZeros();
    }

    /**
     * A flatten order's client order id: {@code <prefix>-<stopId>-<8 hex>} where the hex is a
     * hash of strategy and symbol, or {@code <prefix>-<hash>} when the stop id does not fit
     * Binance's 36 characters of {@code [A-Za-z0-9_-]}. The same stop, strategy and symbol
     * always give the same id, so a repeat is a duplicate.
     */
    static String flattenId(String prefix, String stopId, String strategy, String symbol) {
        String key = sha256(stopId + "\u0000" + strategy + "\u0000" + symbol);
        String id = prefix + "-" + stopId + "-" + sha256(strategy + "\u0000" + symbol)
                .substring(0, 8);
        if (CLIENT_ID.matcher(id).matches()) {
            return id;
        }
        return prefix + "-" + key.substring(0, 35 - prefix.length());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public EndState read(Scope scope) {
        List<OpenOrder> open = new ArrayList<>();
        List<Position> positions = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (ShadowOrderView v : shadow.openOrders()) {
            if (scope.covers(v.strategy(), v.symbol())) {
                open.add(new OpenOrder(OpenOrder.SHADOW, v.symbol(), v.strategy(), v.orderId(),
                        v.clientOrderId()));
            }
        }
        for (ShadowExecutor.Net p : shadow.netPositions()) {
            if (p.quantity().signum() != 0 && scope.covers(p.strategy(), p.symbol())) {
                positions.add(new Position(OpenOrder.SHADOW, p.strategy(), p.symbol(),
                        p.quantity()));
            }
        }
        if (router.canSend()) {
            for (String symbol : exchangeSymbols(scope)) {
                try {
                    for (JsonNode o : router.exchangeOpenOrders(symbol)) {
                        Optional<String> strategy = strategyOf(o);
                        // a strategy scope cannot claim an order no strategy of it placed
                        if (scope.strategies().isEmpty() || strategy.isPresent()
                                && scope.covers(strategy.get(), symbol)) {
                            open.add(exchangeOrder(symbol, o, strategy.orElse(null)));
                        }
                    }
                } catch (RuntimeException e) {
                    errors.add("reading the exchange's open " + symbol + " orders failed: "
                            + e.getMessage());
                }
            }
            for (ShadowExecutor.Net p : shadow.realPositions()) {
                if (p.quantity().signum() != 0 && scope.covers(p.strategy(), p.symbol())) {
                    positions.add(new Position(OpenOrder.EXCHANGE, p.strategy(), p.symbol(),
                            p.quantity()));
                }
            }
        }
        return new EndState(open, positions, errors);
    }

    @Override
    public long parkedOrderJobs() {
        return worker == null ? 0 : worker.parked();
    }

    @Override
    public void shadowExecution(boolean enabled) {
        router.shadowExecution(enabled);
    }

    private List<String> exchangeSymbols(Scope scope) {
        return scope.symbols().isEmpty() ? symbols : scope.symbols();
    }

    /** The strategy that placed an exchange order, as the shadow trail knows its client id. */
    private Optional<String> strategyOf(JsonNode exchangeOrder) {
        // a cancel answer's clientOrderId is the cancel's own; the order's is origClientOrderId
        String cid = exchangeOrder.path("origClientOrderId").asText("");
        if (cid.isEmpty()) {
            cid = exchangeOrder.path("clientOrderId").asText("");
        }
        return cid.isEmpty() ? Optional.empty()
                : shadow.get(cid).map(ShadowOrderView::strategy);
    }

    private static OpenOrder exchangeOrder(String symbol, JsonNode o, String strategy) {
        String cid = o.path("origClientOrderId").asText("");
        if (cid.isEmpty()) {
            cid = o.path("clientOrderId").asText(null);
        }
        return new OpenOrder(OpenOrder.EXCHANGE, symbol, strategy, o.path("orderId").asText(),
                cid);
    }
}
