package io.spark.day9.sim;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One API key's account on the simulated exchange: free and locked balance per asset, its
 * orders and its trades.
 *
 * <p>Balances: every change goes through {@link #move}, which refuses to take either part of
 * a balance below zero (an {@link IllegalStateException} naming the asset and the numbers: a
 * simulator bug, never a client's fault; shortfalls are refused before anything moves).
 *
 * <p>History bound: at most {@code historyLimit} orders (the oldest finished order is dropped
 * first; open orders are never dropped, and at most {@link SimOrders#MAX_OPEN_PER_SYMBOL} are
 * open per symbol) and the last {@code historyLimit} trades. Memory per account is therefore
 * O(historyLimit + open orders).
 *
 * <p>Not thread-safe: {@link SimOrders} uses it under the exchange's lock only.
 */
final class SimAccount {
    /** One fill of one of this account's orders ({@code GET /api/v3/myTrades}). */
    record Trade(String symbol, long id, long orderId, BigDecimal price, BigDecimal qty,
                 BigDecimal commission, String commissionAsset, long time, boolean buyer,
                 boolean maker) {
        Map<String, Object> json() {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("symbol", symbol);
            t.put("id", id);
            t.put("orderId", orderId);
            t.put("orderListId", -1);
            t.put("price", price.toPlainString());
            t.put("qty", qty.toPlainString());
            t.put("quoteQty", price.multiply(qty).toPlainString());
            t.put("commission", commission.toPlainString());
            t.put("commissionAsset", commissionAsset);
            t.put("time", time);
            t.put("isBuyer", buyer);
            t.put("isMaker", maker);
            t.put("isBestMatch", true);
            return t;
        }
    }

    /** An asset's free and locked amounts. */
    static final class Balance {
        BigDecimal free = BigDecimal.ZERO;
        BigDecimal locked = BigDecimal.ZERO;
    }

    final String apiKey;
    final long uid;
    private final int historyLimit;
    private final Map<String, Balance> balances = new TreeMap<>();
    private final LinkedHashMap<Long, SimOrder> orders = new LinkedHashMap<>();
    private final Map<String, SimOrder> byClientId = new HashMap<>();
    private final Deque<Trade> trades = new ArrayDeque<>();
    long updateTime;

    SimAccount(String apiKey, long uid, Map<String, BigDecimal> start, int historyLimit,
               long now) {
        this.apiKey = apiKey;
        this.uid = uid;
        this.historyLimit = historyLimit;
        this.updateTime = now;
        start.forEach((asset, amount) -> balance(asset).free = amount);
    }

    private Balance balance(String asset) {
        return balances.computeIfAbsent(asset, a -> new Balance());
    }

    BigDecimal free(String asset) {
        Balance b = balances.get(asset);
        return b == null ? BigDecimal.ZERO : b.free;
    }

    BigDecimal locked(String asset) {
        Balance b = balances.get(asset);
        return b == null ? BigDecimal.ZERO : b.locked;
    }

    /** Every asset the account has held, by name. */
    Map<String, Balance> balances() {
        return balances;
    }

    /**
     * Adds {@code free} and {@code locked} (either may be negative) to {@code asset}.
     *
     * @throws IllegalStateException when either part would go below zero
     */
    void move(String asset, BigDecimal free, BigDecimal locked) {
        Balance b = balance(asset);
        BigDecimal f = b.free.add(free);
        BigDecimal l = b.locked.add(locked);
        if (f.signum() < 0 || l.signum() < 0) {
            throw new IllegalStateException("account " + uid + ": " + asset + " would go to free "
                    + f.toPlainString() + ", locked " + l.toPlainString() + " (was "
                    + b.free.toPlainString() + " / " + b.locked.toPlainString() + ")");
        }
        b.free = f;
        b.locked = l;
    }

    /** Keeps {@code o} (the newest order with its client id) and drops old finished ones. */
    void record(SimOrder o) {
        orders.put(o.orderId, o);
        byClientId.put(o.symbol + "/" + o.clientOrderId, o);
        Iterator<SimOrder> oldest = orders.values().iterator();
        while (orders.size() > historyLimit && oldest.hasNext()) {
            SimOrder old = oldest.next();
            if (!old.status.open()) {
                oldest.remove();
                byClientId.remove(old.symbol + "/" + old.clientOrderId, old);
            }
        }
    }

    SimOrder order(long orderId) {
        return orders.get(orderId);
    }

    /** The newest order with this client order id on {@code symbol}, or null. */
    SimOrder byClientId(String symbol, String clientOrderId) {
        return byClientId.get(symbol + "/" + clientOrderId);
    }

    /** Orders kept, oldest first, on {@code symbol} (every symbol when null). */
    List<SimOrder> orders(String symbol) {
        List<SimOrder> out = new ArrayList<>();
        for (SimOrder o : orders.values()) {
            if (symbol == null || o.symbol.equals(symbol)) {
                out.add(o);
            }
        }
        return out;
    }

    /** Open orders, oldest first, on {@code symbol} (every symbol when null). */
    List<SimOrder> open(String symbol) {
        List<SimOrder> out = new ArrayList<>();
        for (SimOrder o : orders.values()) {
            if (o.status.open() && (symbol == null || o.symbol.equals(symbol))) {
                out.add(o);
            }
        }
        return out;
    }

    void trade(Trade t) {
        trades.addLast(t);
        while (trades.size() > historyLimit) {
            trades.removeFirst();
        }
    }

    /** Trades kept on {@code symbol}, oldest first. */
    List<Trade> trades(String symbol) {
        List<Trade> out = new ArrayList<>();
        for (Trade t : trades) {
            if (t.symbol().equals(symbol)) {
                out.add(t);
            }
        }
        return out;
    }
}
