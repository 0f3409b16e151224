package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.ExchangeException;
import io.spark.day9.sim.server.SimServer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's signed order endpoints, through the executor's own REST client. */
class SimOrdersTest {
    private SimServer sim;
    private BinanceRest rest;

    @BeforeEach
    void start() {
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT"), 11).withUpdateIntervalMs(20));
        rest = client(sim.config().apiKey(), sim.config().apiSecret());
        rest.syncTime();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private BinanceRest client(String key, String secret) {
        return new BinanceRest(sim.restUrl(), key, secret, 5000, System::currentTimeMillis,
                Json.mapper());
    }

    private static Map<String, String> order(String side, String type, String qty, String price,
                                             String tif, String clientId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("symbol", "BTCUSDT");
        p.put("side", side);
        p.put("type", type);
        p.put("quantity", qty);
        if (price != null) {
            p.put("price", price);
            p.put("timeInForce", tif);
        }
        if (clientId != null) {
            p.put("newClientOrderId", clientId);
        }
        return p;
    }

    private static int code(Throwable e) {
        return ((ExchangeException) e).code();
    }

    @Test
    void testOrdersAreValidatedLikeBinance() {
        assertThat(rest.testOrder(order("BUY", "LIMIT", "0.001", "65000", "GTC", null)).size())
                .isZero();
        assertThatThrownBy(() -> rest.testOrder(order("BUY", "LIMIT", "0.001", "65000.001", "GTC",
                null))).satisfies(e -> assertThat(code(e)).isEqualTo(-1013))
                .hasMessageContaining("PRICE_FILTER");
        assertThatThrownBy(() -> rest.testOrder(order("BUY", "LIMIT", "0.0000001", "65000", "GTC",
                null))).hasMessageContaining("LOT_SIZE");
        assertThatThrownBy(() -> rest.testOrder(order("BUY", "LIMIT", "0.00001", "65000", "GTC",
                null))).hasMessageContaining("NOTIONAL");
        assertThatThrownBy(() -> rest.testOrder(order("HOLD", "LIMIT", "0.001", "65000", "GTC",
                null))).satisfies(e -> assertThat(code(e)).isEqualTo(-1117));
        assertThat(sim.ordersPlaced()).isZero();
    }

    @Test
    void badKeysSignaturesAndClocksAreRefused() {
        assertThatThrownBy(() -> client("someone-else", "x").testOrder(order("BUY", "MARKET",
                "0.001", null, null, null))).satisfies(e -> {
                    assertThat(((ExchangeException) e).httpStatus()).isEqualTo(401);
                    assertThat(code(e)).isEqualTo(-2015);
                });
        assertThatThrownBy(() -> client(sim.config().apiKey(), "wrong-secret").testOrder(
                order("BUY", "MARKET", "0.001", null, null, null)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1022));
        sim.faults().clockSkew(60_000);
        // the simulator answers -1021; the client measures the offset again and resends once
        long resyncs = rest.clockResyncs();
        assertThat(rest.testOrder(order("BUY", "MARKET", "0.001", null, null, null)).size())
                .isZero();
        assertThat(rest.clockResyncs()).isEqualTo(resyncs + 1);
        assertThat(rest.testOrder(order("BUY", "MARKET", "0.001", null, null, null)).size())
                .isZero();
        assertThat(rest.clockResyncs()).isEqualTo(resyncs + 1);
    }

    @Test
    void aMarketOrderWalksTheBookAtItsVwap() {
        sim.pause(true);
        SimExchange.BookSnapshot book = sim.book("BTCUSDT");
        BigDecimal want = new BigDecimal(book.asks().get(0).get(1))
                .add(new BigDecimal(book.asks().get(1).get(1)))
                .add(new BigDecimal("0.00001")); // needs three levels
        JsonNode r = new io.spark.day9.market.BinanceOrders(rest).placeOrder(order("BUY", "MARKET", want.toPlainString(), null, null,
                "mkt-1"));
        assertThat(r.path("status").asText()).isEqualTo("FILLED");
        assertThat(r.path("fills")).hasSize(3);
        BigDecimal quote = BigDecimal.ZERO;
        for (int i = 0; i < 3; i++) {
            assertThat(r.path("fills").get(i).path("price").asText())
                    .isEqualTo(book.asks().get(i).get(0));
            quote = quote.add(new BigDecimal(r.path("fills").get(i).path("price").asText())
                    .multiply(new BigDecimal(r.path("fills").get(i).path("qty").asText())));
        }
        assertThat(new BigDecimal(r.path("cummulativeQuoteQty").asText())).isEqualByComparingTo(
                quote);
        BigDecimal vwap = quote.divide(want, MathContext.DECIMAL64);
        assertThat(vwap).isGreaterThan(new BigDecimal(book.asks().get(0).get(0)));
        // the liquidity it took is gone from the book
        assertThat(sim.book("BTCUSDT").asks().get(0).get(0)).isEqualTo(book.asks().get(2).get(0));
        sim.pause(false);
    }

    @Test
    void limitOrdersCrossRestFillAndCancelByClientOrderId() {
        sim.pause(true);
        SimExchange.BookSnapshot book = sim.book("BTCUSDT");
        String bestAsk = book.asks().get(0).get(0);
        JsonNode crossing = new io.spark.day9.market.BinanceOrders(rest).placeOrder(order("BUY", "LIMIT", "0.001", bestAsk, "IOC",
                "lim-cross"));
        assertThat(crossing.path("status").asText()).isIn("FILLED", "EXPIRED");
        assertThat(crossing.path("fills").get(0).path("price").asText()).isEqualTo(bestAsk);

        String farBelow = new BigDecimal(book.bids().get(0).get(0)).subtract(
                new BigDecimal("500")).toPlainString();
        JsonNode resting = new io.spark.day9.market.BinanceOrders(rest).placeOrder(order("BUY", "LIMIT", "0.001", farBelow, "GTC",
                "lim-rest"));
        assertThat(resting.path("status").asText()).isEqualTo("NEW");
        assertThat(new io.spark.day9.market.BinanceOrders(rest).queryOrder("BTCUSDT", "lim-rest").path("status").asText())
                .isEqualTo("NEW");
        assertThatThrownBy(() -> new io.spark.day9.market.BinanceOrders(rest).placeOrder(order("BUY", "LIMIT", "0.001", farBelow, "GTC",
                "lim-rest"))).satisfies(e -> assertThat(code(e)).isEqualTo(-2010))
                .hasMessageContaining("Duplicate");
        assertThat(new io.spark.day9.market.BinanceOrders(rest).cancelOrder("BTCUSDT", "lim-rest").path("status").asText())
                .isEqualTo("CANCELED");
        assertThatThrownBy(() -> new io.spark.day9.market.BinanceOrders(rest).cancelOrder("BTCUSDT", "lim-rest"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-2011));
        assertThatThrownBy(() -> new io.spark.day9.market.BinanceOrders(rest).queryOrder("BTCUSDT", "never-placed"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-2013));

        String justBelow = new BigDecimal(book.bids().get(0).get(0)).toPlainString();
        new io.spark.day9.market.BinanceOrders(rest).placeOrder(order("BUY", "LIMIT", "0.001", justBelow, "GTC", "lim-touch"));
        sim.pause(false);
        // the random walk brings the ask down to it sooner or later; it fills at its own price
        await().atMost(Duration.ofSeconds(20)).until(() -> new io.spark.day9.market.BinanceOrders(rest).queryOrder("BTCUSDT",
                "lim-touch").path("status").asText().equals("FILLED"));
        assertThat(sim.ordersPlaced()).isEqualTo(3); // the duplicate never counted
    }

    @Test
    void insufficientBalanceIsRefused() {
        assertThatThrownBy(() -> new io.spark.day9.market.BinanceOrders(rest).placeOrder(order("SELL", "LIMIT", "5000", "65000", "GTC",
                "too-much"))).satisfies(e -> assertThat(code(e)).isEqualTo(-2010))
                .hasMessageContaining("insufficient balance");
    }
}
