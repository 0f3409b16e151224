package io.spark.day9.shadow;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.market.ExchangeException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Binance-facing adapters the wiring used to hold inline. */
class ExchangeAdaptersTest {

    @Test
    void aLimitOrderMapsToBinanceParametersInDocumentedOrderWithAFullAnswer() {
        OrderRequest r = new OrderRequest("BTCUSDT", OrderRequest.Side.BUY,
                OrderRequest.Type.LIMIT, OrderRequest.TimeInForce.IOC, new BigDecimal("65000.10"),
                new BigDecimal("1E-3"), "s1", "cid-1", null, 0, "api");

        assertThat(BinanceExchangeOrders.params(r)).containsExactly(
                entry("symbol", "BTCUSDT"), entry("side", "BUY"), entry("type", "LIMIT"),
                entry("timeInForce", "IOC"), entry("price", "65000.10"),
                entry("quantity", "0.001"), entry("newClientOrderId", "cid-1"),
                entry("newOrderRespType", "FULL"));
    }

    @Test
    void aMarketOrderCarriesNoPriceNorTimeInForce() {
        OrderRequest r = new OrderRequest("ETHUSDT", OrderRequest.Side.SELL,
                OrderRequest.Type.MARKET, null, null, new BigDecimal("2"), "s1", "cid-2",
                null, 0, "api");

        assertThat(BinanceExchangeOrders.params(r)).doesNotContainKeys("price", "timeInForce")
                .containsEntry("side", "SELL").containsEntry("type", "MARKET");
    }

    @Test
    void onlyAFourHundredAnswerThatIsNotARateLimitCountsAsARoundTrip() {
        assertThat(List.of(400, 404, 409)).allSatisfy(status -> assertThat(
                OrderTestProbe.countsAsRoundTrip(ExchangeException.injected(status, "x", 0)))
                .as("status %d", status).isTrue());
        assertThat(List.of(0, 418, 429, 500, 503)).allSatisfy(status -> assertThat(
                OrderTestProbe.countsAsRoundTrip(ExchangeException.injected(status, "x", 0)))
                .as("status %d", status).isFalse());
    }
}
