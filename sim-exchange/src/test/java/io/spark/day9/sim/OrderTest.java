package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Orders against a replayed book whose levels the test knows exactly. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrderTest {
  private static final String TICKS = """
      # a tiny BTCUSDT book; step 1 drops the best ask to 64999.50, step 2 takes it away
      0 BTCUSDT B 64999.00 0.10000
      0 BTCUSDT B 64998.00 0.20000
      0 BTCUSDT A 65001.00 0.10000
      0 BTCUSDT A 65002.00 0.20000
      0 BTCUSDT A 65003.00 0.30000
      1 BTCUSDT A 64999.50 0.50000
      2 BTCUSDT A 64999.50 0
      """;
  @TempDir
  Path dir;
  private SimExchange sim;
  private TestClient client;

  @BeforeEach
  void start() throws IOException {
    Path ticks = dir.resolve("ticks.txt");
    Files.writeString(ticks, TICKS);
    sim = SimExchange.start(SimConfig.builder().manualStepping().tickFile(ticks.toString())
        .build());
    client = new TestClient(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private TestClient.Reply order(String params) {
    return client.signedForm("POST", "/api/v3/order", params);
  }

  @Test
  void marketBuyWalksTheBookAtVwapWithFullFills() {
    JsonNode r = order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.5").body();
    assertThat(r.get("status").asText()).isEqualTo("FILLED");
    assertThat(r.get("executedQty").asText()).isEqualTo("0.50000000");
    JsonNode fills = r.get("fills");
    assertThat(fills.size()).isEqualTo(3);
    assertThat(fills.get(0).get("price").asText()).isEqualTo("65001.00000000");
    assertThat(fills.get(0).get("qty").asText()).isEqualTo("0.10000000");
    assertThat(fills.get(2).get("price").asText()).isEqualTo("65003.00000000");
    assertThat(fills.get(2).get("qty").asText()).isEqualTo("0.20000000");
    // taker 0.1 % charged in the received asset (BTC) on each fill
    assertThat(fills.get(0).get("commission").asText()).isEqualTo("0.00010000");
    assertThat(fills.get(0).get("commissionAsset").asText()).isEqualTo("BTC");
    BigDecimal quote = new BigDecimal(r.get("cummulativeQuoteQty").asText());
    assertThat(quote).isEqualByComparingTo("32501.10");  // VWAP 65002.20 x 0.5
    // the book shrank by what was taken
    BookSnapshot book = sim.book("BTCUSDT");
    assertThat(book.bestAsk()).isEqualByComparingTo("65003.00");
    assertThat(book.asks().get(book.bestAsk())).isEqualByComparingTo("0.1");
  }

  @Test
  void marketOrderLargerThanTheBookFillsPartiallyAndExpires() {
    JsonNode r = order("symbol=BTCUSDT&side=SELL&type=MARKET&quantity=1").body();
    assertThat(r.get("status").asText()).isEqualTo("EXPIRED");
    assertThat(r.get("executedQty").asText()).isEqualTo("0.30000000");
    assertThat(r.get("fills").size()).isEqualTo(2);
    assertThat(r.get("fills").get(1).get("commissionAsset").asText()).isEqualTo("USDT");
    assertThat(sim.book("BTCUSDT").bids()).isEmpty();
  }

  @Test
  void crossingLimitTakesLiquidityAndRestsTheRemainder() {
    JsonNode r = order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.15"
        + "&price=65001.50&newClientOrderId=cross-1").body();
    assertThat(r.get("status").asText()).isEqualTo("PARTIALLY_FILLED");
    assertThat(r.get("executedQty").asText()).isEqualTo("0.10000000");
    assertThat(r.get("fills").get(0).get("price").asText()).isEqualTo("65001.00000000");
    assertThat(r.get("clientOrderId").asText()).isEqualTo("cross-1");

    JsonNode ioc = order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.5"
        + "&price=65002&newOrderRespType=RESULT").body();
    assertThat(ioc.get("status").asText()).isEqualTo("EXPIRED");
    assertThat(ioc.get("executedQty").asText()).isEqualTo("0.20000000");
    assertThat(ioc.has("fills")).isFalse();

    JsonNode fok = order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=FOK&quantity=0.5"
        + "&price=65003&newOrderRespType=ACK").body();
    assertThat(fok.fieldNames()).toIterable().containsExactly("symbol", "orderId",
        "orderListId", "clientOrderId", "transactTime");
    JsonNode fokState = client.signed("GET", "/api/v3/order",
        "symbol=BTCUSDT&orderId=" + fok.get("orderId").asLong()).body();
    assertThat(fokState.get("status").asText()).isEqualTo("EXPIRED");
    assertThat(fokState.get("executedQty").asText()).isEqualTo("0.00000000");
  }

  @Test
  void restingLimitFillsAsMakerWhenTheMarketCrossesItsPrice() {
    JsonNode r = order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.2"
        + "&price=65000&newClientOrderId=rest-1").body();
    assertThat(r.get("status").asText()).isEqualTo("NEW");
    assertThat(r.get("fills").size()).isZero();
    String q = "symbol=BTCUSDT&origClientOrderId=rest-1";
    assertThat(client.signed("GET", "/api/v3/order", q).body().get("status").asText())
        .isEqualTo("NEW");

    sim.advance(1);  // best ask 64999.50 <= 65000: crossed
    JsonNode filled = client.signed("GET", "/api/v3/order", q).body();
    assertThat(filled.get("status").asText()).isEqualTo("FILLED");
    assertThat(filled.get("executedQty").asText()).isEqualTo("0.20000000");
    assertThat(filled.get("cummulativeQuoteQty").asText()).isEqualTo("13000.00000000");
  }

  @Test
  void ordersAreQueryableAndCancellableByClientOrderId() {
    String place = "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.01"
        + "&price=70000&newClientOrderId=my-1";
    assertThat(order(place).body().get("status").asText()).isEqualTo("NEW");
    TestClient.Reply dup = order(place);
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.code()).isEqualTo(-2010);
    assertThat(dup.body().get("msg").asText()).isEqualTo("Duplicate order sent.");

    String q = "symbol=BTCUSDT&origClientOrderId=my-1";
    JsonNode got = client.signed("GET", "/api/v3/order", q).body();
    assertThat(got.get("clientOrderId").asText()).isEqualTo("my-1");
    assertThat(got.get("price").asText()).isEqualTo("70000.00000000");

    JsonNode cancelled = client.signedForm("DELETE", "/api/v3/order", q).body();
    assertThat(cancelled.get("status").asText()).isEqualTo("CANCELED");
    assertThat(cancelled.get("origClientOrderId").asText()).isEqualTo("my-1");
    assertThat(client.signed("GET", "/api/v3/order", q).body().get("status").asText())
        .isEqualTo("CANCELED");
    assertThat(client.signed("DELETE", "/api/v3/order", q).code()).isEqualTo(-2011);
    TestClient.Reply unknown = client.signed("GET", "/api/v3/order",
        "symbol=BTCUSDT&origClientOrderId=never");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.code()).isEqualTo(-2013);
    assertThat(unknown.body().get("msg").asText()).isEqualTo("Order does not exist.");
    // a closed order's client id may be used again, as on Binance
    assertThat(order(place).status()).isEqualTo(200);
  }

  @Test
  void filtersAndParametersAreValidatedAsBinanceDoes() {
    String base = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC";
    assertThat(order(base + "&quantity=0.001&price=65000.001").body().get("msg").asText())
        .isEqualTo("Filter failure: PRICE_FILTER");
    assertThat(order(base + "&quantity=0.000001&price=65000").body().get("msg").asText())
        .isEqualTo("Filter failure: LOT_SIZE");
    TestClient.Reply notional = order(base + "&quantity=0.00001&price=65000");
    assertThat(notional.code()).isEqualTo(-1013);
    assertThat(notional.body().get("msg").asText()).isEqualTo("Filter failure: NOTIONAL");
    assertThat(order(base + "&quantity=abc&price=65000").code()).isEqualTo(-1100);
    assertThat(order(base + "&price=65000").code()).isEqualTo(-1102);
    assertThat(order("symbol=BTCUSDT&type=MARKET&quantity=0.01").code()).isEqualTo(-1102);
    assertThat(order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&price=1").code())
        .isEqualTo(-1106);
    assertThat(order("symbol=FOOBAR&side=BUY&type=MARKET&quantity=0.01").code())
        .isEqualTo(-1121);
    TestClient.Reply poor = order(base + "&quantity=9000&price=65000");
    assertThat(poor.code()).isEqualTo(-2010);
    assertThat(poor.body().get("msg").asText())
        .isEqualTo("Account has insufficient balance for requested action.");
    assertThat(client.signedForm("POST", "/api/v3/order/test",
        base + "&quantity=0.000001&price=65000").code()).isEqualTo(-1013);
  }
}
