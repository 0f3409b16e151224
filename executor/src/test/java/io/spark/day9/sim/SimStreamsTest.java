package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stream names, live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests and every stream's
 * payload, on the manual clock with subscribers in memory.
 */
class SimStreamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManualScheduler time = new ManualScheduler();
    private final SimExchange sim = SimExchange.start(SimConfig.of(List.of("BTCUSDT", "ETHUSDT"),
            9), time.millisClock(), time);

    @AfterEach
    void stop() {
        sim.close();
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    private static List<JsonNode> frames(Inbox inbox) {
        List<JsonNode> out = new ArrayList<>();
        for (String f : inbox.frames) {
            out.add(json(f));
        }
        return out;
    }

    @Test
    void streamNamesMatchCaseInsensitivelyExceptTheKlineInterval() {
        assertThat(SimStreams.canonical("BTCUSDT@bookTicker")).contains("btcusdt@bookTicker");
        assertThat(SimStreams.canonical("btcusdt@bookticker")).contains("btcusdt@bookTicker");
        assertThat(SimStreams.canonical("btcusdt@AGGTRADE")).contains("btcusdt@aggTrade");
        assertThat(SimStreams.canonical("btcusdt@depth@100MS")).contains("btcusdt@depth@100ms");
        assertThat(SimStreams.canonical("btcusdt@kline_1m")).contains("btcusdt@kline_1m");
        assertThat(SimStreams.canonical("btcusdt@KLINE_1M")).contains("btcusdt@kline_1M");
        assertThat(SimStreams.canonical("btcusdt@kline_2m")).isEmpty();
        assertThat(SimStreams.canonical("btcusdt@nothing")).isEmpty();
        assertThat(SimStreams.canonical("btcusdt")).isEmpty();
    }

    @Test
    void theBookTickerStreamSendsWhateverCaseItWasAskedFor() {
        Inbox lower = new Inbox();
        Inbox camel = new Inbox();
        sim.subscribe(lower, List.of("btcusdt@bookticker"), List.of());
        sim.subscribe(camel, List.of(), List.of("BTCUSDT@bookTicker"));
        time.advance(Duration.ofMillis(500));
        assertThat(lower.frames).isNotEmpty();
        JsonNode env = json(lower.frames.get(lower.frames.size() - 1));
        assertThat(env.get("stream").asText()).isEqualTo("btcusdt@bookTicker");
        assertThat(env.get("data").fieldNames()).toIterable()
                .containsExactly("u", "s", "b", "B", "a", "A");
        assertThat(camel.frames).isNotEmpty();
        JsonNode raw = json(camel.frames.get(camel.frames.size() - 1));
        SimExchange.BookSnapshot book = sim.book("BTCUSDT");
        assertThat(raw.get("b").asText()).isEqualTo(book.bids().get(0).get(0));
        assertThat(raw.get("a").asText()).isEqualTo(book.asks().get(0).get(0));
        assertThat(raw.get("u").asLong()).isEqualTo(book.lastUpdateId());
    }

    @Test
    void subscribeListAndUnsubscribeByMessage() {
        Inbox ws = new Inbox();
        sim.subscribe(ws, List.of(), List.of(), false); // a bare /ws connection
        assertThat(sim.onMessage(ws, "{\"method\":\"SUBSCRIBE\",\"params\":[\"BTCUSDT@trade\","
                + "\"btcusdt@aggTrade\"],\"id\":1}")).isEqualTo("{\"result\":null,\"id\":1}");
        assertThat(sim.onMessage(ws, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}"))
                .isEqualTo("{\"result\":[\"btcusdt@aggTrade\",\"btcusdt@trade\"],\"id\":2}");
        time.advance(Duration.ofSeconds(5));
        List<JsonNode> got = frames(ws);
        assertThat(got.subList(0, 2)).extracting(JsonNode::toString).containsExactly(
                "{\"result\":null,\"id\":1}",
                "{\"result\":[\"btcusdt@aggTrade\",\"btcusdt@trade\"],\"id\":2}");
        got = got.subList(2, got.size());
        assertThat(got).extracting(n -> n.path("e").asText()).contains("trade", "aggTrade")
                .containsOnly("trade", "aggTrade"); // raw payloads on /ws
        JsonNode trade = got.stream().filter(n -> n.get("e").asText().equals("trade"))
                .findFirst().orElseThrow();
        assertThat(trade.fieldNames()).toIterable().containsExactly("e", "E", "s", "t", "p", "q",
                "T", "m", "M");
        JsonNode agg = got.stream().filter(n -> n.get("e").asText().equals("aggTrade"))
                .findFirst().orElseThrow();
        assertThat(agg.fieldNames()).toIterable().containsExactly("e", "E", "s", "a", "p", "q",
                "f", "l", "T", "m", "M");
        assertThat(agg.get("a")).isEqualTo(trade.get("t"));
        assertThat(agg.get("p")).isEqualTo(trade.get("p"));

        assertThat(sim.onMessage(ws, "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@trade\","
                + "\"btcusdt@aggtrade\"],\"id\":3}")).isEqualTo("{\"result\":null,\"id\":3}");
        assertThat(sim.onMessage(ws, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":4}"))
                .isEqualTo("{\"result\":[],\"id\":4}");
        ws.frames.clear();
        time.advance(Duration.ofSeconds(5));
        assertThat(ws.frames).isEmpty();

        // the combined property: later subscriptions come in the envelope
        assertThat(sim.onMessage(ws, "{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],"
                + "\"id\":5}")).isEqualTo("{\"result\":false,\"id\":5}");
        assertThat(sim.onMessage(ws, "{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\","
                + "true],\"id\":6}")).isEqualTo("{\"result\":null,\"id\":6}");
        sim.onMessage(ws, "{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@bookTicker\"],"
                + "\"id\":7}");
        assertThat(ws.frames).hasSize(3); // the answers to 5, 6 and 7
        ws.frames.clear();
        time.advance(Duration.ofMillis(300));
        assertThat(frames(ws)).isNotEmpty().allSatisfy(n -> assertThat(n.get("stream").asText())
                .isEqualTo("ethusdt@bookTicker"));
    }

    @Test
    void badRequestsGetBinancesErrorAnswers() {
        Inbox ws = new Inbox();
        sim.subscribe(ws, List.of(), List.of(), true);
        assertThat(json(sim.onMessage(ws, "{not json")).get("code").asInt()).isEqualTo(3);
        JsonNode unknown = json(sim.onMessage(ws, "{\"method\":\"SUBSCRIBED\",\"params\":[],"
                + "\"id\":9}"));
        assertThat(unknown.get("code").asInt()).isEqualTo(2);
        assertThat(unknown.get("msg").asText()).startsWith("Invalid request: unknown variant "
                + "SUBSCRIBED, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS");
        assertThat(unknown.get("id").asInt()).isEqualTo(9);
        assertThat(json(sim.onMessage(ws, "{\"params\":[],\"id\":1}")).get("msg").asText())
                .contains("missing field `method`");
        assertThat(json(sim.onMessage(ws, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":1.5}"))
                .get("msg").asText())
                .isEqualTo("Invalid request: request ID must be an unsigned integer");
        assertThat(json(sim.onMessage(ws, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":{}}"))
                .get("code").asInt()).isEqualTo(2);
        assertThat(sim.onMessage(ws, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":\"req-1\"}"))
                .isEqualTo("{\"result\":[],\"id\":\"req-1\"}");
        JsonNode badStream = json(sim.onMessage(ws, "{\"method\":\"SUBSCRIBE\",\"params\":"
                + "[\"btcusdt@trades\"],\"id\":2}"));
        assertThat(badStream.get("code").asInt()).isEqualTo(2);
        assertThat(badStream.get("msg").asText()).contains("btcusdt@trades");
        assertThat(json(sim.onMessage(ws, "{\"method\":\"SUBSCRIBE\",\"params\":[1],\"id\":2}"))
                .get("code").asInt()).isEqualTo(2);
        assertThat(json(sim.onMessage(ws, "{\"method\":\"GET_PROPERTY\",\"params\":[\"x\"],"
                + "\"id\":2}")).get("code").asInt()).isZero();
        assertThat(json(sim.onMessage(ws, "{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\","
                + "\"yes\"],\"id\":2}")).get("code").asInt()).isEqualTo(1);
        // nothing was subscribed by the bad requests
        assertThat(sim.onMessage(ws, "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":3}"))
                .isEqualTo("{\"result\":[],\"id\":3}");
        assertThat(sim.onMessage(new Inbox(), "{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":3}"))
                .as("not connected").isNull();
    }

    @Test
    void oneSecondStreamsCarryBinancesPayloads() {
        Inbox odd = new Inbox(); // names Binance does not serve stop nobody's streams
        sim.subscribe(odd, List.of("x", "@", "nope@ticker"), List.of("btcusdt@kline_9m"), true);
        Inbox ws = new Inbox();
        sim.subscribe(ws, List.of("btcusdt@ticker", "btcusdt@miniTicker", "btcusdt@kline_1m",
                "btcusdt@kline_1M"), List.of(), true);
        time.advance(Duration.ofMillis(3_000));
        List<JsonNode> got = frames(ws);
        assertThat(got).extracting(n -> n.get("stream").asText()).containsOnly(
                "btcusdt@ticker", "btcusdt@miniTicker", "btcusdt@kline_1m", "btcusdt@kline_1M");
        assertThat(got).filteredOn(n -> n.get("stream").asText().equals("btcusdt@ticker"))
                .hasSize(3);
        JsonNode ticker = got.stream().filter(n -> n.get("stream").asText()
                .equals("btcusdt@ticker")).reduce((a, b) -> b).orElseThrow().get("data");
        assertThat(ticker.fieldNames()).toIterable().containsExactly("e", "E", "s", "p", "P",
                "w", "x", "c", "Q", "b", "B", "a", "A", "o", "h", "l", "v", "q", "O", "C", "F",
                "L", "n");
        assertThat(ticker.get("e").asText()).isEqualTo("24hrTicker");
        assertThat(ticker.get("c").isTextual()).isTrue();
        JsonNode mini = got.stream().filter(n -> n.get("stream").asText()
                .equals("btcusdt@miniTicker")).findFirst().orElseThrow().get("data");
        assertThat(mini.fieldNames()).toIterable().containsExactly("e", "E", "s", "c", "o", "h",
                "l", "v", "q");
        JsonNode kline = got.stream().filter(n -> n.get("stream").asText()
                .equals("btcusdt@kline_1m")).reduce((a, b) -> b).orElseThrow().get("data");
        assertThat(kline.get("e").asText()).isEqualTo("kline");
        JsonNode k = kline.get("k");
        assertThat(k.fieldNames()).toIterable().containsExactly("t", "T", "s", "i", "f", "L",
                "o", "c", "h", "l", "v", "n", "x", "q", "V", "Q", "B");
        assertThat(k.get("i").asText()).isEqualTo("1m");
        assertThat(k.get("t").asLong() % 60_000).isZero();
        assertThat(k.get("x").asBoolean()).isFalse();
        JsonNode month = got.stream().filter(n -> n.get("stream").asText()
                .equals("btcusdt@kline_1M")).findFirst().orElseThrow().get("data").get("k");
        assertThat(month.get("i").asText()).isEqualTo("1M");
    }

    @Test
    void theOneSecondDepthStreamAggregatesTheFastOneWithoutGaps() {
        Inbox ws = new Inbox();
        sim.subscribe(ws, List.of("btcusdt@depth", "btcusdt@depth@100ms"), List.of(), true);
        time.advance(Duration.ofMillis(5_000));
        List<JsonNode> slow = new ArrayList<>();
        List<JsonNode> fast = new ArrayList<>();
        for (JsonNode n : frames(ws)) {
            (n.get("stream").asText().equals("btcusdt@depth") ? slow : fast).add(n.get("data"));
        }
        assertThat(slow).hasSize(5);
        assertThat(fast).hasSizeGreaterThan(40);
        for (int i = 1; i < slow.size(); i++) {
            assertThat(slow.get(i).get("U").asLong())
                    .isEqualTo(slow.get(i - 1).get("u").asLong() + 1);
        }
        // each slow event ends where a fast one ends, and carries that level's latest qty
        for (JsonNode s : slow) {
            assertThat(fast).anySatisfy(f -> assertThat(f.get("u")).isEqualTo(s.get("u")));
            assertThat(s.get("e").asText()).isEqualTo("depthUpdate");
        }
        assertThat(fast.get(0).get("U")).isEqualTo(slow.get(0).get("U"));
    }
}
