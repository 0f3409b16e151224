package io.spark.day9.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The simulator's signed order and account endpoints, checked as Binance checks them (API key,
 * HMAC-SHA256 signature of the parameter string, {@code timestamp} within {@code recvWindow}
 * of the exchange clock, symbol, side, type, filters, duplicate client ids, balances):
 * {@code POST /api/v3/order/test}, {@code POST/GET/DELETE /api/v3/order},
 * {@code GET/DELETE /api/v3/openOrders}, {@code GET /api/v3/allOrders},
 * {@code GET /api/v3/myTrades}, {@code GET /api/v3/account}, and the user data stream's listen
 * keys ({@code POST/PUT/DELETE /api/v3/userDataStream}, API key only).
 *
 * <h2>Matching rules</h2>
 * <ul>
 *   <li>MARKET walks the opposite side from the best level until the quantity is filled; what
 *       the book cannot fill expires (status {@code EXPIRED} with the partial fill).</li>
 *   <li>A LIMIT that crosses fills at the book's prices up to its limit; the rest rests (GTC),
 *       is cancelled (IOC, status {@code EXPIRED}); FOK fills wholly or not at all.</li>
 *   <li>A resting LIMIT fills at its own price, as a maker, as soon as the opposite touch
 *       reaches it (checked after every market update); it does not take from the book
 *       (queue position: behind everything displayed at its price, so only a touch that moves
 *       through or onto it fills it).</li>
 * </ul>
 *
 * <h2>Accounts</h2>
 * One {@link SimAccount} per API key, opened with {@link SimAccountConfig#startBalances()}.
 * Placing an order first checks and locks what it may spend: a LIMIT BUY {@code qty × price}
 * of the quote asset, a MARKET BUY the quote cost of walking the book for {@code qty}, a SELL
 * {@code qty} of the base asset; a shortfall is refused with -2010 and nothing changes. Each
 * fill spends from the lock (a BUY that fills below its limit gets the difference back to
 * free) and credits what it brings in less the commission ({@code feeRate} of it, rounded
 * half-up to 8 decimals, in that asset: base for a BUY, quote for a SELL, as Binance without
 * BNB). When an order stops being open (filled, canceled, expired) the rest of its lock goes
 * back to free. At most {@value #MAX_OPEN_PER_SYMBOL} open orders per symbol and account
 * (-1013 MAX_NUM_ORDERS), as Binance's filter.
 *
 * <h2>User data</h2>
 * Each change is reported on the account's listen keys as Binance does: an
 * {@code executionReport} per order event ({@code NEW}, one {@code TRADE} per fill,
 * {@code CANCELED}, {@code EXPIRED}) and one {@code outboundAccountPosition} with the assets
 * the call changed. Refused orders answer the REST error only (no report), as on Binance.
 *
 * <p>Threading: every order, balance and history change, and the resting-order matching, runs
 * under the exchange's monitor, so an order, a cancel-all and the market never interleave:
 * each open order is filled or canceled exactly once. Reports are queued under that monitor
 * and sent (asynchronously) in order before it is released.
 */
final class SimOrders {
    /** Binance's MAX_NUM_ORDERS filter: open orders per symbol and account. */
    static final int MAX_OPEN_PER_SYMBOL = 200;
    private static final BigDecimal MIN_NOTIONAL = new BigDecimal("5");
    private static final int MAX_HISTORY_ANSWER = 1000;
    private static final long DAY_MS = 24L * 3600 * 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimExchange exchange;
    private final SimUserStreams streams = new SimUserStreams();
    /** Accounts by API key; guarded by the exchange's monitor. */
    private final Map<String, SimAccount> accounts = new HashMap<>();
    /** Open LIMIT orders of every account, oldest first; guarded by the exchange's monitor. */
    private final List<SimOrder> resting = new ArrayList<>();
    /** Reports not sent yet: {apiKey, payload}; guarded by the exchange's monitor. */
    private final List<String[]> pending = new ArrayList<>();
    private final AtomicLong orderIds = new AtomicLong(100_000);
    private final AtomicLong placed = new AtomicLong();

    SimOrders(SimExchange exchange) {
        this.exchange = exchange; // its config is read later: it is still being built
    }

    private SimAccountConfig settings() {
        return exchange.config().account();
    }

    /** Orders placed (the shadow tests count that none reach here). */
    long placed() {
        return placed.get();
    }

    /** The listen keys of the user data stream. */
    SimUserStreams streams() {
        return streams;
    }

    String test(SimCall call) {
        Map<String, String> p = signed(call, 1);
        validate(p);
        return "{}";
    }

    Map<String, Object> place(SimCall call) {
        Map<String, String> p = signed(call, 1);
        Order o = validate(p);
        String clientId = p.get("newClientOrderId");
        if (clientId != null && !clientId.matches("[.A-Z:/a-z0-9_-]{1,36}")) {
            throw new SimError(400, -1100, "Illegal characters found in parameter "
                    + "'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
        }
        String key = call.header("X-MBX-APIKEY");
        synchronized (exchange) {
            SimAccount account = account(key);
            if (clientId == null || clientId.isEmpty()) {
                clientId = "sim-" + (orderIds.get() + 1);
            }
            SimOrder same = account.byClientId(o.symbol, clientId);
            if (same != null && same.status.open()) {
                throw new SimError(400, -2010, "Duplicate order sent.");
            }
            if (account.open(o.symbol).size() >= MAX_OPEN_PER_SYMBOL) {
                throw new SimError(400, -1013, "Filter failure: MAX_NUM_ORDERS");
            }
            Map<String, Object> result = execute(account, o, clientId);
            placed.incrementAndGet();
            flush();
            return result;
        }
    }

    Map<String, Object> query(SimCall call) {
        Map<String, String> p = signed(call, 4);
        synchronized (exchange) {
            SimOrder o = find(call, p);
            if (o == null) {
                throw new SimError(400, -2013, "Order does not exist.");
            }
            return o.json();
        }
    }

    Map<String, Object> cancel(SimCall call) {
        Map<String, String> p = signed(call, 1);
        synchronized (exchange) {
            SimOrder o = find(call, p);
            if (o == null || !o.status.open()) {
                throw new SimError(400, -2011, "Unknown order sent.");
            }
            SimAccount account = account(o.apiKey);
            finish(account, o, SimOrder.Status.CANCELED);
            position(account, assets(o.symbol));
            flush();
            return o.canceled();
        }
    }

    /**
     * {@code DELETE /api/v3/openOrders}: cancels every open order of the account on the symbol,
     * each exactly once (under the exchange's monitor, so no fill can slip in between), and
     * answers them in Binance's cancel shape, oldest first; -2011 when none is open.
     */
    List<Map<String, Object>> cancelAll(SimCall call) {
        Map<String, String> p = signed(call, 1);
        String symbol = symbol(p);
        synchronized (exchange) {
            SimAccount account = account(call.header("X-MBX-APIKEY"));
            List<SimOrder> open = account.open(symbol);
            if (open.isEmpty()) {
                throw new SimError(400, -2011, "Unknown order sent.");
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (SimOrder o : open) {
                finish(account, o, SimOrder.Status.CANCELED);
                out.add(o.canceled());
            }
            position(account, assets(symbol));
            flush();
            return out;
        }
    }

    /** {@code GET /api/v3/openOrders}: weight 6 for one symbol, 80 for all. */
    List<Map<String, Object>> openOrders(SimCall call) {
        boolean one = param(call, "symbol") != null;
        Map<String, String> p = signed(call, one ? 6 : 80);
        String symbol = one ? symbol(p) : null;
        synchronized (exchange) {
            return account(call.header("X-MBX-APIKEY")).open(symbol).stream()
                    .map(SimOrder::json).toList();
        }
    }

    /**
     * {@code GET /api/v3/allOrders}: the account's kept orders on a symbol, by orderId; from
     * {@code orderId} (inclusive) or {@code startTime} onwards the first {@code limit}, else the
     * newest {@code limit} (default 500, at most 1000).
     */
    List<Map<String, Object>> allOrders(SimCall call) {
        Map<String, String> p = signed(call, 20);
        String symbol = symbol(p);
        Long fromId = number(p, "orderId");
        Long start = number(p, "startTime");
        Long end = number(p, "endTime");
        int limit = limit(p);
        window(start, end);
        synchronized (exchange) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (SimOrder o : account(call.header("X-MBX-APIKEY")).orders(symbol)) {
                if ((fromId == null || o.orderId >= fromId)
                        && (start == null || o.time >= start) && (end == null || o.time <= end)) {
                    out.add(o.json());
                }
            }
            return page(out, limit, fromId != null || start != null);
        }
    }

    /**
     * {@code GET /api/v3/myTrades}: the account's kept trades on a symbol; {@code orderId}
     * (that order's only), {@code fromId} (trade id, inclusive), {@code startTime},
     * {@code endTime}, {@code limit} as Binance.
     */
    List<Map<String, Object>> myTrades(SimCall call) {
        boolean byOrder = param(call, "orderId") != null;
        Map<String, String> p = signed(call, byOrder ? 5 : 20);
        String symbol = symbol(p);
        Long orderId = number(p, "orderId");
        Long fromId = number(p, "fromId");
        Long start = number(p, "startTime");
        Long end = number(p, "endTime");
        int limit = limit(p);
        if (fromId != null && (start != null || end != null)) {
            throw new SimError(400, -1128, "Combination of optional parameters invalid.");
        }
        window(start, end);
        synchronized (exchange) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (SimAccount.Trade t : account(call.header("X-MBX-APIKEY")).trades(symbol)) {
                if ((orderId == null || t.orderId() == orderId)
                        && (fromId == null || t.id() >= fromId)
                        && (start == null || t.time() >= start)
                        && (end == null || t.time() <= end)) {
                    out.add(t.json());
                }
            }
            return page(out, limit, fromId != null || start != null);
        }
    }

    /** {@code GET /api/v3/account} (weight 20), {@code omitZeroBalances=true} as Binance. */
    Map<String, Object> account(SimCall call) {
        Map<String, String> p = signed(call, 20);
        boolean omitZero = "true".equalsIgnoreCase(p.get("omitZeroBalances"));
        BigDecimal bps = settings().feeRate().movePointRight(4);
        String rate = eight(settings().feeRate());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("makerCommission", bps.intValue());
        out.put("takerCommission", bps.intValue());
        out.put("buyerCommission", 0);
        out.put("sellerCommission", 0);
        out.put("commissionRates", Map.of("maker", rate, "taker", rate,
                "buyer", "0.00000000", "seller", "0.00000000"));
        out.put("canTrade", true);
        out.put("canWithdraw", false);
        out.put("canDeposit", false);
        out.put("brokered", false);
        out.put("requireSelfTradePrevention", false);
        out.put("preventSor", false);
        synchronized (exchange) {
            SimAccount account = account(call.header("X-MBX-APIKEY"));
            out.put("updateTime", account.updateTime);
            out.put("accountType", "SPOT");
            List<Map<String, Object>> balances = new ArrayList<>();
            account.balances().forEach((asset, b) -> {
                if (!omitZero || b.free.signum() != 0 || b.locked.signum() != 0) {
                    balances.add(Map.of("asset", asset, "free", eight(b.free),
                            "locked", eight(b.locked)));
                }
            });
            out.put("balances", balances);
            out.put("permissions", List.of("SPOT"));
            out.put("uid", account.uid);
        }
        return out;
    }

    /** {@code POST /api/v3/userDataStream} (API key, no signature; weight 2). */
    Map<String, Object> openStream(SimCall call) {
        exchange.weigh(call, 2);
        String key = apiKey(call);
        return Map.of("listenKey", streams.open(key, exchange.now()));
    }

    /** {@code PUT /api/v3/userDataStream?listenKey=} (weight 2): extends it 60 minutes. */
    String keepAliveStream(SimCall call) {
        exchange.weigh(call, 2);
        streams.keepAlive(apiKey(call), listenKey(call), exchange.now());
        return "{}";
    }

    /** {@code DELETE /api/v3/userDataStream?listenKey=} (weight 2): closes it. */
    String closeStream(SimCall call) {
        exchange.weigh(call, 2);
        String listenKey = listenKey(call);
        streams.close(apiKey(call), listenKey, exchange.now());
        exchange.closeStream(listenKey, "listenKey closed");
        return "{}";
    }

    /** The account of {@code apiKey} (opened with the start balances on first use). */
    SimAccount account(String apiKey) {
        synchronized (exchange) {
            return accounts.computeIfAbsent(apiKey, k -> new SimAccount(k,
                    100_000_000L + accounts.size() + 1, settings().startBalances(),
                    settings().historyLimit(), exchange.now()));
        }
    }

    /**
     * After each market step (under the exchange's monitor): resting limits whose price the
     * opposite touch reached fill wholly at their own price, as makers.
     */
    void matchResting(Map<String, SimMarket> markets) {
        for (SimOrder o : List.copyOf(resting)) {
            SimMarket m = markets.get(o.symbol);
            long limit = ticks(o.price, m);
            long touch = m.bestFor(o.buy);
            if (touch >= 0 && (o.buy ? touch <= limit : touch >= limit)) {
                SimAccount account = account(o.apiKey);
                fill(account, o, m, o.price, o.origQty.subtract(o.executedQty), true);
                finish(account, o, SimOrder.Status.FILLED);
                position(account, assets(o.symbol));
            }
        }
        flush();
    }

    private record Order(String symbol, boolean buy, String type, String tif, BigDecimal qty,
                         BigDecimal price, SimMarket market) {
    }

    /** One fill as the FULL answer lists it. */
    private record Fill(BigDecimal price, BigDecimal qty, BigDecimal commission,
                        String commissionAsset, long tradeId) {
        Map<String, Object> json() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("price", price.toPlainString());
            f.put("qty", qty.toPlainString());
            f.put("commission", commission.toPlainString());
            f.put("commissionAsset", commissionAsset);
            f.put("tradeId", tradeId);
            return f;
        }
    }

    private Order validate(Map<String, String> p) {
        String symbol = p.get("symbol");
        if (symbol == null) {
            throw missing("symbol");
        }
        SimMarket m = exchange.marketOrNull(symbol);
        if (m == null) {
            throw new SimError(400, -1121, "Invalid symbol.");
        }
        String side = p.get("side");
        if (side == null) {
            throw missing("side");
        }
        if (!side.equals("BUY") && !side.equals("SELL")) {
            throw new SimError(400, -1117, "Invalid side.");
        }
        String type = p.get("type");
        if (type == null) {
            throw missing("type");
        }
        if (!type.equals("LIMIT") && !type.equals("MARKET")) {
            throw new SimError(400, -1116, "Invalid orderType.");
        }
        BigDecimal qty = decimal(p, "quantity");
        if (qty == null) {
            throw missing("quantity");
        }
        BigDecimal price = null;
        String tif = p.get("timeInForce");
        if (type.equals("LIMIT")) {
            price = decimal(p, "price");
            if (price == null) {
                throw missing("price");
            }
            if (tif == null) {
                throw missing("timeInForce");
            }
            if (!List.of("GTC", "IOC", "FOK").contains(tif)) {
                throw new SimError(400, -1115, "Invalid timeInForce.");
            }
            if (price.signum() <= 0 || price.remainder(new BigDecimal("0.01")).signum() != 0) {
                throw new SimError(400, -1013, "Filter failure: PRICE_FILTER");
            }
        }
        if (qty.signum() <= 0 || qty.remainder(new BigDecimal("0.00001")).signum() != 0
                || qty.compareTo(new BigDecimal("9000")) > 0) {
            throw new SimError(400, -1013, "Filter failure: LOT_SIZE");
        }
        BigDecimal ref = price != null ? price : BigDecimal.valueOf(
                Math.max(1, m.bestFor(true)), m.tickScale);
        if (qty.multiply(ref).compareTo(MIN_NOTIONAL) < 0) {
            throw new SimError(400, -1013, "Filter failure: NOTIONAL");
        }
        return new Order(symbol.toUpperCase(Locale.ROOT), side.equals("BUY"), type,
                tif == null ? "GTC" : tif, qty, price, m);
    }

    /**
     * Checks and locks what {@code o} may spend, then matches it: fills, the status, the lock
     * released when it stops being open, the reports. Under the exchange's monitor.
     */
    private Map<String, Object> execute(SimAccount account, Order o, String clientId) {
        SimMarket m = o.market;
        String[] assets = assets(o.symbol);
        long lots = o.qty.movePointRight(m.lotScale).longValueExact();
        long limit = o.price == null ? -1 : ticks(o.price, m);
        String spend = o.buy ? assets[1] : assets[0];
        BigDecimal need = !o.buy ? o.qty : o.price != null ? o.qty.multiply(o.price)
                : marketBuyCost(m, lots);
        if (account.free(spend).compareTo(need) < 0) {
            throw new SimError(400, -2010,
                    "Account has insufficient balance for requested action.");
        }
        long now = exchange.now();
        SimOrder order = new SimOrder(account.apiKey, o.symbol, orderIds.incrementAndGet(),
                clientId, o.buy, o.type, o.tif, o.price, o.qty, now);
        account.move(spend, need.negate(), need);
        order.locked = need;
        order.lockedAsset = spend;
        account.record(order);
        report(account, order, "NEW", null, false);
        boolean fok = "FOK".equals(o.tif);
        List<long[]> taken = fok && m.available(o.buy, limit) < lots ? List.of()
                : m.take(o.buy, lots, limit);
        List<Map<String, Object>> fills = new ArrayList<>();
        for (long[] t : taken) {
            Fill f = fill(account, order, m, BigDecimal.valueOf(t[0], m.tickScale),
                    BigDecimal.valueOf(t[1], m.lotScale), false);
            fills.add(f.json());
        }
        if (order.status.open() && o.type.equals("LIMIT") && "GTC".equals(o.tif)) {
            resting.add(order);
        } else if (order.status != SimOrder.Status.FILLED) {
            finish(account, order, SimOrder.Status.EXPIRED);
        } else {
            finish(account, order, SimOrder.Status.FILLED);
        }
        position(account, assets);
        Map<String, Object> answer = order.placed();
        answer.put("fills", fills);
        return answer;
    }

    /** The quote a MARKET BUY of {@code lots} spends walking the asks (what it can fill). */
    private static BigDecimal marketBuyCost(SimMarket m, long lots) {
        BigDecimal cost = BigDecimal.ZERO;
        long left = lots;
        for (long[] level : m.asks(Integer.MAX_VALUE)) {
            if (left <= 0) {
                break;
            }
            long q = Math.min(left, level[1]);
            cost = cost.add(BigDecimal.valueOf(level[0], m.tickScale)
                    .multiply(BigDecimal.valueOf(q, m.lotScale)));
            left -= q;
        }
        return cost;
    }

    /**
     * One fill of {@code qty} at {@code price}: spends from the order's lock, credits the
     * account less the commission, records the trade, updates the order, reports TRADE.
     */
    private Fill fill(SimAccount account, SimOrder o, SimMarket m, BigDecimal price,
                      BigDecimal qty, boolean maker) {
        String[] assets = assets(o.symbol);
        BigDecimal quote = price.multiply(qty);
        BigDecimal commission;
        String commissionAsset;
        if (o.buy) {
            // the lock held qty × limit (or the walked cost for MARKET): release that share
            BigDecimal release = o.price != null ? qty.multiply(o.price) : quote;
            account.move(assets[1], release.subtract(quote), release.negate());
            o.locked = o.locked.subtract(release);
            commission = fee(qty);
            commissionAsset = assets[0];
            account.move(assets[0], qty.subtract(commission), BigDecimal.ZERO);
        } else {
            account.move(assets[0], BigDecimal.ZERO, qty.negate());
            o.locked = o.locked.subtract(qty);
            commission = fee(quote);
            commissionAsset = assets[1];
            account.move(assets[1], quote.subtract(commission), BigDecimal.ZERO);
        }
        long now = exchange.now();
        long tradeId = m.nextTradeId();
        o.executedQty = o.executedQty.add(qty);
        o.cummulativeQuoteQty = o.cummulativeQuoteQty.add(quote);
        o.status = o.executedQty.compareTo(o.origQty) >= 0 ? SimOrder.Status.FILLED
                : SimOrder.Status.PARTIALLY_FILLED;
        o.updateTime = now;
        account.updateTime = now;
        Fill f = new Fill(price, qty, commission, commissionAsset, tradeId);
        account.trade(new SimAccount.Trade(o.symbol, tradeId, o.orderId, price, qty, commission,
                commissionAsset, now, o.buy, maker));
        report(account, o, "TRADE", f, maker);
        return f;
    }

    private BigDecimal fee(BigDecimal received) {
        return received.multiply(settings().feeRate()).setScale(8, RoundingMode.HALF_UP);
    }

    /**
     * {@code o} stops being open with {@code status}: the rest of its lock goes back to free;
     * CANCELED and EXPIRED are reported (a fill was reported with its TRADE).
     */
    private void finish(SimAccount account, SimOrder o, SimOrder.Status status) {
        if (o.locked.signum() != 0) {
            account.move(o.lockedAsset, o.locked, o.locked.negate());
            o.locked = BigDecimal.ZERO;
        }
        resting.remove(o);
        if (o.status != status) {
            o.status = status;
            o.updateTime = exchange.now();
            account.updateTime = o.updateTime;
            report(account, o, status.name(), null, false);
        }
    }

    /** Queues an {@code executionReport} for the account's listen keys. */
    private void report(SimAccount account, SimOrder o, String execution, Fill f,
                        boolean maker) {
        ObjectNode r = JSON.createObjectNode();
        long now = exchange.now();
        r.put("e", "executionReport");
        r.put("E", now);
        r.put("s", o.symbol);
        r.put("c", o.clientOrderId);
        r.put("S", o.side());
        r.put("o", o.type);
        r.put("f", o.timeInForce);
        r.put("q", eight(o.origQty));
        r.put("p", o.price == null ? "0.00000000" : eight(o.price));
        r.put("P", "0.00000000");
        r.put("F", "0.00000000");
        r.put("g", -1);
        r.put("C", execution.equals("CANCELED") ? o.clientOrderId : "");
        r.put("x", execution);
        r.put("X", o.status.name());
        r.put("r", "NONE");
        r.put("i", o.orderId);
        r.put("l", f == null ? "0.00000000" : eight(f.qty()));
        r.put("z", eight(o.executedQty));
        r.put("L", f == null ? "0.00000000" : eight(f.price()));
        r.put("n", f == null ? "0" : eight(f.commission()));
        if (f == null) {
            r.putNull("N");
        } else {
            r.put("N", f.commissionAsset());
        }
        r.put("T", o.updateTime);
        r.put("t", f == null ? -1 : f.tradeId());
        r.put("I", o.orderId * 2 + (f == null ? 0 : 1));
        r.put("w", o.status.open());
        r.put("m", maker);
        r.put("M", false);
        r.put("O", o.time);
        r.put("Z", eight(o.cummulativeQuoteQty));
        r.put("Y", f == null ? "0.00000000" : eight(f.price().multiply(f.qty())));
        r.put("Q", "0.00000000");
        r.put("W", o.time);
        r.put("V", "EXPIRE_MAKER");
        pending.add(new String[] {account.apiKey, r.toString()});
    }

    /** Queues an {@code outboundAccountPosition} with {@code assets}' balances. */
    private void position(SimAccount account, String... assets) {
        ObjectNode r = JSON.createObjectNode();
        long now = exchange.now();
        r.put("e", "outboundAccountPosition");
        r.put("E", now);
        r.put("u", account.updateTime);
        ArrayNode b = r.putArray("B");
        for (String asset : assets) {
            b.addObject().put("a", asset).put("f", eight(account.free(asset)))
                    .put("l", eight(account.locked(asset)));
        }
        pending.add(new String[] {account.apiKey, r.toString()});
    }

    /** Sends the queued reports to their accounts' listen keys, in order. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        long now = exchange.now();
        for (String[] event : pending) {
            for (String listenKey : streams.listenKeys(event[0], now)) {
                exchange.deliver(listenKey, event[1]);
            }
        }
        pending.clear();
    }

    private SimOrder find(SimCall call, Map<String, String> p) {
        String symbol = p.getOrDefault("symbol", "").toUpperCase(Locale.ROOT);
        SimAccount account = account(call.header("X-MBX-APIKEY"));
        if (p.containsKey("origClientOrderId")) {
            return account.byClientId(symbol, p.get("origClientOrderId"));
        }
        if (p.containsKey("orderId")) {
            SimOrder o = account.order(number(p, "orderId"));
            return o == null || !o.symbol.equals(symbol) ? null : o;
        }
        throw new SimError(400, -1102, "Param 'origClientOrderId' or 'orderId' "
                + "must be sent, but both were empty/null!");
    }

    private String symbol(Map<String, String> p) {
        String symbol = p.get("symbol");
        if (symbol == null || symbol.isEmpty()) {
            throw missing("symbol");
        }
        if (exchange.marketOrNull(symbol) == null) {
            throw new SimError(400, -1121, "Invalid symbol.");
        }
        return symbol.toUpperCase(Locale.ROOT);
    }

    private static Long number(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SimError(400, -1100, "Illegal characters found in parameter '" + name
                    + "'; legal range is '^[0-9]{1,20}$'.");
        }
    }

    private static int limit(Map<String, String> p) {
        Long limit = number(p, "limit");
        if (limit == null) {
            return 500;
        }
        if (limit < 1 || limit > MAX_HISTORY_ANSWER) {
            throw new SimError(400, -1100, "Illegal characters found in parameter 'limit'; "
                    + "legal range is '1'..'" + MAX_HISTORY_ANSWER + "'.");
        }
        return limit.intValue();
    }

    private static void window(Long start, Long end) {
        if (start != null && end != null && (end < start || end - start > DAY_MS)) {
            throw new SimError(400, -1127, "More than 24 hours between startTime and endTime.");
        }
    }

    /** The first {@code limit} when paging forwards, else the newest {@code limit}. */
    private static List<Map<String, Object>> page(List<Map<String, Object>> all, int limit,
                                                  boolean forwards) {
        if (all.size() <= limit) {
            return all;
        }
        return forwards ? all.subList(0, limit) : all.subList(all.size() - limit, all.size());
    }

    private static String eight(BigDecimal v) {
        return v.setScale(8, RoundingMode.DOWN).toPlainString();
    }

    /** A parameter from the query string or the form body, without checking anything. */
    private static String param(SimCall call, String name) {
        String q = call.query(name);
        if (q != null) {
            return q;
        }
        for (String pair : call.body().split("&")) {
            if (pair.startsWith(name + "=")) {
                return decode(pair.substring(name.length() + 1));
            }
        }
        return null;
    }

    private static String listenKey(SimCall call) {
        String key = param(call, "listenKey");
        if (key == null || key.isEmpty()) {
            throw missing("listenKey");
        }
        return key;
    }

    /** Checks the API key of a call that needs only the key (Binance's MARKET_DATA security). */
    void checkApiKey(SimCall call) {
        apiKey(call);
    }

    /**
     * Checks a signed call (API key, signature, timestamp) and counts its weight, for signed
     * endpoints outside the order book; answers its parameters.
     */
    Map<String, String> checkSigned(SimCall call, int weight) {
        return signed(call, weight);
    }

    /**
     * The caller's API key: {@code -2014} when missing, {@code -2015} when not the
     * simulator's (HTTP 401).
     */
    private String apiKey(SimCall call) {
        String key = call.header("X-MBX-APIKEY");
        if (key == null || key.isEmpty()) {
            throw new SimError(401, -2014, "API-key format invalid.");
        }
        if (!key.equals(exchange.config().apiKey())) {
            throw new SimError(401, -2015, "Invalid API-key, IP, or permissions "
                    + "for action.");
        }
        return key;
    }

    /** Checks key, signature and timestamp; returns the parameters (query, then form body). */
    private Map<String, String> signed(SimCall call, int weight) {
        exchange.weigh(call, weight);
        apiKey(call);
        String query = call.queryString() == null ? "" : call.queryString();
        String body = call.body();
        String total = query + body;
        int at = total.lastIndexOf("signature=");
        if (at < 0) {
            throw new SimError(400, -1102, "Mandatory parameter 'signature' was "
                    + "not sent, was empty/null, or malformed.");
        }
        String signature = total.substring(at + "signature=".length()).split("&")[0];
        String signedPart = total.substring(0, at).replaceAll("&$", "");
        if (!MessageDigest.isEqual(hmac(signedPart).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new SimError(400, -1022, "Signature for this request is not "
                    + "valid.");
        }
        Map<String, String> p = new LinkedHashMap<>();
        for (String pair : signedPart.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                p.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(p.getOrDefault("timestamp", ""));
        } catch (NumberFormatException e) {
            throw missing("timestamp");
        }
        Long window = number(p, "recvWindow");
        long recvWindow = window == null ? 5000 : window;
        if (recvWindow < 1 || recvWindow > 60_000) {
            throw new SimError(400, -1131, "recvWindow must be less than 60000");
        }
        long now = exchange.now();
        if (timestamp < now - recvWindow || timestamp > now + 1000) {
            throw new SimError(400, -1021, "Timestamp for this request is outside "
                    + "of the recvWindow.");
        }
        return p;
    }

    private String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(exchange.config().apiSecret()
                    .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(payload.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static BigDecimal decimal(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null) {
            return null;
        }
        try {
            return new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw new SimError(400, -1100, "Illegal characters found in parameter '"
                    + name + "'; legal range is '^([0-9]{1,20})(\\\\.[0-9]{1,20})?$'.");
        }
    }

    private static long ticks(BigDecimal price, SimMarket m) {
        return price.movePointRight(m.tickScale).longValue();
    }

    private static String[] assets(String symbol) {
        String quote = symbol.endsWith("USDT") ? "USDT" : symbol.substring(3);
        return new String[] {symbol.substring(0, symbol.length() - quote.length()), quote};
    }

    private static SimError missing(String name) {
        return new SimError(400, -1102, "Mandatory parameter '" + name + "' was "
                + "not sent, was empty/null, or malformed.");
    }
}
