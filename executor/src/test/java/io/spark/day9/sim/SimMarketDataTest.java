package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The market-data endpoints on the manual clock, without sockets: trades, aggregate trades,
 * klines and tickers built from the simulated trades, Binance's parameter errors and weights,
 * the bounded history, and the per-minute weight budget.
 */
class SimMarketDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManualScheduler time = new ManualScheduler();
    private SimExchange sim = start(6000);

    private SimExchange start(int weightPerMinute) {
        return SimExchange.start(SimConfig.of(List.of("BTCUSDT", "ETHUSDT"), 5)
                .withWeightPerMinute(weightPerMinute), time.millisClock(), time);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private JsonNode get(String path, FakeCall call) {
        Object answer = sim.routes().stream()
                .filter(r -> r.method() == SimRoute.Method.GET && r.path().equals(path))
                .findFirst().orElseThrow().handler().answer(call);
        try {
            return answer instanceof String s ? JSON.readTree(s) : JSON.valueToTree(answer);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode get(String path, String... params) {
        FakeCall c = new FakeCall();
        for (int i = 0; i < params.length; i += 2) {
            c.with(params[i], params[i + 1]);
        }
        return get(path, c);
    }

    private void assertError(String path, int code, String... params) {
        assertThatThrownBy(() -> get(path, params)).as(path + " " + List.of(params))
                .isInstanceOfSatisfying(SimError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    private static BigDecimal dec(JsonNode n) {
        return new BigDecimal(n.asText());
    }

    @Test
    void tradesAndAggregateTradesAreTheTradesTheMarketPrinted() {
        time.advance(Duration.ofSeconds(60));
        FakeCall c = new FakeCall().with("symbol", "BTCUSDT").with("limit", "5");
        JsonNode trades = get("/api/v3/trades", c);
        assertThat(c.usedWeight()).isEqualTo(25);
        assertThat(trades).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode t = trades.get(i);
            assertThat(t.fieldNames()).toIterable().containsExactly("id", "price", "qty",
                    "quoteQty", "time", "isBuyerMaker", "isBestMatch");
            assertThat(t.get("price").isTextual()).isTrue();
            assertThat(dec(t.get("quoteQty"))).isEqualByComparingTo(
                    dec(t.get("price")).multiply(dec(t.get("qty"))));
            if (i > 0) {
                assertThat(t.get("id").asLong()).isEqualTo(trades.get(i - 1).get("id").asLong()
                        + 1);
                assertThat(t.get("time").asLong())
                        .isGreaterThanOrEqualTo(trades.get(i - 1).get("time").asLong());
            }
        }
        JsonNode agg = get("/api/v3/aggTrades", "symbol", "btcusdt", "limit", "5");
        for (int i = 0; i < 5; i++) {
            JsonNode a = agg.get(i);
            JsonNode t = trades.get(i);
            assertThat(a.get("a").asLong()).isEqualTo(t.get("id").asLong());
            assertThat(a.get("f").asLong()).isEqualTo(t.get("id").asLong());
            assertThat(a.get("l").asLong()).isEqualTo(t.get("id").asLong());
            assertThat(a.get("p")).isEqualTo(t.get("price"));
            assertThat(a.get("q")).isEqualTo(t.get("qty"));
            assertThat(a.get("T")).isEqualTo(t.get("time"));
            assertThat(a.get("m")).isEqualTo(t.get("isBuyerMaker"));
        }
        long from = trades.get(2).get("id").asLong();
        assertThat(get("/api/v3/aggTrades", "symbol", "BTCUSDT", "fromId", Long.toString(from),
                "limit", "2")).extracting(n -> n.get("a").asLong()).containsExactly(from, from + 1);
        long t2 = trades.get(2).get("time").asLong();
        assertThat(get("/api/v3/aggTrades", "symbol", "BTCUSDT", "startTime", Long.toString(t2),
                "endTime", Long.toString(t2))).allSatisfy(
                        a -> assertThat(a.get("T").asLong()).isEqualTo(t2));
    }

    @Test
    void klinesAddUpTheTradesInBucketsAlignedLikeBinance() {
        time.advance(Duration.ofSeconds(120));
        JsonNode trades = get("/api/v3/trades", "symbol", "BTCUSDT", "limit", "1000");
        assertThat(trades.size()).isBetween(50, 999); // every trade of the two minutes
        BigDecimal traded = BigDecimal.ZERO;
        for (JsonNode t : trades) {
            traded = traded.add(dec(t.get("qty")));
        }
        FakeCall c = new FakeCall().with("symbol", "BTCUSDT").with("interval", "1m");
        JsonNode klines = get("/api/v3/klines", c);
        assertThat(c.usedWeight()).isEqualTo(25 + 2); // after the trades call
        assertThat(klines.size()).isBetween(3, 4);
        BigDecimal volume = BigDecimal.ZERO;
        long count = 0;
        for (JsonNode k : klines) {
            assertThat(k).hasSize(12);
            long open = k.get(0).asLong();
            assertThat(open % 60_000).isZero();
            assertThat(k.get(6).asLong()).isEqualTo(open + 59_999);
            BigDecimal o = dec(k.get(1));
            BigDecimal h = dec(k.get(2));
            BigDecimal l = dec(k.get(3));
            BigDecimal cl = dec(k.get(4));
            assertThat(h).isGreaterThanOrEqualTo(o.max(cl));
            assertThat(l).isLessThanOrEqualTo(o.min(cl));
            volume = volume.add(dec(k.get(5)));
            count += k.get(8).asLong();
        }
        assertThat(volume).isEqualByComparingTo(traded);
        assertThat(count).isEqualTo(trades.size());
        assertThat(dec(klines.get(klines.size() - 1).get(4)))
                .isEqualByComparingTo(dec(trades.get(trades.size() - 1).get("price")));

        // 1s: limit, startTime and endTime
        JsonNode seconds = get("/api/v3/klines", "symbol", "BTCUSDT", "interval", "1s",
                "limit", "10");
        assertThat(seconds).hasSize(10);
        long start = seconds.get(2).get(0).asLong();
        JsonNode window = get("/api/v3/klines", "symbol", "BTCUSDT", "interval", "1s",
                "startTime", Long.toString(start), "endTime", Long.toString(start + 2_000));
        assertThat(window).extracting(k -> k.get(0).asLong())
                .containsExactly(start, start + 1_000, start + 2_000);
        assertThat(get("/api/v3/klines", "symbol", "BTCUSDT", "interval", "1M")).hasSize(1);
    }

    @Test
    void everyStandardIntervalIsServedAndWeeksAndMonthsStartWhereBinancesDo() {
        for (String i : List.of("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h",
                "8h", "12h", "1d", "3d", "1w", "1M")) {
            assertThat(KlineInterval.of(i)).as(i).isPresent();
            assertThat(get("/api/v3/klines", "symbol", "BTCUSDT", "interval", i)).as(i)
                    .isNotEmpty();
        }
        long t = ZonedDateTime.of(2026, 12, 5, 17, 3, 4, 0, ZoneOffset.UTC).toInstant()
                .toEpochMilli();
        ZonedDateTime week = Instant.ofEpochMilli(KlineInterval.W1.open(t)).atZone(ZoneOffset.UTC);
        assertThat(week.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
        assertThat(week.toLocalDate().toString()).isEqualTo("2026-11-30");
        assertThat(week.getHour()).isZero();
        long month = KlineInterval.MONTH.open(t);
        assertThat(Instant.ofEpochMilli(month).toString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(Instant.ofEpochMilli(KlineInterval.MONTH.next(month)).toString())
                .isEqualTo("2027-01-01T00:00:00Z");
        assertThat(Instant.ofEpochMilli(KlineInterval.H4.open(t)).toString())
                .isEqualTo("2026-12-05T16:00:00Z");
        assertThat(KlineInterval.of("1m")).isNotEqualTo(KlineInterval.of("1M"));
        assertThat(KlineInterval.of("2m")).isEmpty();
    }

    @Test
    void theHistoryIsBounded() {
        SimHistory h = new SimHistory(100);
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 5_000; i++) {
            h.add(new SimHistory.Trade(i + 1, 100 + i % 7, 3, t0 + i * 1_000L, i % 2 == 0));
        }
        long now = t0 + 5_000_000;
        assertThat(h.recent(Integer.MAX_VALUE)).hasSize(SimHistory.TRADES);
        assertThat(h.recent(Integer.MAX_VALUE).get(0).id()).isEqualTo(4_001);
        assertThat(h.klines(KlineInterval.S1, now, 0, -1, Integer.MAX_VALUE))
                .hasSize(SimHistory.KLINES);
        assertThat(h.klines(KlineInterval.M1, now, 0, -1, Integer.MAX_VALUE))
                .hasSizeLessThanOrEqualTo(SimHistory.MINUTE_KLINES);
        // a long quiet spell (a day on the manual clock) keeps the bound and fills the gap
        long later = now + 86_400_000L;
        List<SimHistory.Kline> quiet = h.klines(KlineInterval.S1, later, 0, -1,
                Integer.MAX_VALUE);
        assertThat(quiet).hasSize(SimHistory.KLINES);
        assertThat(quiet).allSatisfy(k -> {
            assertThat(k.count).isZero();
            assertThat(k.o).isEqualTo(h.lastPrice());
        });
        assertThat(quiet.get(quiet.size() - 1).open).isEqualTo(KlineInterval.S1.open(later));
    }

    @Test
    void tickersAnswerOneSymbolAsAnObjectAndSeveralAsAnArray() {
        time.advance(Duration.ofSeconds(30));
        FakeCall all = new FakeCall();
        JsonNode every = get("/api/v3/ticker/24hr", all);
        assertThat(all.usedWeight()).isEqualTo(80);
        assertThat(every).extracting(n -> n.get("symbol").asText())
                .containsExactly("BTCUSDT", "ETHUSDT");
        FakeCall one = new FakeCall().with("symbol", "BTCUSDT");
        JsonNode t = get("/api/v3/ticker/24hr", one);
        assertThat(one.usedWeight()).isEqualTo(82);
        assertThat(t.isObject()).isTrue();
        assertThat(t.fieldNames()).toIterable().containsExactly("symbol", "priceChange",
                "priceChangePercent", "weightedAvgPrice", "prevClosePrice", "lastPrice",
                "lastQty", "bidPrice", "bidQty", "askPrice", "askQty", "openPrice", "highPrice",
                "lowPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId",
                "lastId", "count");
        JsonNode trades = get("/api/v3/trades", "symbol", "BTCUSDT", "limit", "1000");
        JsonNode last = trades.get(trades.size() - 1);
        assertThat(t.get("lastPrice")).isEqualTo(last.get("price"));
        assertThat(t.get("lastQty")).isEqualTo(last.get("qty"));
        assertThat(t.get("count").asLong()).isEqualTo(trades.size());
        assertThat(t.get("firstId")).isEqualTo(trades.get(0).get("id"));
        assertThat(t.get("lastId")).isEqualTo(last.get("id"));
        assertThat(dec(t.get("priceChange"))).isEqualByComparingTo(
                dec(t.get("lastPrice")).subtract(dec(t.get("openPrice"))));
        assertThat(dec(t.get("highPrice"))).isGreaterThanOrEqualTo(dec(t.get("lowPrice")));
        SimExchange.BookSnapshot book = sim.book("BTCUSDT");
        assertThat(t.get("bidPrice").asText()).isEqualTo(book.bids().get(0).get(0));
        assertThat(t.get("askPrice").asText()).isEqualTo(book.asks().get(0).get(0));

        assertThat(get("/api/v3/ticker/24hr", "symbols", "[\"ETHUSDT\"]"))
                .extracting(n -> n.get("symbol").asText()).containsExactly("ETHUSDT");
        JsonNode price = get("/api/v3/ticker/price", "symbol", "BTCUSDT");
        assertThat(price.get("price")).isEqualTo(last.get("price"));
        assertThat(get("/api/v3/ticker/price")).hasSize(2);
        JsonNode bt = get("/api/v3/ticker/bookTicker", "symbol", "btcusdt");
        assertThat(bt.fieldNames()).toIterable().containsExactly("symbol", "bidPrice",
                "bidQty", "askPrice", "askQty");
        assertThat(bt.get("bidPrice").asText()).isEqualTo(book.bids().get(0).get(0));
        assertThat(bt.get("askQty").asText()).isEqualTo(book.asks().get(0).get(1));
        assertThat(get("/api/v3/ticker/bookTicker", "symbols", "[\"BTCUSDT\",\"ETHUSDT\"]"))
                .hasSize(2);
        JsonNode avg = get("/api/v3/avgPrice", "symbol", "BTCUSDT");
        assertThat(avg.get("mins").asInt()).isEqualTo(5);
        assertThat(dec(avg.get("price"))).isBetween(dec(t.get("lowPrice")),
                dec(t.get("highPrice")));
        assertThat(avg.get("closeTime")).isEqualTo(last.get("time"));
    }

    @Test
    void exchangeInfoHonoursSymbolAndSymbols() {
        assertThat(get("/api/v3/exchangeInfo").get("symbols")).hasSize(2);
        assertThat(get("/api/v3/exchangeInfo", "symbol", "ETHUSDT").get("symbols"))
                .extracting(n -> n.get("symbol").asText()).containsExactly("ETHUSDT");
        assertThat(get("/api/v3/exchangeInfo", "symbols", "[\"ETHUSDT\",\"BTCUSDT\"]")
                .get("symbols")).extracting(n -> n.get("symbol").asText())
                .containsExactly("ETHUSDT", "BTCUSDT");
        assertError("/api/v3/exchangeInfo", -1121, "symbol", "NOPEUSDT");
        assertError("/api/v3/exchangeInfo", -1121, "symbols", "[\"BTCUSDT\",\"NOPE\"]");
    }

    @Test
    void badParametersGetBinancesCodes() {
        assertError("/api/v3/trades", -1102);
        assertError("/api/v3/trades", -1121, "symbol", "NOPEUSDT");
        assertError("/api/v3/trades", -1100, "symbol", "BTC/USDT");
        assertError("/api/v3/trades", -1100, "symbol", "BTCUSDT", "limit", "0");
        assertError("/api/v3/trades", -1100, "symbol", "BTCUSDT", "limit", "1001");
        assertError("/api/v3/aggTrades", -1100, "symbol", "BTCUSDT", "startTime", "yesterday");
        assertError("/api/v3/klines", -1102, "symbol", "BTCUSDT");
        assertError("/api/v3/klines", -1120, "symbol", "BTCUSDT", "interval", "2m");
        assertError("/api/v3/avgPrice", -1102);
        assertError("/api/v3/ticker/24hr", -1128, "symbol", "BTCUSDT", "symbols",
                "[\"BTCUSDT\"]");
        assertError("/api/v3/ticker/price", -1100, "symbols", "BTCUSDT,ETHUSDT");
        assertError("/api/v3/ticker/bookTicker", -1121, "symbols", "[\"NOPE\"]");
        assertThatThrownBy(() -> get("/api/v3/trades", "symbol", "NOPEUSDT"))
                .isInstanceOfSatisfying(SimError.class, e -> assertThat(e.body())
                        .isEqualTo("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));
        assertThatThrownBy(() -> get("/api/v3/klines", "symbol", "BTCUSDT"))
                .hasMessage("Mandatory parameter 'interval' was not sent, was empty/null, or "
                        + "malformed.");
    }

    @Test
    void goingOverTheWeightBudgetAnswers429UntilTheMinuteIsOver() {
        sim.close();
        sim = start(10);
        time.advance(Duration.ofMillis(60_000 - time.millis() % 60_000)); // a minute's start
        for (int i = 1; i <= 5; i++) {
            FakeCall c = new FakeCall().with("symbol", "BTCUSDT");
            get("/api/v3/avgPrice", c); // weight 2
            assertThat(c.usedWeight()).isEqualTo(2 * i);
        }
        time.advance(Duration.ofSeconds(15));
        FakeCall over = new FakeCall().with("symbol", "BTCUSDT");
        assertThatThrownBy(() -> get("/api/v3/avgPrice", over))
                .isInstanceOfSatisfying(SimError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo(-1003);
                    assertThat(e.getMessage()).contains("10 request weight per 1 MINUTE");
                });
        assertThat(over.answerHeaders).containsEntry("Retry-After", "45")
                .containsEntry("X-MBX-USED-WEIGHT-1M", "12");
        FakeCall check = new FakeCall();
        sim.checkLimits(check); // not the chaos fault: that one is off
        assertThat(check.usedWeight()).isEqualTo(12);
        time.advance(Duration.ofSeconds(45));
        FakeCall next = new FakeCall().with("symbol", "BTCUSDT");
        get("/api/v3/avgPrice", next);
        assertThat(next.usedWeight()).isEqualTo(2);
    }

    @Test
    void theCoinListCoversTheListedAssetsForSignedCallsOnly() {
        SimConfig c = sim.config();
        FakeCall call = new FakeCall().with("timestamp", Long.toString(time.millis()))
                .signed(c.apiKey(), c.apiSecret());
        JsonNode coins = get("/sapi/v1/capital/config/getall", call);
        assertThat(call.usedWeight()).isEqualTo(10);
        assertThat(coins).extracting(n -> n.get("coin").asText())
                .containsExactly("BTC", "USDT", "ETH");
        JsonNode btc = coins.get(0);
        assertThat(btc.get("networkList").get(0).get("depositEnable").asBoolean()).isTrue();
        assertThat(btc.get("free").asText()).isEqualTo("0");
        assertThatThrownBy(() -> get("/sapi/v1/capital/config/getall", new FakeCall()
                .with("timestamp", Long.toString(time.millis())).signed("other", "x")))
                .isInstanceOfSatisfying(SimError.class,
                        e -> assertThat(e.code()).isEqualTo(-2015));
    }

    @Test
    void theMarginPairListsAreEmptyForAKeyAndRefusedWithoutOne() {
        SimConfig c = sim.config();
        FakeCall keyOnly = new FakeCall();
        keyOnly.headers.put("X-MBX-APIKEY", c.apiKey());
        assertThat(get("/sapi/v1/margin/allPairs", keyOnly)).isEmpty();
        assertThat(get("/sapi/v1/margin/isolated/allPairs", new FakeCall()
                .with("timestamp", Long.toString(time.millis())).signed(c.apiKey(),
                        c.apiSecret()))).isEmpty();
        assertThatThrownBy(() -> get("/sapi/v1/margin/allPairs", new FakeCall()))
                .isInstanceOfSatisfying(SimError.class,
                        e -> assertThat(e.code()).isEqualTo(-2014));
        assertThatThrownBy(() -> get("/sapi/v1/margin/isolated/allPairs", keyOnly))
                .isInstanceOfSatisfying(SimError.class,
                        e -> assertThat(e.code()).isEqualTo(-1102));
    }
}
