package io.spark.day9.sim;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One symbol's simulated market: a seeded random walk of the mid price with
 * {@value #LEVELS} levels a side, a two-tick spread, varying quantities, and trades printing at
 * the touch when the mid moves through it.
 *
 * <p>Prices are whole ticks and quantities whole lots ({@code long}), so the book is exact;
 * they are shown as decimals with {@link #tickScale} and {@link #lotScale} places. Each
 * {@link #step} changes the book and returns the diff with its update-id range (U..u, one to
 * three ids per update as Binance aggregates), exactly what a depthUpdate carries.
 *
 * <p>Not thread-safe: {@link SimExchange} calls it under its own lock.
 */
final class SimMarket {
    static final int LEVELS = 50;

    /** A changed level: quantity 0 removes it. */
    record Change(boolean bid, long priceTicks, long qtyLots) {
    }

    /** One update: ids U..u and the changes. */
    record Update(long firstId, long lastId, List<Change> changes, List<long[]> trades) {
    }

    final String symbol;
    final int tickScale;
    final int lotScale;
    private final RandomGenerator random;
    private final NavigableMap<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
    private final NavigableMap<Long, Long> asks = new TreeMap<>();
    private long mid;
    /** Changes made by orders since the last step; they go out in the next depthUpdate. */
    private final List<Change> orderChanges = new ArrayList<>();
    private long lastUpdateId;
    private long tradeId;

    SimMarket(String symbol, long midTicks, int tickScale, int lotScale, RandomGenerator random) {
        this.symbol = symbol;
        this.tickScale = tickScale;
        this.lotScale = lotScale;
        this.random = random;
        this.mid = midTicks;
        this.lastUpdateId = 1_000_000 + random.nextInt(1_000_000);
        for (int i = 1; i <= LEVELS; i++) {
            bids.put(mid - i, qty());
            asks.put(mid + i, qty());
        }
    }

    private long qty() {
        // mostly small, sometimes large: 0.001 .. ~2.5 in lots of 1e-5
        double x = random.nextDouble();
        return 100 + (long) (x * x * x * 250_000);
    }

    /** Moves the market one step and returns what changed. */
    Update step() {
        List<Change> changes = new ArrayList<>(orderChanges);
        orderChanges.clear();
        List<long[]> trades = new ArrayList<>();
        int move = random.nextInt(10);
        if (move < 2) {
            shift(+1, changes, trades);
        } else if (move < 4) {
            shift(-1, changes, trades);
        }
        int touches = 1 + random.nextInt(5);
        for (int i = 0; i < touches; i++) {
            boolean bid = random.nextBoolean();
            long price = bid ? mid - 1 - random.nextInt(LEVELS) : mid + 1 + random.nextInt(LEVELS);
            long q = random.nextInt(8) == 0 ? 0 : qty();
            NavigableMap<Long, Long> side = bid ? bids : asks;
            if (q == 0 && side.size() <= LEVELS / 2) {
                q = qty(); // keep the book deep
            }
            set(side, price, q);
            changes.add(new Change(bid, price, q));
        }
        long first = lastUpdateId + 1;
        lastUpdateId = first + random.nextInt(3);
        return new Update(first, lastUpdateId, changes, trades);
    }

    /** The mid moves by one tick: the touch on that side trades away, levels roll over. */
    private void shift(int dir, List<Change> changes, List<long[]> trades) {
        NavigableMap<Long, Long> consumed = dir > 0 ? asks : bids;
        Map.Entry<Long, Long> best = consumed.firstEntry();
        if (best != null) {
            trades.add(new long[] {best.getKey(), Math.max(1, best.getValue() / 3),
                    dir > 0 ? 0 : 1});
        }
        mid += dir;
        // remove levels that left their side's window, add the new ones
        for (NavigableMap<Long, Long> side : List.of(bids, asks)) {
            boolean bid = side == bids;
            List<Long> drop = new ArrayList<>();
            for (long p : side.keySet()) {
                long distance = bid ? mid - p : p - mid;
                if (distance < 1 || distance > LEVELS) {
                    drop.add(p);
                }
            }
            for (long p : drop) {
                side.remove(p);
                changes.add(new Change(bid, p, 0));
            }
            for (int i = 1; i <= LEVELS; i++) {
                long p = bid ? mid - i : mid + i;
                if (!side.containsKey(p) && (i == 1 || i == LEVELS || random.nextInt(4) > 0)) {
                    long q = qty();
                    side.put(p, q);
                    changes.add(new Change(bid, p, q));
                }
            }
        }
    }

    private static void set(NavigableMap<Long, Long> side, long price, long q) {
        if (q == 0) {
            side.remove(price);
        } else {
            side.put(price, q);
        }
    }

    long lastUpdateId() {
        return lastUpdateId;
    }

    long nextTradeId() {
        return ++tradeId;
    }

    /** Best {@code limit} bids as [price ticks, qty lots], best first. */
    List<long[]> bids(int limit) {
        return top(bids, limit);
    }

    List<long[]> asks(int limit) {
        return top(asks, limit);
    }

    private static List<long[]> top(NavigableMap<Long, Long> side, int limit) {
        List<long[]> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : side.entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new long[] {e.getKey(), e.getValue()});
        }
        return out;
    }

    String price(long ticks) {
        return BigDecimal.valueOf(ticks, tickScale).toPlainString();
    }

    String qty(long lots) {
        return BigDecimal.valueOf(lots, lotScale).toPlainString();
    }

    /** Best opposite price in ticks for a taker on {@code buy} side, or -1 when empty. */
    long bestFor(boolean buy) {
        NavigableMap<Long, Long> side = buy ? asks : bids;
        return side.isEmpty() ? -1 : side.firstKey();
    }

    /**
     * A taker order consumes liquidity: walks the opposite side from the best level while the
     * price is within {@code limitTicks} (any price when -1) until {@code lots} are filled.
     * Returns the fills as [price ticks, lots]; the book changes go out in the next update.
     */
    List<long[]> take(boolean buy, long lots, long limitTicks) {
        NavigableMap<Long, Long> side = buy ? asks : bids;
        List<long[]> fills = new ArrayList<>();
        long left = lots;
        while (left > 0 && !side.isEmpty()) {
            Map.Entry<Long, Long> best = side.firstEntry();
            long price = best.getKey();
            if (limitTicks >= 0 && (buy ? price > limitTicks : price < limitTicks)) {
                break;
            }
            long q = Math.min(left, best.getValue());
            fills.add(new long[] {price, q});
            left -= q;
            long remaining = best.getValue() - q;
            set(side, price, remaining);
            orderChanges.add(new Change(!buy, price, remaining));
        }
        return fills;
    }

    /** Total lots on the opposite side within {@code limitTicks} (for fill-or-kill). */
    long available(boolean buy, long limitTicks) {
        NavigableMap<Long, Long> side = buy ? asks : bids;
        long total = 0;
        for (Map.Entry<Long, Long> e : side.entrySet()) {
            if (limitTicks >= 0 && (buy ? e.getKey() > limitTicks : e.getKey() < limitTicks)) {
                break;
            }
            total += e.getValue();
        }
        return total;
    }
}
