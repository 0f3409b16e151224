package io.spark.day9.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.time.Scheduler;
import io.spark.day9.time.SystemScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logic of an in-process stand-in for Binance Spot, without any web framework: the markets,
 * the order book matching ({@link SimOrders}), request weights, fault hooks and what each stream
 * subscriber receives. The HTTP/WebSocket adapter {@code io.spark.day9.sim.server.SimServer}
 * serves it over real sockets on 127.0.0.1, so the market client cannot tell the difference
 * (the machine has no internet).
 *
 * <p>REST ({@link #routes()}): {@code /api/v3/ping}, {@code /api/v3/time},
 * {@code /api/v3/exchangeInfo}, {@code /api/v3/depth}, the signed order, order-list and
 * account endpoints and the user data stream's listen keys ({@link SimOrders}: balances per
 * API key, {@link #balances}; events on {@code /ws/<listenKey>}), with
 * Binance's shapes, request weights ({@code X-MBX-USED-WEIGHT-1M}, 429 code -1003 past the
 * budget) and error bodies ({@link SimError}); the market-data endpoints ({@code trades},
 * {@code aggTrades}, {@code klines}, tickers, {@code avgPrice}) are {@link SimMarketData}'s, built
 * from each symbol's bounded {@link SimHistory}. Streams ({@link #subscribe}, live requests
 * through {@link #onMessage}): combined streams such as
 * {@code btcusdt@bookTicker/btcusdt@depth@100ms/btcusdt@trade} with Binance's envelopes and
 * payloads, or raw streams; names match as {@link SimStreams} says; {@code @depth},
 * {@code @kline_<i>}, {@code @ticker} and {@code @miniTicker} go out once a second on the
 * market lane. Connections older than {@code maxConnectionAgeMs} are closed.
 *
 * <p>The market is a seeded random walk per symbol ({@link SimMarket}); {@link #book} reads the
 * simulator's own book, for tests that compare a client's local book with it. Fault hooks are
 * in {@link #faults()}.
 *
 * <p>Threading: one lane of a {@link Scheduler} ({@code day9-sim-market}, on the clock given
 * at start) moves every market and broadcasts; REST and stream callbacks run on the adapter's
 * threads. Market state is guarded by this object's monitor.
 */
public final class SimExchange implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimExchange.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimConfig config;
    private final LongSupplier clock;
    private final Map<String, SimMarket> markets = new LinkedHashMap<>();
    private final Map<SimSubscriber, Subscription> sessions = new ConcurrentHashMap<>();
    private final SimFaults faults = new SimFaults(this);
    private final SimOrders orders = new SimOrders(this);
    private final SimMarketData data;
    /** Per symbol: the book changes since the last {@code @depth} (1000 ms) event. */
    private final Map<String, DepthBatch> depthBatches = new LinkedHashMap<>();
    private final AtomicLong weightUsed = new AtomicLong();
    private final AtomicLong weightMinute = new AtomicLong();
    private final Scheduler.Lane ticker;
    private final SystemScheduler ownScheduler;
    private volatile boolean paused;

    /**
     * A stream subscriber's streams (canonical names, see {@link SimStreams}) and when it
     * connected. {@code combined} is where SUBSCRIBE adds: true on {@code /stream}
     * connections (or after {@code SET_PROPERTY combined true}), false on {@code /ws}.
     */
    private static final class Subscription {
        final Set<String> combinedStreams = ConcurrentHashMap.newKeySet();
        final Set<String> rawStreams = ConcurrentHashMap.newKeySet();
        final long connectedAt;
        volatile boolean combined;

        Subscription(long connectedAt, boolean combined) {
            this.connectedAt = connectedAt;
            this.combined = combined;
        }

        long connectedAt() {
            return connectedAt;
        }
    }

    /** Book changes since the last one-second depth event: first id, latest qty per level. */
    private static final class DepthBatch {
        long firstId = -1;
        final Map<Long, Long> bids = new LinkedHashMap<>();
        final Map<Long, Long> asks = new LinkedHashMap<>();
    }

    private SimExchange(SimConfig config, LongSupplier clock, Scheduler scheduler,
                        SystemScheduler ownScheduler) {
        this.config = config;
        this.clock = clock;
        this.ownScheduler = ownScheduler;
        SplittableRandom seeds = new SplittableRandom(config.seed());
        for (String symbol : config.symbols()) {
            long mid = symbol.startsWith("BTC") ? 6_500_000 : symbol.startsWith("ETH") ? 350_000
                    : 10_000;
            markets.put(symbol, new SimMarket(symbol, mid, 2, 5, seeds.split()));
            depthBatches.put(symbol, new DepthBatch());
        }
        data = new SimMarketData(this, markets.values());
        ticker = scheduler.lane("day9-sim-market");
    }

    /**
     * Creates the simulator and starts moving its markets (every {@code updateIntervalMs}) with
     * a clock (epoch ms), ticking on its own scheduler. Serving it is the adapter's job
     * ({@code io.spark.day9.sim.server.SimServer.start}).
     */
    public static SimExchange start(SimConfig config, LongSupplier clock) {
        SystemScheduler own = new SystemScheduler();
        SimExchange sim = new SimExchange(config, clock, own, own);
        sim.startTicking();
        return sim;
    }

    /**
     * As {@link #start(SimConfig, LongSupplier)}, ticking on {@code scheduler}, whose time is
     * {@code clock} (the executor's, so a manual clock moves the market too).
     */
    public static SimExchange start(SimConfig config, LongSupplier clock, Scheduler scheduler) {
        SimExchange sim = new SimExchange(config, clock, scheduler, null);
        sim.startTicking();
        return sim;
    }

    private void startTicking() {
        Duration every = Duration.ofMillis(config.updateIntervalMs());
        ticker.every(every, every, this::tick);
        ticker.every(Duration.ofMillis(250), Duration.ofMillis(250), this::housekeeping);
        ticker.every(Duration.ofSeconds(1), Duration.ofSeconds(1), this::everySecond);
    }

    /**
     * The REST endpoints, in registration order: the adapter serves each as it is. A new
     * endpoint is one more entry here and one method.
     */
    public List<SimRoute> routes() {
        return List.of(
                get("/api/v3/ping", call -> {
                    weighted(call, 1);
                    return "{}";
                }),
                get("/api/v3/time", call -> {
                    weighted(call, 1);
                    return Map.of("serverTime", now());
                }),
                get("/api/v3/exchangeInfo", call -> {
                    weighted(call, 20);
                    List<SimMarket> chosen = data.selection(call);
                    return exchangeInfo(chosen == null ? markets.values() : chosen);
                }),
                get("/api/v3/depth", this::depth),
                new SimRoute(SimRoute.Method.POST, "/api/v3/order/test", orders::test),
                new SimRoute(SimRoute.Method.POST, "/api/v3/order", orders::place),
                get("/api/v3/order", orders::query),
                new SimRoute(SimRoute.Method.DELETE, "/api/v3/order", orders::cancel),
                get("/api/v3/trades", data::trades),
                get("/api/v3/aggTrades", data::aggTrades),
                get("/api/v3/klines", data::klines),
                get("/api/v3/ticker/24hr", data::ticker24h),
                get("/api/v3/ticker/price", data::tickerPrice),
                get("/api/v3/ticker/bookTicker", data::bookTicker),
                get("/api/v3/avgPrice", data::avgPrice),
                get("/sapi/v1/capital/config/getall", this::coins),
                get("/api/v3/openOrders", orders::openOrders),
                new SimRoute(SimRoute.Method.DELETE, "/api/v3/openOrders", orders::cancelAll),
                get("/api/v3/allOrders", orders::allOrders),
                get("/api/v3/myTrades", orders::myTrades),
                get("/api/v3/account", orders::account),
                new SimRoute(SimRoute.Method.POST, "/api/v3/userDataStream", orders::openStream),
                new SimRoute(SimRoute.Method.PUT, "/api/v3/userDataStream",
                        orders::keepAliveStream),
                new SimRoute(SimRoute.Method.DELETE, "/api/v3/userDataStream",
                        orders::closeStream),
                get("/sapi/v1/margin/allPairs", call -> {
                    weighted(call, 1);
                    orders.checkApiKey(call);
                    return "[]"; // margin is not modelled
                }),
                get("/sapi/v1/margin/isolated/allPairs", call -> {
                    orders.checkSigned(call, 10);
                    return "[]";
                }));
    }

    private static SimRoute get(String path, SimRoute.Handler handler) {
        return new SimRoute(SimRoute.Method.GET, path, handler);
    }

    public SimConfig config() {
        return config;
    }

    public SimFaults faults() {
        return faults;
    }

    /** Open stream connections. */
    public int connections() {
        return sessions.size();
    }

    /**
     * Starts sending {@code subscriber} the named streams: {@code combined} ones in Binance's
     * {@code {"stream":…,"data":…}} envelope, {@code raw} ones as bare payloads (names are
     * case-insensitive, e.g. {@code btcusdt@depth@100ms}).
     */
    public void subscribe(SimSubscriber subscriber, Collection<String> combined,
                          Collection<String> raw) {
        subscribe(subscriber, combined, raw, !combined.isEmpty());
    }

    /**
     * As {@link #subscribe(SimSubscriber, Collection, Collection)}; {@code combinedConnection}
     * says whether streams added later by a {@code SUBSCRIBE} message ({@link #onMessage}) come
     * in the combined envelope ({@code /stream}) or raw ({@code /ws}).
     */
    public void subscribe(SimSubscriber subscriber, Collection<String> combined,
                          Collection<String> raw, boolean combinedConnection) {
        Subscription sub = new Subscription(clock.getAsLong(), combinedConnection);
        for (String s : combined) {
            sub.combinedStreams.add(SimStreams.key(s));
        }
        for (String s : raw) {
            sub.rawStreams.add(SimStreams.key(s));
        }
        sessions.put(subscriber, sub);
    }

    /**
     * Answers one text frame a subscriber sent: Binance's live subscription requests
     * {@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS}, {@code SET_PROPERTY}
     * and {@code GET_PROPERTY} ({@code combined}), e.g.
     * {@code {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}} answered
     * {@code {"result":null,"id":1}}; a bad request gets Binance's error answer
     * ({@code {"code":2,"msg":"Invalid request: …","id":1}}, code 3 for invalid JSON). The
     * answer is sent to the subscriber before any event of a stream it subscribes to, and
     * returned; null (nothing sent) for a subscriber that is not connected.
     */
    public String onMessage(SimSubscriber subscriber, String text) {
        Subscription sub = sessions.get(subscriber);
        if (sub == null) {
            return null;
        }
        List<Runnable> after = new ArrayList<>(); // subscriptions start once answered
        String answer = SimWsRequests.answer(text, new SimWsRequests.Session() {
            @Override
            public void add(List<String> names) {
                Set<String> into = sub.combined ? sub.combinedStreams : sub.rawStreams;
                for (String n : names) {
                    String key = SimStreams.key(n);
                    after.add(() -> into.add(key));
                }
            }

            @Override
            public void remove(List<String> names) {
                for (String n : names) {
                    String key = SimStreams.key(n);
                    sub.combinedStreams.remove(key);
                    sub.rawStreams.remove(key);
                }
            }

            @Override
            public List<String> list() {
                List<String> all = new ArrayList<>(sub.combinedStreams);
                all.addAll(sub.rawStreams);
                return all;
            }

            @Override
            public boolean combined() {
                return sub.combined;
            }

            @Override
            public void combined(boolean on) {
                sub.combined = on;
            }
        });
        try {
            subscriber.send(answer);
        } catch (Exception e) { // the adapter may throw IOException unchecked
            sessions.remove(subscriber);
            return answer;
        }
        after.forEach(Runnable::run);
        return answer;
    }

    /** Stops sending to {@code subscriber} (closed, failed, or gone). */
    public void unsubscribe(SimSubscriber subscriber) {
        sessions.remove(subscriber);
    }

    /** Stops (true) or resumes (false) market updates; streams go quiet but stay open. */
    public void pause(boolean pause) {
        paused = pause;
    }

    /**
     * The simulator's own current book.
     *
     * @param lastUpdateId the last update id applied
     * @param bids         [price, qty] strings, best first
     * @param asks         [price, qty] strings, best first
     */
    public record BookSnapshot(long lastUpdateId, List<List<String>> bids,
                               List<List<String>> asks) {
    }

    /** The whole book of {@code symbol}. */
    public synchronized BookSnapshot book(String symbol) {
        SimMarket m = market(symbol);
        return new BookSnapshot(m.lastUpdateId(), levels(m, m.bids(Integer.MAX_VALUE)),
                levels(m, m.asks(Integer.MAX_VALUE)));
    }

    /** Stops the market; the adapter closes its connections. */
    @Override
    public void close() {
        ticker.close();
        if (ownScheduler != null) {
            ownScheduler.close();
        }
    }

    long now() {
        return clock.getAsLong() + faults.clockSkewMs;
    }

    int dropAll() {
        int n = 0;
        for (SimSubscriber sub : List.copyOf(sessions.keySet())) {
            sessions.remove(sub);
            try {
                sub.disconnect();
                n++;
            } catch (Exception e) {
                log.debug("sim: disconnect failed: {}", e.toString());
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ REST

    /**
     * The check before every {@code /api/*} call: while the REST fault hook is on, the call is
     * refused with 429 or 418 and {@code Retry-After}.
     *
     * @throws SimError the refusal
     */
    public void checkLimits(SimCall call) {
        long now = clock.getAsLong();
        // every answer carries the weight used, even one that is refused or unknown
        call.answerHeader("X-MBX-USED-WEIGHT-1M", Long.toString(weightUsedNow()));
        if (now < faults.restFaultUntil.get()) {
            faults.restRefused.incrementAndGet();
            call.answerHeader("Retry-After", Integer.toString(faults.restRetryAfterSec));
            int status = faults.restFaultStatus;
            throw new SimError(status, -1003, status == 418
                    ? "Way too many requests; IP banned until " + faults.restFaultUntil.get()
                    : "Too many requests; current limit is " + config.weightPerMinute()
                    + " request weight per 1 MINUTE.");
        }
    }

    /**
     * One asset of an account: what it may spend and what its open orders hold.
     *
     * @param asset  e.g. {@code USDT}
     * @param free   spendable
     * @param locked held by open orders
     */
    public record Balance(String asset, java.math.BigDecimal free, java.math.BigDecimal locked) {
    }

    /**
     * The balances of {@code apiKey}'s account by asset (an account not used yet shows its
     * start balances).
     */
    public synchronized Map<String, Balance> balances(String apiKey) {
        Map<String, Balance> out = new java.util.TreeMap<>();
        orders.account(apiKey).balances().forEach((asset, b) ->
                out.put(asset, new Balance(asset, b.free, b.locked)));
        return out;
    }

    /** Sends a user data event to the connections of {@code listenKey} (raw or combined). */
    void deliver(String listenKey, String payload) {
        String key = SimStreams.key(listenKey);
        for (Map.Entry<SimSubscriber, Subscription> e : sessions.entrySet()) {
            boolean combined = e.getValue().combinedStreams.contains(key);
            if (!combined && !e.getValue().rawStreams.contains(key)) {
                continue;
            }
            try {
                e.getKey().send(combined ? "{\"stream\":\"" + listenKey + "\",\"data\":"
                        + payload + "}" : payload);
            } catch (Exception ex) { // the adapter may throw IOException unchecked
                sessions.remove(e.getKey());
            }
        }
    }

    /** Closes the connections of {@code listenKey} (closed or expired). */
    void closeStream(String listenKey, String reason) {
        String key = SimStreams.key(listenKey);
        sessions.forEach((subscriber, sub) -> {
            if (sub.combinedStreams.contains(key) || sub.rawStreams.contains(key)) {
                sessions.remove(subscriber);
                subscriber.close(1000, reason);
            }
        });
    }

    /** Counts request weight (for the order endpoints). */
    void weigh(SimCall call, int weight) {
        weighted(call, weight);
    }

    /** Orders that reached the order endpoint (not the test endpoint). */
    public long ordersPlaced() {
        return orders.placed();
    }

    SimMarket marketOrNull(String symbol) {
        return markets.get(symbol.toUpperCase(Locale.ROOT));
    }

    /** The request weight used in the current minute (on the clock). */
    public long weightUsedNow() {
        long minute = clock.getAsLong() / 60_000;
        return weightMinute.get() == minute ? weightUsed.get() : 0;
    }

    private void weighted(SimCall call, int weight) {
        long minute = clock.getAsLong() / 60_000;
        if (weightMinute.getAndSet(minute) != minute) {
            weightUsed.set(0);
        }
        long used = weightUsed.addAndGet(weight);
        call.answerHeader("X-MBX-USED-WEIGHT-1M", Long.toString(used));
        if (used > config.weightPerMinute()) {
            call.answerHeader("Retry-After", Long.toString(60 - (clock.getAsLong() / 1000) % 60));
            throw new SimError(429, -1003, "Too many requests; current limit is "
                    + config.weightPerMinute() + " request weight per 1 MINUTE.");
        }
    }

    private String depth(SimCall call) {
        String symbol;
        try { // -1102 missing, -1100 malformed, -1121 not listed, as every market-data route
            symbol = data.symbol(call).symbol;
        } catch (SimError e) {
            weighted(call, 2);
            throw e;
        }
        int limit = 100;
        String l = call.query("limit");
        try {
            if (l != null) {
                limit = Integer.parseInt(l);
            }
        } catch (NumberFormatException e) {
            throw new SimError(400, -1100, "Illegal characters found in parameter 'limit'.");
        }
        if (limit < 1 || limit > 5000) {
            throw new SimError(400, -1100, "Illegal characters found in parameter 'limit'; "
                    + "legal range is '1'..'5000'.");
        }
        weighted(call, limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250);
        ObjectNode out = JSON.createObjectNode();
        synchronized (this) {
            SimMarket m = market(symbol);
            out.put("lastUpdateId", m.lastUpdateId());
            out.set("bids", pairs(m, m.bids(limit)));
            out.set("asks", pairs(m, m.asks(limit)));
        }
        return out.toString();
    }

    /** The listed markets, in configuration order. */
    List<SimMarket> marketList() {
        return List.copyOf(markets.values());
    }

    private Map<String, Object> exchangeInfo(Collection<SimMarket> listed) {
        List<Object> symbols = new ArrayList<>();
        for (SimMarket m : listed) {
            String base = m.symbol.endsWith("USDT") ? m.symbol.substring(0, m.symbol.length() - 4)
                    : m.symbol.substring(0, 3);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("symbol", m.symbol);
            s.put("status", "TRADING");
            s.put("baseAsset", base);
            s.put("baseAssetPrecision", 8);
            s.put("quoteAsset", m.symbol.substring(base.length()));
            s.put("quotePrecision", 8);
            s.put("orderTypes", List.of("LIMIT", "MARKET"));
            s.put("filters", List.of(
                    Map.of("filterType", "PRICE_FILTER", "minPrice", "0.01000000",
                            "maxPrice", "1000000.00000000", "tickSize", "0.01000000"),
                    Map.of("filterType", "LOT_SIZE", "minQty", "0.00001000",
                            "maxQty", "9000.00000000", "stepSize", "0.00001000"),
                    Map.of("filterType", "NOTIONAL", "minNotional", "5.00000000",
                            "applyMinToMarket", true, "maxNotional", "9000000.00000000",
                            "applyMaxToMarket", false, "avgPriceMins", 5)));
            symbols.add(s);
        }
        return Map.of("timezone", "UTC", "serverTime", now(),
                "rateLimits", List.of(Map.of("rateLimitType", "REQUEST_WEIGHT",
                        "interval", "MINUTE", "intervalNum", 1, "limit",
                        config.weightPerMinute())),
                "symbols", symbols);
    }

    /**
     * {@code GET /sapi/v1/capital/config/getall} (signed, weight 10): one entry per asset of the
     * listed symbols, each with one network, deposits and withdrawals enabled, so that ccxt's
     * {@code fetchCurrencies} (part of its default {@code loadMarkets} once a key is set)
     * succeeds. Balances here are 0: they are in {@code /api/v3/account}.
     */
    private Object coins(SimCall call) {
        orders.checkSigned(call, 10);
        java.util.Set<String> assets = new java.util.LinkedHashSet<>();
        for (SimMarket m : markets.values()) {
            String base = baseAsset(m);
            assets.add(base);
            assets.add(m.symbol.substring(base.length()));
        }
        ArrayNode out = JSON.createArrayNode();
        for (String a : assets) {
            ObjectNode c = out.addObject().put("coin", a).put("depositAllEnable", true)
                    .put("withdrawAllEnable", true).put("name", a).put("free", "0")
                    .put("locked", "0").put("freeze", "0").put("withdrawing", "0")
                    .put("ipoing", "0").put("ipoable", "0").put("storage", "0")
                    .put("isLegalMoney", false).put("trading", true);
            c.putArray("networkList").addObject().put("network", a).put("coin", a)
                    .put("withdrawIntegerMultiple", "0.00000001").put("isDefault", true)
                    .put("depositEnable", true).put("withdrawEnable", true)
                    .put("depositDesc", "").put("withdrawDesc", "").put("specialTips", "")
                    .put("name", a).put("resetAddressStatus", false)
                    .put("addressRegex", "").put("memoRegex", "")
                    .put("withdrawFee", "0").put("withdrawMin", "0")
                    .put("withdrawMax", "9999999999.99999999").put("minConfirm", 1)
                    .put("unLockConfirm", 0).put("sameAddress", false)
                    .put("estimatedArrivalTime", 1).put("busy", false);
        }
        return out.toString();
    }

    /*
     * GET /sapi/v1/margin/allPairs (API key, weight 1) and /sapi/v1/margin/isolated/allPairs
     * (signed, weight 10) answer [] above: no pair is marginable. ccxt's default loadMarkets asks
     * for both once a key is set (options fetchMargins), and only needs arrays back.
     */

    private static String baseAsset(SimMarket m) {
        return m.symbol.endsWith("USDT") ? m.symbol.substring(0, m.symbol.length() - 4)
                : m.symbol.substring(0, 3);
    }

    // ------------------------------------------------------------------ streams

    private void housekeeping() {
        expireListenKeys();
        long now = clock.getAsLong();
        sessions.forEach((subscriber, sub) -> {
            if (now - sub.connectedAt() > config.maxConnectionAgeMs()) {
                sessions.remove(subscriber);
                subscriber.close(1000, "connection older than the limit");
            }
        });
    }

    /**
     * Listen keys not kept alive for 60 minutes expire: their connections get Binance's
     * {@code listenKeyExpired} event and are closed.
     */
    void expireListenKeys() {
        long now = now();
        for (String key : orders.streams().expire(now)) {
            deliver(key, "{\"e\":\"listenKeyExpired\",\"E\":" + now + ",\"listenKey\":\""
                    + key + "\"}");
            closeStream(key, "listenKey expired");
        }
    }

    private void tick() {
        try {
            if (paused) {
                return;
            }
            long now = now();
            boolean silent = now < faults.silentUntil.get();
            List<String[]> out = new ArrayList<>(); // {stream, payload}
            synchronized (this) {
                orders.matchResting(markets);
                for (SimMarket m : markets.values()) {
                    SimMarket.Update u = m.step();
                    String lower = m.symbol.toLowerCase(Locale.ROOT);
                    for (long[] t : u.trades()) {
                        SimHistory.Trade trade = data.record(m, t[0], t[1], t[2] == 1, now);
                        out.add(new String[] {lower + "@trade",
                            SimMarketData.tradeEvent(m, trade, now)});
                        out.add(new String[] {lower + "@aggTrade",
                            SimMarketData.aggTradeEvent(m, trade, now)});
                    }
                    String depth = depthUpdate(m, u, now);
                    out.add(new String[] {lower + "@depth@100ms", depth});
                    batch(m, u);
                    out.add(new String[] {lower + "@bookTicker", bookTicker(m)});
                }
            }
            if (silent) {
                faults.silenced.addAndGet(out.size());
                return;
            }
            broadcast(out);
        } catch (Exception e) { // never let the periodic task die: it would stop the market
            log.error("sim market tick failed", e);
        }
    }

    private void broadcast(List<String[]> messages) {
        boolean skip = false;
        boolean duplicate = false;
        for (String[] msg : messages) {
            boolean isDepth = msg[0].contains("@depth");
            int copies = 1;
            if (isDepth) {
                skip = take(faults.skipDepth);
                duplicate = !skip && take(faults.duplicateDepth);
                if (skip) {
                    faults.skipped.incrementAndGet();
                    continue;
                }
                if (duplicate) {
                    faults.duplicated.incrementAndGet();
                    copies = 2;
                }
            }
            String combined = "{\"stream\":\"" + msg[0] + "\",\"data\":" + msg[1] + "}";
            for (Map.Entry<SimSubscriber, Subscription> e : sessions.entrySet()) {
                boolean wantCombined = e.getValue().combinedStreams.contains(msg[0]);
                boolean wantRaw = e.getValue().rawStreams.contains(msg[0]);
                if (!wantCombined && !wantRaw) {
                    continue;
                }
                SimSubscriber subscriber = e.getKey();
                for (int c = 0; c < copies; c++) {
                    try {
                        // asynchronous: a dead or slow client never stalls the market thread
                        subscriber.send(wantCombined ? combined : msg[1]);
                    } catch (Exception ex) { // the adapter may throw IOException unchecked
                        sessions.remove(subscriber);
                    }
                }
            }
        }
    }

    private static boolean take(java.util.concurrent.atomic.AtomicInteger counter) {
        while (true) {
            int n = counter.get();
            if (n <= 0) {
                return false;
            }
            if (counter.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    private String depthUpdate(SimMarket m, SimMarket.Update u, long now) {
        StringBuilder b = new StringBuilder(256);
        StringBuilder a = new StringBuilder(256);
        for (SimMarket.Change c : u.changes()) {
            StringBuilder side = c.bid() ? b : a;
            if (side.length() > 0) {
                side.append(',');
            }
            side.append("[\"").append(m.price(c.priceTicks())).append("\",\"")
                    .append(m.qty(c.qtyLots())).append("\"]");
        }
        return "{\"e\":\"depthUpdate\",\"E\":" + now + ",\"s\":\"" + m.symbol + "\",\"U\":"
                + u.firstId() + ",\"u\":" + u.lastId() + ",\"b\":[" + b + "],\"a\":[" + a + "]}";
    }

    private String bookTicker(SimMarket m) {
        long[] bid = m.bids(1).get(0);
        long[] ask = m.asks(1).get(0);
        return "{\"u\":" + m.lastUpdateId() + ",\"s\":\"" + m.symbol + "\",\"b\":\""
                + m.price(bid[0]) + "\",\"B\":\"" + m.qty(bid[1]) + "\",\"a\":\""
                + m.price(ask[0]) + "\",\"A\":\"" + m.qty(ask[1]) + "\"}";
    }

    /** Adds one update's changes to the symbol's one-second depth batch. */
    private void batch(SimMarket m, SimMarket.Update u) {
        DepthBatch b = depthBatches.get(m.symbol);
        if (b.firstId < 0) {
            b.firstId = u.firstId();
        }
        for (SimMarket.Change c : u.changes()) {
            Map<Long, Long> side = c.bid() ? b.bids : b.asks;
            side.remove(c.priceTicks()); // keep the order of the latest change
            side.put(c.priceTicks(), c.qtyLots());
        }
    }

    /**
     * Once a second: the {@code @depth} (1000 ms) event of each symbol whose book changed
     * (U = the first id since the last one, u = the last applied), and the {@code @ticker},
     * {@code @miniTicker} and {@code @kline_<interval>} events someone subscribes to.
     */
    private void everySecond() {
        try {
            if (paused) {
                return;
            }
            long now = now();
            Set<String> wanted = new java.util.HashSet<>();
            for (Subscription sub : sessions.values()) {
                wanted.addAll(sub.combinedStreams);
                wanted.addAll(sub.rawStreams);
            }
            List<String[]> out = new ArrayList<>();
            synchronized (this) {
                for (SimMarket m : markets.values()) {
                    DepthBatch b = depthBatches.get(m.symbol);
                    if (b.firstId < 0) {
                        continue;
                    }
                    List<SimMarket.Change> changes = new ArrayList<>();
                    b.bids.forEach((p, q) -> changes.add(new SimMarket.Change(true, p, q)));
                    b.asks.forEach((p, q) -> changes.add(new SimMarket.Change(false, p, q)));
                    SimMarket.Update u = new SimMarket.Update(b.firstId, m.lastUpdateId(),
                            changes, List.of());
                    depthBatches.put(m.symbol, new DepthBatch());
                    String name = m.symbol.toLowerCase(Locale.ROOT) + "@depth";
                    if (wanted.contains(name)) {
                        out.add(new String[] {name, depthUpdate(m, u, now)});
                    }
                }
                for (String name : wanted) {
                    if (name.indexOf('@') <= 0) {
                        continue; // a name Binance does not serve: kept, never sent
                    }
                    SimMarket m = markets.get(SimStreams.symbol(name));
                    if (m == null) {
                        continue;
                    }
                    String type = SimStreams.type(name);
                    if (type.equals("ticker")) {
                        out.add(new String[] {name, data.tickerEvent(m, now)});
                    } else if (type.equals("miniTicker")) {
                        out.add(new String[] {name, data.miniTickerEvent(m, now)});
                    } else if (type.startsWith("kline_")) {
                        KlineInterval i = KlineInterval.of(type.substring(6)).orElse(null);
                        if (i != null) {
                            out.add(new String[] {name, data.klineEvent(m, i, now)});
                        }
                    }
                }
            }
            if (now < faults.silentUntil.get()) {
                faults.silenced.addAndGet(out.size());
                return;
            }
            broadcast(out);
        } catch (Exception e) { // never let the periodic task die
            log.error("sim one-second streams failed", e);
        }
    }

    private SimMarket market(String symbol) {
        SimMarket m = markets.get(symbol.toUpperCase(Locale.ROOT));
        if (m == null) {
            throw new IllegalArgumentException("the simulator does not list " + symbol);
        }
        return m;
    }

    private static ArrayNode pairs(SimMarket m, List<long[]> levels) {
        ArrayNode out = JSON.createArrayNode();
        for (long[] l : levels) {
            out.addArray().add(m.price(l[0])).add(m.qty(l[1]));
        }
        return out;
    }

    private static List<List<String>> levels(SimMarket m, List<long[]> levels) {
        List<List<String>> out = new ArrayList<>();
        for (long[] l : levels) {
            out.add(List.of(m.price(l[0]), m.qty(l[1])));
        }
        return out;
    }
}
