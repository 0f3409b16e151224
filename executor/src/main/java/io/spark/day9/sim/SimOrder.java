package io.spark.day9.sim;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One order on the simulated exchange and the funds it holds locked. Mutable, and only ever
 * touched under the exchange's lock ({@link SimOrders}).
 */
final class SimOrder {
    /** Binance's order states the simulator uses. */
    enum Status {
        NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED;

        boolean open() {
            return this == NEW || this == PARTIALLY_FILLED;
        }
    }

    final String apiKey;
    final String symbol;
    final long orderId;
    final String clientOrderId;
    final boolean buy;
    final String type;
    final String timeInForce;
    /** The limit price, null for MARKET. */
    final BigDecimal price;
    final BigDecimal origQty;
    final long time;
    BigDecimal executedQty = BigDecimal.ZERO;
    BigDecimal cummulativeQuoteQty = BigDecimal.ZERO;
    Status status = Status.NEW;
    long updateTime;
    /** What this order still holds locked, in {@link #lockedAsset}. */
    BigDecimal locked = BigDecimal.ZERO;
    String lockedAsset;

    SimOrder(String apiKey, String symbol, long orderId, String clientOrderId, boolean buy,
             String type, String timeInForce, BigDecimal price, BigDecimal origQty, long time) {
        this.apiKey = apiKey;
        this.symbol = symbol;
        this.orderId = orderId;
        this.clientOrderId = clientOrderId;
        this.buy = buy;
        this.type = type;
        this.timeInForce = timeInForce;
        this.price = price;
        this.origQty = origQty;
        this.time = time;
        this.updateTime = time;
    }

    String side() {
        return buy ? "BUY" : "SELL";
    }

    String priceText() {
        return price == null ? "0.00000000" : price.toPlainString();
    }

    /**
     * The members every order shape carries in this order, price through side (Binance lists
     * them alike in the query, place and cancel answers).
     */
    private void putTerms(Map<String, Object> o) {
        o.put("price", priceText());
        o.put("origQty", origQty.toPlainString());
        o.put("executedQty", executedQty.toPlainString());
        o.put("cummulativeQuoteQty", cummulativeQuoteQty.toPlainString());
        o.put("status", status.name());
        o.put("timeInForce", timeInForce);
        o.put("type", type);
        o.put("side", side());
    }

    /** {@code GET /api/v3/order}'s shape (also each element of openOrders and allOrders). */
    Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("symbol", symbol);
        o.put("orderId", orderId);
        o.put("orderListId", -1);
        o.put("clientOrderId", clientOrderId);
        putTerms(o);
        o.put("stopPrice", "0.00000000");
        o.put("icebergQty", "0.00000000");
        o.put("time", time);
        o.put("updateTime", updateTime);
        o.put("isWorking", true);
        o.put("workingTime", time);
        o.put("origQuoteOrderQty", "0.00000000");
        o.put("selfTradePreventionMode", "EXPIRE_MAKER");
        return o;
    }

    /** {@code POST /api/v3/order}'s FULL shape without {@code fills}. */
    Map<String, Object> placed() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("symbol", symbol);
        o.put("orderId", orderId);
        o.put("orderListId", -1);
        o.put("clientOrderId", clientOrderId);
        o.put("transactTime", time);
        putTerms(o);
        o.put("time", time);
        o.put("updateTime", updateTime);
        o.put("workingTime", time);
        o.put("selfTradePreventionMode", "EXPIRE_MAKER");
        return o;
    }

    /** {@code DELETE /api/v3/order}'s shape (and each element of DELETE openOrders). */
    Map<String, Object> canceled() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("symbol", symbol);
        o.put("origClientOrderId", clientOrderId);
        o.put("orderId", orderId);
        o.put("orderListId", -1);
        o.put("clientOrderId", clientOrderId);
        o.put("transactTime", updateTime);
        putTerms(o);
        o.put("selfTradePreventionMode", "EXPIRE_MAKER");
        return o;
    }
}
