package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.config.Day9Config;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an order signal goes, by mode. Built once by the wiring:
 * <ul>
 *   <li><b>do-not-send</b> ({@code paper}, or {@code live} with {@code LIVE_ENABLED=false} and
 *       {@code SHADOW_LIVE_ENABLED=true}): built without any {@link ExchangeOrders}, so nothing
 *       here can reach an order endpoint; every order is simulated.</li>
 *   <li><b>sending</b> ({@code testnet}, or {@code live} with {@code LIVE_ENABLED=true}): a
 *       strategy's {@code SHADOW_AB_FRACTION} of signals is sent for real <em>and</em>
 *       simulated at the same instant (an A/B pair, both legs in the trail with the same
 *       {@code pairId}); the rest are simulated only. The choice hashes the client order id, so
 *       a redelivered signal takes the same path.</li>
 *   <li><b>refused</b> ({@code live} with both live and shadow disabled): every order is
 *       rejected with a clear problem.</li>
 * </ul>
 * Order-safe redelivery: a signal delivered again ({@code redelivery}) is first looked up by
 * client order id — in the shadow book, and on the exchange for the real leg — and never placed
 * a second time. A shadow twin whose real leg has no answer in the trail (a crash between the
 * two) is looked up on the exchange and, only when the exchange does not know it, sent then.
 * While one delivery of a client order id is being routed, another gets {@link InProgress}.
 *
 * <p>Emergency stop: every signal passes an {@link OrderGate} ({@link #gate(OrderGate)}). In the
 * do-not-send mode the shadow executor's own check (under its monitor, at the instant the order
 * is created) is the one that counts. When a real leg is to be sent, the router counts it in
 * flight <em>first</em> and asks the gate <em>then</em> (a refusal un-counts it), so
 * {@link #awaitRealIdle(long)} called after a stop flipped the gate waits for every real leg
 * that could still pass it; the leg's shadow twin is then placed without asking again, so an
 * admitted pair is never split. An emergency flatten's real order ({@link #placeFlatten})
 * bypasses the gate, being the stop's own.
 *
 * <p>Run-time shadow switch ({@link #shadowExecution(boolean)}): the same effect as
 * {@code SHADOW_LIVE_ENABLED} at start, and only where that variable has one: with
 * {@code TRADE_MODE=live} and {@code LIVE_ENABLED=false}, {@code false} makes the router the
 * refusing one (every order refused with {@link Refused}, naming the switch) and {@code true}
 * the do-not-send one. In {@code paper} (always simulated) and in the sending modes the variable
 * does nothing, so switching shadow execution off there is refused with an
 * {@link IllegalStateException} saying why (switching it on is a no-op). Not persisted here:
 * the emergency stop's state file keeps it across restarts.
 *
 * <p>Lifecycle: a {@link Component} named {@code orders}, started after the shadow executor and
 * stopped before it (after the worker and HTTP, so no new order arrives): stopping lets the
 * real legs already handed to the exchange finish, up to {@value #STOP_WAIT_MS} ms.
 */
public final class OrderRouter implements Component, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrderRouter.class);
    /** How long {@link #stop()} waits for real legs in flight. */
    static final long STOP_WAIT_MS = 10_000;

    /** The routing modes. */
    public enum Mode { SHADOW_ONLY, SEND_WITH_AB, REFUSE }

    /** Orders are refused in this mode. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The same client order id is being routed right now by another delivery (a visibility
     * expiry while the first one waits on the exchange): retry later, never place it twice.
     */
    public static final class InProgress extends RuntimeException {
        public InProgress(String message) {
            super(message, null, false, false);
        }
    }

    /** What happened to one signal. */
    public record Routed(ShadowOrderView shadow, boolean duplicate, JsonNode real,
                         String realError, String pairId) {
    }

    /** What happened to an emergency flatten's real order; {@code error} set when it failed. */
    public record FlattenLeg(JsonNode answer, String error, boolean duplicate) {
    }

    private volatile Mode mode;
    private final ShadowExecutor shadow;
    private final ExchangeOrders exchange;
    private final ToDoubleFunction<String> fraction;
    private final ExecutorService realSender;
    private volatile String modeDescription;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile OrderGate gate = OrderGate.OPEN;
    /**
     * The run-time shadow switch's context: the start mode's words when the switch may turn
     * this router between do-not-send and refusing ({@code live} with
     * {@code LIVE_ENABLED=false}); null when {@code SHADOW_LIVE_ENABLED} has no effect.
     */
    private volatile String switchable;
    private volatile String noSwitchWhy = "this router was not built from the configured mode";
    /** Real legs counted in flight (tickets in admission order), guarded by itself. */
    private final java.util.TreeSet<Long> realLegs = new java.util.TreeSet<>();
    private long realTickets;

    private OrderRouter(Mode mode, ShadowExecutor shadow, ExchangeOrders exchange,
                        ToDoubleFunction<String> fraction, String modeDescription) {
        this.mode = mode;
        this.shadow = shadow;
        this.exchange = exchange;
        this.fraction = fraction;
        this.modeDescription = modeDescription;
        this.realSender = exchange == null ? null : Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "day9-order-send");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The router for the configured mode ({@code TRADE_MODE}, {@code LIVE_ENABLED},
     * {@code SHADOW_LIVE_ENABLED}), logging which it is. {@code exchange} is called only for a
     * sending mode; every other mode is built without an exchange order client, so nothing can
     * reach {@code POST /api/v3/order}.
     */
    public static OrderRouter forMode(Day9Config.Trading t, ShadowExecutor shadow,
                                      Supplier<ExchangeOrders> exchange) {
        String mode = "TRADE_MODE=" + t.mode().name().toLowerCase(Locale.ROOT)
                + ", LIVE_ENABLED=" + t.liveEnabled() + ", SHADOW_LIVE_ENABLED="
                + t.shadowLiveEnabled();
        OrderRouter router;
        if (t.sends()) {
            log.warn("orders are SENT to the exchange ({}); A/B shadow fraction {} (overrides {})",
                    mode, t.shadow().abFraction(), t.shadow().abOverrides());
            router = sending(shadow, exchange.get(), t.shadow()::fractionFor,
                    mode + ": orders are sent, a fraction with a shadow twin");
            router.noSwitchWhy = mode + ": orders are sent to the exchange, and "
                    + "SHADOW_LIVE_ENABLED has no effect in a sending mode";
        } else if (t.shadowOnly()) {
            log.info("do-not-send: every order is simulated against the local book ({})", mode);
            router = shadowOnly(shadow, mode + ": do-not-send, every order simulated");
        } else {
            log.warn("orders are refused: live and shadow execution are both disabled ({})",
                    mode);
            router = refusing(shadow, mode + ": live and shadow execution are both disabled; "
                    + "set SHADOW_LIVE_ENABLED=true to simulate or LIVE_ENABLED=true to send");
        }
        if (t.mode() == io.spark.day9.config.TradeMode.LIVE && !t.liveEnabled()) {
            router.switchable = "TRADE_MODE=live, LIVE_ENABLED=false";
        } else if (!t.sends()) {
            router.noSwitchWhy = mode + ": paper trading always simulates, and "
                    + "SHADOW_LIVE_ENABLED has no effect in this mode";
        }
        return router;
    }

    /** Do-not-send: simulation only. There is no exchange to send to. */
    public static OrderRouter shadowOnly(ShadowExecutor shadow, String why) {
        return new OrderRouter(Mode.SHADOW_ONLY, shadow, null, s -> 0, why);
    }

    /** Sending, with A/B shadow twins. */
    public static OrderRouter sending(ShadowExecutor shadow, ExchangeOrders exchange,
                                      ToDoubleFunction<String> fraction, String why) {
        return new OrderRouter(Mode.SEND_WITH_AB, shadow, exchange, fraction, why);
    }

    /** Everything refused. */
    public static OrderRouter refusing(ShadowExecutor shadow, String why) {
        return new OrderRouter(Mode.REFUSE, shadow, null, s -> 0, why);
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Sets the gate a real leg passes before it is sent ({@link OrderGate#OPEN} until set; the
     * wiring sets the emergency stop's before start). Simulated orders are checked by the shadow
     * executor's own gate.
     */
    public void gate(OrderGate gate) {
        this.gate = java.util.Objects.requireNonNull(gate, "gate");
    }

    /**
     * The run-time {@code SHADOW_LIVE_ENABLED} (see the class doc): with {@code TRADE_MODE=live}
     * and {@code LIVE_ENABLED=false}, {@code false} refuses every order and {@code true}
     * simulates them again. Idempotent.
     *
     * @throws IllegalStateException {@code false} in a mode where the variable has no effect
     *                               ({@code paper}, or a sending mode); the message says why
     */
    public synchronized void shadowExecution(boolean enabled) {
        String context = switchable;
        if (context == null) {
            if (enabled) {
                return; // shadow execution is as on as this mode allows: nothing to do
            }
            throw new IllegalStateException("shadow execution cannot be switched off at run "
                    + "time: " + noSwitchWhy + "; stop trading with an emergency stop instead");
        }
        if (enabled) {
            mode = Mode.SHADOW_ONLY;
            modeDescription = context + ", shadow execution switched on at run time: "
                    + "do-not-send, every order simulated";
            log.warn("shadow execution switched ON at run time: every order simulated ({})",
                    context);
        } else {
            mode = Mode.REFUSE;
            modeDescription = context + ", shadow execution switched off at run time "
                    + "(the run-time SHADOW_LIVE_ENABLED=false): live and shadow execution "
                    + "are both disabled; switch shadow execution on (POST "
                    + "/api/private/emergency/shadow {\"enabled\":true}) to simulate, or set "
                    + "LIVE_ENABLED=true to send";
            log.warn("shadow execution switched OFF at run time: every order refused ({})",
                    context);
        }
    }

    /** True when shadow execution can be switched at run time in this mode. */
    public boolean shadowSwitchable() {
        return switchable != null;
    }

    /**
     * Waits until no real leg admitted before this call is still waiting for the exchange's
     * answer (legs admitted later are not waited for: after a stop flipped the gate, none in
     * its scope can be). The emergency stop calls it before cancelling, so that an order on its
     * way to the exchange is there to be cancelled.
     *
     * @return true when idle, false when {@code timeoutMs} passed first
     */
    public boolean awaitRealIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (realLegs) {
            long upTo = realTickets;
            while (!realLegs.isEmpty() && realLegs.first() <= upTo) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(realLegs, left);
            }
            return true;
        }
    }

    /** Real legs counted in flight now. */
    public int realInFlight() {
        synchronized (realLegs) {
            return realLegs.size();
        }
    }

    private long countRealLeg() {
        synchronized (realLegs) {
            long t = ++realTickets;
            realLegs.add(t);
            return t;
        }
    }

    private void realLegDone(long ticket) {
        synchronized (realLegs) {
            realLegs.remove(ticket);
            realLegs.notifyAll();
        }
    }

    /** True when this router can reach an exchange's order endpoint at all. */
    public boolean canSend() {
        return exchange != null;
    }

    public String describe() {
        return modeDescription;
    }

    /**
     * Routes one signal.
     *
     * @param redelivery true when the signal may have been handled before (a queued job
     *                   delivered again)
     * @throws Refused                         in the refusing mode
     * @throws OrderRejected                   invalid order
     * @throws ShadowExecutor.MarketUnavailable book not synced: retry later
     */
    public Routed submit(OrderRequest r, boolean redelivery) {
        Mode m = mode;
        if (m == Mode.REFUSE) {
            throw new Refused("orders are refused: " + modeDescription);
        }
        if (m == Mode.SHADOW_ONLY || !inAbSample(r)) {
            ShadowExecutor.Placement p = shadow.place(r);
            return new Routed(p.order(), p.duplicate(), null, null, null);
        }
        String pairId = r.clientOrderId();
        long ticket = countRealLeg(); // counted first, then asked: see awaitRealIdle
        try {
            gate.admit(r, shadow.position(r.strategy(), r.symbol()));
            if (!inFlight.add(pairId)) {
                throw new InProgress("order " + pairId + " is still being placed by an earlier "
                        + "delivery; try again when it is done");
            }
            try {
                return sendWithTwin(r, redelivery, pairId);
            } finally {
                inFlight.remove(pairId);
            }
        } finally {
            realLegDone(ticket);
        }
    }

    /**
     * Places an emergency flatten's real market order, bypassing the gate (the stop's own order;
     * see {@link ShadowExecutor#placeBypassingGate}), once: an order the exchange already knows
     * by this client order id is not placed again (a repeated flatten after a crash), only
     * recorded when the trail lacks it. The answer is written to the trail as a {@code real}
     * line without a shadow twin ({@code orderId} null), which moves the real position.
     * Failures are returned, not thrown.
     *
     * @throws IllegalStateException    not a sending mode
     * @throws IllegalArgumentException the source is not {@value ShadowExecutor#EMERGENCY_SOURCE}
     */
    public FlattenLeg placeFlatten(OrderRequest r) {
        requireSending("place a real flatten order");
        if (!ShadowExecutor.EMERGENCY_SOURCE.equals(r.source())) {
            throw new IllegalArgumentException("only an emergency flatten (source "
                    + ShadowExecutor.EMERGENCY_SOURCE + ") bypasses the order gate; source is "
                    + r.source());
        }
        try {
            JsonNode found = exchange.find(r.symbol(), r.clientOrderId());
            if (found != null) {
                if (!shadow.realFlattenRecorded(r.clientOrderId())) {
                    long now = shadow.now();
                    shadow.recordReal(realRecord(r, null, null,
                            new RealLeg(found, null, now, 0)));
                }
                return new FlattenLeg(found, null, true);
            }
        } catch (RuntimeException e) {
            return new FlattenLeg(null, "looking the flatten order up failed: "
                    + e.getMessage(), false);
        }
        RealLeg leg = placeReal(r);
        shadow.recordReal(realRecord(r, null, null, leg));
        return new FlattenLeg(leg.answer(), leg.error(), false);
    }

    /** The exchange's open orders on a symbol ({@code GET /api/v3/openOrders}). */
    public List<JsonNode> exchangeOpenOrders(String symbol) {
        requireSending("read the exchange's open orders");
        return exchange.openOrders(symbol);
    }

    /** Cancels every open order on a symbol on the exchange; returns those cancelled. */
    public List<JsonNode> exchangeCancelAll(String symbol) {
        requireSending("cancel the exchange's open orders");
        return exchange.cancelAll(symbol);
    }

    /** Cancels one exchange order by client order id; null when it is not open. */
    public JsonNode exchangeCancel(String symbol, String clientOrderId) {
        requireSending("cancel an exchange order");
        return exchange.cancel(symbol, clientOrderId);
    }

    private void requireSending(String what) {
        if (exchange == null) {
            throw new IllegalStateException("cannot " + what + ": " + modeDescription
                    + " (no exchange order client in this mode)");
        }
    }

    private Routed sendWithTwin(OrderRequest r, boolean redelivery, String pairId) {
        Optional<ShadowOrderView> seen = shadow.get(r.clientOrderId());
        if (seen.isPresent() && (!redelivery || seen.get().pairId() != null)) {
            // a retry of a signal already handled (its real leg answered): never send it again
            return new Routed(seen.get(), true, null, null, seen.get().pairId());
        }
        if (redelivery) {
            JsonNode found = exchange.find(r.symbol(), r.clientOrderId());
            if (found != null) {
                log.info("order {} was already on the exchange ({}): not placed again",
                        r.clientOrderId(), found.path("status").asText());
                ShadowOrderView s = seen.orElseGet(() -> shadow.place(r, false).order());
                shadow.pair(s.orderId(), pairId);
                return new Routed(s, true, found, null, pairId);
            }
            if (seen.isPresent()) {
                // the twin was recorded but the process died before the real leg reached the
                // exchange (the exchange does not know the id): send the real leg now, once
                log.info("order {}: shadow twin recorded, real leg never placed: sending it",
                        r.clientOrderId());
                RealLeg leg = placeReal(r);
                shadow.pair(seen.get().orderId(), pairId);
                shadow.recordReal(realRecord(r, seen.get().orderId(), pairId, leg));
                return new Routed(seen.get(), true, leg.answer(), leg.error(), pairId);
            }
        }
        // both legs at the same instant: the real one on its own thread, its round trip timed
        // there (so waiting for the shadow leg never inflates it)
        CompletableFuture<RealLeg> real = CompletableFuture.supplyAsync(() -> placeReal(r),
                realSender);
        ShadowExecutor.Placement p;
        try {
            p = shadow.place(r, false); // admitted with its real leg above: never split
        } catch (RuntimeException e) {
            real.join(); // let the real leg finish: a redelivery finds it on the exchange
            throw e;
        }
        shadow.pair(p.order().orderId(), pairId);
        RealLeg leg = real.join();
        shadow.recordReal(realRecord(r, p.order().orderId(), pairId, leg));
        return new Routed(p.order(), p.duplicate(), leg.answer(), leg.error(), pairId);
    }

    /** The exchange's answer (or its error), sent at {@code sentAt}, answered after rttMs. */
    private record RealLeg(JsonNode answer, String error, long sentAt, double rttMs) {
    }

    /** Places the real order and times it; a failure is captured, never thrown. */
    private RealLeg placeReal(OrderRequest r) {
        long sentAt = shadow.now();
        long sentNanos = System.nanoTime();
        JsonNode answer = null;
        String error = null;
        try {
            answer = exchange.place(r);
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        return new RealLeg(answer, error, sentAt, (System.nanoTime() - sentNanos) / 1e6);
    }

    private boolean inAbSample(OrderRequest r) {
        double f = fraction.applyAsDouble(r.strategy());
        if (f >= 1) {
            return true;
        }
        if (f <= 0) {
            return false;
        }
        long h = r.clientOrderId().hashCode() * 0x9E3779B97F4A7C15L;
        double u = ((h >>> 11) & ((1L << 53) - 1)) * 0x1.0p-53;
        return u < f;
    }

    private TrailRecord.Real realRecord(OrderRequest r, String shadowOrderId, String pairId,
                                        RealLeg leg) {
        JsonNode a = leg.answer();
        long sentAt = leg.sentAt();
        double rttMs = leg.rttMs();
        var head = new TrailRecord.Head(shadow.now(), shadowOrderId, r.clientOrderId(),
                r.strategy(), r.symbol());
        double rtt = Math.round(rttMs * 1000) / 1000.0;
        long ackAt = sentAt + Math.round(rttMs);
        // the real leg's decision-to-ack, comparable with the shadow twin's latencyMs
        double decisionToAck = Math.round((sentAt - r.decisionAt() + rttMs) * 1000) / 1000.0;
        if (a == null) {
            return new TrailRecord.Real(head, pairId, r.decisionAt(), rtt, sentAt, ackAt,
                    decisionToAck, TrailRecord.Real.ERROR, leg.error(), null,
                    java.math.BigDecimal.ZERO, null, List.of(), r.side());
        }
        java.math.BigDecimal qty = java.math.BigDecimal.ZERO;
        java.math.BigDecimal quote = java.math.BigDecimal.ZERO;
        List<TrailRecord.RealFill> fills = new ArrayList<>();
        for (JsonNode f : a.path("fills")) {
            java.math.BigDecimal p = new java.math.BigDecimal(f.path("price").asText());
            java.math.BigDecimal q = new java.math.BigDecimal(f.path("qty").asText());
            qty = qty.add(q);
            quote = quote.add(p.multiply(q));
            fills.add(new TrailRecord.RealFill(f.path("price").asText(), f.path("qty").asText(),
                    f.path("commission").asText("0")));
        }
        return new TrailRecord.Real(head, pairId, r.decisionAt(), rtt, sentAt, ackAt,
                decisionToAck, a.path("status").asText(), null, a.path("orderId").asText(),
                decimalOrZero(a.path("executedQty").asText("0")),
                qty.signum() == 0 ? null : quote.divide(qty, java.math.MathContext.DECIMAL64)
                        .stripTrailingZeros(),
                fills, r.side());
    }

    private static java.math.BigDecimal decimalOrZero(String text) {
        try {
            return new java.math.BigDecimal(text);
        } catch (NumberFormatException e) {
            return java.math.BigDecimal.ZERO;
        }
    }

    @Override
    public String name() {
        return "orders";
    }

    @Override
    public Health health() {
        return Health.up(Map.of("mode", mode.name(), "inFlight", inFlight.size()));
    }

    /** Refuses new real legs and waits for those in flight (see the class doc). */
    @Override
    public void stop() throws InterruptedException {
        close();
        if (realSender != null && !realSender.awaitTermination(STOP_WAIT_MS,
                TimeUnit.MILLISECONDS)) {
            log.warn("orders: real legs still in flight after {} ms; stopping without their "
                    + "answers", STOP_WAIT_MS);
        }
    }

    /** Refuses new real legs; those in flight go on (use {@link #stop()} to wait for them). */
    @Override
    public void close() {
        if (realSender != null) {
            realSender.shutdown();
        }
    }
}
