package io.spark.day9.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.shadow.BinanceExchangeOrders;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.server.SimServer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The open-order endpoints of the order client ({@code GET/DELETE /api/v3/openOrders}) and of
 * {@link BinanceExchangeOrders}, against the embedded simulator.
 */
class BinanceOrdersOpenOrdersTest {
    private SimServer sim;
    private BinanceOrders orders;
    private String farBelow;

    @BeforeEach
    void start() {
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT", "ETHUSDT"), 11)
                .withUpdateIntervalMs(20));
        sim.pause(true); // the book stays where it is: resting orders rest
        BinanceRest rest = new BinanceRest(sim.restUrl(), sim.config().apiKey(),
                sim.config().apiSecret(), 5000, System::currentTimeMillis, Json.mapper());
        rest.syncTime();
        orders = new BinanceOrders(rest);
        farBelow = new BigDecimal(sim.book("BTCUSDT").bids().get(0).get(0))
                .subtract(new BigDecimal("500")).toPlainString();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private void rest(String symbol, String price, String clientId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("symbol", symbol);
        p.put("side", "BUY");
        p.put("type", "LIMIT");
        p.put("timeInForce", "GTC");
        p.put("price", price);
        p.put("quantity", "0.01");
        p.put("newClientOrderId", clientId);
        assertThat(orders.placeOrder(p).path("status").asText()).isEqualTo("NEW");
    }

    private static List<String> ids(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(o -> out.add(o.path(field).asText()));
        return out;
    }

    @Test
    void openOrdersListsOneSymbolsOpenOrdersAndCancelAllCancelsExactlyThose() {
        rest("BTCUSDT", farBelow, "btc-1");
        rest("BTCUSDT", farBelow, "btc-2");
        String ethBelow = new BigDecimal(sim.book("ETHUSDT").bids().get(0).get(0))
                .multiply(new BigDecimal("0.9")).setScale(2, java.math.RoundingMode.DOWN)
                .toPlainString();
        rest("ETHUSDT", ethBelow, "eth-1");

        assertThat(ids(orders.openOrders("BTCUSDT"), "clientOrderId"))
                .containsExactly("btc-1", "btc-2");
        JsonNode cancelled = orders.cancelOpenOrders("BTCUSDT");
        assertThat(ids(cancelled, "origClientOrderId")).containsExactly("btc-1", "btc-2");
        assertThat(ids(cancelled, "status")).containsOnly("CANCELED");

        assertThat(orders.openOrders("BTCUSDT")).isEmpty();
        assertThat(ids(orders.openOrders("ETHUSDT"), "clientOrderId")).containsExactly("eth-1");
        assertThat(orders.queryOrder("BTCUSDT", "btc-1").path("status").asText())
                .isEqualTo("CANCELED");
    }

    @Test
    void cancelAllWithNothingOpenIsAnEmptyAnswerNotAnError() {
        // Binance answers -2011 "Unknown order sent." here; the client makes it an empty list
        JsonNode none = orders.cancelOpenOrders("BTCUSDT");
        assertThat(none.isArray()).isTrue();
        assertThat(none).isEmpty();
    }

    @Test
    void theExchangeOrdersPortListsCancelsAllAndCancelsOne() {
        BinanceExchangeOrders port = new BinanceExchangeOrders(() -> new BinanceRest(
                sim.restUrl(), sim.config().apiKey(), sim.config().apiSecret(), 5000,
                System::currentTimeMillis, Json.mapper()));
        rest("BTCUSDT", farBelow, "one");
        rest("BTCUSDT", farBelow, "two");
        rest("BTCUSDT", farBelow, "three");

        assertThat(port.cancel("BTCUSDT", "two").path("status").asText()).isEqualTo("CANCELED");
        assertThat(port.cancel("BTCUSDT", "two")).as("no longer open").isNull();
        assertThat(port.openOrders("BTCUSDT")).extracting(o -> o.path("clientOrderId").asText())
                .containsExactly("one", "three");
        assertThat(port.cancelAll("BTCUSDT")).extracting(o -> o.path("origClientOrderId")
                .asText()).containsExactly("one", "three");
        assertThat(port.cancelAll("BTCUSDT")).isEmpty();
        assertThat(port.openOrders("BTCUSDT")).isEmpty();
    }
}
