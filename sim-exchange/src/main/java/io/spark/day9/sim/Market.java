package io.spark.day9.sim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The simulated market: one {@link Book} per symbol, what moves it, the accounts and the orders.
 *
 * <h2>Matching rules</h2>
 * <ul>
 *   <li><b>MARKET</b> orders walk the opposite side of the book from the touch, taking each level
 *   (it shrinks or disappears in the next depthUpdate and a trade prints per level). If the book
 *   runs out first the order ends {@code EXPIRED} with the partial {@code executedQty}. All fills
 *   are taker fills.</li>
 *   <li><b>LIMIT</b> orders first take every level at or better than their price (taker fills,
 *   as MARKET). {@code FOK} expires untouched unless the whole quantity is available;
 *   {@code IOC} expires its remainder; {@code GTC} rests the remainder.</li>
 *   <li><b>Resting</b> orders are not shown in the public book. After each market step, a resting
 *   BUY at price P fills its whole remainder at P as maker when the best ask is at or below P (a
 *   SELL when the best bid is at or above P); the fill prints on the trade stream.</li>
 *   <li>Commission: taker rate on taker fills, maker rate on maker fills; charged in the asset
 *   received (base for BUY, quote for SELL), rounded half-up to 8 decimals.</li>
 *   <li>Balances: every API key starts with the configured free balances. A LIMIT BUY reserves
 *   {@code qty × price} quote, a SELL reserves {@code qty} base; a MARKET BUY needs the walked
 *   cost. Not enough: -2010. Cancels and expiries release the remainder.</li>
 *   <li>Client order ids: {@code -2010 Duplicate order sent.} while another order of the same key
 *   with that id is open (NEW or PARTIALLY_FILLED), as on Binance.</li>
 * </ul>
 *
 * <p>Thread safety: every public-facing method is {@code synchronized} on this object; the
 * market step and the REST handlers serialise here. Cost of a step: O(symbols × levels +
 * resting orders).
 */
final class Market {
  private final SimConfig config;
  private final LongSupplier nowMs;
  private final Map<String, Book> books = new LinkedHashMap<>();
  private final Map<String, MarketSource> sources = new HashMap<>();
  private final Map<String, Map<String, BigDecimal>> balances = new HashMap<>();
  private final Map<Long, Order> orders = new HashMap<>();
  private final Map<String, List<Order>> resting = new HashMap<>();
  private final List<Outgoing> pendingTrades = new ArrayList<>();
  private long nextOrderId = 1;

  Market(SimConfig config, LongSupplier nowMs, RandomGenerator rnd) {
    this.config = config;
    this.nowMs = nowMs;
    long firstId = 1_000_000L;
    for (SimConfig.SymbolSpec s : config.symbols()) {
      books.put(s.symbol(), new Book(s, firstId));
      resting.put(s.symbol(), new ArrayList<>());
    }
    Map<String, TickReplay> replays = config.tickFile() == null ? Map.of()
        : TickReplay.load(config.tickFile(), books);
    for (Book b : books.values()) {
      MarketSource src = replays.containsKey(b.spec.symbol()) ? replays.get(b.spec.symbol())
          : new RandomWalk(rnd, config.depthLevels());
      sources.put(b.spec.symbol(), src);
      src.init(b);
      b.discardPending();
    }
  }

  /** A message for the streams of one symbol: kind plus Binance's payload. */
  record Outgoing(String symbol, Kind kind, Map<String, Object> data) {
    String stream() {
      return symbol.toLowerCase(Locale.ROOT) + kind.suffix;
    }
  }

  enum Kind {
    DEPTH("@depth@100ms"), BOOK_TICKER("@bookTicker"), TRADE("@trade");

