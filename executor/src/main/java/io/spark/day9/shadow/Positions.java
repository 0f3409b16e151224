package io.spark.day9.shadow;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Shadow positions per strategy and symbol, average-cost accounting in the quote asset: a fill
 * that grows a position adds to its cost; one that shrinks it realises
 * {@code (price − average) × qty} (sign-adjusted for shorts); fees are summed separately in the
 * quote asset. Marked to market at the book's mid. Not thread-safe: the executor guards it.
 */
final class Positions {
    private final Map<String, Position> byKey = new TreeMap<>();

    private static final class Position {
        final String strategy;
        final String symbol;
        BigDecimal qty = BigDecimal.ZERO;       // signed: < 0 is short
        BigDecimal avg = BigDecimal.ZERO;       // average entry price of the open qty
        BigDecimal realized = BigDecimal.ZERO;
        BigDecimal fees = BigDecimal.ZERO;
        BigDecimal bought = BigDecimal.ZERO;
        BigDecimal sold = BigDecimal.ZERO;
        long fills;

        Position(String strategy, String symbol) {
            this.strategy = strategy;
            this.symbol = symbol;
        }
    }

    /** A position as the API shows it. */
    record View(String strategy, String symbol, BigDecimal qty, BigDecimal avgPrice,
                BigDecimal realizedPnl, BigDecimal unrealizedPnl, BigDecimal fees,
                BigDecimal netPnl, BigDecimal mark, BigDecimal bought, BigDecimal sold,
                long fills) {
    }

    void fill(String strategy, String symbol, boolean buy, BigDecimal price, BigDecimal qty,
              BigDecimal fee) {
        Position p = byKey.computeIfAbsent(strategy + "\u0000" + symbol,
                k -> new Position(strategy, symbol));
        BigDecimal signed = buy ? qty : qty.negate();
        p.fills++;
        p.fees = p.fees.add(fee);
        if (buy) {
            p.bought = p.bought.add(qty);
        } else {
            p.sold = p.sold.add(qty);
        }
        if (p.qty.signum() == 0 || p.qty.signum() == signed.signum()) {
            // opening or adding: new average
            BigDecimal cost = p.avg.multiply(p.qty.abs()).add(price.multiply(qty));
            p.qty = p.qty.add(signed);
            p.avg = cost.divide(p.qty.abs(), MathContext.DECIMAL64);
            return;
        }
        // reducing (maybe flipping)
        BigDecimal closing = qty.min(p.qty.abs());
        BigDecimal perUnit = p.qty.signum() > 0 ? price.subtract(p.avg) : p.avg.subtract(price);
        p.realized = p.realized.add(perUnit.multiply(closing));
        p.qty = p.qty.add(signed);
        if (p.qty.signum() == 0) {
            p.avg = BigDecimal.ZERO;
        } else if (p.qty.signum() == signed.signum()) {
            p.avg = price; // flipped: the remainder opened at this price
        }
    }

    /** The net quantity of a strategy in a symbol, exactly (zero when it never traded it). */
    BigDecimal qty(String strategy, String symbol) {
        Position p = byKey.get(strategy + "\u0000" + symbol);
        return p == null ? BigDecimal.ZERO : p.qty;
    }

    /** A position's accounting state, exactly (what a state snapshot keeps). */
    record State(String strategy, String symbol, BigDecimal qty, BigDecimal avg,
                 BigDecimal realized, BigDecimal fees, BigDecimal bought, BigDecimal sold,
                 long fills) {
    }

    /** Every position's state (immutable values: safe to use after the lock is released). */
    List<State> states() {
        List<State> out = new ArrayList<>();
        for (Position p : byKey.values()) {
            out.add(new State(p.strategy, p.symbol, p.qty, p.avg, p.realized, p.fees, p.bought,
                    p.sold, p.fills));
        }
        return out;
    }

    /** Replaces every position with {@code states} (restore at start). */
    void load(List<State> states) {
        byKey.clear();
        for (State st : states) {
            Position p = new Position(st.strategy(), st.symbol());
            p.qty = st.qty();
            p.avg = st.avg();
            p.realized = st.realized();
            p.fees = st.fees();
            p.bought = st.bought();
            p.sold = st.sold();
            p.fills = st.fills();
            byKey.put(st.strategy() + "\u0000" + st.symbol(), p);
        }
    }

    List<View> views(Function<String, BigDecimal> markOf) {
        List<View> out = new ArrayList<>();
        for (Position p : byKey.values()) {
            BigDecimal mark = markOf.apply(p.symbol);
            BigDecimal unrealized = mark == null || p.qty.signum() == 0 ? BigDecimal.ZERO
                    : mark.subtract(p.avg).multiply(p.qty);
            out.add(new View(p.strategy, p.symbol, p.qty.stripTrailingZeros(),
                    p.avg.stripTrailingZeros(), p.realized.stripTrailingZeros(),
                    unrealized.stripTrailingZeros(), p.fees.stripTrailingZeros(),
                    p.realized.add(unrealized).subtract(p.fees).stripTrailingZeros(), mark,
                    p.bought.stripTrailingZeros(), p.sold.stripTrailingZeros(), p.fills));
        }
        return out;
    }
}
