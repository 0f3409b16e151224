package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

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

    /**
     * The account's open orders on a symbol ({@code GET /api/v3/openOrders}), oldest first.
     * The default refuses: an implementation that cannot list them says so.
     */
    default List<JsonNode> openOrders(String symbol) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " cannot list open orders");
    }

    /**
     * Cancels every open order of the account on a symbol ({@code DELETE /api/v3/openOrders});
     * returns the orders cancelled, empty when none was open.
     */
    default List<JsonNode> cancelAll(String symbol) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " cannot cancel all open orders");
    }

    /**
     * Cancels one open order by client order id ({@code DELETE /api/v3/order}); null when the
     * exchange has no such open order.
     */
    default JsonNode cancel(String symbol, String clientOrderId) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " cannot cancel orders");
    }
}
