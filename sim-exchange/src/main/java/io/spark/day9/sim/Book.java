package io.spark.day9.sim;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One symbol's order book in integer units: prices in ticks, quantities in lot steps, so that
 * every level prints exactly with 8 decimals and nothing rounds.
 *
 * <p>Update ids: every call to {@link #set} that changes a level increments
 * {@code lastUpdateId} by one and records the level's new absolute quantity in the pending diff
 * (zero = removed). {@link #drainDiff} hands that diff out as one depthUpdate with
 * {@code U} = the first id since the last drain and {@code u} = {@code lastUpdateId}, so
 * consecutive diffs satisfy {@code U == previous u + 1} and a REST snapshot taken at any moment
 * (id {@code S}) is continued by the first diff with {@code U <= S + 1 <= u}.
 *
 * <p>Thread safety: none; the {@link Market} lock guards every book.
 */
final class Book {
  final SimConfig.SymbolSpec spec;
  final TreeMap<Long, Long> bids = new TreeMap<>(Comparator.reverseOrder());
  final TreeMap<Long, Long> asks = new TreeMap<>();
  private final TreeMap<Long, Long> pendingBids = new TreeMap<>(Comparator.reverseOrder());
  private final TreeMap<Long, Long> pendingAsks = new TreeMap<>();
  private long pendingFirstId = -1;
  long lastUpdateId;
  long lastTradeId;

  Book(SimConfig.SymbolSpec spec, long firstUpdateId) {
    this.spec = spec;
    this.lastUpdateId = firstUpdateId;
  }

  TreeMap<Long, Long> side(Side side) {
    return side == Side.BUY ? bids : asks;
  }

  /** Sets a level's absolute quantity ({@code 0} removes it); a no-op change is not recorded. */
  void set(Side side, long priceTicks, long qtyUnits) {
    if (priceTicks <= 0 || qtyUnits < 0) {
      throw new IllegalArgumentException(spec.symbol() + ": bad level " + side + " " + priceTicks
          + " x " + qtyUnits);
    }
    TreeMap<Long, Long> levels = side(side);
    Long old = levels.get(priceTicks);
    if (qtyUnits == 0) {
      if (old == null) {
        return;
      }
      levels.remove(priceTicks);
    } else {
      if (old != null && old == qtyUnits) {
        return;
      }
      levels.put(priceTicks, qtyUnits);
    }
    lastUpdateId++;
    if (pendingFirstId < 0) {
      pendingFirstId = lastUpdateId;
    }
    (side == Side.BUY ? pendingBids : pendingAsks).put(priceTicks, qtyUnits);
  }

  long bestBid() {
    return bids.isEmpty() ? 0 : bids.firstKey();
  }

  long bestAsk() {
    return asks.isEmpty() ? 0 : asks.firstKey();
  }

  /** Forgets the pending diff without publishing it (used once, after the initial fill). */
  void discardPending() {
    pendingBids.clear();
    pendingAsks.clear();
    pendingFirstId = -1;
  }

  /** The changes since the previous drain, or {@code null} when nothing changed. */
  Diff drainDiff() {
    if (pendingFirstId < 0) {
      return null;
    }
    Diff d = new Diff(pendingFirstId, lastUpdateId, levels(pendingBids), levels(pendingAsks));
    discardPending();
    return d;
  }

  private static List<long[]> levels(Map<Long, Long> m) {
    List<long[]> out = new ArrayList<>(m.size());
    m.forEach((p, q) -> out.add(new long[] {p, q}));
    return out;
  }

  BigDecimal price(long ticks) {
    return BigDecimal.valueOf(ticks).multiply(spec.tickSize()).setScale(8);
  }

  BigDecimal qty(long units) {
    return BigDecimal.valueOf(units).multiply(spec.stepSize()).setScale(8);
  }

  String priceText(long ticks) {
    return price(ticks).toPlainString();
  }

  String qtyText(long units) {
    return qty(units).toPlainString();
  }

  /** Ticks for an exact multiple of tickSize, or {@code -1}. */
  long toTicks(BigDecimal price) {
    BigDecimal[] qr = price.divideAndRemainder(spec.tickSize());
    return qr[1].signum() == 0 ? qr[0].longValueExact() : -1;
  }

  /** Lot units for an exact multiple of stepSize, or {@code -1}. */
  long toUnits(BigDecimal qty) {
    BigDecimal[] qr = qty.divideAndRemainder(spec.stepSize());
    return qr[1].signum() == 0 ? qr[0].longValueExact() : -1;
  }

  BookSnapshot snapshot() {
    TreeMap<BigDecimal, BigDecimal> b = new TreeMap<>(Comparator.reverseOrder());
    bids.forEach((p, q) -> b.put(price(p), qty(q)));
    TreeMap<BigDecimal, BigDecimal> a = new TreeMap<>();
    asks.forEach((p, q) -> a.put(price(p), qty(q)));
    return new BookSnapshot(spec.symbol(), lastUpdateId, b, a);
  }

  /** A depthUpdate's content: ids and absolute levels as [ticks, units] pairs. */
  record Diff(long firstId, long lastId, List<long[]> bids, List<long[]> asks) {
  }
}
