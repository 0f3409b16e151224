package io.spark.day9.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One symbol's recent market history, built from its simulated trades: the last
 * {@value #TRADES} trades and, per {@link KlineInterval}, the last {@value #KLINES} kline
 * buckets ({@value #MINUTE_KLINES} one-minute buckets, which also give the rolling 24-hour
 * ticker). Memory is bounded: the oldest entry goes when a new one comes. Buckets without
 * trades exist too (open = high = low = close = the last price, volume 0), as Binance's do.
 *
 * <p>Prices are in ticks and quantities in lots of the owning {@link SimMarket}; a quote amount
 * is ticks × lots. Not thread-safe: {@link SimExchange} calls it under its own lock.
 */
final class SimHistory {
    /** Trades kept per symbol (Binance's largest {@code trades} limit). */
    static final int TRADES = 1000;
    /** Kline buckets kept per symbol and interval (Binance's largest {@code klines} limit). */
    static final int KLINES = 1000;
    /** One-minute buckets kept: a whole day and one, for the rolling 24-hour ticker. */
    static final int MINUTE_KLINES = 1441;

    /** One trade. */
    record Trade(long id, long priceTicks, long lots, long time, boolean buyerMaker) {
    }

    /** One kline bucket (mutable while it is the newest). */
    static final class Kline {
        final long open;
        final long close;
        long o;
        long h;
        long l;
        long c;
        long volume;
        long quote;
        long takerBuyVolume;
        long takerBuyQuote;
        int count;
        long firstId = -1;
        long lastId = -1;

        Kline(long open, long close, long price) {
            this.open = open;
            this.close = close;
            o = h = l = c = price;
        }

        void add(Trade t) {
            if (count == 0) {
                o = h = l = t.priceTicks();
                firstId = t.id();
            }
            h = Math.max(h, t.priceTicks());
            l = Math.min(l, t.priceTicks());
            c = t.priceTicks();
            volume += t.lots();
            quote += t.priceTicks() * t.lots();
            if (!t.buyerMaker()) {
                takerBuyVolume += t.lots();
                takerBuyQuote += t.priceTicks() * t.lots();
            }
            count++;
            lastId = t.id();
        }
    }

    private final Deque<Trade> trades = new ArrayDeque<>();
    private final Map<KlineInterval, Deque<Kline>> klines = new EnumMap<>(KlineInterval.class);
    private long lastPrice;

    SimHistory(long priceTicks) {
        this.lastPrice = priceTicks;
        for (KlineInterval i : KlineInterval.values()) {
            klines.put(i, new ArrayDeque<>());
        }
    }

    private static int cap(KlineInterval i) {
        return i == KlineInterval.M1 ? MINUTE_KLINES : KLINES;
    }

    /** Records a trade (times never go backwards in the simulator). */
    void add(Trade t) {
        trades.addLast(t);
        if (trades.size() > TRADES) {
            trades.removeFirst();
        }
        for (KlineInterval i : KlineInterval.values()) {
            advance(i, t.time());
            klines.get(i).getLast().add(t);
        }
        lastPrice = t.priceTicks();
    }

    /** The last traded price (the starting mid before any trade). */
    long lastPrice() {
        return lastPrice;
    }

    /** The most recent trade, or null. */
    Trade lastTrade() {
        return trades.peekLast();
    }

    /** Rolls {@code i}'s buckets forward so the newest holds {@code now}. */
    void advance(KlineInterval i, long now) {
        Deque<Kline> q = klines.get(i);
        long target = i.open(now);
        Kline last = q.peekLast();
        long next;
        if (last == null) {
            next = target;
        } else {
            if (last.open >= target) {
                return;
            }
            next = i.next(last.open);
            if (i != KlineInterval.MONTH) {
                long length = i.next(0);
                next = Math.max(next, target - (long) cap(i) * length);
            }
        }
        while (next <= target) {
            long after = i.next(next);
            q.addLast(new Kline(next, after - 1, lastPrice));
            if (q.size() > cap(i)) {
                q.removeFirst();
            }
            next = after;
        }
    }

    /**
     * The most recent {@code limit} trades, oldest first.
     */
    List<Trade> recent(int limit) {
        List<Trade> out = new ArrayList<>(trades);
        return out.subList(Math.max(0, out.size() - limit), out.size());
    }

    /**
     * Trades by id from {@code fromId}, or by time within [{@code start}, {@code end}] (-1 =
     * open), oldest first; without either, the most recent {@code limit}.
     */
    List<Trade> trades(long fromId, long start, long end, int limit) {
        if (fromId < 0 && start < 0 && end < 0) {
            return recent(limit);
        }
        List<Trade> out = new ArrayList<>();
        for (Trade t : trades) {
            if ((fromId >= 0 && t.id() < fromId) || (start >= 0 && t.time() < start)
                    || (end >= 0 && t.time() > end)) {
                continue;
            }
            out.add(t);
        }
        if (fromId < 0 && start < 0) { // only an end: the most recent before it
            return out.subList(Math.max(0, out.size() - limit), out.size());
        }
        return out.subList(0, Math.min(limit, out.size()));
    }

    /**
     * Klines of {@code i} up to {@code now}, within [{@code start}, {@code end}] by open time
     * (-1 = open), oldest first, at most {@code limit}: from {@code start} when given, else the
     * most recent.
     */
    List<Kline> klines(KlineInterval i, long now, long start, long end, int limit) {
        advance(i, now);
        List<Kline> out = new ArrayList<>();
        for (Kline k : klines.get(i)) {
            if ((start >= 0 && k.close < start) || (end >= 0 && k.open > end)) {
                continue;
            }
            out.add(k);
        }
        if (start < 0) {
            return out.subList(Math.max(0, out.size() - limit), out.size());
        }
        return out.subList(0, Math.min(limit, out.size()));
    }

    /** The newest kline of {@code i} (rolled to {@code now}). */
    Kline current(KlineInterval i, long now) {
        advance(i, now);
        return klines.get(i).getLast();
    }

    /**
     * Rolling statistics over the one-minute buckets opening in the last {@code windowMs}
     * before {@code now}.
     *
     * @param open   first price of the window
     * @param prevClose close of the bucket before the window (the open when there is none)
     */
    record Stats(long openTime, long closeTime, long open, long prevClose, long high, long low,
                 long last, long volume, long quote, long count, long firstId, long lastId) {
    }

    Stats stats(long now, long windowMs) {
        advance(KlineInterval.M1, now);
        long from = now - windowMs;
        Kline before = null;
        Kline first = null;
        long high = Long.MIN_VALUE;
        long low = Long.MAX_VALUE;
        long volume = 0;
        long quote = 0;
        long count = 0;
        long firstId = -1;
        long lastId = -1;
        for (Iterator<Kline> it = klines.get(KlineInterval.M1).iterator(); it.hasNext(); ) {
            Kline k = it.next();
            if (k.close < from) {
                before = k;
                continue;
            }
            if (first == null) {
                first = k;
            }
            high = Math.max(high, k.h);
            low = Math.min(low, k.l);
            volume += k.volume;
            quote += k.quote;
            count += k.count;
            if (k.count > 0) {
                firstId = firstId < 0 ? k.firstId : firstId;
                lastId = k.lastId;
            }
        }
        long open = first == null ? lastPrice : first.o;
        return new Stats(Math.max(from, first == null ? from : first.open), now, open,
                before == null ? open : before.c, high == Long.MIN_VALUE ? lastPrice : high,
                low == Long.MAX_VALUE ? lastPrice : low, lastPrice, volume, quote, count,
                firstId, lastId);
    }

    /** Average price of the trades in the last {@code windowMs}, or the last price: ticks. */
    double average(long now, long windowMs) {
        long lots = 0;
        double quote = 0;
        for (Trade t : trades) {
            if (t.time() >= now - windowMs) {
                lots += t.lots();
                quote += (double) t.priceTicks() * t.lots();
            }
        }
        return lots == 0 ? lastPrice : quote / lots;
    }
}
