package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.shadow.FillModel.Fill;
import io.spark.day9.shadow.OrderRequest.Side;
import io.spark.day9.shadow.OrderRequest.TimeInForce;
import io.spark.day9.shadow.OrderRequest.Type;
import io.spark.day9.time.Scheduler;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow executor: simulates orders against the live local order book and never sends
 * them. It holds no object able to place an order: its only ways out are the read-only
 * {@link MarketData}, an exchangeInfo supplier and a {@link RoundTripProbe} that can call
 * {@code order/test} and nothing else.
 *
 * <ul>
 *   <li>{@link #place} validates as the exchange does ({@link OrderRequest}, {@link SymbolRules}),
 *       waits for the latency model (a timer of the injected scheduler), fills by {@link FillModel} against the book at that
 *       moment, writes the trail and returns once the trail is durable.</li>
 *   <li>Idempotent by {@code clientOrderId}: the same id returns the first order, never a
 *       second one, also after a restart (the trail is replayed on start).</li>
 *   <li>Resting LIMIT orders are re-checked on every trade print and every
 *       {@value #TICK_MS} ms (book crossing, queue position, expiry).</li>
 *   <li>Positions and PnL per strategy and symbol ({@link Positions}).</li>
 * </ul>
 * Threading: one monitor guards orders, resting orders and positions; trail records are written
 * under it (so they stay in order) and made durable outside it (group commit). Trades, ticks
 * (fills of resting orders and their expiry) and round-trip probes run on one lane of the
 * injected {@link Scheduler} ({@code day9-shadow}), on the clock given here.
 */
public final class ShadowExecutor implements Component {
    private static final Logger log = LoggerFactory.getLogger(ShadowExecutor.class);
    static final long TICK_MS = 20;
    private static final int DEPTH = 1000;
    private static final BigDecimal BPS = BigDecimal.valueOf(10_000);

    /** Measures one exchange round trip with {@code POST /api/v3/order/test}; returns ms. */
    @FunctionalInterface
    public interface RoundTripProbe {
        double roundTripMs();
    }

    /** The market is not in a state to simulate against (book not synced): retry later. */
    public static final class MarketUnavailable extends RuntimeException {
        public MarketUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** The result of {@link #place}: the order, and whether it already existed. */
    public record Placement(ShadowOrderView order, boolean duplicate) {
    }

    private final ShadowConfig config;
    private final MarketData market;
    private final Supplier<JsonNode> exchangeInfo;
    private final RoundTripProbe probe;
    private final LongSupplier clock;
    private final ObjectMapper json;
    private final EventPublisher<ShadowEvent> events = new EventPublisher<>("shadow");
    /** Every order by shadow id and by client order id: a live {@link Order} until it settles. */
    private final Map<String, KnownOrder> byId = new HashMap<>();
    private final Map<String, KnownOrder> byClientId = new HashMap<>();
    private final Map<String, List<Order>> resting = new HashMap<>();
    private final Positions positions = new Positions();
    private final Deque<Double> rtts = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();
    private volatile Map<String, SymbolRules> rules = Map.of();
    private volatile long rulesTriedAt;
    private ShadowTrail trail;
    private final Scheduler scheduler;
    private volatile Scheduler.Lane lane;
    private int replaySkipped;

    public ShadowExecutor(ShadowConfig config, MarketData market, Supplier<JsonNode> exchangeInfo,
                          RoundTripProbe probe, LongSupplier clock, Scheduler scheduler,
                          ObjectMapper json) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.market = Objects.requireNonNull(market, "market");
        this.exchangeInfo = exchangeInfo;
        this.probe = probe;
        this.clock = clock;
        this.json = json;
    }

    /** The symbols it can trade (the market's). */
    public List<String> symbols() {
        return market.symbols();
    }

    /**
     * The trail's retained kind for the executor's retention: closed segments under
     * {@code policy}; the open segment, today's and every segment a restart would replay (on or
     * after {@code replayFrom}; all of them while it is empty) pinned. See {@link TrailRetention}.
     */
    public TrailRetention trailRetention(RetentionPolicy policy,
                                         Supplier<Optional<LocalDate>> replayFrom) {
        return new TrailRetention(config.dir(), policy, () -> {
            ShadowTrail t = trail;
            return t == null ? null : t.openDay();
        }, clock, replayFrom);
    }

    /** Subscribes to shadow events (see {@link EventPublisher} for threading). */
    public Subscription subscribe(Consumer<? super ShadowEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    @Override
    public String name() {
        return "shadow";
    }

    @Override
    public void start() throws Exception {
        trail = new ShadowTrail(config.dir(), json);
        replay();
        loadRules();
        Scheduler.Lane l = scheduler.lane("day9-shadow");
        l.every(Duration.ofMillis(TICK_MS), Duration.ofMillis(TICK_MS), this::tick);
        if (probe != null && config.rttProbeMs() > 0) {
            l.every(Duration.ZERO, Duration.ofMillis(config.rttProbeMs()),
                    this::measureRoundTrip);
        }
        lane = l;
        synchronized (this) {
            log.info("shadow executor ready: {} orders replayed from {} ({} resting, {} "
                    + "unreadable lines skipped); fees maker {} / taker {} bps; latency model {}",
                    byId.size(), config.dir(), resting.values().stream().mapToInt(List::size)
                            .sum(), replaySkipped, config.makerFeeBps(), config.takerFeeBps(),
                    config.latency());
        }
    }

    @Override
    public void stop() throws Exception {
        Scheduler.Lane l = lane;
        if (l != null) {
            lane = null;
            l.close();
            l.awaitTermination(Duration.ofSeconds(2)); // no tick writes to a closed trail
        }
        if (trail != null) {
            trail.close();
        }
    }

    @Override
    public Health health() {
        Map<String, Object> d = new LinkedHashMap<>();
        synchronized (this) {
            d.put("orders", byId.size());
            d.put("resting", resting.values().stream().mapToInt(List::size).sum());
        }
        d.put("symbolsWithRules", rules.size());
        d.put("latencyModel", config.latency().name().toLowerCase());
        return rules.isEmpty() ? Health.degraded(d) : Health.up(d);
    }

    /** Market events: trade prints may fill resting orders. */
    public void onMarketEvent(MarketEvent e) {
        if (e instanceof MarketEvent.TradePrint t) {
            Scheduler.Lane s = lane;
            if (s != null) {
                try {
                    s.once(Duration.ZERO, () -> onTrade(t));
                } catch (IllegalStateException | RejectedExecutionException stopped) {
                    // shutting down
                }
            }
        }
    }

    // ------------------------------------------------------------------ placing

    /**
     * Simulates one order.
     *
     * @throws OrderRejected     invalid for the exchange (nothing recorded but the rejection)
     * @throws MarketUnavailable the book is not synced; nothing was recorded: retry later
     */
    public Placement place(OrderRequest request) {
        OrderRequest r = request.clientOrderId() == null
                ? request.withClientOrderId(newClientOrderId()) : request;
        synchronized (this) {
            KnownOrder existing = byClientId.get(r.clientOrderId());
            if (existing != null) {
                return new Placement(existing.view(), true);
            }
        }
        SymbolRules symbolRules;
        try {
            symbolRules = rulesFor(r.symbol());
        } catch (OrderRejected e) {
            reject(r, e);
            throw e;
        }
        long delay = arrivalDelayMs();
        if (delay > 0) {
            try {
                awaitArrival(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MarketUnavailable("interrupted while simulating the trip to the book");
            }
        }
        BookView book = market.book(r.symbol(), DEPTH).orElseThrow(() ->
                new OrderRejected(-1121, "symbol", "Invalid symbol."));
        if (!book.synced()) {
            throw new MarketUnavailable("the " + r.symbol() + " book is not synced (resyncing "
                    + "after a disconnect or gap); the order was not simulated");
        }
        BigDecimal mid = book.mid().orElse(null);
        try {
            symbolRules.check(r, r.price() != null ? r.price() : mid);
        } catch (OrderRejected e) {
            reject(r, e);
            throw e;
        }
        List<Map<String, Object>> records = new ArrayList<>();
        List<ShadowEvent> events = new ArrayList<>();
        ShadowTrail.Ticket ticket;
        Order o;
        synchronized (this) {
            KnownOrder again = byClientId.get(r.clientOrderId());
            if (again != null) { // a concurrent twin won
                return new Placement(again.view(), true);
            }
            long now = clock.getAsLong();
            o = new Order(nextId(now), r, now, symbolRules);
            o.arrivalMid = mid;
            o.arrivalBid = book.bestBid().map(PriceLevel::price).orElse(null);
            o.arrivalAsk = book.bestAsk().map(PriceLevel::price).orElse(null);
            List<PriceLevel> opposite = r.side() == Side.BUY ? book.asks() : book.bids();
            List<PriceLevel> own = r.side() == Side.BUY ? book.bids() : book.asks();
            List<Fill> taken;
            if (r.type() == Type.MARKET) {
                taken = FillModel.take(r.side(), r.quantity(), null, opposite);
            } else if (r.timeInForce() == TimeInForce.FOK
                    && FillModel.available(r.side(), r.price(), opposite)
                    .compareTo(r.quantity()) < 0) {
                taken = List.of();
            } else {
                taken = FillModel.take(r.side(), r.quantity(), r.price(), opposite);
            }
            byId.put(o.id, o);
            byClientId.put(r.clientOrderId(), o);
            records.add(o.orderRecord(now)); // status is rewritten below before writing
            for (Fill f : taken) {
                applyFill(o, f.price(), f.qty(), false, now, records, events);
            }
            if (r.type() == Type.LIMIT && !taken.isEmpty()) {
                BigDecimal avg = FillModel.vwap(taken);
                double imp = FillModel.slippageBps(r.side(), avg, r.price());
                o.priceImprovementBps = BigDecimal.valueOf(-imp).round(MathContext.DECIMAL32);
            }
            boolean done = o.remaining().signum() == 0;
            if (!done) {
                if (r.type() == Type.LIMIT && r.timeInForce() == TimeInForce.GTC) {
                    o.queueAhead = FillModel.displayedAt(r.price(), own);
                    o.expiresAt = now + (r.expireAfterMs() != null ? r.expireAfterMs()
                            : config.orderTtlMs());
                    resting.computeIfAbsent(r.symbol(), k -> new ArrayList<>()).add(o);
                } else {
                    o.status = OrderStatus.EXPIRED;
                    records.add(o.endRecord("expire", now, r.type() == Type.MARKET
                            ? "not enough depth" : r.timeInForce() + " remainder"));
                }
            }
            o.ackAt = now;
            // the order record carries the status at ack and the arrival snapshot
            records.set(0, o.orderRecord(now));
            ticket = trail.write(records);
            settleIfDone(o);
        }
        trail.awaitDurable(ticket);
        ShadowOrderView view;
        synchronized (this) {
            view = o.view();
        }
        double latency = Math.max(0, o.ackAt - r.decisionAt());
        emit(new ShadowEvent.Placed(view, latency));
        events.forEach(this::emit);
        return new Placement(view, false);
    }

    /**
     * Cancels a resting order.
     *
     * @return the order after the cancel, or empty when there is no such order
     * @throws OrderRejected {@code -2011} when it is no longer resting
     */
    public Optional<ShadowOrderView> cancel(String orderId) {
        ShadowTrail.Ticket ticket;
        Order o;
        synchronized (this) {
            KnownOrder known = lookup(orderId);
            if (known == null) {
                return Optional.empty();
            }
            if (!(known instanceof Order live) || !live.resting()) {
                throw new OrderRejected(-2011, "orderId", "Unknown order sent. (the order is "
                        + known.view().status() + ", not open)");
            }
            o = live;
            long now = clock.getAsLong();
            o.status = OrderStatus.CANCELED;
            unrest(o);
            ticket = trail.write(List.of(o.endRecord("cancel", now, "canceled by request")));
            settleIfDone(o);
        }
        trail.awaitDurable(ticket);
        ShadowOrderView v;
        synchronized (this) {
            v = o.view();
        }
        emit(new ShadowEvent.Ended(v, "canceled"));
        return Optional.of(v);
    }

    /** An order by shadow id or client order id. */
    public synchronized Optional<ShadowOrderView> get(String id) {
        return Optional.ofNullable(lookup(id)).map(KnownOrder::view);
    }

    /** The most recent orders, newest first. */
    public synchronized List<ShadowOrderView> recent(String strategy, int limit) {
        List<ShadowOrderView> out = new ArrayList<>();
        List<KnownOrder> all = new ArrayList<>(byId.values());
        all.sort((a, b) -> Long.compare(b.createdAt(), a.createdAt()));
        for (KnownOrder o : all) {
            if (strategy == null || o.strategy().equals(strategy)) {
                out.add(o.view());
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Positions and PnL per strategy and symbol, marked at the current mid. */
    public synchronized List<Positions.View> positions() {
        return positions.views(symbol -> market.book(symbol, 1).flatMap(BookView::mid)
                .orElse(null));
    }

    /** Records the real leg of an A/B pair in the trail (durable when this returns). */
    public void recordReal(TrailRecord.Real record) {
        trail.append(List.of(record.toMap()));
        Double rtt = record.rttMs();
        emit(new ShadowEvent.RealPlaced(record.head().strategy(), record.head().symbol(),
                String.valueOf(record.status()).toLowerCase(java.util.Locale.ROOT),
                rtt != null ? rtt : 0));
    }

    /** Marks an order as the shadow twin of a real A/B order. */
    public synchronized void pair(String orderId, String pairId) {
        KnownOrder known = byId.get(orderId);
        if (known instanceof Order o) {
            o.pairId = pairId;
        } else if (known instanceof SettledOrder s) {
            ShadowOrderView v = s.view();
            store(v.orderId(), v.clientOrderId(), SettledOrder.of(withPair(v, pairId),
                    s.createdAt()));
        }
    }

    /** The executor's clock (epoch ms): the A/B real leg is timed on the same clock. */
    long now() {
        return clock.getAsLong();
    }

    /** Recently measured exchange round trips (ms), oldest first. */
    public synchronized List<Double> roundTrips() {
        return List.copyOf(rtts);
    }

    // ------------------------------------------------------------------ resting orders

    private void onTrade(MarketEvent.TradePrint t) {
        List<Map<String, Object>> records = new ArrayList<>();
        List<ShadowEvent> events = new ArrayList<>();
        ShadowTrail.Ticket ticket;
        synchronized (this) {
            List<Order> list = resting.get(t.symbol());
            if (list == null || list.isEmpty()) {
                return;
            }
            long now = clock.getAsLong();
            for (Order o : List.copyOf(list)) {
                BigDecimal p = o.request.price();
                boolean buy = o.request.side() == Side.BUY;
                int c = t.price().compareTo(p);
                boolean through = buy ? c < 0 : c > 0;
                // at our price, the taker came from the other side: a seller for our bid
                boolean hitsUs = c == 0 && (buy == t.buyerMaker());
                if (through) {
                    applyFill(o, p, o.remaining(), true, now, records, events);
                } else if (hitsUs) {
                    BigDecimal left = t.qty();
                    BigDecimal ahead = o.queueAhead.min(left);
                    o.queueAhead = o.queueAhead.subtract(ahead);
                    left = left.subtract(ahead);
                    if (left.signum() > 0) {
                        applyFill(o, p, left.min(o.remaining()), true, now, records, events);
                    }
                }
                if (o.remaining().signum() == 0) {
                    unrest(o);
                    settleIfDone(o);
                }
            }
            ticket = trail.write(records);
        }
        trail.awaitDurable(ticket);
        events.forEach(this::emit);
    }

    private void tick() {
        try {
            List<Map<String, Object>> records = new ArrayList<>();
            List<ShadowEvent> events = new ArrayList<>();
            ShadowTrail.Ticket ticket;
            synchronized (this) {
                if (resting.isEmpty()) {
                    return;
                }
                long now = clock.getAsLong();
                for (Map.Entry<String, List<Order>> e : resting.entrySet()) {
                    if (e.getValue().isEmpty()) {
                        continue;
                    }
                    BookView book = market.book(e.getKey(), DEPTH).orElse(null);
                    boolean usable = book != null && book.synced();
                    for (Order o : List.copyOf(e.getValue())) {
                        if (o.expiresAt != null && now >= o.expiresAt) {
                            o.status = OrderStatus.EXPIRED;
                            unrest(o);
                            records.add(o.endRecord("expire", now, "resting TTL passed"));
                            events.add(new ShadowEvent.Ended(o.view(), "expired"));
                            settleIfDone(o);
                            continue;
                        }
                        if (!usable) {
                            continue;
                        }
                        boolean buy = o.request.side() == Side.BUY;
                        BigDecimal p = o.request.price();
                        Optional<PriceLevel> oppositeBest = buy ? book.bestAsk() : book.bestBid();
                        if (oppositeBest.isPresent()
                                && FillModel.crosses(o.request.side(), p, oppositeBest.get().price())) {
                            applyFill(o, p, o.remaining(), true, now, records, events);
                            unrest(o);
                            settleIfDone(o);
                            continue;
                        }
                        BigDecimal shown = FillModel.displayedAt(p, buy ? book.bids() : book.asks());
                        if (shown.compareTo(o.queueAhead) < 0) {
                            o.queueAhead = shown;
                        }
                    }
                }
                resting.values().removeIf(List::isEmpty);
                ticket = trail.write(records);
            }
            trail.awaitDurable(ticket);
            events.forEach(this::emit);
        } catch (RuntimeException e) {
            log.error("shadow resting-order check failed", e);
        }
    }

    private void unrest(Order o) {
        List<Order> list = resting.get(o.request.symbol());
        if (list != null) {
            list.remove(o);
        }
    }

    // ------------------------------------------------------------------ fills

    private void applyFill(Order o, BigDecimal price, BigDecimal qty, boolean maker, long now,
                           List<Map<String, Object>> records, List<ShadowEvent> events) {
        if (qty.signum() <= 0) {
            return;
        }
        BigDecimal feeBps = maker ? config.makerFeeBps() : config.takerFeeBps();
        BigDecimal fee = price.multiply(qty).multiply(feeBps).divide(BPS, MathContext.DECIMAL64)
                .stripTrailingZeros();
        String feeAsset = o.rules.quoteAsset();
        ShadowOrderView.FillView f = new ShadowOrderView.FillView(price, qty, fee, feeAsset,
                maker ? "MAKER" : "TAKER", now);
        o.fills.add(f);
        o.executed = o.executed.add(qty);
        o.quote = o.quote.add(price.multiply(qty));
        o.status = OrderStatus.afterFill(o.remaining());
        positions.fill(o.request.strategy(), o.request.symbol(), o.request.side() == Side.BUY,
                price, qty, fee);
        double vsMid = FillModel.slippageBps(o.request.side(), price, o.arrivalMid);
        double vsBest = FillModel.slippageBps(o.request.side(), price,
                o.request.side() == Side.BUY ? o.arrivalAsk : o.arrivalBid);
        double decisionToFill = Math.max(0, now - o.request.decisionAt());
        records.add(new TrailRecord.Fill(o.head(now), price, qty, fee, feeAsset, f.liquidity(),
                now, decisionToFill, finite(vsMid), finite(vsBest),
                o.request.type() == Type.LIMIT && !maker
                        ? finite(-FillModel.slippageBps(o.request.side(), price,
                        o.request.price())) : null).toMap());
        events.add(new ShadowEvent.Filled(o.view(), f, decisionToFill, vsMid, vsBest));
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? Math.round(d * 1e4) / 1e4 : null;
    }

    private void reject(OrderRequest r, OrderRejected e) {
        emit(new ShadowEvent.Rejected(r.strategy(), r.symbol(), r.side().name(), r.type().name(),
                e.code(), e.getMessage()));
        trail.append(List.of(new TrailRecord.Reject(new TrailRecord.Head(clock.getAsLong(), null,
                r.clientOrderId(), r.strategy(), r.symbol()), r.side().name(), r.type().name(),
                e.code(), e.getMessage(), e.field()).toMap()));
    }

    // ------------------------------------------------------------------ rules, latency, ids

    private SymbolRules rulesFor(String symbol) {
        SymbolRules r = rules.get(symbol);
        if (r == null && rules.isEmpty() && clock.getAsLong() - rulesTriedAt > 5_000) {
            loadRules();
            r = rules.get(symbol);
        }
        if (r == null) {
            if (rules.isEmpty()) {
                throw new MarketUnavailable("the exchange's trading rules (exchangeInfo) are not "
                        + "loaded yet; the order was not simulated");
            }
            throw new OrderRejected(-1121, "symbol", "Invalid symbol.");
        }
        if (market.book(symbol, 0).isEmpty()) {
            throw new OrderRejected(-1121, "symbol", "Invalid symbol. (" + symbol
                    + " is not among MARKET_SYMBOLS, so there is no book to simulate against)");
        }
        return r;
    }

    private void loadRules() {
        rulesTriedAt = clock.getAsLong();
        if (exchangeInfo == null) {
            return;
        }
        try {
            rules = Map.copyOf(SymbolRules.fromExchangeInfo(exchangeInfo.get()));
        } catch (RuntimeException e) {
            log.warn("shadow: exchangeInfo not available yet ({}); orders wait for it",
                    e.getMessage());
        }
    }

    /** Waits out the trip to the book on the scheduler's clock (exact on a manual one). */
    private void awaitArrival(long ms) throws InterruptedException {
        CountDownLatch arrived = new CountDownLatch(1);
        Scheduler.Handle timer = scheduler.once(Duration.ofMillis(ms), arrived::countDown);
        try {
            arrived.await();
        } finally {
            timer.cancel();
        }
    }

    private long arrivalDelayMs() {
        return switch (config.latency()) {
            case NONE -> 0;
            case FIXED -> config.fixedLatencyMs();
            case MEASURED -> {
                double[] sorted;
                synchronized (this) {
                    sorted = rtts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                }
                yield sorted.length == 0 ? 0 : Math.round(sorted[sorted.length / 2] / 2);
            }
        };
    }

    private void measureRoundTrip() {
        try {
            double ms = probe.roundTripMs();
            synchronized (this) {
                rtts.addLast(ms);
                while (rtts.size() > 50) {
                    rtts.removeFirst();
                }
            }
            emit(new ShadowEvent.RoundTrip(ms / 1000.0));
        } catch (RuntimeException e) {
            log.debug("shadow: exchange round trip not measured ({})", e.getMessage());
        }
    }

    private String nextId(long now) {
        return "S" + Long.toString(now, 36).toUpperCase() + "-" + seq.incrementAndGet();
    }

    private String newClientOrderId() {
        return "shadow-" + Long.toString(clock.getAsLong(), 36) + "-" + seq.incrementAndGet();
    }

    private void emit(ShadowEvent e) {
        events.publish(e);
    }

    // ------------------------------------------------------------------ replay

    private void replay() throws java.io.IOException {
        replaySkipped = ShadowTrail.read(config.dir(), json, this::replayOne).skippedLines();
        long now = clock.getAsLong();
        resting.values().forEach(l -> l.removeIf(o -> !o.resting()));
        resting.values().removeIf(List::isEmpty);
        synchronized (this) {
            for (KnownOrder o : List.copyOf(byId.values())) {
                if (o instanceof Order live) {
                    settleIfDone(live);
                }
            }
        }
        log.debug("shadow replay done at {}", now);
    }

    private void replayOne(JsonNode line) {
        TrailRecord.parse(line).ifPresent(this::replayOne);
    }

    private synchronized void replayOne(TrailRecord record) {
        if (record instanceof TrailRecord.Order r) {
            String id = r.head().orderId();
            OrderRequest req = new OrderRequest(r.head().symbol(), r.side(), r.type(),
                    r.timeInForce(), r.price(), r.quantity(), r.head().strategy(),
                    r.head().clientOrderId(), null, r.decisionAt(),
                    r.source() == null ? "http" : r.source());
            SymbolRules sr = new SymbolRules(req.symbol(), "", r.feeAsset() == null ? "USDT"
                    : r.feeAsset(), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
            Order o = new Order(id, req, r.createdAt(), sr);
            o.arrivalMid = r.arrivalMid();
            o.arrivalBid = r.arrivalBestBid();
            o.arrivalAsk = r.arrivalBestAsk();
            o.ackAt = r.ackAt();
            o.queueAhead = r.queueAhead() != null ? r.queueAhead() : BigDecimal.ZERO;
            o.expiresAt = r.expiresAt();
            o.pairId = r.pairId();
            o.status = OrderStatus.NEW;
            byId.put(id, o);
            byClientId.put(req.clientOrderId(), o);
            if (req.type() == Type.LIMIT && req.timeInForce() == TimeInForce.GTC) {
                resting.computeIfAbsent(req.symbol(), k -> new ArrayList<>()).add(o);
            }
            bumpSeq(id);
        } else if (record instanceof TrailRecord.Fill r) {
            Order o = (Order) byId.get(r.head().orderId());
            if (o == null) {
                return;
            }
            BigDecimal price = r.price();
            BigDecimal qty = r.qty();
            BigDecimal fee = r.fee();
            o.fills.add(new ShadowOrderView.FillView(price, qty, fee, r.feeAsset(),
                    r.liquidity(), r.fillAt()));
            o.executed = o.executed.add(qty);
            o.quote = o.quote.add(price.multiply(qty));
            o.status = OrderStatus.afterFill(o.remaining());
            positions.fill(o.request.strategy(), o.request.symbol(),
                    o.request.side() == Side.BUY, price, qty, fee == null ? BigDecimal.ZERO : fee);
        } else if (record instanceof TrailRecord.Real r) {
            // the real leg of an A/B pair answered: the twin is paired
            String id = r.head().orderId();
            Order o = id == null ? null : (Order) byId.get(id);
            if (o == null) {
                o = (Order) byClientId.get(r.head().clientOrderId());
            }
            if (o != null) {
                o.pairId = r.pairId();
            }
        } else if (record instanceof TrailRecord.End r) {
            Order o = (Order) byId.get(r.head().orderId());
            if (o != null) {
                o.status = r.status();
            }
        } // a reject record names no order: nothing to replay
    }

    private void bumpSeq(String id) {
        int dash = id == null ? -1 : id.lastIndexOf('-');
        if (dash > 0) {
            try {
                long n = Long.parseLong(id.substring(dash + 1));
                seq.accumulateAndGet(n, Math::max);
            } catch (NumberFormatException ignored) {
                // a foreign id: nothing to bump
            }
        }
    }

    // ------------------------------------------------------------------ order state

    /** A live order that will not change again is kept as a {@link SettledOrder} from now on. */
    private void settleIfDone(Order o) {
        if (!o.resting()) {
            store(o.id, o.request.clientOrderId(), SettledOrder.of(o.view(), o.createdAt));
        }
    }

    private void store(String orderId, String clientOrderId, KnownOrder entry) {
        byId.put(orderId, entry);
        byClientId.put(clientOrderId, entry);
    }

    private KnownOrder lookup(String id) {
        KnownOrder o = byId.get(id);
        return o != null ? o : byClientId.get(id);
    }

    private static ShadowOrderView withPair(ShadowOrderView v, String pairId) {
        return new ShadowOrderView(v.orderId(), v.clientOrderId(), v.strategy(), v.symbol(),
                v.side(), v.type(), v.timeInForce(), v.price(), v.origQty(), v.executedQty(),
                v.cummulativeQuoteQty(), v.avgPrice(), v.status(), v.fills(), v.decisionAt(),
                v.ackAt(), v.arrivalMid(), v.arrivalBestBid(), v.arrivalBestAsk(),
                v.priceImprovementBps(), v.expiresAt(), v.source(), pairId);
    }

    /** One order's mutable state, guarded by the executor's monitor. */
    private final class Order implements KnownOrder {
        final String id;
        final OrderRequest request;
        final long createdAt;
        final SymbolRules rules;
        final List<ShadowOrderView.FillView> fills = new ArrayList<>();
        BigDecimal executed = BigDecimal.ZERO;
        BigDecimal quote = BigDecimal.ZERO;
        BigDecimal arrivalMid;
        BigDecimal arrivalBid;
        BigDecimal arrivalAsk;
        BigDecimal queueAhead = BigDecimal.ZERO;
        BigDecimal priceImprovementBps;
        Long expiresAt;
        OrderStatus status = OrderStatus.NEW;
        String pairId;
        long ackAt;

        Order(String id, OrderRequest request, long createdAt, SymbolRules rules) {
            this.id = id;
            this.request = request;
            this.createdAt = createdAt;
            this.rules = rules;
        }

        @Override
        public long createdAt() {
            return createdAt;
        }

        @Override
        public String strategy() {
            return request.strategy();
        }

        BigDecimal remaining() {
            return request.quantity().subtract(executed);
        }

        boolean resting() {
            return status.resting();
        }

        TrailRecord.Head head(long now) {
            return new TrailRecord.Head(now, id, request.clientOrderId(), request.strategy(),
                    request.symbol());
        }

        Map<String, Object> orderRecord(long now) {
            return new TrailRecord.Order(head(now), request.side(), request.type(),
                    request.timeInForce(), request.price(), request.quantity(),
                    request.decisionAt(), createdAt, ackAt, arrivalMid, arrivalBid, arrivalAsk,
                    (double) Math.max(0, ackAt - request.decisionAt()), status, queueAhead,
                    expiresAt, rules.quoteAsset(), request.source(), pairId).toMap();
        }

        Map<String, Object> endRecord(String kind, long now, String reason) {
            return new TrailRecord.End(kind.equals("cancel") ? TrailRecord.Kind.CANCEL
                    : TrailRecord.Kind.EXPIRE, head(now), reason, remaining()).toMap();
        }

        @Override
        public ShadowOrderView view() {
            return new ShadowOrderView(id, request.clientOrderId(), request.strategy(),
                    request.symbol(), request.side().name(), request.type().name(),
                    request.timeInForce() == null ? null : request.timeInForce().name(),
                    request.price(), request.quantity(), executed.stripTrailingZeros(),
                    quote.stripTrailingZeros(), executed.signum() == 0 ? null
                            : quote.divide(executed, MathContext.DECIMAL64).stripTrailingZeros(),
                    status, List.copyOf(fills), request.decisionAt(), ackAt, arrivalMid,
                    arrivalBid, arrivalAsk, priceImprovementBps, expiresAt, request.source(),
                    pairId);
        }
    }
}
