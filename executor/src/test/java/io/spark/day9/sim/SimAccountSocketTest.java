package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.sim.server.SimServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Accounts, order lists and the user data stream over real sockets: signed HTTP calls as any
 * Binance client makes them, and a WebSocket on {@code /ws/<listenKey>}.
 */
class SimAccountSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private SimServer sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    /** One HTTP answer: status and JSON body. */
    private record Answer(int status, JsonNode body) {
    }

    private Answer send(String method, String path, String query, boolean sign) {
        String q = query;
        if (sign) {
            q = (q.isEmpty() ? "" : q + "&") + "timestamp=" + System.currentTimeMillis();
            q = q + "&signature=" + hmac(q);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.restUrl() + path
                        + (q.isEmpty() ? "" : "?" + q)))
                .header("X-MBX-APIKEY", sim.config().apiKey())
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), JSON.readTree(r.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer signed(String method, String path, String... kv) {
        StringJoiner q = new StringJoiner("&");
        for (int i = 0; i < kv.length; i += 2) {
            q.add(kv[i] + "=" + kv[i + 1]);
        }
        return send(method, path, q.toString(), true);
    }

    private String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sim.config().apiSecret().getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A WebSocket on {@code /ws/<listenKey>} that keeps every event. */
    private static final class UserStream implements WebSocket.Listener {
        final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    events.add(JSON.readTree(partial.toString()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        List<JsonNode> of(String type) {
            synchronized (events) {
                return events.stream().filter(e -> e.path("e").asText().equals(type)).toList();
            }
        }
    }

    private UserStream connect() {
        Answer key = send("POST", "/api/v3/userDataStream", "", false);
        assertThat(key.status()).isEqualTo(200);
        UserStream stream = new UserStream();
        http.newWebSocketBuilder().buildAsync(URI.create(sim.wsUrl() + "/ws/"
                + key.body().path("listenKey").asText()), stream).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.connections() == 1);
        return stream;
    }

    @Test
    void theUserStreamReportsAFillOverAWebSocket() {
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT"), 11).withUpdateIntervalMs(20));
        UserStream stream = connect();
        Answer placed = signed("POST", "/api/v3/order", "symbol", "BTCUSDT", "side", "BUY",
                "type", "MARKET", "quantity", "0.01", "newClientOrderId", "ws-fill");
        assertThat(placed.status()).isEqualTo(200);
        assertThat(placed.body().path("status").asText()).isEqualTo("FILLED");
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.of("executionReport").stream()
                .anyMatch(r -> r.path("X").asText().equals("FILLED"))
                && !stream.of("outboundAccountPosition").isEmpty());
        JsonNode filled = stream.of("executionReport").stream()
                .filter(r -> r.path("X").asText().equals("FILLED")).findFirst().orElseThrow();
        assertThat(filled.path("x").asText()).isEqualTo("TRADE");
        assertThat(filled.path("c").asText()).isEqualTo("ws-fill");
        assertThat(filled.path("i").asLong()).isEqualTo(placed.body().path("orderId").asLong());

        Answer account = signed("GET", "/api/v3/account", "omitZeroBalances", "true");
        assertThat(account.status()).isEqualTo(200);
        Map<String, String> free = new HashMap<>();
        account.body().path("balances").forEach(b -> free.put(b.path("asset").asText(),
                b.path("free").asText()));
        JsonNode position = stream.of("outboundAccountPosition").get(0);
        position.path("B").forEach(b -> assertThat(new BigDecimal(b.path("f").asText()))
                .as(b.path("a").asText())
                .isEqualByComparingTo(new BigDecimal(free.get(b.path("a").asText()))));
        assertThat(new BigDecimal(free.get("BTC"))).isEqualByComparingTo(
                new BigDecimal("10.00999")); // 10 + 0.01 less 0.1 %
    }

    @Test
    void orderListsAnswerOverHttpWithBinanceErrors() {
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT"), 11).withUpdateIntervalMs(20));
        for (int i = 0; i < 3; i++) {
            assertThat(signed("POST", "/api/v3/order", "symbol", "BTCUSDT", "side", "BUY",
                    "type", "LIMIT", "timeInForce", "GTC", "quantity", "0.001", "price",
                    "20000.00", "newClientOrderId", "list-" + i).status()).isEqualTo(200);
        }
        Answer open = signed("GET", "/api/v3/openOrders", "symbol", "BTCUSDT");
        assertThat(open.body()).hasSize(3);
        assertThat(open.body().get(0).path("clientOrderId").asText()).isEqualTo("list-0");
        Answer dup = signed("POST", "/api/v3/order", "symbol", "BTCUSDT", "side", "BUY",
                "type", "LIMIT", "timeInForce", "GTC", "quantity", "0.001", "price",
                "20000.00", "newClientOrderId", "list-1");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.body().path("code").asInt()).isEqualTo(-2010);
        assertThat(dup.body().path("msg").asText()).isEqualTo("Duplicate order sent.");
        Answer canceled = signed("DELETE", "/api/v3/openOrders", "symbol", "BTCUSDT");
        assertThat(canceled.status()).isEqualTo(200);
        assertThat(canceled.body()).hasSize(3);
        assertThat(signed("GET", "/api/v3/openOrders").body()).isEmpty();
        Answer none = signed("DELETE", "/api/v3/openOrders", "symbol", "BTCUSDT");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body().path("code").asInt()).isEqualTo(-2011);
        assertThat(signed("GET", "/api/v3/allOrders", "symbol", "BTCUSDT").body()).hasSize(3);
        Answer noKey = send("PUT", "/api/v3/userDataStream", "listenKey=x", false);
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().path("code").asInt()).isEqualTo(-1125);
    }

    @Test
    void cancelAllRacingFillsAndAnotherCancelAllCancelsEachOrderOnce() throws Exception {
        // the market moves every millisecond, so resting orders at the touch fill while the
        // cancels run; every order must end exactly once, filled or canceled
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT"), 17).withUpdateIntervalMs(1));
        UserStream stream = connect();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String touch = sim.book("BTCUSDT").bids().get(0).get(0);
            Answer a = signed("POST", "/api/v3/order", "symbol", "BTCUSDT", "side", "BUY",
                    "type", "LIMIT", "timeInForce", "GTC", "quantity", "0.001", "price", touch);
            assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
            ids.add(a.body().path("orderId").asLong());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Answer>> cancels = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            cancels.add(pool.submit(() -> signed("DELETE", "/api/v3/openOrders",
                    "symbol", "BTCUSDT")));
        }
        List<Long> canceled = new ArrayList<>();
        for (Future<Answer> f : cancels) {
            Answer a = f.get();
            if (a.status() == 200) {
                a.body().forEach(c -> canceled.add(c.path("orderId").asLong()));
            } else {
                assertThat(a.body().path("code").asInt()).isEqualTo(-2011);
            }
        }
        pool.shutdown();
        assertThat(canceled).doesNotHaveDuplicates();
        Set<Long> filled = new HashSet<>();
        for (long id : ids) {
            String status = signed("GET", "/api/v3/order", "symbol", "BTCUSDT", "orderId",
                    Long.toString(id)).body().path("status").asText();
            assertThat(status).as("order " + id).isIn("FILLED", "CANCELED");
            assertThat(canceled.contains(id)).as("order " + id)
                    .isEqualTo(status.equals("CANCELED"));
            if (status.equals("FILLED")) {
                filled.add(id);
            }
        }
        assertThat(sim.exchange().balances(sim.config().apiKey()).get("USDT").locked())
                .isZero();
        // each order's end was reported once: one CANCELED or one TRADE that FILLED it
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.of("executionReport").stream()
                .filter(r -> r.path("x").asText().equals("CANCELED")
                        || r.path("X").asText().equals("FILLED")).count() == ids.size());
        Map<Long, Integer> ends = new HashMap<>();
        stream.of("executionReport").stream().filter(r -> r.path("x").asText()
                        .equals("CANCELED") || r.path("X").asText().equals("FILLED"))
                .forEach(r -> ends.merge(r.path("i").asLong(), 1, Integer::sum));
        assertThat(ends).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(filled.size() + canceled.size()).isEqualTo(ids.size());
    }

}
