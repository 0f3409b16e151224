package io.spark.day9.sim;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A consistent copy of the simulator's own order book for one symbol, taken under the market
 * lock: every level it contains is the state after update id {@code lastUpdateId}, exactly what
 * a REST {@code /api/v3/depth} call at that moment would report with an unlimited {@code limit}.
 *
 * <p>{@code bids} iterate best (highest) first, {@code asks} best (lowest) first. Prices and
 * quantities carry scale 8, as parsed from the wire strings ({@code "65000.01000000"}), so a
 * client book built from parsed wire strings compares equal with {@link #equals}.
 *
 * @param symbol       upper-case symbol, e.g. {@code BTCUSDT}
 * @param lastUpdateId the book's last update id
 * @param bids         price to quantity, descending, unmodifiable
 * @param asks         price to quantity, ascending, unmodifiable
 */
public record BookSnapshot(String symbol, long lastUpdateId,
                           NavigableMap<BigDecimal, BigDecimal> bids,
                           NavigableMap<BigDecimal, BigDecimal> asks) {

  public BookSnapshot {
    Objects.requireNonNull(symbol, "symbol");
    TreeMap<BigDecimal, BigDecimal> b = new TreeMap<>(Comparator.reverseOrder());
    b.putAll(bids);
    TreeMap<BigDecimal, BigDecimal> a = new TreeMap<>();
    a.putAll(asks);
    bids = Collections.unmodifiableNavigableMap(b);
    asks = Collections.unmodifiableNavigableMap(a);
  }

  /** Best bid price, or {@code null} when the bid side is empty. */
  public BigDecimal bestBid() {
    return bids.isEmpty() ? null : bids.firstKey();
  }

  /** Best ask price, or {@code null} when the ask side is empty. */
  public BigDecimal bestAsk() {
    return asks.isEmpty() ? null : asks.firstKey();
  }
}
