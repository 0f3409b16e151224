package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator over real sockets: Binance's JSON errors for unknown endpoints and bad
 * parameters, the market-data endpoints, live subscriptions on {@code /ws} and {@code /stream},
 * and ping/pong both ways.
 */
class SimProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final SimServer sim = SimServer.start(new SimConfig(0, 4,
            List.of("BTCUSDT", "ETHUSDT"), 20, SimConfig.DEFAULT_API_KEY,
            SimConfig.DEFAULT_API_SECRET, 6000, 200, SimConfig.DEFAULT_MAX_CONNECTION_AGE_MS,
            SimAccountConfig.defaults()));
    private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        sim.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sim.restUrl() + pathAndQuery)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    /** A client connection that keeps text frames and counts pings and pongs. */
    private static final class Client implements WebSocket.Listener {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final AtomicInteger pings = new AtomicInteger();
        final List<String> pongs = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(json(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.incrementAndGet();
            return WebSocket.Listener.super.onPing(ws, message);
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }
    }

    private WebSocket connect(String path, Client client) {
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(sim.wsUrl() + path),
                client).join();
        sockets.add(ws);
        return ws;
    }

    @Test
    void unknownEndpointsAndBadParametersAnswerBinancesJsonNeverAFrameworkPage()
            throws Exception {
        HttpResponse<String> unknown = get("/api/v3/nothingHere");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        assertThat(json(unknown.body()).get("code").asInt()).isEqualTo(-1000);
        assertThat(json(unknown.body()).get("msg").asText()).contains("/api/v3/nothingHere");
        assertThat(unknown.headers().firstValue("X-MBX-USED-WEIGHT-1M")).isPresent();
        HttpResponse<String> elsewhere = get("/somewhere/else");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(json(elsewhere.body()).get("code").asInt()).isEqualTo(-1000);

        HttpResponse<String> missing = get("/api/v3/klines?symbol=BTCUSDT");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).isEqualTo("{\"code\":-1102,\"msg\":\"Mandatory parameter "
                + "'interval' was not sent, was empty/null, or malformed.\"}");
        HttpResponse<String> illegal = get("/api/v3/trades?symbol=BTCUSDT&limit=many");
        assertThat(json(illegal.body()).get("code").asInt()).isEqualTo(-1100);
        HttpResponse<String> invalid = get("/api/v3/exchangeInfo?symbol=NOPEUSDT");
        assertThat(invalid.body()).isEqualTo("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    }

    @Test
    void marketDataAnswersOverHttpWithTheirWeights() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                json(get("/api/v3/trades?symbol=BTCUSDT&limit=3").body()).size() == 3);
        HttpResponse<String> klines = get("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2");
        assertThat(klines.statusCode()).isEqualTo(200);
        assertThat(json(klines.body()).get(0)).hasSize(12);
        assertThat(klines.headers().firstValue("X-MBX-USED-WEIGHT-1M")).isPresent();
        HttpResponse<String> tickers = get("/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22,"
                + "%22ETHUSDT%22%5D");
        assertThat(json(tickers.body())).hasSize(2);
        long before = Long.parseLong(tickers.headers().firstValue("X-MBX-USED-WEIGHT-1M")
                .orElseThrow());
        HttpResponse<String> price = get("/api/v3/ticker/price?symbol=ETHUSDT");
        assertThat(json(price.body()).get("symbol").asText()).isEqualTo("ETHUSDT");
        assertThat(Long.parseLong(price.headers().firstValue("X-MBX-USED-WEIGHT-1M")
                .orElseThrow())).isEqualTo(before + 2);
        assertThat(json(get("/api/v3/exchangeInfo?symbols=%5B%22ETHUSDT%22%5D").body())
                .get("symbols")).hasSize(1);
    }

    @Test
    void aBareWsConnectionSubscribesByMessageAndGetsRawEvents() {
        Client c = new Client();
        WebSocket ws = connect("/ws", c);
        ws.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\","
                + "\"btcusdt@bookTicker\"],\"id\":1}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.frames.stream()
                .anyMatch(f -> f.path("e").asText().equals("trade"))
                && c.frames.stream().anyMatch(f -> f.has("u") && f.has("b")));
        assertThat(c.frames.get(0).toString()).isEqualTo("{\"result\":null,\"id\":1}");
        ws.sendText("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.frames.stream()
                .anyMatch(f -> f.path("id").asInt() == 2));
        assertThat(c.frames).filteredOn(f -> f.path("id").asInt() == 2).first()
                .extracting(f -> f.get("result").toString())
                .isEqualTo("[\"btcusdt@bookTicker\",\"btcusdt@trade\"]");
        ws.sendText("{\"method\":\"NOPE\",\"id\":3}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.frames.stream()
                .anyMatch(f -> f.path("id").asInt() == 3 && f.path("code").asInt() == 2));
    }

    @Test
    void aCombinedConnectionSubscribesByMessageAndGetsEnvelopes() {
        Client c = new Client();
        WebSocket ws = connect("/stream", c);
        ws.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@depth@100ms\","
                + "\"ethusdt@kline_1s\"],\"id\":7}", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> c.frames.stream()
                .anyMatch(f -> f.path("stream").asText().equals("ethusdt@kline_1s")));
        assertThat(c.frames.get(0).toString()).isEqualTo("{\"result\":null,\"id\":7}");
        assertThat(c.frames).filteredOn(f -> f.has("stream"))
                .extracting(f -> f.get("stream").asText())
                .containsOnly("ethusdt@depth@100ms", "ethusdt@kline_1s");
        assertThat(c.frames).filteredOn(f -> f.path("stream").asText().equals("ethusdt@kline_1s"))
                .first().extracting(f -> f.get("data").get("k").get("i").asText())
                .isEqualTo("1s");
    }

    @Test
    void theServerPingsAndAnswersClientPings() {
        Client c = new Client();
        WebSocket ws = connect("/ws/btcusdt@trade", c);
        ws.sendPing(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.pongs.contains("hello"));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.pings.get() >= 1);
    }
}
