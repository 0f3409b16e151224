package io.spark.day9.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The simulator's signed order endpoints: {@code POST /api/v3/order/test},
 * {@code POST/GET/DELETE /api/v3/order}, checked as Binance checks them (API key, HMAC-SHA256
 * signature of the parameter string, {@code timestamp} within {@code recvWindow} of the
 * exchange clock, symbol, side, type, filters, duplicate client ids, balances).
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
 *   <li>Commission: taker 0.10 %, maker 0.10 %, in the asset received.</li>
 * </ul>
 * Orders and balances are kept per simulator in memory. All calls run under the exchange's
 * lock, so an order and the market never interleave.
 */
final class SimOrders {
    private static final BigDecimal FEE = new BigDecimal("0.001");
    private static final BigDecimal MIN_NOTIONAL = new BigDecimal("5");

    private final SimExchange exchange;
    private final Map<String, Map<String, Object>> byClientId = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Object>> byId = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> resting = new ArrayList<>();
    private final Map<String, BigDecimal> balances = new ConcurrentHashMap<>();
    private final AtomicLong orderIds = new AtomicLong(100_000);
    private final AtomicLong placed = new AtomicLong();

    SimOrders(SimExchange exchange) {
        this.exchange = exchange;
        balances.put("USDT", new BigDecimal("1000000"));
        balances.put("BTC", new BigDecimal("10"));
        balances.put("ETH", new BigDecimal("100"));
    }

    /** Orders placed (the shadow tests count that none reach here). */
    long placed() {
        return placed.get();
    }

    String test(SimCall call) {
        Map<String, String> p = signed(call, 1);
        validate(p);
        return "{}";
    }

    Map<String, Object> place(SimCall call) {
        Map<String, String> p = signed(call, 1);
        Order o = validate(p);
        String clientId = p.getOrDefault("newClientOrderId", "sim-" + orderIds.get());
        if (byClientId.containsKey(o.symbol + "/" + clientId)) {
            throw new SimError(400, -2010, "Duplicate order sent.");
        }
        Map<String, Object> result;
        synchronized (exchange) {
            checkBalance(o);
            result = execute(o, clientId);
        }
        placed.incrementAndGet();
        return result;
    }

    Map<String, Object> query(SimCall call) {
        Map<String, String> p = signed(call, 4);
        Map<String, Object> o = find(p);
        if (o == null) {
            throw new SimError(400, -2013, "Order does not exist.");
        }
        return o;
    }

    Map<String, Object> cancel(SimCall call) {
        Map<String, String> p = signed(call, 1);
        Map<String, Object> o = find(p);
        synchronized (exchange) {
            if (o == null || !("NEW".equals(o.get("status"))
                    || "PARTIALLY_FILLED".equals(o.get("status")))) {
                throw new SimError(400, -2011, "Unknown order sent.");
            }
            o.put("status", "CANCELED");
            o.put("updateTime", exchange.now());
            resting.remove(o);
        }
        return o;
    }

    /** After each market step: resting limits whose price the opposite touch reached fill. */
    void matchResting(Map<String, SimMarket> markets) {
        for (Map<String, Object> o : List.copyOf(resting)) {
            SimMarket m = markets.get((String) o.get("symbol"));
            boolean buy = "BUY".equals(o.get("side"));
            long limit = ticks(new BigDecimal((String) o.get("price")), m);
            long touch = m.bestFor(buy);
            if (touch >= 0 && (buy ? touch <= limit : touch >= limit)) {
                BigDecimal qty = new BigDecimal((String) o.get("origQty"));
                BigDecimal price = new BigDecimal((String) o.get("price"));
                o.put("executedQty", qty.toPlainString());
                o.put("cummulativeQuoteQty", qty.multiply(price).toPlainString());
                o.put("status", "FILLED");
                o.put("updateTime", exchange.now());
                settle(m, buy, qty, qty.multiply(price));
                resting.remove(o);
            }
        }
    }

    private record Order(String symbol, boolean buy, String type, String tif, BigDecimal qty,
                         BigDecimal price, SimMarket market) {
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
        return new Order(symbol.toUpperCase(Locale.ROOT), side.equals("BUY"), type, tif, qty,
                price, m);
    }

    private void checkBalance(Order o) {
        String[] assets = assets(o.symbol);
        BigDecimal ref = o.price != null ? o.price
                : BigDecimal.valueOf(Math.max(1, o.market.bestFor(true)), o.market.tickScale);
        BigDecimal need = o.buy ? o.qty.multiply(ref) : o.qty;
        BigDecimal have = balances.getOrDefault(o.buy ? assets[1] : assets[0], BigDecimal.ZERO);
        if (have.compareTo(need) < 0) {
            throw new SimError(400, -2010,
                    "Account has insufficient balance for requested action.");
        }
    }

