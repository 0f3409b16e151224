package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.market.BinanceOrders;
import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.ExchangeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link ExchangeOrders} on Binance's order endpoints: maps an {@link OrderRequest} to the
 * {@code POST /api/v3/order} parameters (client order id set, {@code FULL} answer) and treats
 * Binance's {@code -2013} "Order does not exist." as "not known" on a lookup, and
 * {@code -2011} "Unknown order sent." as "nothing open" on a cancel. Built only for a
 * sending mode; the REST client is taken when an order is sent, since it exists only once the
 * market component has started.
 */
public final class BinanceExchangeOrders implements ExchangeOrders {
    /** Binance's code for "Order does not exist." */
    static final int ORDER_DOES_NOT_EXIST = -2013;

    private final Supplier<BinanceRest> rest;

    public BinanceExchangeOrders(Supplier<BinanceRest> rest) {
        this.rest = Objects.requireNonNull(rest, "rest");
    }

    /** The request as Binance's order parameters, in the order Binance documents them. */
    static Map<String, String> params(OrderRequest r) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("symbol", r.symbol());
        p.put("side", r.side().name());
        p.put("type", r.type().name());
        if (r.timeInForce() != null) {
            p.put("timeInForce", r.timeInForce().name());
        }
        if (r.price() != null) {
            p.put("price", r.price().toPlainString());
        }
        p.put("quantity", r.quantity().toPlainString());
        p.put("newClientOrderId", r.clientOrderId());
        p.put("newOrderRespType", "FULL");
        return p;
    }

    @Override
    public JsonNode place(OrderRequest request) {
        return orders().placeOrder(params(request));
    }

    @Override
    public JsonNode find(String symbol, String clientOrderId) {
        try {
            return orders().queryOrder(symbol, clientOrderId);
        } catch (ExchangeException e) {
            if (e.code() == ORDER_DOES_NOT_EXIST) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public List<JsonNode> openOrders(String symbol) {
        return list(orders().openOrders(symbol));
    }

    @Override
    public List<JsonNode> cancelAll(String symbol) {
        return list(orders().cancelOpenOrders(symbol));
    }

    @Override
    public JsonNode cancel(String symbol, String clientOrderId) {
        try {
            return orders().cancelOrder(symbol, clientOrderId);
        } catch (ExchangeException e) {
            if (e.code() == BinanceOrders.UNKNOWN_ORDER) {
                return null;
            }
            throw e;
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private BinanceOrders orders() {
        return new BinanceOrders(rest.get());
    }
}
