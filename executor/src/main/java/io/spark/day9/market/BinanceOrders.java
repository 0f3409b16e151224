package io.spark.day9.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order endpoints of a {@link BinanceRest} client: place ({@code POST /api/v3/order}),
 * query and cancel, list and cancel the open orders of a symbol ({@code GET/DELETE
 * /api/v3/openOrders}), signed. Kept apart from the market-data client on purpose: only the order
 * router of a sending mode ({@code TRADE_MODE=testnet}, or {@code live} with
 * {@code LIVE_ENABLED=true}) is given one; do-not-send modes never build it.
 *
 * <p>A placement is retried after a transient failure only when it carries a
 * {@code newClientOrderId}; a retry the exchange answers with {@code -2010} "Duplicate order
 * sent" means an earlier attempt got through, and that order is looked up and returned. So an
 * order is placed at most once.
 */
public final class BinanceOrders {
    /** Binance's code for "Unknown order sent." (nothing open to cancel). */
    public static final int UNKNOWN_ORDER = -2011;

    private final BinanceRest rest;

    public BinanceOrders(BinanceRest rest) {
        this.rest = Objects.requireNonNull(rest, "rest");
    }

    /** {@code POST /api/v3/order} (signed): places an order. */
    public JsonNode placeOrder(Map<String, String> params) {
        String clientId = params.get("newClientOrderId");
        if (clientId == null || clientId.isEmpty()) {
            return rest.call("POST", "/api/v3/order", params, true, false);
        }
        AtomicLong attempts = new AtomicLong();
        try {
            return rest.withRetry(() -> {
                attempts.incrementAndGet();
                return rest.call("POST", "/api/v3/order", params, true, false);
            });
        } catch (ExchangeException e) {
            if (attempts.get() > 1 && e.code() == -2010
                    && String.valueOf(e.getMessage()).contains("Duplicate order")) {
                // an earlier attempt reached the exchange: that order is the answer
                return queryOrder(params.get("symbol"), clientId);
            }
            throw e;
        }
    }

    /** {@code GET /api/v3/order} (signed) by client order id. */
    public JsonNode queryOrder(String symbol, String origClientOrderId) {
        return rest.call("GET", "/api/v3/order", Map.of("symbol", symbol,
                "origClientOrderId", origClientOrderId), true);
    }

    /**
     * {@code GET /api/v3/openOrders} (signed, weight 6): the account's open orders on a symbol,
     * a JSON array in Binance's query shape.
     */
    public JsonNode openOrders(String symbol) {
        return rest.call("GET", "/api/v3/openOrders", Map.of("symbol", symbol), true);
    }

    /**
     * {@code DELETE /api/v3/openOrders} (signed): cancels every open order of the account on a
     * symbol and answers them, a JSON array in the cancel shape. Binance answers {@link
     * #UNKNOWN_ORDER} when none is open: that is an empty array here. Never retried (a cancel is
     * not repeated blindly; the caller reads {@link #openOrders} again to verify).
     */
    public JsonNode cancelOpenOrders(String symbol) {
        try {
            return rest.call("DELETE", "/api/v3/openOrders", Map.of("symbol", symbol), true);
        } catch (ExchangeException e) {
            if (e.code() == UNKNOWN_ORDER) {
                return JsonNodeFactory.instance.arrayNode();
            }
            throw e;
        }
    }

    /** {@code DELETE /api/v3/order} (signed) by client order id. */
    public JsonNode cancelOrder(String symbol, String origClientOrderId) {
        return rest.call("DELETE", "/api/v3/order", Map.of("symbol", symbol,
                "origClientOrderId", origClientOrderId), true);
    }
}
