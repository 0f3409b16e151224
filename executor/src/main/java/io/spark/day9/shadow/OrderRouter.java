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

    private final Mode mode;
    private final ShadowExecutor shadow;
    private final ExchangeOrders exchange;
    private final ToDoubleFunction<String> fraction;
    private final ExecutorService realSender;
    private final String modeDescription;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

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
        if (t.sends()) {
            log.warn("orders are SENT to the exchange ({}); A/B shadow fraction {} (overrides {})",
                    mode, t.shadow().abFraction(), t.shadow().abOverrides());
            return sending(shadow, exchange.get(), t.shadow()::fractionFor,
                    mode + ": orders are sent, a fraction with a shadow twin");
        }
        if (t.shadowOnly()) {
            log.info("do-not-send: every order is simulated against the local book ({})", mode);
            return shadowOnly(shadow, mode + ": do-not-send, every order simulated");
        }
        log.warn("orders are refused: live and shadow execution are both disabled ({})", mode);
        return refusing(shadow, mode + ": live and shadow execution are both disabled; set "
                + "SHADOW_LIVE_ENABLED=true to simulate or LIVE_ENABLED=true to send");
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
        if (mode == Mode.REFUSE) {
            throw new Refused("orders are refused: " + modeDescription);
        }
        if (mode == Mode.SHADOW_ONLY || !inAbSample(r)) {
            ShadowExecutor.Placement p = shadow.place(r);
            return new Routed(p.order(), p.duplicate(), null, null, null);
        }
        String pairId = r.clientOrderId();
        if (!inFlight.add(pairId)) {
            throw new InProgress("order " + pairId + " is still being placed by an earlier "
                    + "delivery; try again when it is done");
        }
        try {
            return sendWithTwin(r, redelivery, pairId);
        } finally {
            inFlight.remove(pairId);
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
                ShadowOrderView s = seen.orElseGet(() -> shadow.place(r).order());
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
                shadow.recordReal(realRecord(r, seen.get(), pairId, leg));
                return new Routed(seen.get(), true, leg.answer(), leg.error(), pairId);
            }
        }
        // both legs at the same instant: the real one on its own thread, its round trip timed
        // there (so waiting for the shadow leg never inflates it)
        CompletableFuture<RealLeg> real = CompletableFuture.supplyAsync(() -> placeReal(r),
                realSender);
        ShadowExecutor.Placement p;
        try {
            p = shadow.place(r);
        } catch (RuntimeException e) {
            real.join(); // let the real leg finish: a redelivery finds it on the exchange
            throw e;
        }
        shadow.pair(p.order().orderId(), pairId);
        RealLeg leg = real.join();
        shadow.recordReal(realRecord(r, p.order(), pairId, leg));
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

    private TrailRecord.Real realRecord(OrderRequest r, ShadowOrderView s, String pairId,
                                        RealLeg leg) {
        JsonNode a = leg.answer();
        long sentAt = leg.sentAt();
        double rttMs = leg.rttMs();
        var head = new TrailRecord.Head(shadow.now(), s.orderId(), r.clientOrderId(),
                r.strategy(), r.symbol());
        double rtt = Math.round(rttMs * 1000) / 1000.0;
        long ackAt = sentAt + Math.round(rttMs);
        // the real leg's decision-to-ack, comparable with the shadow twin's latencyMs
        double decisionToAck = Math.round((sentAt - r.decisionAt() + rttMs) * 1000) / 1000.0;
        if (a == null) {
            return new TrailRecord.Real(head, pairId, r.decisionAt(), rtt, sentAt, ackAt,
                    decisionToAck, TrailRecord.Real.ERROR, leg.error(), null,
                    java.math.BigDecimal.ZERO, null, List.of());
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
                fills);
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