    private Map<String, Object> execute(Order o, String clientId) {
        SimMarket m = o.market;
        long lots = o.qty.movePointRight(m.lotScale).longValueExact();
        long limit = o.price == null ? -1 : ticks(o.price, m);
        boolean fok = "FOK".equals(o.tif);
        List<long[]> fills = fok && m.available(o.buy, limit) < lots ? List.of()
                : m.take(o.buy, lots, limit);
        long filledLots = fills.stream().mapToLong(f -> f[1]).sum();
        BigDecimal executed = BigDecimal.valueOf(filledLots, m.lotScale);
        BigDecimal quote = BigDecimal.ZERO;
        List<Map<String, Object>> fillList = new ArrayList<>();
        String[] assets = assets(o.symbol);
        for (long[] f : fills) {
            BigDecimal price = BigDecimal.valueOf(f[0], m.tickScale);
            BigDecimal q = BigDecimal.valueOf(f[1], m.lotScale);
            quote = quote.add(price.multiply(q));
            BigDecimal received = o.buy ? q : price.multiply(q);
            Map<String, Object> fill = new LinkedHashMap<>();
            fill.put("price", price.toPlainString());
            fill.put("qty", q.toPlainString());
            fill.put("commission", received.multiply(FEE).setScale(8, RoundingMode.HALF_UP)
                    .toPlainString());
            fill.put("commissionAsset", o.buy ? assets[0] : assets[1]);
            fill.put("tradeId", m.nextTradeId());
            fillList.add(fill);
        }
        if (filledLots > 0) {
            settle(m, o.buy, executed, quote);
        }
        String status;
        if (filledLots == lots) {
            status = "FILLED";
        } else if (o.type.equals("LIMIT") && "GTC".equals(o.tif)) {
            status = filledLots > 0 ? "PARTIALLY_FILLED" : "NEW";
        } else {
            status = "EXPIRED";
        }
        long id = orderIds.incrementAndGet();
        long now = exchange.now();
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("symbol", o.symbol);
        order.put("orderId", id);
        order.put("orderListId", -1);
        order.put("clientOrderId", clientId);
        order.put("transactTime", now);
        order.put("price", o.price == null ? "0.00000000" : o.price.toPlainString());
        order.put("origQty", o.qty.toPlainString());
        order.put("executedQty", executed.toPlainString());
        order.put("cummulativeQuoteQty", quote.toPlainString());
        order.put("status", status);
        order.put("timeInForce", o.tif == null ? "GTC" : o.tif);
        order.put("type", o.type);
        order.put("side", o.buy ? "BUY" : "SELL");
        order.put("time", now);
        order.put("updateTime", now);
        byClientId.put(o.symbol + "/" + clientId, order);
        byId.put(id, order);
        if (status.equals("NEW") || status.equals("PARTIALLY_FILLED")) {
            resting.add(order);
        }
        Map<String, Object> answer = new LinkedHashMap<>(order);
        answer.put("fills", fillList);
        return answer;
    }

    private void settle(SimMarket m, boolean buy, BigDecimal base, BigDecimal quote) {
        String[] assets = assets(m.symbol);
        BigDecimal fee = BigDecimal.ONE.subtract(FEE);
        if (buy) {
            balances.merge(assets[1], quote.negate(), BigDecimal::add);
            balances.merge(assets[0], base.multiply(fee), BigDecimal::add);
        } else {
            balances.merge(assets[0], base.negate(), BigDecimal::add);
            balances.merge(assets[1], quote.multiply(fee), BigDecimal::add);
        }
    }

    private Map<String, Object> find(Map<String, String> p) {
        String symbol = p.getOrDefault("symbol", "").toUpperCase(Locale.ROOT);
        if (p.containsKey("origClientOrderId")) {
            return byClientId.get(symbol + "/" + p.get("origClientOrderId"));
        }
        if (p.containsKey("orderId")) {
            try {
                return byId.get(Long.parseLong(p.get("orderId")));
            } catch (NumberFormatException e) {
                throw new SimError(400, -1100, "Illegal characters found in "
                        + "parameter 'orderId'.");
            }
        }
        throw new SimError(400, -1102, "Param 'origClientOrderId' or 'orderId' "
                + "must be sent, but both were empty/null!");
    }

    /** Checks key, signature and timestamp; returns the parameters (query, then form body). */
    /** Checks the API key of a call that needs only the key (Binance's MARKET_DATA security). */
    void checkApiKey(SimCall call) {
        String key = call.header("X-MBX-APIKEY");
        if (key == null || key.isEmpty()) {
            throw new SimError(401, -2014, "API-key format invalid.");
        }
        if (!key.equals(exchange.config().apiKey())) {
            throw new SimError(401, -2015, "Invalid API-key, IP, or permissions "
                    + "for action.");
        }
    }

    /**
     * Checks a signed call (API key, signature, timestamp) and counts its weight, for signed
     * endpoints outside the order book; answers its parameters.
     */
    Map<String, String> checkSigned(SimCall call, int weight) {
        return signed(call, weight);
    }

    private Map<String, String> signed(SimCall call, int weight) {
        exchange.weigh(call, weight);
        String key = call.header("X-MBX-APIKEY");
        if (key == null || key.isEmpty()) {
            throw new SimError(401, -2014, "API-key format invalid.");
        }
        if (!key.equals(exchange.config().apiKey())) {
            throw new SimError(401, -2015, "Invalid API-key, IP, or permissions "
                    + "for action.");
        }
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
        long recvWindow;
        try {
            recvWindow = Long.parseLong(p.getOrDefault("recvWindow", "5000"));
        } catch (NumberFormatException e) {
            throw new SimError(400, -1100, "Illegal characters found in parameter "
                    + "'recvWindow'; legal range is '^[0-9]{1,20}$'.");
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
