package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestApiTest {
  /** 2024-01-01T00:00:15Z: 15 s into a minute, so the weight window's end is 45 s away. */
  private static final long T0 = 1_704_067_215_000L;
  private final MutableClock clock = new MutableClock(T0);
  private SimExchange sim;
  private TestClient client;

  private void start(SimConfig.Builder b) {
    sim = SimExchange.start(b.manualStepping().build(), clock);
    client = new TestClient(sim);
    client.useTimestamp = true;
    client.timestampMs = T0;
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void pingTimeAndExchangeInfoHaveBinanceShapes() {
    start(SimConfig.builder());
    assertThat(client.get("/api/v3/ping").body().size()).isZero();
    assertThat(client.get("/api/v3/time").body().get("serverTime").asLong()).isEqualTo(T0);

    JsonNode info = client.get("/api/v3/exchangeInfo").body();
    assertThat(info.get("rateLimits").get(0).get("rateLimitType").asText())
        .isEqualTo("REQUEST_WEIGHT");
    assertThat(info.get("rateLimits").get(0).get("limit").asInt()).isEqualTo(6000);
    JsonNode btc = info.get("symbols").get(0);
    assertThat(btc.get("symbol").asText()).isEqualTo("BTCUSDT");
    assertThat(btc.get("status").asText()).isEqualTo("TRADING");
    assertThat(btc.get("baseAsset").asText()).isEqualTo("BTC");
    assertThat(btc.get("quoteAsset").asText()).isEqualTo("USDT");
    assertThat(btc.get("baseAssetPrecision").asInt()).isEqualTo(8);
    List<String> filterTypes = new ArrayList<>();
    btc.get("filters").forEach(f -> filterTypes.add(f.get("filterType").asText()));
    assertThat(filterTypes).containsExactly("PRICE_FILTER", "LOT_SIZE", "NOTIONAL");
    assertThat(btc.get("filters").get(0).get("tickSize").asText()).isEqualTo("0.01000000");
    assertThat(btc.get("filters").get(1).get("stepSize").asText()).isEqualTo("0.00001000");
    assertThat(btc.get("filters").get(2).get("minNotional").asText()).isEqualTo("5.00000000");
    assertThat(info.get("symbols").get(1).get("symbol").asText()).isEqualTo("ETHUSDT");

    assertThat(client.get("/api/v3/exchangeInfo?symbol=ETHUSDT").body().get("symbols").size())
        .isEqualTo(1);
    TestClient.Reply unknown = client.get("/api/v3/exchangeInfo?symbol=DOGEUSDT");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.code()).isEqualTo(-1121);
  }

  @Test
  void depthReturnsStringLevelsAndMatchesTheSimulatorBook() {
    start(SimConfig.builder());
    sim.advance(10);
    TestClient.Reply r = client.get("/api/v3/depth?symbol=BTCUSDT&limit=5");
    JsonNode d = r.body();
    assertThat(d.fieldNames()).toIterable().containsExactly("lastUpdateId", "bids", "asks");
    assertThat(d.get("bids").size()).isEqualTo(5);
    assertThat(d.get("bids").get(0).get(0).asText()).matches("\\d+\\.\\d{8}");
    BookSnapshot book = sim.book("BTCUSDT");
    assertThat(d.get("lastUpdateId").asLong()).isEqualTo(book.lastUpdateId());
    assertThat(d.get("bids").get(0).get(0).asText()).isEqualTo(book.bestBid().toPlainString());
    assertThat(d.get("asks").get(0).get(0).asText()).isEqualTo(book.bestAsk().toPlainString());
    assertThat(book.bids().size()).isGreaterThanOrEqualTo(20);
    assertThat(book.asks().size()).isGreaterThanOrEqualTo(20);
    assertThat(book.bestAsk()).isGreaterThan(book.bestBid());
    assertThat(client.get("/api/v3/depth?limit=5").code()).isEqualTo(-1102);
    assertThat(client.get("/api/v3/depth?symbol=btc$usdt").code()).isEqualTo(-1100);
    assertThat(client.get("/api/v3/depth?symbol=XYZUSDT").code()).isEqualTo(-1121);
  }

  @Test
  void signedCallsCheckKeySignatureAndTimestamp() {
    start(SimConfig.builder());
    String order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001"
        + "&price=60000";
    assertThat(client.signed("POST", "/api/v3/order/test", order).status()).isEqualTo(200);
    assertThat(client.signedForm("POST", "/api/v3/order/test", order).status()).isEqualTo(200);

    client.secret = "wrong";
    TestClient.Reply bad = client.signed("POST", "/api/v3/order/test", order);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo(-1022);
    assertThat(bad.body().get("msg").asText()).isEqualTo("Signature for this request is not valid.");
    client.secret = SimConfig.DEFAULT_API_SECRET;

    client.apiKey = null;
    TestClient.Reply noKey = client.signed("POST", "/api/v3/order/test", order);
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.code()).isEqualTo(-2014);
    client.apiKey = "someone-else";
    TestClient.Reply unknownKey = client.signed("POST", "/api/v3/order/test", order);
    assertThat(unknownKey.status()).isEqualTo(401);
    assertThat(unknownKey.code()).isEqualTo(-2015);
    client.apiKey = SimConfig.DEFAULT_API_KEY;

    TestClient.Reply bigWindow = client.signed("POST", "/api/v3/order/test",
        order + "&recvWindow=60001");
    assertThat(bigWindow.code()).isEqualTo(-1131);
  }

  @Test
  void clockSkewMakesSignedCallsFailWithMinus1021() {
    start(SimConfig.builder());
    String q = "symbol=BTCUSDT&orderId=1";
    assertThat(client.signed("GET", "/api/v3/order", q).code()).isEqualTo(-2013);

    sim.faults().skewClock(10_000);  // exchange runs 10 s ahead: request is too old
    assertThat(client.get("/api/v3/time").body().get("serverTime").asLong())
        .isEqualTo(T0 + 10_000);
    TestClient.Reply old = client.signed("GET", "/api/v3/order", q);
    assertThat(old.status()).isEqualTo(400);
    assertThat(old.code()).isEqualTo(-1021);
    assertThat(old.body().get("msg").asText())
        .isEqualTo("Timestamp for this request is outside of the recvWindow.");
    // a wider recvWindow accepts it again
    assertThat(client.signed("GET", "/api/v3/order", q + "&recvWindow=15000").code())
        .isEqualTo(-2013);

    sim.faults().skewClock(-5_000);  // exchange runs behind: request is from the future
    TestClient.Reply ahead = client.signed("GET", "/api/v3/order", q);
    assertThat(ahead.code()).isEqualTo(-1021);
    assertThat(ahead.body().get("msg").asText()).contains("ahead of the server's time");

    sim.faults().skewClock(0);
    assertThat(client.signed("GET", "/api/v3/order", q).code()).isEqualTo(-2013);
    assertThat(sim.faults().counters().clockSkews()).isEqualTo(3);
  }

  @Test
  void weightsAreCountedAndExcessIsAnswered429Then418() {
    start(SimConfig.builder().weightLimitPerMinute(300).violationsBeforeBan(2)
        .banDuration(Duration.ofMinutes(2)));
    assertThat(client.get("/api/v3/ping").header("X-MBX-USED-WEIGHT-1M")).isEqualTo("1");
    assertThat(client.get("/api/v3/depth?symbol=BTCUSDT").header("X-MBX-USED-WEIGHT-1M"))
        .isEqualTo("6");
    assertThat(client.get("/api/v3/depth?symbol=BTCUSDT&limit=500")
        .header("X-MBX-USED-WEIGHT-1M")).isEqualTo("31");
    assertThat(client.get("/api/v3/exchangeInfo").header("X-MBX-USED-WEIGHT-1M"))
        .isEqualTo("51");
    // weight 250 takes the minute to 301 > 300: refused, and still counted
    TestClient.Reply limited = client.get("/api/v3/depth?symbol=BTCUSDT&limit=5000");
    assertThat(limited.header("X-MBX-USED-WEIGHT-1M")).isEqualTo("301");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.code()).isEqualTo(-1003);
    assertThat(limited.header("Retry-After")).isEqualTo("45");
    assertThat(client.get("/api/v3/ping").status()).isEqualTo(429);
    TestClient.Reply banned = client.get("/api/v3/ping");
    assertThat(banned.status()).isEqualTo(418);
    assertThat(banned.code()).isEqualTo(-1003);
    assertThat(banned.header("Retry-After")).isEqualTo("120");

    clock.advanceMs(60_000);  // new minute, still banned
    assertThat(client.get("/api/v3/ping").status()).isEqualTo(418);
    clock.advanceMs(61_000);
    TestClient.Reply ok = client.get("/api/v3/ping");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("X-MBX-USED-WEIGHT-1M")).isEqualTo("1");
  }

  @Test
  void restFaultAnswers429Or418WithRetryAfterForItsDuration() {
    start(SimConfig.builder());
    sim.faults().restStatus(429, Duration.ofSeconds(5));
    TestClient.Reply r = client.get("/api/v3/depth?symbol=BTCUSDT");
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.code()).isEqualTo(-1003);
    assertThat(r.header("Retry-After")).isEqualTo("5");
    clock.advanceMs(3_000);
    assertThat(client.get("/api/v3/ping").header("Retry-After")).isEqualTo("2");
    clock.advanceMs(2_000);
    assertThat(client.get("/api/v3/ping").status()).isEqualTo(200);

    sim.faults().restStatus(418, Duration.ofSeconds(30));
    TestClient.Reply teapot = client.get("/api/v3/time");
    assertThat(teapot.status()).isEqualTo(418);
    assertThat(teapot.header("Retry-After")).isEqualTo("30");
    sim.faults().clearRestStatus();
    assertThat(client.get("/api/v3/time").status()).isEqualTo(200);
    assertThat(sim.faults().counters().restRejected()).isEqualTo(3);
  }

  @Test
  void controlEndpointsSwitchFaultsAtRunTime() {
    start(SimConfig.builder());
    TestClient.Reply r = client.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(sim.restUrl() + "/sim/faults/rest?status=418&ms=1000"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(client.get("/api/v3/ping").status()).isEqualTo(418);
    client.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(sim.restUrl() + "/sim/faults/clear"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(client.get("/api/v3/ping").status()).isEqualTo(200);
    JsonNode book = client.get("/sim/book?symbol=ETHUSDT").body();
    assertThat(book.get("lastUpdateId").asLong()).isEqualTo(sim.book("ETHUSDT").lastUpdateId());
  }
}
