package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The ability to place real orders on an exchange. Only {@link OrderRouter} holds one, and the
 * wiring builds it only when the mode sends ({@code TRADE_MODE=testnet}, or {@code live} with
 * {@code LIVE_ENABLED=true}); the shadow executor never sees it.
 */
public interface ExchangeOrders {

    /** Places an order ({@code POST /api/v3/order}) with this client order id. */
    JsonNode place(OrderRequest request);

    /** Looks an order up by client order id; null when the exchange does not know it. */
    JsonNode find(String symbol, String clientOrderId);
}
