package io.spark.day9.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.spark.day9.time.Scheduler;
import io.spark.day9.time.SystemScheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process stand-in for Binance Spot, speaking the real protocol over real sockets on
 * 127.0.0.1, so the market client cannot tell the difference (the machine has no internet).
 *
 * <p>REST: {@code /api/v3/ping}, {@code /api/v3/time}, {@code /api/v3/exchangeInfo},
 * {@code /api/v3/depth} with Binance's shapes, request weights ({@code X-MBX-USED-WEIGHT-1M},
 * 429 code -1003 past the budget) and error bodies ({@code {"code":-1121,"msg":…}}).
 * WebSocket: combined streams at {@code /stream?streams=btcusdt@bookTicker/btcusdt@depth@100ms/
 * btcusdt@trade} with Binance's envelopes and payloads; ping frames every
 * {@code pingIntervalMs}; connections older than {@code maxConnectionAgeMs} are closed.
 *
 * <p>The market is a seeded random walk per symbol ({@link SimMarket}); {@link #book} reads the
 * simulator's own book, for tests that compare a client's local book with it. Fault hooks are
 * in {@link #faults()}.
 *
 * <p>Threading: one lane of a {@link Scheduler} ({@code day9-sim-market}, on the clock given
 * at start) moves every market and broadcasts; REST and WebSocket callbacks run on Jetty's
 * threads. Market state is guarded by this object's monitor.
 */
public final class SimExchange implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimExchange.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimConfig config;
    private final LongSupplier clock;
    private final Map<String, SimMarket> markets = new LinkedHashMap<>();
    private final Map<WsContext, Subscription> sessions = new ConcurrentHashMap<>();
    private final SimFaults faults = new SimFaults(this);
    private final SimOrders orders = new SimOrders(this);
    private final AtomicLong weightUsed = new AtomicLong();
    private final AtomicLong weightMinute = new AtomicLong();
    private final Scheduler.Lane ticker;
    private final SystemScheduler ownScheduler;
    private volatile boolean paused;
    private Javalin app;

    /** A WebSocket client's streams and when it connected. */
    private record Subscription(Set<String> streams, long connectedAt) {
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
        }
        ticker = scheduler.lane("day9-sim-market");
    }

    /** Starts the simulator on 127.0.0.1:{@code config.port()} (0 = a free port). */
    public static SimExchange start(SimConfig config) {
        return start(config, System::currentTimeMillis);
    }

    /** As {@link #start(SimConfig)} with a clock (epoch ms), ticking on its own scheduler. */
    public static SimExchange start(SimConfig config, LongSupplier clock) {
        SystemScheduler own = new SystemScheduler();
        SimExchange sim = new SimExchange(config, clock, own, own);
        sim.listen();
        return sim;
    }

    /**
     * As {@link #start(SimConfig)}, ticking on {@code scheduler}, whose time is {@code clock}
     * (the executor's, so a manual clock moves the market too).
     */
    public static SimExchange start(SimConfig config, LongSupplier clock, Scheduler scheduler) {
        SimExchange sim = new SimExchange(config, clock, scheduler, null);
        sim.listen();
        return sim;
    }

    private void listen() {
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.router.mount(r -> {
                r.before("/api/*", this::limits);
                r.exception(SimError.class, (e, ctx) -> error(ctx, e.status, e.code,
                        e.getMessage()));
                r.get("/api/v3/ping", ctx -> weighted(ctx, 1).result("{}"));
                r.get("/api/v3/time", ctx -> weighted(ctx, 1).json(Map.of("serverTime", now())));
                r.get("/api/v3/exchangeInfo", ctx -> weighted(ctx, 20).json(exchangeInfo()));
                r.get("/api/v3/depth", this::depth);
                r.post("/api/v3/order/test", orders::test);
                r.post("/api/v3/order", orders::place);
                r.get("/api/v3/order", orders::query);
                r.delete("/api/v3/order", orders::cancel);
                r.ws("/stream", ws -> {
                    ws.onConnect(this::connected);
                    ws.onClose(ctx -> sessions.remove(ctx));
                    ws.onError(ctx -> sessions.remove(ctx));
                });
                r.ws("/ws/{stream}", ws -> {
                    ws.onConnect(this::connected);
                    ws.onClose(ctx -> sessions.remove(ctx));
                    ws.onError(ctx -> sessions.remove(ctx));
                });
            });
        });
        app.start("127.0.0.1", config.port());
        Duration every = Duration.ofMillis(config.updateIntervalMs());
        ticker.every(every, every, this::tick);
        ticker.every(Duration.ofMillis(250), Duration.ofMillis(250), this::housekeeping);
        log.info("sim exchange listening on {} (symbols {}, seed {})", restUrl(),
                config.symbols(), config.seed());
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String restUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code ws://127.0.0.1:PORT}; clients append {@code /stream?streams=…}. */
    public String wsUrl() {
        return "ws://127.0.0.1:" + port();
    }

    public int port() {
        return app.port();
    }

    public SimConfig config() {
        return config;
    }

    public SimFaults faults() {
        return faults;
    }

    /** Open WebSocket connections. */
    public int connections() {
        return sessions.size();
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

    @Override
    public void close() {
        ticker.close();
        if (app != null) {
            app.stop();
        }
        if (ownScheduler != null) {
            ownScheduler.close();
        }
    }

    long now() {
        return clock.getAsLong() + faults.clockSkewMs;
    }

    int dropAll() {
        int n = 0;
        for (WsContext ctx : List.copyOf(sessions.keySet())) {
            sessions.remove(ctx);
            try {
                ctx.session.disconnect();
                n++;
            } catch (Exception e) {
                log.debug("sim: disconnect failed: {}", e.toString());
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ REST

    private void limits(Context ctx) {
        long now = clock.getAsLong();
        if (now < faults.restFaultUntil.get()) {
            faults.restRefused.incrementAndGet();
            ctx.header("Retry-After", Integer.toString(faults.restRetryAfterSec));
            int status = faults.restFaultStatus;
            error(ctx, status, -1003, status == 418
                    ? "Way too many requests; IP banned until " + faults.restFaultUntil.get()
                    : "Too many requests; current limit is " + config.weightPerMinute()
                    + " request weight per 1 MINUTE.");
            ctx.skipRemainingHandlers();
        }
    }

    /** Counts request weight (for the order endpoints). */
    void weigh(Context ctx, int weight) {
        weighted(ctx, weight);
    }

    /** Orders that reached the order endpoint (not the test endpoint). */
    public long ordersPlaced() {
        return orders.placed();
    }

    SimMarket marketOrNull(String symbol) {
        return markets.get(symbol.toUpperCase(Locale.ROOT));
    }

    private Context weighted(Context ctx, int weight) {
        long minute = clock.getAsLong() / 60_000;
        if (weightMinute.getAndSet(minute) != minute) {
            weightUsed.set(0);
        }
        long used = weightUsed.addAndGet(weight);
        ctx.header("X-MBX-USED-WEIGHT-1M", Long.toString(used));
        ctx.contentType("application/json");
        if (used > config.weightPerMinute()) {
            ctx.header("Retry-After", Long.toString(60 - (clock.getAsLong() / 1000) % 60));
            throw new SimError(429, -1003, "Too many requests; current limit is "
                    + config.weightPerMinute() + " request weight per 1 MINUTE.");
        }
        return ctx;
    }

    private void depth(Context ctx) {
        String symbol = ctx.queryParam("symbol");
        int limit = 100;
        String l = ctx.queryParam("limit");
        try {
            if (l != null) {
                limit = Integer.parseInt(l);
            }
        } catch (NumberFormatException e) {
            error(ctx, 400, -1100, "Illegal characters found in parameter 'limit'.");
            return;
        }
        if (limit < 1 || limit > 5000) {
            error(ctx, 400, -1100, "Illegal characters found in parameter 'limit'; legal range "
                    + "is '1'..'5000'.");
            return;
        }
        if (symbol == null || !markets.containsKey(symbol.toUpperCase(Locale.ROOT))) {
            weighted(ctx, 2);
            error(ctx, 400, -1121, "Invalid symbol.");
            return;
        }
        weighted(ctx, limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250);
        ObjectNode out = JSON.createObjectNode();
        synchronized (this) {
            SimMarket m = market(symbol);
            out.put("lastUpdateId", m.lastUpdateId());
            out.set("bids", pairs(m, m.bids(limit)));
            out.set("asks", pairs(m, m.asks(limit)));
        }
        ctx.result(out.toString());
    }

    private Map<String, Object> exchangeInfo() {
        List<Object> symbols = new ArrayList<>();
        for (SimMarket m : markets.values()) {
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

    private static void error(Context ctx, int status, int code, String msg) {
        ctx.status(status).contentType("application/json")
                .result("{\"code\":" + code + ",\"msg\":" + quote(msg) + "}");
    }

    /** A Binance error answer, thrown from handlers. */
    static final class SimError extends RuntimeException {
        final int status;
        final int code;

        SimError(int status, int code, String msg) {
            super(msg, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    // ------------------------------------------------------------------ WebSocket

    private void connected(WsContext ctx) {
        Set<String> streams = ConcurrentHashMap.newKeySet();
        String combined = ctx.queryParam("streams");
        if (combined != null) {
            for (String s : combined.split("/")) {
                streams.add(s.toLowerCase(Locale.ROOT));
            }
        }
        String raw = ctx.pathParamMap().get("stream");
        if (raw != null) {
            streams.add("raw:" + raw.toLowerCase(Locale.ROOT));
        }
        ctx.session.setIdleTimeout(java.time.Duration.ofHours(25));
        sessions.put(ctx, new Subscription(streams, clock.getAsLong()));
        ctx.enableAutomaticPings(config.pingIntervalMs(), TimeUnit.MILLISECONDS,
                ByteBuffer.wrap(new byte[0]));
    }

    private void housekeeping() {
        long now = clock.getAsLong();
        sessions.forEach((ctx, sub) -> {
            if (now - sub.connectedAt() > config.maxConnectionAgeMs()) {
                sessions.remove(ctx);
                ctx.closeSession(1000, "connection older than the limit");
            }
        });
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
                        out.add(new String[] {lower + "@trade", trade(m, t, now)});
                    }
                    String depth = depthUpdate(m, u, now);
                    out.add(new String[] {lower + "@depth@100ms", depth});
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
            for (Map.Entry<WsContext, Subscription> e : sessions.entrySet()) {
                Set<String> streams = e.getValue().streams();
                boolean wantCombined = streams.contains(msg[0]);
                boolean wantRaw = streams.contains("raw:" + msg[0]);
                if (!wantCombined && !wantRaw) {
                    continue;
                }
                WsContext ctx = e.getKey();
                for (int c = 0; c < copies; c++) {
                    try {
                        // asynchronous: a dead or slow client never stalls the market thread
                        ctx.session.getRemote().sendString(wantCombined ? combined : msg[1],
                                new org.eclipse.jetty.websocket.api.WriteCallback() {
                                    @Override
                                    public void writeFailed(Throwable x) {
                                        sessions.remove(ctx);
                                    }
                                });
                    } catch (Exception ex) { // Javalin and Jetty may throw IOException unchecked
                        sessions.remove(ctx);
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

    private String trade(SimMarket m, long[] t, long now) {
        return "{\"e\":\"trade\",\"E\":" + now + ",\"s\":\"" + m.symbol + "\",\"t\":"
                + m.nextTradeId() + ",\"p\":\"" + m.price(t[0]) + "\",\"q\":\"" + m.qty(t[1])
                + "\",\"T\":" + now + ",\"m\":" + (t[2] == 1) + ",\"M\":true}";
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

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
