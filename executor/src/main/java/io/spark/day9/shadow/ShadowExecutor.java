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
import io.spark.day9.shadow.TrailRecord.Head;
import io.spark.day9.snapshot.StateSection;
import io.spark.day9.time.Scheduler;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
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
 *       second one, also after a restart (the trail is replayed on start), across the whole
 *       dedup horizon: every order whose {@code order} line is in a trail file still on disk
 *       (trail retention sets how long that is).</li>
 *   <li>Bounded memory: open orders and the last {@code SHADOW_RECENT_ORDERS} settled ones stay
 *       in memory (about 500 bytes each); every order of the trail is also in an
 *       {@link OrderIndex} (about 60 bytes each) through which an older one is read back from
 *       the trail by order id or client order id.</li>
 *   <li>Restart: {@link #stateSection()} captures positions, open orders, the recent window,
 *       the order index and the trail mark they include; restored before {@link #start()}, the
 *       index is loaded (not rebuilt from the trail) and only the trail after the mark is
 *       replayed. Without a restored section the whole trail is replayed.</li>
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

    /**
     * A strategy's net quantity in a symbol (base units; positive long, negative short).
     *
     * @param strategy the strategy tag
     * @param symbol   the symbol
     * @param quantity the net quantity, exact
     */
    public record Net(String strategy, String symbol, BigDecimal quantity) {
    }

    /** The order source of an emergency flatten, the only one that may bypass the gate. */
    public static final String EMERGENCY_SOURCE = "emergency";

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
    /** The settled orders kept in memory, by shadow id, oldest settlement first. */
    private final LinkedHashMap<String, SettledOrder> window = new LinkedHashMap<>();
    /** Every order in the trail: where its order line is. */
    private final OrderIndex index = new OrderIndex();
    /** The restored section's trail mark; null replays the whole trail. */
    private ShadowTrail.Position restoredMark;
    /** The restored section's order index of the trail before the mark; null scans the trail. */
    private OrderIndex.Image restoredIndex;
    /** The section as restored (null when none), what a capture before the replay returns. */
    private JsonNode restoredSection;
    /** The trail has been replayed: the state and the trail's mark agree from now on. */
    private boolean replayed;
    private final StateSection section = new Section();
    private final Map<String, List<Order>> resting = new HashMap<>();
    private final Positions positions = new Positions();
    /**
     * The net executed quantity of the real legs per strategy and symbol ({@code strategy NUL
     * symbol}), from the {@code real} records this executor writes or replays (A/B real legs
     * and emergency flattens); what an emergency flatten closes when the mode sends.
     */
    private final Map<String, BigDecimal> realNet = new java.util.TreeMap<>();
    /** Client order ids of the real flatten orders recorded (real records without a twin). */
    private final java.util.Set<String> realFlattens = new java.util.HashSet<>();
    /** Admission of new orders (an emergency stop); see {@link #gate(OrderGate)}. */
    private volatile OrderGate gate = OrderGate.OPEN;
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
     * Sets the gate every new order passes ({@link OrderGate#OPEN} until set; the wiring sets
     * the emergency stop's before start). {@link #place} asks it twice: once before the latency
     * wait (a fast refusal) and once under the monitor at the instant the order is created,
     * with the strategy's net position in the symbol. A refused order records nothing.
     */
    public void gate(OrderGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
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
            log.info("shadow executor ready: {} orders in the trail of {} ({} in memory, {} "
                    + "resting, {} unreadable lines skipped); fees maker {} / taker {} bps; "
                    + "latency model {}", index.orders(), config.dir(), byId.size(),
                    resting.values().stream().mapToInt(List::size).sum(), replaySkipped,
                    config.makerFeeBps(), config.takerFeeBps(), config.latency());
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
            d.put("indexedOrders", index.orders());
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
        return place(request, true);
    }

    /**
     * Simulates an emergency flatten order without asking the gate: a stop refuses every new
     * order in its scope, yet its own flatten must close the scope's positions. Only requests
     * whose source is {@value #EMERGENCY_SOURCE} take this path; the HTTP and queue paths parse
     * their source as {@code http} or {@code queue}, so no signal can reach it. Everything else
     * (idempotency by client order id, validation, the trail) is as {@link #place}.
     *
     * @throws IllegalArgumentException the request's source is not {@value #EMERGENCY_SOURCE}
     */
    public Placement placeBypassingGate(OrderRequest request) {
        if (!EMERGENCY_SOURCE.equals(request.source())) {
            throw new IllegalArgumentException("only an emergency flatten (source "
                    + EMERGENCY_SOURCE + ") bypasses the order gate; source is "
                    + request.source());
        }
        return place(request, false);
    }

    /**
     * {@link #place}, asking the gate or not: the router's A/B path asks it itself (before the
     * real leg is sent) and then places the twin without asking again, so a pair admitted
     * before a stop is never split by it.
     */
    Placement place(OrderRequest request, boolean checkGate) {
        OrderRequest r = request.clientOrderId() == null
                ? request.withClientOrderId(newClientOrderId()) : request;
        List<ShadowTrail.Position> older;
        synchronized (this) {
            KnownOrder existing = byClientId.get(r.clientOrderId());
            if (existing != null) {
                return new Placement(existing.view(), true);
            }
            older = index.find(r.clientOrderId());
        }
        if (!older.isEmpty()) { // an order older than the window may have this id
            Optional<ShadowOrderView> first = fromTrail(r.clientOrderId(), older, true);
            if (first.isPresent()) {
                return new Placement(first.get(), true);
            }
        }
        OrderGate g = gate;
        if (checkGate && g != OrderGate.OPEN) { // fast refusal, before the latency wait
            BigDecimal held;
            synchronized (this) {
                held = positions.qty(r.strategy(), r.symbol());
            }
            g.admit(r, held);
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
            if (checkGate) { // the instant of creation: after a stop flips the gate, refused
                gate.admit(r, positions.qty(r.strategy(), r.symbol()));
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
            index.add(o.id, r.clientOrderId(), ticket.first());
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
        List<ShadowTrail.Position> older;
        synchronized (this) {
            older = lookup(orderId) == null ? index.find(orderId) : List.of();
        }
        if (!older.isEmpty()) { // out of the window, so settled: never open
            Optional<ShadowOrderView> old = fromTrail(orderId, older, false);
            if (old.isPresent()) {
                throw new OrderRejected(-2011, "orderId", "Unknown order sent. (the order is "
                        + old.get().status() + ", not open)");
            }
        }
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

    /**
     * Cancels every resting order whose strategy and symbol {@code covered} accepts, under the
     * monitor (no fill of a resting order can slip in between), with one {@code cancel} line
     * each in the trail, durable when this returns. An emergency stop's cancel step.
     *
     * @param covered (strategy, symbol) → true to cancel
     * @param reason  written in each cancel line
     * @return the cancelled orders, as the cancel left them
     */
    public List<ShadowOrderView> cancelAll(java.util.function.BiPredicate<String, String> covered,
                                           String reason) {
        List<Order> done = new ArrayList<>();
        ShadowTrail.Ticket ticket;
        synchronized (this) {
            long now = clock.getAsLong();
            List<Map<String, Object>> records = new ArrayList<>();
            for (List<Order> list : resting.values()) {
                for (Order o : List.copyOf(list)) {
                    if (covered.test(o.request.strategy(), o.request.symbol())) {
                        o.status = OrderStatus.CANCELED;
                        list.remove(o);
                        records.add(o.endRecord("cancel", now, reason));
                        done.add(o);
                    }
                }
            }
            resting.values().removeIf(List::isEmpty);
            if (done.isEmpty()) {
                return List.of();
            }
            ticket = trail.write(records);
            done.forEach(this::settleIfDone);
        }
        trail.awaitDurable(ticket);
        List<ShadowOrderView> views = new ArrayList<>();
        synchronized (this) {
            done.forEach(o -> views.add(o.view()));
        }
        views.forEach(v -> emit(new ShadowEvent.Ended(v, "canceled")));
        return views;
    }

    /** Every resting (open) order, oldest first. */
    public synchronized List<ShadowOrderView> openOrders() {
        List<Order> all = new ArrayList<>();
        resting.values().forEach(all::addAll);
        all.sort(java.util.Comparator.comparingLong(o -> o.createdAt));
        List<ShadowOrderView> out = new ArrayList<>();
        all.forEach(o -> out.add(o.view()));
        return out;
    }

    /** The net shadow position of every strategy and symbol that has traded (zeros included). */
    public synchronized List<Net> netPositions() {
        List<Net> out = new ArrayList<>();
        for (Positions.State p : positions.states()) {
            out.add(new Net(p.strategy(), p.symbol(), p.qty().stripTrailingZeros()));
        }
        return out;
    }

    /** A strategy's net shadow position in a symbol (zero when it never traded it). */
    public synchronized BigDecimal position(String strategy, String symbol) {
        return positions.qty(strategy, symbol);
    }

    /**
     * The net real position of every strategy and symbol whose real legs executed something
     * (zeros included): the executed quantities of the {@code real} lines this executor wrote
     * or replayed, bought minus sold. Only a sending mode has any.
     */
    public synchronized List<Net> realPositions() {
        List<Net> out = new ArrayList<>();
        realNet.forEach((k, q) -> {
            int nul = k.indexOf('\u0000');
            out.add(new Net(k.substring(0, nul), k.substring(nul + 1), q.stripTrailingZeros()));
        });
        return out;
    }

    /** True when a real flatten order with this client order id is in the trail already. */
    public synchronized boolean realFlattenRecorded(String clientOrderId) {
        return realFlattens.contains(clientOrderId);
    }

    /**
     * The symbol's LOT_SIZE step (zero when any quantity goes), empty when the exchange's rules
     * for it are not loaded.
     */
    public Optional<BigDecimal> stepSize(String symbol) {
        return Optional.ofNullable(rules.get(symbol)).map(SymbolRules::stepSize);
    }

    /**
     * An order by shadow id or client order id: from memory, or for an order older than the
     * window, read back from the trail.
     */
    public Optional<ShadowOrderView> get(String id) {
        List<ShadowTrail.Position> older;
        synchronized (this) {
            KnownOrder known = lookup(id);
            if (known != null) {
                return Optional.of(known.view());
            }
            older = index.find(id);
        }
        return older.isEmpty() ? Optional.empty() : fromTrail(id, older, false);
    }

    /** The most recent orders in memory (open ones and the recent window), newest first. */
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
        ShadowTrail.Ticket ticket;
        synchronized (this) { // in order with the state a snapshot captures with its mark
            ticket = trail.write(List.of(record.toMap()));
            tallyReal(record, record.side());
        }
        trail.awaitDurable(ticket);
        Double rtt = record.rttMs();
        emit(new ShadowEvent.RealPlaced(record.head().strategy(), record.head().symbol(),
                String.valueOf(record.status()).toLowerCase(java.util.Locale.ROOT),
                rtt != null ? rtt : 0));
    }

    /**
     * Adds a real leg's executed quantity to its strategy's real position ({@code side} null:
     * unknown, an older line whose twin is gone; nothing is added). Under the monitor.
     */
    private void tallyReal(TrailRecord.Real record, Side side) {
        if (record.head().orderId() == null && record.head().clientOrderId() != null) {
            realFlattens.add(record.head().clientOrderId()); // a flatten: no shadow twin
        }
        BigDecimal qty = record.executedQty();
        if (side == null || qty == null || qty.signum() <= 0) {
            return;
        }
        realNet.merge(record.head().strategy() + "\u0000" + record.head().symbol(),
                side == Side.BUY ? qty : qty.negate(), BigDecimal::add);
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

    /**
     * The executor's part of the state snapshot ({@code "shadow"}, restorable): positions, open
     * orders, the recent window of settled orders and the trail mark they include, captured
     * under the executor's monitor (format in {@link ShadowState}); until start has replayed the
     * trail, a capture returns what the replay starts from. Restore it before {@link #start()}:
     * start then replays only the trail after the mark.
     */
    public StateSection stateSection() {
        return section;
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
        ShadowTrail.Position from = restoredMark != null ? restoredMark
                : ShadowTrail.Position.START;
        if (restoredIndex != null) { // the snapshot's index: no scan of the trail before the mark
            java.util.Set<String> alive = new java.util.HashSet<>();
            for (java.nio.file.Path f : ShadowTrail.files(config.dir())) {
                alive.add(f.getFileName().toString());
            }
            synchronized (this) {
                index.load(restoredIndex, alive);
            }
            restoredIndex = null;
        } else if (from.compareTo(ShadowTrail.Position.START) > 0) {
            indexUntil(from);
        }
        int[] skipped = {0};
        ShadowTrail.Walk w = ShadowTrail.walk(config.dir(), from, (at, line, len) -> {
            JsonNode node = ShadowTrail.parseLine(json, line, len);
            if (node == null) {
                skipped[0]++;
                log.warn("shadow trail {}: skipping an unreadable line at byte {}",
                        at.segment(), at.offset());
            } else {
                TrailRecord.parse(node).ifPresent(r -> replayOne(at, r));
            }
            return true;
        });
        replaySkipped = skipped[0];
        if (restoredMark != null) {
            if (!w.fromFound()) {
                log.warn("shadow: the snapshot's trail mark {} byte {} is gone (retention "
                        + "deleted the file?); replayed the {} later trail files; lines written "
                        + "to that file after the snapshot are lost", from.segment(),
                        from.offset(), w.files());
            }
            if (w.fromBeyondEnd()) {
                log.warn("shadow: the trail is behind the snapshot: {} is shorter than its mark "
                        + "at byte {}; kept the snapshot's state and replayed only later files",
                        from.segment(), from.offset());
            }
            if (w.fromMidLine()) {
                log.warn("shadow: the snapshot's trail mark {} byte {} is not at a line start; "
                        + "replayed from the next line", from.segment(), from.offset());
            }
        }
        long now = clock.getAsLong();
        synchronized (this) {
            resting.values().forEach(l -> l.removeIf(o -> !o.resting()));
            resting.values().removeIf(List::isEmpty);
            for (KnownOrder o : List.copyOf(byId.values())) {
                if (o instanceof Order live) {
                    settleIfDone(live);
                }
            }
            replayed = true;
            restoredSection = null;
        }
        log.debug("shadow replay done at {}", now);
    }

    /**
     * Indexes the orders of the trail before {@code mark} (their state came from the snapshot):
     * reads only the first fields of each {@code order} line.
     */
    private void indexUntil(ShadowTrail.Position mark) throws java.io.IOException {
        byte[] prefix = "{\"kind\":\"order\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ShadowTrail.walk(config.dir(), ShadowTrail.Position.START, (at, line, len) -> {
            if (at.compareTo(mark) >= 0) {
                return false;
            }
            if (!startsWith(line, len, prefix)) {
                return true;
            }
            String id = null;
            String cid = null;
            try (com.fasterxml.jackson.core.JsonParser p = json.getFactory()
                    .createParser(line, 0, len)) {
                p.nextToken();
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
                        && (id == null || cid == null)) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("orderId")) {
                        id = p.getValueAsString();
                    } else if (field.equals("clientOrderId")) {
                        cid = p.getValueAsString();
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (java.io.IOException torn) {
                // an unreadable line: no order to index
            }
            if (id != null) {
                synchronized (this) {
                    index.add(id, cid, at);
                }
            }
            return true;
        });
    }

    private static boolean startsWith(byte[] line, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private synchronized void replayOne(ShadowTrail.Position at, TrailRecord record) {
        if (record instanceof TrailRecord.Order r) {
            Order o = orderOf(r);
            byId.put(o.id, o);
            byClientId.put(o.request.clientOrderId(), o);
            index.add(o.id, o.request.clientOrderId(), at);
            if (o.request.type() == Type.LIMIT && o.request.timeInForce() == TimeInForce.GTC) {
                resting.computeIfAbsent(o.request.symbol(), k -> new ArrayList<>()).add(o);
            }
            bumpSeq(o.id);
            return;
        }
        if (record instanceof TrailRecord.Reject) {
            return; // a reject record names no order: nothing to replay
        }
        Head h = headOf(record);
        KnownOrder known = h.orderId() == null ? null : byId.get(h.orderId());
        if (known == null && record instanceof TrailRecord.Real) {
            known = byClientId.get(h.clientOrderId());
        }
        if (record instanceof TrailRecord.Real real) { // the real position, side from the twin
            Side side = real.side() != null ? real.side()
                    : known == null ? null : Side.valueOf(known.view().side());
            tallyReal(real, side);
        }
        if (known instanceof Order o) {
            applyToOrder(o, record);
            if (record instanceof TrailRecord.Fill f) {
                positions.fill(o.request.strategy(), o.request.symbol(),
                        o.request.side() == Side.BUY, f.price(), f.qty(),
                        f.fee() == null ? BigDecimal.ZERO : f.fee());
            }
            if (!o.resting()) {
                unrest(o);
                settleIfDone(o);
            }
        } else if (known instanceof SettledOrder s && record instanceof TrailRecord.Real r) {
            ShadowOrderView v = s.view();
            SettledOrder paired = SettledOrder.of(withPair(v, r.pairId()), s.createdAt());
            store(v.orderId(), v.clientOrderId(), paired);
            window.replace(v.orderId(), paired);
        }
    }

    private static Head headOf(TrailRecord r) {
        if (r instanceof TrailRecord.Fill f) {
            return f.head();
        } else if (r instanceof TrailRecord.End e) {
            return e.head();
        } else if (r instanceof TrailRecord.Real re) {
            return re.head();
        } else if (r instanceof TrailRecord.Order o) {
            return o.head();
        }
        return ((TrailRecord.Reject) r).head();
    }

    /** A live order as its {@code order} line left it (status NEW: later lines move it). */
    private Order orderOf(TrailRecord.Order r) {
        String id = r.head().orderId();
        OrderRequest req = new OrderRequest(r.head().symbol(), r.side(), r.type(),
                r.timeInForce(), r.price(), r.quantity(), r.head().strategy(),
                r.head().clientOrderId(), null, r.decisionAt(),
                r.source() == null ? "http" : r.source());
        Order o = new Order(id, req, r.createdAt(), rulesOf(req.symbol(), r.feeAsset()));
        o.arrivalMid = r.arrivalMid();
        o.arrivalBid = r.arrivalBestBid();
        o.arrivalAsk = r.arrivalBestAsk();
        o.ackAt = r.ackAt();
        o.queueAhead = r.queueAhead() != null ? r.queueAhead() : BigDecimal.ZERO;
        o.expiresAt = r.expiresAt();
        o.pairId = r.pairId();
        o.status = OrderStatus.NEW;
        return o;
    }

    private static SymbolRules rulesOf(String symbol, String feeAsset) {
        return new SymbolRules(symbol, "", feeAsset == null ? "USDT" : feeAsset,
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** A later line of the order's (fill, end, real leg) applied to its state, not positions. */
    private static void applyToOrder(Order o, TrailRecord record) {
        if (record instanceof TrailRecord.Fill r) {
            BigDecimal price = r.price();
            BigDecimal qty = r.qty();
            o.fills.add(new ShadowOrderView.FillView(price, qty, r.fee(), r.feeAsset(),
                    r.liquidity(), r.fillAt()));
            o.executed = o.executed.add(qty);
            o.quote = o.quote.add(price.multiply(qty));
            o.status = OrderStatus.afterFill(o.remaining());
        } else if (record instanceof TrailRecord.Real r) {
            o.pairId = r.pairId(); // the real leg of an A/B pair answered: the twin is paired
        } else if (record instanceof TrailRecord.End r) {
            o.status = r.status();
        }
    }

    /**
     * An order older than the window, read back from the trail: the {@code order} line at one
     * of {@code candidates} that names {@code key} (as its client order id, or with
     * {@code clientIdOnly} false also as its shadow id), then its later lines until it settled.
     * Outside the monitor: it reads files.
     */
    private Optional<ShadowOrderView> fromTrail(String key, List<ShadowTrail.Position> candidates,
                                                boolean clientIdOnly) {
        for (ShadowTrail.Position at : candidates) {
            try {
                Order o = readOrder(at, key, clientIdOnly);
                if (o != null) {
                    return Optional.of(o.view());
                }
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("shadow: order {} not read back from {} byte {}: {}", key,
                        at.segment(), at.offset(), e.toString());
            }
        }
        return Optional.empty();
    }

    private Order readOrder(ShadowTrail.Position at, String key, boolean clientIdOnly)
            throws java.io.IOException {
        Order[] found = {null};
        byte[][] needle = {null};
        ShadowTrail.walk(config.dir(), at, (pos, line, len) -> {
            if (found[0] == null) { // the first line must be the order's own
                JsonNode n = ShadowTrail.parseLine(json, line, len);
                TrailRecord r = n == null ? null : TrailRecord.parse(n).orElse(null);
                if (!(r instanceof TrailRecord.Order or) || !(key.equals(
                        or.head().clientOrderId()) || !clientIdOnly
                        && key.equals(or.head().orderId()))) {
                    return false;
                }
                found[0] = orderOf(or);
                needle[0] = ("\"orderId\":\"" + or.head().orderId() + "\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                return true;
            }
            if (!found[0].resting() || !contains(line, len, needle[0])) {
                return found[0].resting();
            }
            JsonNode n = ShadowTrail.parseLine(json, line, len);
            TrailRecord r = n == null ? null : TrailRecord.parse(n).orElse(null);
            if (r != null && !(r instanceof TrailRecord.Order)
                    && found[0].id.equals(headOf(r).orderId())) {
                applyToOrder(found[0], r);
            }
            return found[0].resting();
        });
        return found[0];
    }

    private static boolean contains(byte[] line, int len, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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

    /**
     * A live order that will not change again is kept as a {@link SettledOrder} from now on, in
     * the recent window; the window's oldest order leaves memory (the index still finds it).
     */
    private void settleIfDone(Order o) {
        if (!o.resting()) {
            SettledOrder s = SettledOrder.of(o.view(), o.createdAt);
            store(o.id, o.request.clientOrderId(), s);
            window.put(o.id, s);
            evict();
        }
    }

    private void evict() {
        Iterator<SettledOrder> oldest = window.values().iterator();
        while (window.size() > config.recentOrders()) {
            SettledOrder s = oldest.next();
            oldest.remove();
            byId.remove(s.orderId(), s);
            byClientId.remove(s.clientOrderId(), s);
        }
    }

    private void store(String orderId, String clientOrderId, KnownOrder entry) {
        byId.put(orderId, entry);
        byClientId.put(clientOrderId, entry);
        if (entry instanceof SettledOrder s) {
            window.replace(orderId, s);
        }
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

    // ------------------------------------------------------------------ state snapshot

    /** The {@code "shadow"} state section; see {@link #stateSection()}. */
    private final class Section implements StateSection {
        @Override
        public String name() {
            return "shadow";
        }

        @Override
        public boolean restorable() {
            return true;
        }

        @Override
        public JsonNode capture() {
            ShadowState state;
            synchronized (ShadowExecutor.this) { // the mark and the state agree
                if (!replayed) { // before or during the replay at start: what it starts from
                    return restoredSection != null ? restoredSection.deepCopy()
                            : new ShadowState(ShadowTrail.Position.START, seq.get(), List.of(),
                            List.of(), List.of(), null).toJson();
                }
                ShadowTrail.Position mark = trail.mark();
                List<ShadowState.Resting> open = new ArrayList<>();
                for (List<Order> list : resting.values()) {
                    for (Order o : list) {
                        open.add(new ShadowState.Resting(o.view(), o.createdAt, o.queueAhead,
                                o.rules.quoteAsset()));
                    }
                }
                state = new ShadowState(mark, seq.get(), positions.states(), open,
                        List.copyOf(window.values()), index.image(), realNet,
                        List.copyOf(realFlattens));
            }
            return state.toJson(); // outside the monitor: the copies are immutable
        }

        @Override
        public void restore(JsonNode state) {
            ShadowState parsed = ShadowState.parse(state);
            synchronized (ShadowExecutor.this) {
                restoreState(parsed);
                restoredSection = state; // never changed here: a capture returns a deep copy
            }
        }
    }

    /** Loads a checked section; only before {@link #start()} and only into an empty executor. */
    private synchronized void restoreState(ShadowState state) {
        if (trail != null || !byId.isEmpty() || restoredMark != null) {
            throw new IllegalStateException("the shadow state is restored once, before the "
                    + "executor starts");
        }
        List<Order> open = new ArrayList<>();
        for (ShadowState.Resting r : state.resting()) {
            ShadowOrderView v = r.view();
            OrderRequest req = new OrderRequest(v.symbol(), Side.valueOf(v.side()),
                    Type.valueOf(v.type()), TimeInForce.GTC, v.price(), v.origQty(),
                    v.strategy(), v.clientOrderId(), null, v.decisionAt(),
                    v.source() == null ? "http" : v.source());
            Order o = new Order(v.orderId(), req, r.createdAt(), rulesOf(v.symbol(),
                    r.feeAsset()));
            o.fills.addAll(v.fills());
            o.executed = v.executedQty();
            o.quote = v.cummulativeQuoteQty();
            o.arrivalMid = v.arrivalMid();
            o.arrivalBid = v.arrivalBestBid();
            o.arrivalAsk = v.arrivalBestAsk();
            o.priceImprovementBps = v.priceImprovementBps();
            o.queueAhead = r.queueAhead();
            o.expiresAt = v.expiresAt();
            o.status = v.status();
            o.pairId = v.pairId();
            o.ackAt = v.ackAt();
            open.add(o);
        }
        positions.load(state.positions());
        realNet.putAll(state.real());
        realFlattens.addAll(state.realFlattens());
        for (Order o : open) {
            byId.put(o.id, o);
            byClientId.put(o.request.clientOrderId(), o);
            resting.computeIfAbsent(o.request.symbol(), k -> new ArrayList<>()).add(o);
        }
        for (SettledOrder s : state.recent()) {
            byId.put(s.orderId(), s);
            byClientId.put(s.clientOrderId(), s);
            window.put(s.orderId(), s);
        }
        evict();
        seq.accumulateAndGet(state.seq(), Math::max);
        restoredMark = state.mark();
        restoredIndex = state.index();
        log.info("shadow state restored: {} positions, {} resting orders, {} recent orders; "
                + "the trail is replayed from {} byte {}", state.positions().size(), open.size(),
                state.recent().size(), restoredMark.segment(), restoredMark.offset());
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
