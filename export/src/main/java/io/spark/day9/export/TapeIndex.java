package io.spark.day9.export;

import io.spark.day9.tape.MarketTape;
import io.spark.day9.tape.TapeRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The market tape in memory, by symbol, for point-in-time look-ups: top-of-book and trade
 * series as parallel primitive arrays sorted by observation time (stable: records with equal
 * times keep their tape order). Cost: about 40 bytes per top-of-book record and 16 per trade;
 * look-ups are binary searches; window sums (volatility, traded quantity) are differences of
 * prefix sums, so each row costs O(log n) whatever the window holds.
 *
 * <p>The two questions a reader may ask, and the only ones: {@link Series#before(long)} (the
 * last record observed strictly before t: features) and {@link Series#asOf(long)} (the last
 * one observed at or before t: labels at a later horizon).
 */
final class TapeIndex {
    private final Map<String, Series> tops = new HashMap<>();
    private final Map<String, Trades> trades = new HashMap<>();
    private long lastAt = Long.MIN_VALUE;
    private MarketTape.ReadResult read;

    /** Reads every segment of {@code dir}. */
    static TapeIndex load(Path dir) throws IOException {
        TapeIndex index = new TapeIndex();
        Map<String, Builder> b = new HashMap<>();
        Map<String, Builder> t = new HashMap<>();
        index.read = MarketTape.read(dir, r -> {
            index.lastAt = Math.max(index.lastAt, r.at());
            if (r instanceof TapeRecord.Top top) {
                b.computeIfAbsent(top.symbol(), s -> new Builder(5)).add(top.at(), top.bid(),
                        top.bidQty(), top.ask(), top.askQty(), 0);
            } else if (r instanceof TapeRecord.Trade tr) {
                t.computeIfAbsent(tr.symbol(), s -> new Builder(1)).add(tr.at(), tr.qty(), 0, 0,
                        0, 0);
            }
        });
        b.forEach((s, builder) -> index.tops.put(s, builder.series()));
        t.forEach((s, builder) -> index.trades.put(s, builder.trades()));
        return index;
    }

    /** What reading the tape found. */
    MarketTape.ReadResult readResult() {
        return read;
    }

    /** The latest observation time on the whole tape (any symbol), or Long.MIN_VALUE. */
    long lastAt() {
        return lastAt;
    }

    /** The symbol's top-of-book series, or null. */
    Series tops(String symbol) {
        return tops.get(symbol);
    }

    /** The symbol's trades, or null. */
    Trades trades(String symbol) {
        return trades.get(symbol);
    }

    /** Index of the last element of {@code at[0..n)} strictly below {@code t}, or -1. */
    static int lastBelow(long[] at, int n, long t) {
        int lo = 0;
        int hi = n; // first index with at >= t
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /** Index of the last element of {@code at[0..n)} at or below {@code t}, or -1. */
    static int lastAtOrBelow(long[] at, int n, long t) {
        return t == Long.MAX_VALUE ? n - 1 : lastBelow(at, n, t + 1);
    }

    /** One symbol's top of book over time. */
    static final class Series {
        final long[] at;
        final double[] bid;
        final double[] bidQty;
        final double[] ask;
        final double[] askQty;
        /** cumSq[i]: the sum of squared log returns of the mid from record 0 to record i. */
        final double[] cumSq;
        final int n;

        Series(long[] at, double[] bid, double[] bidQty, double[] ask, double[] askQty, int n) {
            this.at = at;
            this.bid = bid;
            this.bidQty = bidQty;
            this.ask = ask;
            this.askQty = askQty;
            this.n = n;
            this.cumSq = new double[Math.max(1, n)];
            for (int i = 1; i < n; i++) {
                double lr = Math.log(mid(i) / mid(i - 1));
                cumSq[i] = cumSq[i - 1] + lr * lr;
            }
        }

        /** The last record observed strictly before {@code t}, or -1. */
        int before(long t) {
            return lastBelow(at, n, t);
        }

        /** The last record observed at or before {@code t}, or -1. */
        int asOf(long t) {
            return lastAtOrBelow(at, n, t);
        }

        double mid(int i) {
            return (bid[i] + ask[i]) / 2;
        }
    }

    /** One symbol's trades over time, with prefix sums of quantity. */
    static final class Trades {
        final long[] at;
        final double[] cumQty; // cumQty[i] = qty of trades 0..i-1
        final int n;

        Trades(long[] at, double[] cumQty, int n) {
            this.at = at;
            this.cumQty = cumQty;
            this.n = n;
        }

        /** Trades observed in {@code [from, to)}: their count and summed quantity. */
        long count(long from, long to) {
            return Math.max(0, lastBelow(at, n, to) - lastBelow(at, n, from));
        }

        double qty(long from, long to) {
            int a = lastBelow(at, n, from) + 1;
            int b = lastBelow(at, n, to) + 1;
            return b > a ? cumQty[b] - cumQty[a] : 0.0;
        }
    }

    /** Growable parallel arrays; sorted stably by time when built. */
    private static final class Builder {
        long[] at = new long[1024];
        final double[][] v;
        int n;

        Builder(int values) {
            v = new double[values][1024];
        }

        void add(long t, double a, double b, double c, double d, double e) {
            if (n == at.length) {
                at = Arrays.copyOf(at, n * 2);
                for (int i = 0; i < v.length; i++) {
                    v[i] = Arrays.copyOf(v[i], n * 2);
                }
            }
            at[n] = t;
            v[0][n] = a;
            if (v.length == 5) {
                v[1][n] = b;
                v[2][n] = c;
                v[3][n] = d;
                v[4][n] = e;
            }
            n++;
        }

        /** Sorts by time, keeping tape order among equal times (segments may overlap). */
        private void sort() {
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) {
                sorted = at[i - 1] <= at[i];
            }
            if (sorted) {
                return;
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Long.compare(at[x], at[y])); // stable (TimSort)
            long[] at2 = new long[n];
            double[][] v2 = new double[v.length][n];
            for (int i = 0; i < n; i++) {
                at2[i] = at[order[i]];
                for (int k = 0; k < v.length; k++) {
                    v2[k][i] = v[k][order[i]];
                }
            }
            at = at2;
            for (int k = 0; k < v.length; k++) {
                v[k] = v2[k];
            }
        }

        Series series() {
            sort();
            return new Series(at, v[0], v[1], v[2], v[3], n);
        }

        Trades trades() {
            sort();
            double[] cum = new double[n + 1];
            for (int i = 0; i < n; i++) {
                cum[i + 1] = cum[i] + v[0][i];
            }
            return new Trades(at, cum, n);
        }
    }
}
