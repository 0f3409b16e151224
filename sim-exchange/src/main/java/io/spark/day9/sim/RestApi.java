package io.spark.day9.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binance Spot REST subset plus the simulator's control endpoints ({@code /sim/...}). Handlers
 * parse, call {@link Market}, and render Binance's shapes; every refusal is a
 * {@link BinanceError}, rendered once in the exception handler as {@code {"code","msg"}}.
 */
final class RestApi {
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);
  private static final Pattern SYMBOL = Pattern.compile("^[A-Z0-9-_.]{1,20}$");
  private static final Pattern DECIMAL = Pattern.compile("^([0-9]{1,20})(\\.[0-9]{1,20})?$");
  private static final Pattern CLIENT_ID = Pattern.compile("^[\\.A-Z\\:/a-z0-9_-]{1,36}$");
  private static final String ZERO = "0.00000000";
  private static final String PARAMS = "sim.params";

  private final SimConfig config;
  private final Market market;
  private final SimFaults faults;
  private final RateLimiter limiter;
  private final ObjectMapper json;
  private final LongSupplier exchangeNowMs;
  private final LongSupplier wallNowMs;
  private long cancelIds;

  RestApi(SimConfig config, Market market, SimFaults faults, ObjectMapper json,
          LongSupplier exchangeNowMs, LongSupplier wallNowMs) {
    this.config = config;
    this.market = market;
    this.faults = faults;
    this.limiter = new RateLimiter(config);
    this.json = json;
    this.exchangeNowMs = exchangeNowMs;
    this.wallNowMs = wallNowMs;
  }

  void register(Javalin app) {
    app.before("/api/*", this::admit);
    app.exception(BinanceError.class, (e, ctx) -> {
      if (e.retryAfterSeconds >= 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
      }
      ctx.status(e.status);
      body(ctx, Map.of("code", e.code, "msg", e.getMessage()));
    });
    app.exception(Exception.class, (e, ctx) -> {
      log.warn("sim rest: {} {} failed", ctx.method(), ctx.path(), e);
      ctx.status(500);
      body(ctx, Map.of("code", -1000,
          "msg", "An unknown error occurred while processing the request."));
    });
    app.get("/api/v3/ping", ctx -> body(ctx, Map.of()));
    app.get("/api/v3/time", ctx -> body(ctx, Map.of("serverTime", exchangeNowMs.getAsLong())));
    app.get("/api/v3/exchangeInfo", this::exchangeInfo);
    app.get("/api/v3/depth", this::depth);
    app.post("/api/v3/order/test", this::orderTest);
    app.post("/api/v3/order", this::newOrder);
    app.get("/api/v3/order", this::queryOrder);
    app.delete("/api/v3/order", this::cancelOrder);
    app.get("/api/v3/account", this::account);
  }

  // ------------------------------------------------------------------ weight and faults

  /** Binance's request weight for a call (depth by limit). */
  static int weight(String method, String path, Map<String, String> params) {
    return switch (path) {
      case "/api/v3/exchangeInfo", "/api/v3/account" -> 20;
      case "/api/v3/depth" -> {
        int limit = 100;
        try {
          limit = Integer.parseInt(params.getOrDefault("limit", "100"));
        } catch (NumberFormatException e) {
          // the handler rejects it; weigh as the default
        }
        yield limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
      }
      case "/api/v3/order" -> method.equals("GET") ? 4 : 1;
      default -> 1;
    };
  }

  private void admit(Context ctx) {
    Map<String, String> params = params(ctx);
    ctx.attribute(PARAMS, params);
    SimFaults.RestFault f = faults.restFault();
    if (f != null) {
      faults.countRestRejected();
      long retry = Math.max(1, (f.untilMs() - wallNowMs.getAsLong() + 999) / 1000);
      ctx.header("X-MBX-USED-WEIGHT-1M", Integer.toString(limiter.used()));
      throw f.status() == 418
          ? new BinanceError(418, -1003, "Way too much request weight used; IP banned until "
              + f.untilMs() + ". Please use WebSocket Streams for live updates to avoid bans.",
              retry)
          : new BinanceError(429, -1003, "Too much request weight used; current limit is "
              + config.weightLimitPerMinute() + " request weight per 1 MINUTE. Please use "
              + "WebSocket Streams for live updates to avoid polling the API.", retry);
    }
    int w = weight(ctx.method().name(), ctx.path(), params);
    try {
      int used = limiter.charge(w, wallNowMs.getAsLong());
      ctx.header("X-MBX-USED-WEIGHT-1M", Integer.toString(used));
    } catch (BinanceError e) {
      ctx.header("X-MBX-USED-WEIGHT-1M", Integer.toString(limiter.used()));
      throw e;
    }
  }

  // ------------------------------------------------------------------ market data

  private void exchangeInfo(Context ctx) {
    Map<String, String> p = p(ctx);
    List<String> wanted = market.symbols();
    if (p.containsKey("symbol")) {
      String s = symbolParam(p);
      market.requireBook(s);
      wanted = List.of(s);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timezone", "UTC");
    m.put("serverTime", exchangeNowMs.getAsLong());
    m.put("rateLimits", List.of(
        rateLimit("REQUEST_WEIGHT", "MINUTE", 1, config.weightLimitPerMinute()),
        rateLimit("ORDERS", "SECOND", 10, 100),
        rateLimit("ORDERS", "DAY", 1, 200000),
        rateLimit("RAW_REQUESTS", "MINUTE", 5, 61000)));
    m.put("exchangeFilters", List.of());
    List<Object> symbols = new ArrayList<>();
    for (String s : wanted) {
      symbols.add(symbolInfo(config.spec(s)));
    }
    m.put("symbols", symbols);
    body(ctx, m);
  }

  private static Map<String, Object> rateLimit(String type, String interval, int num, int limit) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rateLimitType", type);
    m.put("interval", interval);
    m.put("intervalNum", num);
    m.put("limit", limit);
    return m;
  }

  private static Map<String, Object> symbolInfo(SimConfig.SymbolSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("symbol", s.symbol());
    m.put("status", "TRADING");
    m.put("baseAsset", s.baseAsset());
    m.put("baseAssetPrecision", 8);
    m.put("quoteAsset", s.quoteAsset());
    m.put("quotePrecision", 8);
    m.put("quoteAssetPrecision", 8);
    m.put("baseCommissionPrecision", 8);
    m.put("quoteCommissionPrecision", 8);
    m.put("orderTypes", List.of("LIMIT", "MARKET"));
    m.put("icebergAllowed", false);
    m.put("ocoAllowed", false);
    m.put("quoteOrderQtyMarketAllowed", false);
    m.put("allowTrailingStop", false);
    m.put("cancelReplaceAllowed", false);
    m.put("isSpotTradingAllowed", true);
    m.put("isMarginTradingAllowed", false);
    Map<String, Object> price = new LinkedHashMap<>();
    price.put("filterType", "PRICE_FILTER");
    price.put("minPrice", text(s.minPrice()));
    price.put("maxPrice", text(s.maxPrice()));
    price.put("tickSize", text(s.tickSize()));
    Map<String, Object> lot = new LinkedHashMap<>();
    lot.put("filterType", "LOT_SIZE");
    lot.put("minQty", text(s.minQty()));
    lot.put("maxQty", text(s.maxQty()));
    lot.put("stepSize", text(s.stepSize()));
    Map<String, Object> notional = new LinkedHashMap<>();
    notional.put("filterType", "NOTIONAL");
    notional.put("minNotional", text(s.minNotional()));
    notional.put("applyMinToMarket", true);
    notional.put("maxNotional", "9000000.00000000");
    notional.put("applyMaxToMarket", false);
    notional.put("avgPriceMins", 5);
    m.put("filters", List.of(price, lot, notional));
    m.put("permissions", List.of());
    m.put("permissionSets", List.of(List.of("SPOT")));
    m.put("defaultSelfTradePreventionMode", "NONE");
    m.put("allowedSelfTradePreventionModes", List.of("NONE"));
    return m;
  }

  private void depth(Context ctx) {
    Map<String, String> p = p(ctx);
    String symbol = symbolParam(p);
    int limit = 100;
    if (p.containsKey("limit")) {
      try {
        limit = Integer.parseInt(p.get("limit"));
      } catch (NumberFormatException e) {
        throw BinanceError.illegal("limit", "1 - 5000");
      }
      if (limit < 1) {
        throw BinanceError.illegal("limit", "1 - 5000");
      }
      limit = Math.min(limit, 5000);
    }
    body(ctx, market.depth(symbol, limit));
  }

  // ------------------------------------------------------------------ signed endpoints

  private void orderTest(Context ctx) {
    signed(ctx);
    market.validate(parseNewOrder(p(ctx)));
    body(ctx, Map.of());
  }

  private void newOrder(Context ctx) {
    String key = signed(ctx);
    Map<String, String> p = p(ctx);
    Market.NewOrder req = parseNewOrder(p);
    String respType = p.getOrDefault("newOrderRespType", "FULL");
    if (!List.of("ACK", "RESULT", "FULL").contains(respType)) {
      throw BinanceError.illegal("newOrderRespType", "ACK, RESULT, FULL");
    }
    Market.Order o;
    synchronized (market) {
      o = market.place(key, req);
      body(ctx, orderResponse(o, respType));
    }
  }

  private void queryOrder(Context ctx) {
    String key = signed(ctx);
    Map<String, String> p = p(ctx);
    String symbol = symbolParam(p);
    Long orderId = orderIdParam(p);
    String clientId = p.get("origClientOrderId");
    if (orderId == null && clientId == null) {
      throw BinanceError.badRequest(-1102,
          "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    synchronized (market) {
      Market.Order o = market.find(key, symbol, orderId, clientId);
      if (o == null) {
        throw BinanceError.orderDoesNotExist();
      }
      Map<String, Object> m = new LinkedHashMap<>();
      Book b = o.book;
      m.put("symbol", b.spec.symbol());
      m.put("orderId", o.orderId);
      m.put("orderListId", -1);
      m.put("clientOrderId", o.clientOrderId);
      common(m, o);
      m.put("stopPrice", ZERO);
      m.put("icebergQty", ZERO);
      m.put("time", o.time);
      m.put("updateTime", o.updateTime);
      m.put("isWorking", true);
      m.put("workingTime", o.time);
      m.put("origQuoteOrderQty", ZERO);
      m.put("selfTradePreventionMode", "NONE");
      body(ctx, m);
    }
  }

  private void cancelOrder(Context ctx) {
    String key = signed(ctx);
    Map<String, String> p = p(ctx);
    String symbol = symbolParam(p);
    Long orderId = orderIdParam(p);
    String clientId = p.get("origClientOrderId");
    if (orderId == null && clientId == null) {
      throw BinanceError.badRequest(-1102,
          "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    String newId = p.get("newClientOrderId");
    synchronized (market) {
      Market.Order o = market.cancel(key, symbol, orderId, clientId);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("symbol", symbol);
      m.put("origClientOrderId", o.clientOrderId);
      m.put("orderId", o.orderId);
      m.put("orderListId", -1);
      m.put("clientOrderId", newId != null ? newId : "sim-cancel-" + (++cancelIds));
      m.put("transactTime", o.updateTime);
      common(m, o);
      m.put("selfTradePreventionMode", "NONE");
      body(ctx, m);
    }
  }

  private void account(Context ctx) {
    String key = signed(ctx);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("makerCommission", config.makerFeeRate().movePointRight(4).intValue());
    m.put("takerCommission", config.takerFeeRate().movePointRight(4).intValue());
    m.put("canTrade", true);
    m.put("canWithdraw", false);
    m.put("canDeposit", false);
    m.put("updateTime", exchangeNowMs.getAsLong());
    m.put("accountType", "SPOT");
    List<Object> balances = new ArrayList<>();
    new java.util.TreeMap<>(market.balances(key)).forEach((asset, free) -> {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("asset", asset);
      b.put("free", text(free));
      b.put("locked", ZERO);
      balances.add(b);
    });
    m.put("balances", balances);
    m.put("permissions", List.of("SPOT"));
    body(ctx, m);
  }

  private Map<String, Object> orderResponse(Market.Order o, String respType) {
    Map<String, Object> m = new LinkedHashMap<>();
    Book b = o.book;
    m.put("symbol", b.spec.symbol());
    m.put("orderId", o.orderId);
    m.put("orderListId", -1);
    m.put("clientOrderId", o.clientOrderId);
    m.put("transactTime", o.time);
    if (respType.equals("ACK")) {
      return m;
    }
    common(m, o);
    m.put("workingTime", o.time);
    m.put("origQuoteOrderQty", ZERO);
    m.put("selfTradePreventionMode", "NONE");
    if (respType.equals("FULL")) {
      List<Object> fills = new ArrayList<>();
      for (Market.Fill f : o.fills) {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("price", b.priceText(f.price()));
        fm.put("qty", b.qtyText(f.qty()));
        fm.put("commission", text(f.commission()));
        fm.put("commissionAsset", f.asset());
        fm.put("tradeId", f.tradeId());
        fills.add(fm);
      }
      m.put("fills", fills);
    }
    return m;
  }

  private static void common(Map<String, Object> m, Market.Order o) {
    Book b = o.book;
    m.put("price", o.priceTicks > 0 ? b.priceText(o.priceTicks) : ZERO);
    m.put("origQty", b.qtyText(o.origQty));
    m.put("executedQty", b.qtyText(o.executedQty));
    m.put("cummulativeQuoteQty", text(o.cumQuote));
    m.put("status", o.status.name());
    m.put("timeInForce", o.req.timeInForce() == null ? "GTC" : o.req.timeInForce().name());
    m.put("type", o.req.type().name());
    m.put("side", o.req.side().name());
  }

  /**
   * Checks the API key, the signature and the timestamp; returns the key. The signed payload
   * is Binance's {@code totalParams}: the query string followed directly by the form body, each
   * without its {@code signature} parameter.
   */
  private String signed(Context ctx) {
    String key = ctx.header("X-MBX-APIKEY");
    if (key == null || key.isBlank()) {
      throw new BinanceError(401, -2014, "API-key format invalid.", -1);
    }
    String secret = config.apiKeys().get(key);
    if (secret == null) {
      throw new BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.", -1);
    }
    Map<String, String> p = p(ctx);
    if (blank(p.get("timestamp"))) {
      throw BinanceError.mandatory("timestamp");
    }
    if (blank(p.get("signature"))) {
      throw BinanceError.mandatory("signature");
    }
    String total = withoutSignature(ctx.queryString()) + withoutSignature(rawBody(ctx));
    String expected = hmacHex(secret, total);
    String given = p.get("signature").toLowerCase(Locale.ROOT);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.US_ASCII))) {
      throw BinanceError.badRequest(-1022, "Signature for this request is not valid.");
    }
    long ts;
    long recvWindow = 5000;
    try {
      ts = Long.parseLong(p.get("timestamp"));
    } catch (NumberFormatException e) {
      throw BinanceError.illegal("timestamp", "^[0-9]{1,20}$");
    }
    if (p.containsKey("recvWindow")) {
      try {
        recvWindow = Long.parseLong(p.get("recvWindow"));
      } catch (NumberFormatException e) {
        throw BinanceError.illegal("recvWindow", "^[0-9]{1,20}$");
      }
      if (recvWindow > 60_000 || recvWindow <= 0) {
        throw BinanceError.badRequest(-1131, "recvWindow must be less than 60000");
      }
    }
    long now = exchangeNowMs.getAsLong();
    if (ts >= now + 1000) {
      throw BinanceError.badRequest(-1021,
          "Timestamp for this request was 1000ms ahead of the server's time.");
    }
    if (now - ts > recvWindow) {
      throw BinanceError.badRequest(-1021, "Timestamp for this request is outside of the "
          + "recvWindow.");
    }
    return key;
  }

  static String hmacHex(String secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String withoutSignature(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (String part : raw.split("&")) {
      if (part.startsWith("signature=") || part.isEmpty()) {
        continue;
      }
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(part);
    }
    return out.toString();
  }

  private Market.NewOrder parseNewOrder(Map<String, String> p) {
    String symbol = symbolParam(p);
    market.requireBook(symbol);
    Side side = enumParam(p, "side", Side.class, "BUY, SELL");
    String typeText = p.get("type");
    if (blank(typeText)) {
      throw BinanceError.mandatory("type");
    }
    Market.OrderType type;
    try {
      type = Market.OrderType.valueOf(typeText);
    } catch (IllegalArgumentException e) {
      throw BinanceError.badRequest(-1116, "Invalid orderType.");
    }
    if (p.containsKey("quoteOrderQty")) {
      throw BinanceError.notRequired("quoteOrderQty");
    }
    Market.TimeInForce tif = null;
    BigDecimal price = null;
    if (type == Market.OrderType.LIMIT) {
      tif = enumParam(p, "timeInForce", Market.TimeInForce.class, "GTC, IOC, FOK");
      price = decimalParam(p, "price");
    } else {
      if (p.containsKey("price")) {
        throw BinanceError.notRequired("price");
      }
      if (p.containsKey("timeInForce")) {
        throw BinanceError.notRequired("timeInForce");
      }
      if (blank(p.get("quantity"))) {
        throw BinanceError.badRequest(-1102,
            "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
      }
    }
    BigDecimal qty = decimalParam(p, "quantity");
    String clientId = p.get("newClientOrderId");
    if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
      throw BinanceError.illegal("newClientOrderId", CLIENT_ID.pattern());
    }
    return new Market.NewOrder(symbol, side, type, tif, qty, price, clientId);
  }

  private static String symbolParam(Map<String, String> p) {
    String s = p.get("symbol");
    if (blank(s)) {
      throw BinanceError.mandatory("symbol");
    }
    if (!SYMBOL.matcher(s).matches()) {
      throw BinanceError.illegal("symbol", SYMBOL.pattern());
    }
    return s;
  }

  private static Long orderIdParam(Map<String, String> p) {
    String v = p.get("orderId");
    if (blank(v)) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw BinanceError.illegal("orderId", "^[0-9]{1,20}$");
    }
  }

  private static BigDecimal decimalParam(Map<String, String> p, String name) {
    String v = p.get(name);
    if (blank(v)) {
      throw BinanceError.mandatory(name);
    }
    if (!DECIMAL.matcher(v).matches()) {
      throw BinanceError.illegal(name, DECIMAL.pattern());
    }
    return new BigDecimal(v);
  }

  private static <E extends Enum<E>> E enumParam(Map<String, String> p, String name,
                                                 Class<E> type, String legal) {
    String v = p.get(name);
    if (blank(v)) {
      throw BinanceError.mandatory(name);
    }
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      throw BinanceError.illegal(name, legal);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }

  // ------------------------------------------------------------------ plumbing

  @SuppressWarnings("unchecked")
  private static Map<String, String> p(Context ctx) {
    Map<String, String> p = (Map<String, String>) ctx.attribute(PARAMS);
    return p != null ? p : params(ctx);
  }

  /** Query string and form body parameters (the body wins on a clash, as it comes last). */
  private static Map<String, String> params(Context ctx) {
    Map<String, String> out = new HashMap<>();
    parseInto(ctx.queryString(), out);
    parseInto(rawBody(ctx), out);
    return out;
  }

  private static String rawBody(Context ctx) {
    String ct = ctx.contentType();
    if (ctx.method().name().equals("GET")
        || ct != null && !ct.startsWith("application/x-www-form-urlencoded")) {
      return "";
    }
    return ctx.body();
  }

  private static void parseInto(String raw, Map<String, String> out) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
  }

  static String text(BigDecimal v) {
    return v.setScale(8, java.math.RoundingMode.HALF_UP).toPlainString();
  }

  private void body(Context ctx, Object o) {
    try {
      ctx.contentType("application/json;charset=UTF-8").result(json.writeValueAsString(o));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise response", e);
    }
  }

  /** Registers the simulator's own control endpoints (not part of Binance's API, no weight). */
  void registerControl(Javalin app) {
    app.get("/sim/book", ctx -> {
      BookSnapshot s = market.snapshot(ctx.queryParamAsClass("symbol", String.class)
          .getOrDefault(config.symbols().get(0).symbol()));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("symbol", s.symbol());
      m.put("lastUpdateId", s.lastUpdateId());
      List<List<String>> bids = new ArrayList<>();
      s.bids().forEach((px, q) -> bids.add(List.of(px.toPlainString(), q.toPlainString())));
      List<List<String>> asks = new ArrayList<>();
      s.asks().forEach((px, q) -> asks.add(List.of(px.toPlainString(), q.toPlainString())));
      m.put("bids", bids);
      m.put("asks", asks);
      body(ctx, m);
    });
    app.get("/sim/faults", ctx -> body(ctx, faults.counters()));
    app.post("/sim/faults/drop", ctx -> {
      faults.dropConnections();
      body(ctx, faults.counters());
    });
    app.post("/sim/faults/silence", ctx -> {
      long ms = ctx.queryParamAsClass("ms", Long.class).getOrDefault(-1L);
      if (ms < 0) {
        faults.silenceUntilCleared();
      } else {
        faults.silence(Duration.ofMillis(ms));
      }
      body(ctx, faults.counters());
    });
    app.post("/sim/faults/skip", ctx -> {
      faults.skipDepthUpdates(ctx.queryParamAsClass("n", Integer.class).getOrDefault(1));
      body(ctx, faults.counters());
    });
    app.post("/sim/faults/duplicate", ctx -> {
      faults.duplicateDepthUpdates(ctx.queryParamAsClass("n", Integer.class).getOrDefault(1));
      body(ctx, faults.counters());
    });
    app.post("/sim/faults/rest", ctx -> {
      faults.restStatus(ctx.queryParamAsClass("status", Integer.class).getOrDefault(429),
          Duration.ofMillis(ctx.queryParamAsClass("ms", Long.class).getOrDefault(10_000L)));
      body(ctx, faults.counters());
    });
    app.post("/sim/faults/skew", ctx -> {
      faults.skewClock(ctx.queryParamAsClass("ms", Long.class).getOrDefault(0L));
      body(ctx, faults.counters());
    });
    app.post("/sim/faults/clear", ctx -> {
      faults.clearAll();
      body(ctx, faults.counters());
    });
  }
}
