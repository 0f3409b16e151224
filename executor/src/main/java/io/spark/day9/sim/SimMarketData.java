package io.spark.day9.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The simulator's public market-data endpoints beyond the order book, with Binance Spot's
 * shapes, request weights and errors: {@code trades}, {@code aggTrades}, {@code klines},
 * {@code ticker/24hr}, {@code ticker/price}, {@code ticker/bookTicker}, {@code avgPrice}, and
 * the stream payloads built from the same history ({@code @aggTrade}, {@code @kline_<i>},
 * {@code @ticker}, {@code @miniTicker}). Every trade the market prints goes into the symbol's
 * bounded {@link SimHistory}; each simulated trade is its own aggregate trade (same id).
 *
 * <p>Parameter errors are Binance's: {@code -1102} mandatory parameter missing, {@code -1100}
 * illegal characters / out of range, {@code -1121} invalid symbol, {@code -1120} invalid
 * interval, {@code -1128} {@code symbol} together with {@code symbols}. All calls run under the
 * exchange's lock.
 */
final class SimMarketData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9-_.]{1,20}");
    private static final long DAY_MS = 86_400_000L;
    private static final long AVG_PRICE_MS = 5 * 60_000L;

    private final SimExchange exchange;
    private final Map<String, SimHistory> histories = new LinkedHashMap<>();

    SimMarketData(SimExchange exchange, Collection<SimMarket> markets) {
        this.exchange = exchange;
        for (SimMarket m : markets) {
            histories.put(m.symbol, new SimHistory(m.bestFor(true) - 1));
        }
    }

    SimHistory history(SimMarket m) {
        return histories.get(m.symbol);
    }

    /** Records one trade the market printed; answers it. */
    SimHistory.Trade record(SimMarket m, long priceTicks, long lots, boolean buyerMaker,
                            long now) {
        SimHistory.Trade t = new SimHistory.Trade(m.nextTradeId(), priceTicks, lots, now,
                buyerMaker);
        history(m).add(t);
        return t;
    }

    // ------------------------------------------------------------------ parameters

    /** The mandatory {@code symbol}: -1102 missing, -1100 malformed, -1121 not listed. */
    SimMarket symbol(SimCall call) {
        String s = call.query("symbol");
        if (s == null || s.isEmpty()) {
            throw missing("symbol");
        }
        return listed(s, "symbol");
    }

    private SimMarket listed(String s, String param) {
        String upper = s.toUpperCase(Locale.ROOT);
        if (!SYMBOL.matcher(upper).matches()) {
            throw new SimError(400, -1100, "Illegal characters found in parameter '" + param
                    + "'; legal range is '^[A-Z0-9-_.]{1,20}$'.");
        }
        SimMarket m = exchange.marketOrNull(upper);
        if (m == null) {
            throw new SimError(400, -1121, "Invalid symbol.");
        }
        return m;
    }

    /**
     * The markets named by {@code symbol} (one) or {@code symbols} (a JSON array), or null when
     * neither is given.
     */
    List<SimMarket> selection(SimCall call) {
        String one = call.query("symbol");
        String many = call.query("symbols");
        if (one != null && many != null) {
            throw new SimError(400, -1128, "Combination of optional parameters invalid.");
        }
        if (one != null) {
            return List.of(listed(one, "symbol"));
        }
        if (many == null) {
            return null;
        }
        List<SimMarket> out = new ArrayList<>();
        try {
            JsonNode names = JSON.readTree(many);
            if (!names.isArray() || names.isEmpty()) {
                throw new IllegalArgumentException("not a non-empty array");
            }
            for (JsonNode n : names) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException("not a string");
                }
                SimMarket m = listed(n.asText(), "symbols");
                if (out.contains(m)) {
                    throw new SimError(400, -1101, "Duplicate values for parameter 'symbols'.");
                }
                out.add(m);
            }
        } catch (SimError e) {
            throw e;
        } catch (Exception e) {
            String name = "\"[A-Z0-9-_.]{1,20}\"";
            throw new SimError(400, -1100, "Illegal characters found in parameter 'symbols'; "
                    + "legal range is '^\\[(" + name + "(," + name + "){0,}){0,1}\\]$'.");
        }
        return out;
    }

    /** An optional whole-number parameter, -1 when absent; -1100 when not a number ≥ 0. */
    static long optionalLong(SimCall call, String name) {
        String v = call.query(name);
        if (v == null || v.isEmpty()) {
            return -1;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SimError(400, -1100, "Illegal characters found in parameter '" + name
                + "'; legal range is '^[0-9]{1,20}$'.");
    }

    /** {@code limit}: default {@code def}, at most {@code max}; -1100 outside 1..max. */
    static int limit(SimCall call, int def, int max) {
        long l = optionalLong(call, "limit");
        if (l < 0) {
            return def;
        }
        if (l < 1 || l > max) {
            throw new SimError(400, -1100, "Illegal characters found in parameter 'limit'; "
                    + "legal range is '1'..'" + max + "'.");
        }
        return (int) l;
    }

    static SimError missing(String name) {
        return new SimError(400, -1102, "Mandatory parameter '" + name + "' was not sent, was "
                + "empty/null, or malformed.");
    }

    // ------------------------------------------------------------------ REST

    /** {@code GET /api/v3/trades}: weight 25. */
    Object trades(SimCall call) {
        exchange.weigh(call, 25);
        SimMarket m = symbol(call);
        int limit = limit(call, 500, 1000);
        ArrayNode out = JSON.createArrayNode();
        synchronized (exchange) {
            for (SimHistory.Trade t : history(m).recent(limit)) {
                out.addObject().put("id", t.id()).put("price", m.price(t.priceTicks()))
                        .put("qty", m.qty(t.lots()))
                        .put("quoteQty", quote(m, t.priceTicks() * t.lots()))
                        .put("time", t.time()).put("isBuyerMaker", t.buyerMaker())
                        .put("isBestMatch", true);
            }
        }
        return out.toString();
    }

    /** {@code GET /api/v3/aggTrades}: weight 4; fromId, startTime, endTime, limit. */
    Object aggTrades(SimCall call) {
        exchange.weigh(call, 4);
        SimMarket m = symbol(call);
        long fromId = optionalLong(call, "fromId");
        long start = optionalLong(call, "startTime");
        long end = optionalLong(call, "endTime");
        int limit = limit(call, 500, 1000);
        if (start >= 0 && end >= 0 && (end < start || end - start > 3_600_000)) {
            throw new SimError(400, -1127, "More than 1 hours between startTime and endTime.");
        }
        ArrayNode out = JSON.createArrayNode();
        synchronized (exchange) {
            for (SimHistory.Trade t : history(m).trades(fromId, start, end, limit)) {
                out.addObject().put("a", t.id()).put("p", m.price(t.priceTicks()))
                        .put("q", m.qty(t.lots())).put("f", t.id()).put("l", t.id())
                        .put("T", t.time()).put("m", t.buyerMaker()).put("M", true);
            }
        }
        return out.toString();
    }

    /** {@code GET /api/v3/klines}: weight 2; interval, startTime, endTime, limit. */
    Object klines(SimCall call) {
        exchange.weigh(call, 2);
        SimMarket m = symbol(call);
        String code = call.query("interval");
        if (code == null || code.isEmpty()) {
            throw missing("interval");
        }
        KlineInterval interval = KlineInterval.of(code)
                .orElseThrow(() -> new SimError(400, -1120, "Invalid interval."));
        long start = optionalLong(call, "startTime");
        long end = optionalLong(call, "endTime");
        int limit = limit(call, 500, 1000);
        ArrayNode out = JSON.createArrayNode();
        synchronized (exchange) {
            for (SimHistory.Kline k : history(m).klines(interval, exchange.now(), start, end,
                    limit)) {
                out.addArray().add(k.open).add(m.price(k.o)).add(m.price(k.h))
                        .add(m.price(k.l)).add(m.price(k.c)).add(m.qty(k.volume)).add(k.close)
                        .add(quote(m, k.quote)).add(k.count).add(m.qty(k.takerBuyVolume))
                        .add(quote(m, k.takerBuyQuote)).add("0");
            }
        }
        return out.toString();
    }

    /** {@code GET /api/v3/ticker/24hr}: weight 2 for up to 20 symbols, 40, 80 for all. */
    Object ticker24h(SimCall call) {
        List<SimMarket> chosen = chosen(call, n -> n <= 20 ? 2 : n <= 100 ? 40 : 80, 80);
        return answer(call, chosen, this::ticker24h);
    }

    /** {@code GET /api/v3/ticker/price}: weight 2 for one symbol, 4 otherwise. */
    Object tickerPrice(SimCall call) {
        List<SimMarket> chosen = chosen(call, n -> 4, 4);
        return answer(call, chosen, m -> JSON.createObjectNode().put("symbol", m.symbol)
                .put("price", m.price(history(m).lastPrice())));
    }

    /** {@code GET /api/v3/ticker/bookTicker}: weight 2 for one symbol, 4 otherwise. */
    Object bookTicker(SimCall call) {
        List<SimMarket> chosen = chosen(call, n -> 4, 4);
        return answer(call, chosen, m -> {
            long[] bid = m.bids(1).get(0);
            long[] ask = m.asks(1).get(0);
            return JSON.createObjectNode().put("symbol", m.symbol)
                    .put("bidPrice", m.price(bid[0])).put("bidQty", m.qty(bid[1]))
                    .put("askPrice", m.price(ask[0])).put("askQty", m.qty(ask[1]));
        });
    }

    /** {@code GET /api/v3/avgPrice}: weight 2; the 5-minute average trade price. */
    Object avgPrice(SimCall call) {
        exchange.weigh(call, 2);
        SimMarket m = symbol(call);
        synchronized (exchange) {
            long now = exchange.now();
            SimHistory h = history(m);
            SimHistory.Trade last = h.lastTrade();
            BigDecimal avg = BigDecimal.valueOf(h.average(now, AVG_PRICE_MS))
                    .movePointLeft(m.tickScale).setScale(8, RoundingMode.HALF_EVEN);
            return JSON.createObjectNode().put("mins", 5).put("price", avg.toPlainString())
                    .put("closeTime", last == null ? now : last.time()).toString();
        }
    }

    private interface Weight {
        int of(int symbols);
    }

    private List<SimMarket> chosen(SimCall call, Weight many, int all) {
        List<SimMarket> chosen;
        try {
            chosen = selection(call);
        } catch (SimError e) {
            exchange.weigh(call, 2);
            throw e;
        }
        exchange.weigh(call, chosen == null ? all : call.query("symbol") != null ? 2
                : many.of(chosen.size()));
        return chosen;
    }

    private Object answer(SimCall call, List<SimMarket> chosen,
                          java.util.function.Function<SimMarket, ObjectNode> one) {
        synchronized (exchange) {
            if (call.query("symbol") != null) {
                return one.apply(chosen.get(0)).toString();
            }
            ArrayNode out = JSON.createArrayNode();
            for (SimMarket m : chosen == null ? exchange.marketList() : chosen) {
                out.add(one.apply(m));
            }
            return out.toString();
        }
    }

    private ObjectNode ticker24h(SimMarket m) {
        long now = exchange.now();
        SimHistory h = history(m);
        SimHistory.Stats s = h.stats(now, DAY_MS);
        SimHistory.Trade last = h.lastTrade();
        long[] bid = m.bids(1).get(0);
        long[] ask = m.asks(1).get(0);
        ObjectNode o = JSON.createObjectNode().put("symbol", m.symbol);
        o.put("priceChange", m.price(s.last() - s.open()));
        o.put("priceChangePercent", percent(s.open(), s.last()));
        o.put("weightedAvgPrice", weighted(m, s));
        o.put("prevClosePrice", m.price(s.prevClose()));
        o.put("lastPrice", m.price(s.last()));
        o.put("lastQty", m.qty(last == null ? 0 : last.lots()));
        o.put("bidPrice", m.price(bid[0])).put("bidQty", m.qty(bid[1]));
        o.put("askPrice", m.price(ask[0])).put("askQty", m.qty(ask[1]));
        o.put("openPrice", m.price(s.open())).put("highPrice", m.price(s.high()))
                .put("lowPrice", m.price(s.low()));
        o.put("volume", m.qty(s.volume())).put("quoteVolume", quote(m, s.quote()));
        o.put("openTime", s.openTime()).put("closeTime", s.closeTime());
        o.put("firstId", s.firstId()).put("lastId", s.lastId()).put("count", s.count());
        return o;
    }

    // ------------------------------------------------------------------ stream payloads

    /** The {@code @aggTrade} event of one trade. */
    static String aggTradeEvent(SimMarket m, SimHistory.Trade t, long now) {
        return "{\"e\":\"aggTrade\",\"E\":" + now + ",\"s\":\"" + m.symbol + "\",\"a\":" + t.id()
                + ",\"p\":\"" + m.price(t.priceTicks()) + "\",\"q\":\"" + m.qty(t.lots())
                + "\",\"f\":" + t.id() + ",\"l\":" + t.id() + ",\"T\":" + t.time() + ",\"m\":"
                + t.buyerMaker() + ",\"M\":true}";
    }

    /** The {@code @trade} event of one trade. */
    static String tradeEvent(SimMarket m, SimHistory.Trade t, long now) {
        return "{\"e\":\"trade\",\"E\":" + now + ",\"s\":\"" + m.symbol + "\",\"t\":" + t.id()
                + ",\"p\":\"" + m.price(t.priceTicks()) + "\",\"q\":\"" + m.qty(t.lots())
                + "\",\"T\":" + t.time() + ",\"m\":" + t.buyerMaker() + ",\"M\":true}";
    }

    /** The {@code @kline_<interval>} event: the current bucket. */
    String klineEvent(SimMarket m, KlineInterval i, long now) {
        SimHistory.Kline k = history(m).current(i, now);
        ObjectNode o = JSON.createObjectNode().put("e", "kline").put("E", now)
                .put("s", m.symbol);
        o.putObject("k").put("t", k.open).put("T", k.close).put("s", m.symbol)
                .put("i", i.code).put("f", k.firstId).put("L", k.lastId)
                .put("o", m.price(k.o)).put("c", m.price(k.c)).put("h", m.price(k.h))
                .put("l", m.price(k.l)).put("v", m.qty(k.volume)).put("n", k.count)
                .put("x", k.close < now).put("q", quote(m, k.quote))
                .put("V", m.qty(k.takerBuyVolume)).put("Q", quote(m, k.takerBuyQuote))
                .put("B", "0");
        return o.toString();
    }

    /** The {@code @ticker} event (rolling 24 h). */
    String tickerEvent(SimMarket m, long now) {
        ObjectNode t = ticker24h(m);
        ObjectNode o = JSON.createObjectNode().put("e", "24hrTicker").put("E", now)
                .put("s", m.symbol);
        for (String[] f : new String[][] {{"p", "priceChange"}, {"P", "priceChangePercent"},
                {"w", "weightedAvgPrice"}, {"x", "prevClosePrice"}, {"c", "lastPrice"},
                {"Q", "lastQty"}, {"b", "bidPrice"}, {"B", "bidQty"}, {"a", "askPrice"},
                {"A", "askQty"}, {"o", "openPrice"}, {"h", "highPrice"}, {"l", "lowPrice"},
                {"v", "volume"}, {"q", "quoteVolume"}, {"O", "openTime"}, {"C", "closeTime"},
                {"F", "firstId"}, {"L", "lastId"}, {"n", "count"}}) {
            o.set(f[0], t.get(f[1]));
        }
        return o.toString();
    }

    /** The {@code @miniTicker} event (rolling 24 h). */
    String miniTickerEvent(SimMarket m, long now) {
        SimHistory.Stats s = history(m).stats(now, DAY_MS);
        return JSON.createObjectNode().put("e", "24hrMiniTicker").put("E", now)
                .put("s", m.symbol).put("c", m.price(s.last())).put("o", m.price(s.open()))
                .put("h", m.price(s.high())).put("l", m.price(s.low()))
                .put("v", m.qty(s.volume())).put("q", quote(m, s.quote())).toString();
    }

    // ------------------------------------------------------------------ numbers

    private static String quote(SimMarket m, long tickLots) {
        return BigDecimal.valueOf(tickLots, m.tickScale + m.lotScale).toPlainString();
    }

    private static String percent(long open, long last) {
        if (open == 0) {
            return "0.000";
        }
        return BigDecimal.valueOf(last - open).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(open), 3, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String weighted(SimMarket m, SimHistory.Stats s) {
        BigDecimal avg = s.volume() == 0 ? BigDecimal.valueOf(s.last(), m.tickScale)
                : BigDecimal.valueOf(s.quote(), m.tickScale + m.lotScale)
                .divide(BigDecimal.valueOf(s.volume(), m.lotScale), 8, RoundingMode.HALF_EVEN);
        return avg.setScale(8, RoundingMode.HALF_EVEN).toPlainString();
    }
}