    final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }
  }

  synchronized Book book(String symbol) {
    return books.get(symbol);
  }

  synchronized List<String> symbols() {
    return new ArrayList<>(books.keySet());
  }

  synchronized BookSnapshot snapshot(String symbol) {
    Book b = books.get(symbol);
    if (b == null) {
      throw new IllegalArgumentException("unknown symbol " + symbol + "; listed: "
          + books.keySet());
    }
    return b.snapshot();
  }

  /** Binance's /api/v3/depth body for the top {@code limit} levels. */
  synchronized Map<String, Object> depth(String symbol, int limit) {
    Book b = requireBook(symbol);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lastUpdateId", b.lastUpdateId);
    m.put("bids", top(b, b.bids, limit));
    m.put("asks", top(b, b.asks, limit));
    return m;
  }

  private static List<List<String>> top(Book b, TreeMap<Long, Long> side, int limit) {
    List<List<String>> out = new ArrayList<>(Math.min(limit, side.size()));
    for (Map.Entry<Long, Long> e : side.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(List.of(b.priceText(e.getKey()), b.qtyText(e.getValue())));
    }
    return out;
  }

  Book requireBook(String symbol) {
    Book b = books.get(symbol);
    if (b == null) {
      throw BinanceError.invalidSymbol();
    }
    return b;
  }

  /**
   * One market update: moves every book, fills crossed resting orders, and returns the stream
   * messages in order (per symbol: depthUpdate, bookTicker, then trades).
   */
  synchronized List<Outgoing> step() {
    long now = nowMs.getAsLong();
    List<Outgoing> out = new ArrayList<>();
    List<Outgoing> trades = new ArrayList<>(pendingTrades);
    pendingTrades.clear();
    for (Book b : books.values()) {
      MarketSource src = sources.get(b.spec.symbol());
      src.step(b, (price, qty, buyerMaker) ->
          trades.add(trade(b, price, qty, buyerMaker, now)));
      fillResting(b, now, trades);
    }
    for (Book b : books.values()) {
      Book.Diff d = b.drainDiff();
      if (d != null) {
        out.add(new Outgoing(b.spec.symbol(), Kind.DEPTH, depthUpdate(b, d, now)));
        out.add(new Outgoing(b.spec.symbol(), Kind.BOOK_TICKER, bookTicker(b)));
      }
    }
    out.addAll(trades);
    return out;
  }

  private Outgoing trade(Book b, long price, long qty, boolean buyerMaker, long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("e", "trade");
    m.put("E", now);
    m.put("s", b.spec.symbol());
    m.put("t", ++b.lastTradeId);
    m.put("p", b.priceText(price));
    m.put("q", b.qtyText(qty));
    m.put("T", now);
    m.put("m", buyerMaker);
    m.put("M", true);
    return new Outgoing(b.spec.symbol(), Kind.TRADE, m);
  }

  private static Map<String, Object> depthUpdate(Book b, Book.Diff d, long now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("e", "depthUpdate");
    m.put("E", now);
    m.put("s", b.spec.symbol());
    m.put("U", d.firstId());
    m.put("u", d.lastId());
    m.put("b", levels(b, d.bids()));
    m.put("a", levels(b, d.asks()));
    return m;
  }

  private static List<List<String>> levels(Book b, List<long[]> levels) {
    List<List<String>> out = new ArrayList<>(levels.size());
    for (long[] l : levels) {
      out.add(List.of(b.priceText(l[0]), b.qtyText(l[1])));
    }
    return out;
  }

  private static Map<String, Object> bookTicker(Book b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("u", b.lastUpdateId);
    m.put("s", b.spec.symbol());
    long bid = b.bestBid();
    long ask = b.bestAsk();
    m.put("b", bid == 0 ? "0.00000000" : b.priceText(bid));
    m.put("B", bid == 0 ? "0.00000000" : b.qtyText(b.bids.get(bid)));
    m.put("a", ask == 0 ? "0.00000000" : b.priceText(ask));
    m.put("A", ask == 0 ? "0.00000000" : b.qtyText(b.asks.get(ask)));
    return m;
  }

  // ---------------------------------------------------------------- orders

  /** A new-order request after parameter parsing; price is {@code null} for MARKET. */
  record NewOrder(String symbol, Side side, OrderType type, TimeInForce timeInForce,
                  BigDecimal quantity, BigDecimal price, String clientOrderId) {
  }

  enum OrderType { LIMIT, MARKET }

  enum TimeInForce { GTC, IOC, FOK }

  enum Status { NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED }

  record Fill(long price, long qty, BigDecimal commission, String asset, long tradeId) {
  }

  /** An order's state; mutated only under the market lock. */
  static final class Order {
    final long orderId;
    final String apiKey;
    final Book book;
    final NewOrder req;
    final long priceTicks;
    final long origQty;
    final String clientOrderId;
    final long time;
    long executedQty;
    BigDecimal cumQuote = BigDecimal.ZERO;
    Status status = Status.NEW;
    long updateTime;
    final List<Fill> fills = new ArrayList<>();

    Order(long orderId, String apiKey, Book book, NewOrder req, long priceTicks, long origQty,
          String clientOrderId, long time) {
      this.orderId = orderId;
      this.apiKey = apiKey;
      this.book = book;
      this.req = req;
      this.priceTicks = priceTicks;
      this.origQty = origQty;
      this.clientOrderId = clientOrderId;
      this.time = time;
      this.updateTime = time;
    }

    boolean open() {
      return status == Status.NEW || status == Status.PARTIALLY_FILLED;
    }
  }

  /** Checks an order against the symbol's filters; returns the book. */
  synchronized Book validate(NewOrder r) {
    Book b = requireBook(r.symbol());
    SimConfig.SymbolSpec s = b.spec;
    BigDecimal q = r.quantity();
    if (q.compareTo(s.minQty()) < 0 || q.compareTo(s.maxQty()) > 0 || b.toUnits(q) < 0) {
      throw BinanceError.filter("LOT_SIZE");
    }
    BigDecimal notionalPrice;
    if (r.type() == OrderType.LIMIT) {
      BigDecimal p = r.price();
      if (p.compareTo(s.minPrice()) < 0 || p.compareTo(s.maxPrice()) > 0 || b.toTicks(p) < 0) {
        throw BinanceError.filter("PRICE_FILTER");
      }
      notionalPrice = p;
    } else {
      long bid = b.bestBid();
      long ask = b.bestAsk();
      notionalPrice = bid > 0 && ask > 0 ? b.price(bid).add(b.price(ask))
          .divide(BigDecimal.valueOf(2)) : b.spec.startPrice();
    }
    if (notionalPrice.multiply(q).compareTo(s.minNotional()) < 0) {
      throw BinanceError.filter("NOTIONAL");
    }
    return b;
  }

  /** Places, matches and (GTC) rests an order for {@code apiKey}. */
  synchronized Order place(String apiKey, NewOrder r) {
    Book b = validate(r);
    long now = nowMs.getAsLong();
    Map<String, BigDecimal> acct = account(apiKey);
    String clientId = r.clientOrderId() != null ? r.clientOrderId() : "sim-" + nextOrderId;
    for (Order o : resting.get(b.spec.symbol())) {
      if (o.apiKey.equals(apiKey) && o.clientOrderId.equals(clientId)) {
        throw BinanceError.duplicateOrder();
      }
    }
    long qty = b.toUnits(r.quantity());
    long limit = r.type() == OrderType.LIMIT ? b.toTicks(r.price()) : 0;
    String base = b.spec.baseAsset();
    String quote = b.spec.quoteAsset();
    // what can be taken right now, and what it costs
    long available = 0;
    BigDecimal walkCost = BigDecimal.ZERO;
    for (Map.Entry<Long, Long> e : b.side(r.side().opposite()).entrySet()) {
      if (available >= qty || limit > 0 && !crosses(r.side(), limit, e.getKey())) {
        break;
      }
      long take = Math.min(e.getValue(), qty - available);
      available += take;
      walkCost = walkCost.add(b.price(e.getKey()).multiply(b.qty(take)));
    }
    BigDecimal reserve;
    String reserveAsset;
    if (r.side() == Side.BUY) {
      reserveAsset = quote;
      reserve = limit > 0 ? b.price(limit).multiply(r.quantity()) : walkCost;
    } else {
      reserveAsset = base;
      reserve = r.quantity();
    }
    if (acct.getOrDefault(reserveAsset, BigDecimal.ZERO).compareTo(reserve) < 0) {
      throw BinanceError.insufficientBalance();
    }
    Order o = new Order(nextOrderId++, apiKey, b, r, limit, qty, clientId, now);
    orders.put(o.orderId, o);
    if (r.timeInForce() == TimeInForce.FOK && available < qty) {
      o.status = Status.EXPIRED;
      return o;
    }
    acct.merge(reserveAsset, reserve.negate(), BigDecimal::add);
    Side opp = r.side().opposite();
    TreeMap<Long, Long> levels = b.side(opp);
    while (o.executedQty < qty && !levels.isEmpty()) {
      long px = levels.firstKey();
      if (limit > 0 && !crosses(r.side(), limit, px)) {
        break;
      }
      long have = levels.get(px);
      long take = Math.min(have, qty - o.executedQty);
      b.set(opp, px, have - take);
      fill(o, acct, px, take, config.takerFeeRate(), now);
      pendingTrades.add(trade(b, px, take, r.side() == Side.SELL, now));
      if (r.side() == Side.BUY && limit > 0 && px != limit) {
        // refund the price improvement on the reserved quote
        acct.merge(quote, b.price(limit).subtract(b.price(px)).multiply(b.qty(take)),
            BigDecimal::add);
      }
    }
    if (o.executedQty == qty) {
      o.status = Status.FILLED;
    } else if (r.type() == OrderType.LIMIT && r.timeInForce() == TimeInForce.GTC) {
      o.status = o.executedQty > 0 ? Status.PARTIALLY_FILLED : Status.NEW;
      resting.get(b.spec.symbol()).add(o);
    } else {
      o.status = Status.EXPIRED;
      release(o, acct);
    }
    return o;
  }

  private static boolean crosses(Side side, long limit, long px) {
    return side == Side.BUY ? px <= limit : px >= limit;
  }

  private void fill(Order o, Map<String, BigDecimal> acct, long px, long qty, BigDecimal rate,
                    long now) {
    Book b = o.book;
    BigDecimal quoteQty = b.price(px).multiply(b.qty(qty));
    BigDecimal commission;
    String asset;
    if (o.req.side() == Side.BUY) {
      asset = b.spec.baseAsset();
      commission = b.qty(qty).multiply(rate).setScale(8, RoundingMode.HALF_UP);
      acct.merge(asset, b.qty(qty).subtract(commission), BigDecimal::add);
    } else {
      asset = b.spec.quoteAsset();
      commission = quoteQty.multiply(rate).setScale(8, RoundingMode.HALF_UP);
      acct.merge(asset, quoteQty.subtract(commission), BigDecimal::add);
    }
    o.executedQty += qty;
    o.cumQuote = o.cumQuote.add(quoteQty);
    o.updateTime = now;
    o.fills.add(new Fill(px, qty, commission, asset, b.lastTradeId + 1));
  }

  /** Gives back what an order still reserves (its unfilled remainder). */
  private static void release(Order o, Map<String, BigDecimal> acct) {
    Book b = o.book;
    long rest = o.origQty - o.executedQty;
    if (rest <= 0) {
      return;
    }
    if (o.req.side() == Side.BUY) {
      if (o.priceTicks > 0) {
        acct.merge(b.spec.quoteAsset(), b.price(o.priceTicks).multiply(b.qty(rest)),
            BigDecimal::add);
      }
    } else {
      acct.merge(b.spec.baseAsset(), b.qty(rest), BigDecimal::add);
    }
  }

  private void fillResting(Book b, long now, List<Outgoing> trades) {
    Iterator<Order> it = resting.get(b.spec.symbol()).iterator();
    while (it.hasNext()) {
      Order o = it.next();
      boolean crossed = o.req.side() == Side.BUY
          ? b.bestAsk() > 0 && b.bestAsk() <= o.priceTicks
          : b.bestBid() > 0 && b.bestBid() >= o.priceTicks;
      if (!crossed) {
        continue;
      }
      long rest = o.origQty - o.executedQty;
      fill(o, account(o.apiKey), o.priceTicks, rest, config.makerFeeRate(), now);
      trades.add(trade(b, o.priceTicks, rest, o.req.side() == Side.BUY, now));
      o.status = Status.FILLED;
      it.remove();
    }
  }

  /** Finds an order of {@code apiKey} by id or client id; {@code null} when there is none. */
  synchronized Order find(String apiKey, String symbol, Long orderId, String clientOrderId) {
    requireBook(symbol);
    Order found = null;
    for (Order o : orders.values()) {
      if (!o.apiKey.equals(apiKey) || !o.book.spec.symbol().equals(symbol)) {
        continue;
      }
      if (orderId != null && o.orderId != orderId) {
        continue;
      }
      if (clientOrderId != null && !o.clientOrderId.equals(clientOrderId)) {
        continue;
      }
      if (found == null || o.orderId > found.orderId) {
        found = o;
      }
    }
    return found;
  }

  /** Cancels an open order; -2011 when it is unknown or no longer open. */
  synchronized Order cancel(String apiKey, String symbol, Long orderId, String clientOrderId) {
    Order o = find(apiKey, symbol, orderId, clientOrderId);
    if (o == null || !o.open()) {
      throw BinanceError.unknownOrder();
    }
    o.status = Status.CANCELED;
    o.updateTime = nowMs.getAsLong();
    resting.get(symbol).remove(o);
    release(o, account(apiKey));
    return o;
  }

  synchronized Map<String, BigDecimal> balances(String apiKey) {
    return Map.copyOf(account(apiKey));
  }

  private Map<String, BigDecimal> account(String apiKey) {
    return balances.computeIfAbsent(apiKey, k -> new HashMap<>(config.startingBalances()));
  }
}
