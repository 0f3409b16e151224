package io.spark.day9.market;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A local order book for one symbol: bids highest first, asks lowest first, exact decimals.
 * A level with quantity zero is removed. Not thread-safe: {@link BookSync} owns it and guards
 * it with its own lock.
 */
final class OrderBook {
    private final NavigableMap<BigDecimal, BigDecimal> bids =
            new TreeMap<>(Collections.reverseOrder());
    private final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();

    void clear() {
        bids.clear();
        asks.clear();
    }

    void load(List<PriceLevel> bidLevels, List<PriceLevel> askLevels) {
        clear();
        apply(bidLevels, askLevels);
    }

    void apply(List<PriceLevel> bidLevels, List<PriceLevel> askLevels) {
        for (PriceLevel l : bidLevels) {
            set(bids, l);
        }
        for (PriceLevel l : askLevels) {
            set(asks, l);
        }
    }

    private static void set(NavigableMap<BigDecimal, BigDecimal> side, PriceLevel l) {
        if (l.qty().signum() == 0) {
            side.remove(l.price());
        } else {
            side.put(l.price(), l.qty());
        }
    }

    /** Up to {@code limit} best bids, best first. */
    List<PriceLevel> bids(int limit) {
        return top(bids, limit);
    }

    /** Up to {@code limit} best asks, best first. */
    List<PriceLevel> asks(int limit) {
        return top(asks, limit);
    }

    int bidLevels() {
        return bids.size();
    }

    int askLevels() {
        return asks.size();
    }

    private static List<PriceLevel> top(NavigableMap<BigDecimal, BigDecimal> side, int limit) {
        List<PriceLevel> out = new ArrayList<>(Math.min(limit, side.size()));
        for (Map.Entry<BigDecimal, BigDecimal> e : side.entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new PriceLevel(e.getKey(), e.getValue()));
        }
        return out;
    }
}
