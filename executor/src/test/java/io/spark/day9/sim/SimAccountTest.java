package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's accounts, order lists and user data stream, driven without sockets on a
 * manual clock: the market moves only when the test advances it.
 */
class SimAccountTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigDecimal FEE = new BigDecimal("0.001");

    private final ManualScheduler time = new ManualScheduler();
    private SimExchange sim;

    private SimExchange start(String balances, int historyLimit) {
        SimAccountConfig account = new SimAccountConfig(SimAccountConfig.parseBalances(balances),
                FEE, historyLimit);
        sim = SimExchange.start(SimConfig.of(List.of("BTCUSDT", "ETHUSDT"), 5)
                .withUpdateIntervalMs(100).withAccount(account), time.millisClock(), time);
        return sim;
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    /** A signed call in memory: the parameters, timestamp and HMAC in the query string. */
    private final class Signed implements SimCall {
        final Map<String, String> params = new LinkedHashMap<>();
        final String key;
        String query;

        Signed(String key, Map<String, String> params, boolean sign) {
            this.key = key;
            this.params.putAll(params);
            StringJoiner q = new StringJoiner("&");
            this.params.forEach((k, v) -> q.add(k + "=" + v));
            if (sign) {
                this.params.put("timestamp", Long.toString(time.millis()));
                q.add("timestamp=" + time.millis());
                String payload = q.toString();
                q.add("signature=" + hmac(payload));
            }
            query = q.toString();
        }

        @Override
        public String query(String name) {
            return params.get(name);
        }

        @Override
        public String queryString() {
            return query;
        }

        @Override
        public String body() {
            return "";
        }

        @Override
        public String header(String name) {
            return name.equals("X-MBX-APIKEY") ? key : null;
        }

        @Override
        public void answerHeader(String name, String value) {
        }
    }

    private static String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SimConfig.DEFAULT_API_SECRET.getBytes(
                    StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode call(SimRoute.Method method, String path, Map<String, String> params) {
        return call(method, path, params, !path.equals("/api/v3/userDataStream"));
    }

    private JsonNode call(SimRoute.Method method, String path, Map<String, String> params,
                          boolean sign) {
        Object answer = sim.routes().stream()
                .filter(r -> r.method() == method && r.path().equals(path))
                .findFirst().orElseThrow().handler()
                .answer(new Signed(SimConfig.DEFAULT_API_KEY, params, sign));
        try {
            return answer instanceof String s ? JSON.readTree(s) : JSON.valueToTree(answer);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode place(String symbol, String side, String type, String qty, String price,
                           String tif, String clientId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("symbol", symbol);
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
        return call(SimRoute.Method.POST, "/api/v3/order", p);
    }

    private JsonNode get(String path, String... kv) {
        return call(SimRoute.Method.GET, path, pairs(kv));
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private SimExchange.Balance balance(String asset) {
        return sim.balances(SimConfig.DEFAULT_API_KEY).get(asset);
    }

    private static int code(Throwable e) {
        return ((SimError) e).code();
    }

    private static BigDecimal dec(JsonNode n) {
        return new BigDecimal(n.asText());
    }

    /** A subscriber that keeps what it was sent (thread-safe). */
    private static final class Inbox implements SimSubscriber {
        final List<String> frames = Collections.synchronizedList(new ArrayList<>());
        volatile boolean closed;

        @Override
        public void send(String text) {
            frames.add(text);
        }

        @Override
        public void close(int statusCode, String reason) {
            closed = true;
        }

        @Override
        public void disconnect() {
            closed = true;
        }

        List<JsonNode> events(String type) {
            List<JsonNode> out = new ArrayList<>();
            synchronized (frames) {
                for (String f : frames) {
                    try {
                        JsonNode n = JSON.readTree(f);
                        if (n.path("e").asText().equals(type)) {
                            out.add(n);
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            return out;
        }
    }

    private Inbox userStream() {
        String listenKey = call(SimRoute.Method.POST, "/api/v3/userDataStream", Map.of())
                .path("listenKey").asText();
        Inbox inbox = new Inbox();
        sim.subscribe(inbox, List.of(), List.of(listenKey));
        return inbox;
    }

    @Test
    void balancesMoveByFillsAndFeesExactly() {
        start("USDT=1000000,BTC=1", 1000);
        SimExchange.BookSnapshot book = sim.book("BTCUSDT");
        BigDecimal qty = new BigDecimal(book.asks().get(0).get(1))
                .add(new BigDecimal("0.00001")); // two levels
        JsonNode buy = place("BTCUSDT", "BUY", "MARKET", qty.toPlainString(), null, null, "b1");
        assertThat(buy.path("fills")).hasSize(2);
        BigDecimal spent = BigDecimal.ZERO;
        BigDecimal btcFee = BigDecimal.ZERO;
        for (int i = 0; i < 2; i++) {
            JsonNode f = buy.path("fills").get(i);
            assertThat(f.path("price").asText()).isEqualTo(book.asks().get(i).get(0));
            assertThat(f.path("commissionAsset").asText()).isEqualTo("BTC");
            // commission is 0.1 % of the BTC received
            assertThat(dec(f.path("commission"))).isEqualByComparingTo(
                    dec(f.path("qty")).multiply(FEE).setScale(8, RoundingMode.HALF_UP));
            spent = spent.add(dec(f.path("price")).multiply(dec(f.path("qty"))));
            btcFee = btcFee.add(dec(f.path("commission")));
        }
        assertThat(balance("USDT").free()).isEqualByComparingTo(
                new BigDecimal("1000000").subtract(spent));
        assertThat(balance("BTC").free()).isEqualByComparingTo(
                BigDecimal.ONE.add(qty).subtract(btcFee));

        JsonNode sell = place("BTCUSDT", "SELL", "MARKET", "0.5", null, null, "s1");
        BigDecimal received = BigDecimal.ZERO;
        BigDecimal usdtFee = BigDecimal.ZERO;
        for (JsonNode f : sell.path("fills")) {
            BigDecimal quote = dec(f.path("price")).multiply(dec(f.path("qty")));
            assertThat(f.path("commissionAsset").asText()).isEqualTo("USDT");
            assertThat(dec(f.path("commission"))).isEqualByComparingTo(
                    quote.multiply(FEE).setScale(8, RoundingMode.HALF_UP));
            received = received.add(quote);
            usdtFee = usdtFee.add(dec(f.path("commission")));
        }
        assertThat(usdtFee.signum()).isPositive();
        assertThat(balance("USDT").free()).isEqualByComparingTo(new BigDecimal("1000000")
                .subtract(spent).add(received).subtract(usdtFee));
        assertThat(balance("BTC").free()).isEqualByComparingTo(BigDecimal.ONE.add(qty)
                .subtract(btcFee).subtract(new BigDecimal("0.5")));
        assertThat(balance("USDT").locked()).isZero();
        assertThat(balance("BTC").locked()).isZero();

        // GET /api/v3/account shows the same, Binance's shape
        JsonNode account = get("/api/v3/account");
        assertThat(account.path("makerCommission").asInt()).isEqualTo(10);
        assertThat(account.path("commissionRates").path("taker").asText())
                .isEqualTo("0.00100000");
        assertThat(account.path("canTrade").asBoolean()).isTrue();
        assertThat(account.path("accountType").asText()).isEqualTo("SPOT");
        assertThat(account.path("permissions").get(0).asText()).isEqualTo("SPOT");
        assertThat(account.path("uid").asLong()).isPositive();
        Map<String, JsonNode> byAsset = new LinkedHashMap<>();
        account.path("balances").forEach(b -> byAsset.put(b.path("asset").asText(), b));
        assertThat(byAsset).containsOnlyKeys("BTC", "USDT");
        assertThat(dec(byAsset.get("USDT").path("free")))
                .isEqualByComparingTo(balance("USDT").free());
        assertThat(byAsset.get("USDT").path("locked").asText()).isEqualTo("0.00000000");

        // myTrades lists both orders' fills with the same commissions
        JsonNode trades = get("/api/v3/myTrades", "symbol", "BTCUSDT");
        assertThat(trades).hasSize(2 + sell.path("fills").size());
        assertThat(trades.get(0).path("isBuyer").asBoolean()).isTrue();
        assertThat(trades.get(0).path("isMaker").asBoolean()).isFalse();
        assertThat(trades.get(0).path("commission").asText())
                .isEqualTo(buy.path("fills").get(0).path("commission").asText());
        assertThat(trades.get(0).path("orderId").asLong()).isEqualTo(buy.path("orderId")
                .asLong());
    }

    @Test
    void aShortfallIsRefusedAndNothingChanges() {
        start("USDT=100,ETH=0", 1000);
        Map<String, SimExchange.Balance> before = sim.balances(SimConfig.DEFAULT_API_KEY);
        long placed = sim.ordersPlaced();
        assertThatThrownBy(() -> place("BTCUSDT", "BUY", "LIMIT", "0.01", "65000.00", "GTC",
                "too-big")).satisfies(e -> assertThat(code(e)).isEqualTo(-2010))
                .hasMessage("Account has insufficient balance for requested action.");
        assertThatThrownBy(() -> place("BTCUSDT", "BUY", "MARKET", "0.01", null, null, null))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-2010));
        assertThatThrownBy(() -> place("ETHUSDT", "SELL", "MARKET", "1", null, null, null))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-2010));
        assertThat(sim.balances(SimConfig.DEFAULT_API_KEY)).isEqualTo(before);
        assertThat(sim.ordersPlaced()).isEqualTo(placed);
        assertThat(get("/api/v3/allOrders", "symbol", "BTCUSDT")).isEmpty();
        assertThat(get("/api/v3/openOrders")).isEmpty();
        // exactly what it has is enough
        BigDecimal price = new BigDecimal("50.00");
        JsonNode ok = place("BTCUSDT", "BUY", "LIMIT", "2", price.toPlainString(), "GTC", "all");
        assertThat(ok.path("status").asText()).isEqualTo("NEW");
        assertThat(balance("USDT").free()).isZero();
        assertThat(balance("USDT").locked()).isEqualByComparingTo("100");
    }

    @Test
    void restingOrdersLockFundsAndCancelReleasesThem() {
        start("USDT=10000,BTC=1", 1000);
        String farBelow = "30000.00";
        JsonNode buy = place("BTCUSDT", "BUY", "LIMIT", "0.1", farBelow, "GTC", "rest-buy");
        assertThat(buy.path("status").asText()).isEqualTo("NEW");
        assertThat(balance("USDT").free()).isEqualByComparingTo("7000");
        assertThat(balance("USDT").locked()).isEqualByComparingTo("3000");
        JsonNode sell = place("BTCUSDT", "SELL", "LIMIT", "0.25", "99000.00", "GTC", "rest-sell");
        assertThat(sell.path("status").asText()).isEqualTo("NEW");
        assertThat(balance("BTC").free()).isEqualByComparingTo("0.75");
        assertThat(balance("BTC").locked()).isEqualByComparingTo("0.25");
        // a locked amount cannot be spent twice
        assertThatThrownBy(() -> place("BTCUSDT", "SELL", "LIMIT", "0.8", "99000.00", "GTC",
                null)).satisfies(e -> assertThat(code(e)).isEqualTo(-2010));

        JsonNode canceled = call(SimRoute.Method.DELETE, "/api/v3/order",
                pairs("symbol", "BTCUSDT", "origClientOrderId", "rest-buy"));
        assertThat(canceled.path("status").asText()).isEqualTo("CANCELED");
        assertThat(canceled.path("origClientOrderId").asText()).isEqualTo("rest-buy");
        assertThat(balance("USDT").free()).isEqualByComparingTo("10000");
        assertThat(balance("USDT").locked()).isZero();
        call(SimRoute.Method.DELETE, "/api/v3/order",
                pairs("symbol", "BTCUSDT", "orderId", sell.path("orderId").asText()));
        assertThat(balance("BTC").free()).isEqualByComparingTo("1");
        assertThat(balance("BTC").locked()).isZero();
    }

    @Test
    void aPartlyFilledLimitKeepsOnlyItsRemainderLocked() {
        start("USDT=1000000", 1000);
        Inbox inbox = userStream();
        SimExchange.BookSnapshot book = sim.book("BTCUSDT");
        BigDecimal limit = new BigDecimal(book.asks().get(1).get(0)); // takes two levels
        BigDecimal available = new BigDecimal(book.asks().get(0).get(1))
                .add(new BigDecimal(book.asks().get(1).get(1)));
        BigDecimal qty = available.add(BigDecimal.ONE);
        JsonNode o = place("BTCUSDT", "BUY", "LIMIT", qty.toPlainString(),
                limit.toPlainString(), "GTC", "partial");
        assertThat(o.path("status").asText()).isEqualTo("PARTIALLY_FILLED");
        assertThat(dec(o.path("executedQty"))).isEqualByComparingTo(available);
        BigDecimal spent = dec(o.path("cummulativeQuoteQty"));
        BigDecimal held = BigDecimal.ONE.multiply(limit); // the unfilled 1 BTC at the limit
        assertThat(balance("USDT").locked()).isEqualByComparingTo(held);
        assertThat(balance("USDT").free()).isEqualByComparingTo(new BigDecimal("1000000")
                .subtract(spent).subtract(held));
        call(SimRoute.Method.DELETE, "/api/v3/order",
                pairs("symbol", "BTCUSDT", "origClientOrderId", "partial"));
        assertThat(balance("USDT").locked()).isZero();
        assertThat(balance("USDT").free()).isEqualByComparingTo(new BigDecimal("1000000")
                .subtract(spent));
        assertThat(inbox.events("executionReport")).extracting(r -> r.path("x").asText()
                + "/" + r.path("X").asText()).containsExactly("NEW/NEW",
                "TRADE/PARTIALLY_FILLED", "TRADE/PARTIALLY_FILLED", "CANCELED/CANCELED");
    }

    @Test
    void aRestingOrderFillsAsMakerAndSpendsItsLock() {
        start("USDT=10000,BTC=0", 1000);
        Inbox inbox = userStream();
        String bestBid = sim.book("BTCUSDT").bids().get(0).get(0);
        JsonNode o = place("BTCUSDT", "BUY", "LIMIT", "0.1", bestBid, "GTC", "maker");
        assertThat(o.path("status").asText()).isEqualTo("NEW");
        BigDecimal cost = new BigDecimal(bestBid).multiply(new BigDecimal("0.1"));
        for (int i = 0; i < 10_000 && get("/api/v3/openOrders", "symbol", "BTCUSDT").size() > 0;
             i++) {
            time.advance(Duration.ofMillis(100)); // the random walk reaches it
        }
        JsonNode done = get("/api/v3/order", "symbol", "BTCUSDT", "origClientOrderId", "maker");
        assertThat(done.path("status").asText()).isEqualTo("FILLED");
        assertThat(balance("USDT").free()).isEqualByComparingTo(
                new BigDecimal("10000").subtract(cost));
        assertThat(balance("USDT").locked()).isZero();
        assertThat(balance("BTC").free()).isEqualByComparingTo("0.0999"); // 0.1 less 0.1 %
        JsonNode trade = get("/api/v3/myTrades", "symbol", "BTCUSDT").get(0);
        assertThat(trade.path("isMaker").asBoolean()).isTrue();
        assertThat(trade.path("price").asText()).isEqualTo(bestBid);
        List<JsonNode> reports = inbox.events("executionReport");
        assertThat(reports).extracting(r -> r.path("x").asText() + "/" + r.path("X").asText())
                .containsExactly("NEW/NEW", "TRADE/FILLED");
        assertThat(reports.get(1).path("m").asBoolean()).isTrue();
        assertThat(reports.get(1).path("n").asText()).isEqualTo("0.00010000");
        assertThat(reports.get(1).path("N").asText()).isEqualTo("BTC");
    }

    @Test
    void theUserStreamReportsAFillAndTheAccountPosition() {
        start("USDT=100000,BTC=0", 1000);
        Inbox inbox = userStream();
        JsonNode o = place("BTCUSDT", "BUY", "MARKET", "0.002", null, null, "watched");
        List<JsonNode> reports = inbox.events("executionReport");
        assertThat(reports).hasSizeGreaterThanOrEqualTo(2);
        JsonNode first = reports.get(0);
        assertThat(first.path("x").asText()).isEqualTo("NEW");
        assertThat(first.path("c").asText()).isEqualTo("watched");
        assertThat(first.path("i").asLong()).isEqualTo(o.path("orderId").asLong());
        assertThat(first.path("S").asText()).isEqualTo("BUY");
        assertThat(first.path("o").asText()).isEqualTo("MARKET");
        assertThat(first.path("q").asText()).isEqualTo("0.00200000");
        JsonNode last = reports.get(reports.size() - 1);
        assertThat(last.path("x").asText()).isEqualTo("TRADE");
        assertThat(last.path("X").asText()).isEqualTo("FILLED");
        assertThat(last.path("z").asText()).isEqualTo("0.00200000");
        assertThat(dec(last.path("Z"))).isEqualByComparingTo(dec(o.path("cummulativeQuoteQty")));
        assertThat(last.path("t").asLong()).isEqualTo(o.path("fills")
                .get(o.path("fills").size() - 1).path("tradeId").asLong());
        List<JsonNode> positions = inbox.events("outboundAccountPosition");
        assertThat(positions).hasSize(1);
        Map<String, String> free = new LinkedHashMap<>();
        positions.get(0).path("B").forEach(b -> free.put(b.path("a").asText(),
                b.path("f").asText()));
        assertThat(free).containsOnlyKeys("BTC", "USDT");
        assertThat(new BigDecimal(free.get("USDT"))).isEqualByComparingTo(
                balance("USDT").free());
        assertThat(new BigDecimal(free.get("BTC"))).isEqualByComparingTo(balance("BTC").free());
        // a cancel is reported too
        place("BTCUSDT", "BUY", "LIMIT", "0.001", "30000.00", "GTC", "c-1");
        call(SimRoute.Method.DELETE, "/api/v3/order",
                pairs("symbol", "BTCUSDT", "origClientOrderId", "c-1"));
        List<JsonNode> after = inbox.events("executionReport");
        JsonNode cancel = after.get(after.size() - 1);
        assertThat(cancel.path("x").asText()).isEqualTo("CANCELED");
        assertThat(cancel.path("C").asText()).isEqualTo("c-1");
    }

    @Test
    void listenKeysExpireAfterAnHourWithoutKeepalive() {
        start("USDT=1000", 1000);
        String key = call(SimRoute.Method.POST, "/api/v3/userDataStream", Map.of())
                .path("listenKey").asText();
        assertThat(key).matches("[a-z0-9]{60}");
        assertThat(call(SimRoute.Method.POST, "/api/v3/userDataStream", Map.of())
                .path("listenKey").asText()).as("one key per account").isEqualTo(key);
        Inbox inbox = new Inbox();
        sim.subscribe(inbox, List.of(), List.of(key));
        time.advance(Duration.ofMinutes(59));
        call(SimRoute.Method.PUT, "/api/v3/userDataStream", pairs("listenKey", key));
        time.advance(Duration.ofMinutes(59)); // 118 min after creation, 59 after the keepalive
        assertThat(inbox.closed).isFalse();
        assertThat(inbox.events("listenKeyExpired")).isEmpty();
        time.advance(Duration.ofMinutes(2));
        assertThat(inbox.events("listenKeyExpired")).singleElement()
                .satisfies(e -> assertThat(e.path("listenKey").asText()).isEqualTo(key));
        assertThat(inbox.closed).isTrue();
        assertThatThrownBy(() -> call(SimRoute.Method.PUT, "/api/v3/userDataStream",
                pairs("listenKey", key))).satisfies(e -> assertThat(code(e)).isEqualTo(-1125));
        // an expired key's account gets a new one
        assertThat(call(SimRoute.Method.POST, "/api/v3/userDataStream", Map.of())
                .path("listenKey").asText()).isNotEqualTo(key);
        assertThatThrownBy(() -> call(SimRoute.Method.DELETE, "/api/v3/userDataStream",
                pairs("listenKey", "nope"))).satisfies(e -> assertThat(code(e)).isEqualTo(-1125));
    }

    @Test
    void cancelAllCancelsEveryOpenOrderOfTheSymbolOnce() {
        start("USDT=100000,ETH=10", 1000);
        Inbox inbox = userStream();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(place("BTCUSDT", "BUY", "LIMIT", "0.01", (30000 + i) + ".00", "GTC",
                    "all-" + i).path("orderId").asLong());
        }
        JsonNode eth = place("ETHUSDT", "SELL", "LIMIT", "1", "9000.00", "GTC", "eth");
        assertThat(get("/api/v3/openOrders", "symbol", "BTCUSDT")).hasSize(5);
        assertThat(get("/api/v3/openOrders")).hasSize(6);
        JsonNode canceled = call(SimRoute.Method.DELETE, "/api/v3/openOrders",
                pairs("symbol", "BTCUSDT"));
        assertThat(canceled).hasSize(5);
        List<Long> canceledIds = new ArrayList<>();
        canceled.forEach(c -> {
            assertThat(c.path("status").asText()).isEqualTo("CANCELED");
            assertThat(c.path("symbol").asText()).isEqualTo("BTCUSDT");
            canceledIds.add(c.path("orderId").asLong());
        });
        assertThat(canceledIds).containsExactlyElementsOf(ids);
        assertThat(balance("USDT").locked()).isZero();
        assertThat(balance("USDT").free()).isEqualByComparingTo("100000");
        assertThat(get("/api/v3/openOrders", "symbol", "BTCUSDT")).isEmpty();
        assertThat(get("/api/v3/openOrders")).singleElement().satisfies(o -> assertThat(
                o.path("orderId").asLong()).isEqualTo(eth.path("orderId").asLong()));
        assertThat(inbox.events("executionReport")).filteredOn(r -> r.path("x").asText()
                .equals("CANCELED")).extracting(r -> r.path("i").asLong())
                .containsExactlyElementsOf(ids);
        assertThatThrownBy(() -> call(SimRoute.Method.DELETE, "/api/v3/openOrders",
                pairs("symbol", "BTCUSDT"))).satisfies(e -> assertThat(code(e)).isEqualTo(-2011))
                .hasMessage("Unknown order sent.");
        assertThatThrownBy(() -> call(SimRoute.Method.DELETE, "/api/v3/openOrders", Map.of()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1102));
        // the canceled client order ids may be used again (only open ones are duplicates)
        assertThat(place("BTCUSDT", "BUY", "LIMIT", "0.01", "30000.00", "GTC", "all-0")
                .path("status").asText()).isEqualTo("NEW");
        assertThatThrownBy(() -> place("BTCUSDT", "BUY", "LIMIT", "0.01", "30000.00", "GTC",
                "all-0")).satisfies(e -> assertThat(code(e)).isEqualTo(-2010))
                .hasMessage("Duplicate order sent.");
    }

    @Test
    void allOrdersAndMyTradesPageAndKeepABoundedHistory() {
        start("USDT=100000,BTC=1", 3);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(place("BTCUSDT", "BUY", "MARKET", "0.001", null, null, "h-" + i)
                    .path("orderId").asLong());
            time.advance(Duration.ofSeconds(1));
        }
        JsonNode all = get("/api/v3/allOrders", "symbol", "BTCUSDT");
        assertThat(all).extracting(o -> o.path("orderId").asLong())
                .as("the oldest finished orders are dropped past the bound")
                .containsExactlyElementsOf(ids.subList(2, 5));
        assertThat(get("/api/v3/allOrders", "symbol", "BTCUSDT", "limit", "2"))
                .extracting(o -> o.path("orderId").asLong()).containsExactly(ids.get(3),
                        ids.get(4));
        assertThat(get("/api/v3/allOrders", "symbol", "BTCUSDT", "orderId",
                ids.get(3).toString(), "limit", "1")).extracting(o -> o.path("orderId")
                .asLong()).containsExactly(ids.get(3));
        assertThatThrownBy(() -> get("/api/v3/order", "symbol", "BTCUSDT", "orderId",
                ids.get(0).toString())).satisfies(e -> assertThat(code(e)).isEqualTo(-2013));
        JsonNode trades = get("/api/v3/myTrades", "symbol", "BTCUSDT");
        assertThat(trades).hasSize(3);
        long last = trades.get(2).path("id").asLong();
        assertThat(get("/api/v3/myTrades", "symbol", "BTCUSDT", "fromId", Long.toString(last)))
                .singleElement().satisfies(t -> assertThat(t.path("id").asLong())
                        .isEqualTo(last));
        assertThat(get("/api/v3/myTrades", "symbol", "BTCUSDT", "orderId",
                ids.get(4).toString())).hasSize(1);
        long t3 = trades.get(1).path("time").asLong();
        assertThat(get("/api/v3/myTrades", "symbol", "BTCUSDT", "startTime",
                Long.toString(t3))).hasSize(2);
        assertThatThrownBy(() -> get("/api/v3/myTrades", "symbol", "BTCUSDT", "limit", "1001"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1100));
        assertThatThrownBy(() -> get("/api/v3/allOrders", "symbol", "NOPE"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1121));
        assertThatThrownBy(() -> get("/api/v3/allOrders", "symbol", "BTCUSDT", "startTime",
                "0", "endTime", Long.toString(90_000_000L)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1127));
    }

    @Test
    void openOrdersPerSymbolAreCappedAndBadParametersAreBinanceErrors() {
        start("USDT=1000000", 1000);
        for (int i = 0; i < SimOrders.MAX_OPEN_PER_SYMBOL; i++) {
            place("BTCUSDT", "BUY", "LIMIT", "0.001", "20000.00", "GTC", null);
        }
        assertThatThrownBy(() -> place("BTCUSDT", "BUY", "LIMIT", "0.001", "20000.00", "GTC",
                null)).satisfies(e -> assertThat(code(e)).isEqualTo(-1013))
                .hasMessage("Filter failure: MAX_NUM_ORDERS");
        assertThat(place("ETHUSDT", "BUY", "LIMIT", "0.01", "1000.00", "GTC", null)
                .path("status").asText()).isEqualTo("NEW");
        assertThatThrownBy(() -> place("ETHUSDT", "BUY", "LIMIT", "0.01", "1000.00", "GTC",
                "bad id!")).satisfies(e -> assertThat(code(e)).isEqualTo(-1100));
        assertThatThrownBy(() -> get("/api/v3/openOrders", "symbol", "BTCUSDT",
                "recvWindow", "soon")).satisfies(e -> assertThat(code(e)).isEqualTo(-1100));
        assertThatThrownBy(() -> get("/api/v3/allOrders", "symbol", "BTCUSDT", "orderId", "x"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1100));
        assertThatThrownBy(() -> get("/api/v3/myTrades"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(-1102));
    }

    @Test
    void startBalancesAreParsedStrictly() {
        assertThat(SimAccountConfig.parseBalances("usdt=100000, BTC=1,ETH=10.5"))
                .containsExactly(Map.entry("USDT", new BigDecimal("100000")),
                        Map.entry("BTC", BigDecimal.ONE), Map.entry("ETH",
                                new BigDecimal("10.5")));
        assertThat(SimAccountConfig.parseBalances("")).isEmpty();
        for (String bad : List.of("USDT", "USDT=-1", "USDT=x", "USDT=1,USDT=2", "U SD=1")) {
            assertThatThrownBy(() -> SimAccountConfig.parseBalances(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ASSET=amount");
        }
    }
}
