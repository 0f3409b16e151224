package io.spark.day9.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A seeded random-walk market for one symbol, in integer ticks and lot units.
 *
 * <p>Each step: with probability 0.4 the best bid moves by -3..+3 ticks; the spread is one tick,
 * or two with probability 0.2; levels that would cross are removed and the new touch levels are
 * created; two to six levels per side (biased to the top) get a new random quantity or, away
 * from the touch, are removed; each side is refilled to {@code depthLevels} levels (one tick
 * apart, sometimes two) and trimmed beyond {@code depthLevels + 5}; then zero to two trades
 * print at the touch, each taking part of the best level. Level quantities are
 * {@code levelQty × U(0.05, 2.0)}, rounded to the lot step. Every step changes the book, so
 * every step emits a depthUpdate.
 *
 * <p>Cost: O(levels) per step. Thread safety: none; called under the market lock.
 */
final class RandomWalk implements MarketSource {
  private final RandomGenerator rnd;
  private final int depthLevels;

  RandomWalk(RandomGenerator rnd, int depthLevels) {
    this.rnd = rnd;
    this.depthLevels = depthLevels;
  }

  @Override
  public void init(Book book) {
    long mid = book.toTicks(book.spec.startPrice());
    book.set(Side.BUY, mid, randomQty(book));
    book.set(Side.SELL, mid + 1, randomQty(book));
    refill(book, Side.BUY);
    refill(book, Side.SELL);
  }

  @Override
  public void step(Book book, TradeSink trades) {
    long bid = book.bestBid();
    long ask = book.bestAsk();
    if (bid == 0 || ask == 0) {
      init(book);
      return;
    }
    long move = rnd.nextInt(10) < 4 ? rnd.nextInt(-3, 4) : 0;
    long newBid = Math.max(100, bid + move);
    long newAsk = newBid + (rnd.nextInt(5) == 0 ? 2 : 1);
    removeWhile(book, Side.BUY, p -> p > newBid);
    removeWhile(book, Side.SELL, p -> p < newAsk);
    if (!book.bids.containsKey(newBid)) {
      book.set(Side.BUY, newBid, randomQty(book));
    }
    if (!book.asks.containsKey(newAsk)) {
      book.set(Side.SELL, newAsk, randomQty(book));
    }
    churn(book, Side.BUY);
    churn(book, Side.SELL);
    refill(book, Side.BUY);
    refill(book, Side.SELL);
    trim(book, Side.BUY);
    trim(book, Side.SELL);
    int n = rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      boolean buyerTakes = rnd.nextBoolean();
      Side hit = buyerTakes ? Side.SELL : Side.BUY;
      TreeMap<Long, Long> levels = book.side(hit);
      long price = levels.firstKey();
      long have = levels.get(price);
      long qty = Math.min(have, 1 + rnd.nextLong(Math.max(1, have / 2)));
      book.set(hit, price, have - qty);
      trades.trade(price, qty, !buyerTakes);
    }
  }

  private void churn(Book book, Side side) {
    TreeMap<Long, Long> levels = book.side(side);
    int k = 2 + rnd.nextInt(5);
    List<Long> prices = new ArrayList<>(levels.keySet());
    for (int i = 0; i < k && !prices.isEmpty(); i++) {
      int idx = Math.min(prices.size() - 1, (int) Math.abs(rnd.nextGaussian() * 6));
      long price = prices.get(idx);
      if (idx > 0 && rnd.nextInt(6) == 0) {
        book.set(side, price, 0);
        prices.remove(idx);
      } else {
        book.set(side, price, randomQty(book));
      }
    }
  }

  private void refill(Book book, Side side) {
    TreeMap<Long, Long> levels = book.side(side);
    while (levels.size() < depthLevels) {
      long worst = levels.lastKey();
      long gap = rnd.nextInt(4) == 0 ? 2 : 1;
      long price = side == Side.BUY ? worst - gap : worst + gap;
      if (price <= 0) {
        return;
      }
      book.set(side, price, randomQty(book));
    }
  }

  private void trim(Book book, Side side) {
    TreeMap<Long, Long> levels = book.side(side);
    while (levels.size() > depthLevels + 5) {
      book.set(side, levels.lastKey(), 0);
    }
  }

  private static void removeWhile(Book book, Side side, java.util.function.LongPredicate p) {
    TreeMap<Long, Long> levels = book.side(side);
    while (!levels.isEmpty() && p.test(levels.firstKey())) {
      book.set(side, levels.firstKey(), 0);
    }
  }

  private long randomQty(Book book) {
    double units = book.spec.levelQty().doubleValue() / book.spec.stepSize().doubleValue();
    return Math.max(1, Math.round(units * (0.05 + rnd.nextDouble() * 1.95)));
  }
}
