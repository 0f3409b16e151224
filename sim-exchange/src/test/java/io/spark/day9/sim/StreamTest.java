package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamTest {
  private static final String ALL_BTC =
      "/stream?streams=btcusdt@bookTicker/btcusdt@depth@100ms/btcusdt@trade";
  private SimExchange sim;

  private SimExchange start(SimConfig.Builder b) {
    sim = SimExchange.start(b.build());
    return sim;
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private TestClient.Ws connect(TestClient c, String path, int expectedConnections) {
    TestClient.Ws ws = c.ws(path);
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.connections() == expectedConnections);
    return ws;
  }

  private static List<JsonNode> depthUpdates(TestClient.Ws ws, int n) {
    List<JsonNode> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(ws.next("@depth@100ms").get("data"));
    }
    return out;
  }

  @Test
  void combinedStreamWrapsBinancePayloadsInStreamEnvelope() {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), ALL_BTC, 1);
    sim.advance(30);
    JsonNode depth = ws.next("btcusdt@depth@100ms");
    assertThat(depth.fieldNames()).toIterable().containsExactly("stream", "data");
    JsonNode d = depth.get("data");
    assertThat(d.fieldNames()).toIterable().containsExactly("e", "E", "s", "U", "u", "b", "a");
    assertThat(d.get("e").asText()).isEqualTo("depthUpdate");
    assertThat(d.get("s").asText()).isEqualTo("BTCUSDT");
    assertThat(d.get("u").asLong()).isGreaterThanOrEqualTo(d.get("U").asLong());
    JsonNode level = d.get("b").size() > 0 ? d.get("b").get(0) : d.get("a").get(0);
    assertThat(level.get(0).isTextual()).isTrue();
    assertThat(level.get(0).asText()).matches("\\d+\\.\\d{8}");

    JsonNode t = ws.next("btcusdt@bookTicker").get("data");
    assertThat(t.fieldNames()).toIterable().containsExactly("u", "s", "b", "B", "a", "A");
    assertThat(t.get("b").asText()).matches("\\d+\\.\\d{8}");
    assertThat(new java.math.BigDecimal(t.get("a").asText()))
        .isGreaterThan(new java.math.BigDecimal(t.get("b").asText()));

    JsonNode tr = ws.next("btcusdt@trade").get("data");
    assertThat(tr.fieldNames()).toIterable()
        .containsExactly("e", "E", "s", "t", "p", "q", "T", "m", "M");
    assertThat(tr.get("e").asText()).isEqualTo("trade");
    assertThat(tr.get("m").isBoolean()).isTrue();
    assertThat(ws.drain()).allSatisfy(m -> assertThat(m.get("stream").asText())
        .startsWith("btcusdt@"));
    ws.close();
  }

  @Test
  void rawStreamSendsPayloadWithoutEnvelope() {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), "/ws/ethusdt@depth@100ms", 1);
    sim.advance(3);
    JsonNode d = ws.next();
    assertThat(d.get("e").asText()).isEqualTo("depthUpdate");
    assertThat(d.get("s").asText()).isEqualTo("ETHUSDT");
    ws.close();
  }

  @Test
  void subscribeRequestAddsStreamAndIsAnswered() {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), "/stream?streams=", 1);
    ws.socket.sendText("{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@trade\"],\"id\":7}", true);
    JsonNode ack = ws.next();
    assertThat(ack.get("id").asInt()).isEqualTo(7);
    assertThat(ack.has("result")).isTrue();
    assertThat(ack.get("result").isNull()).isTrue();
    sim.advance(20);
    assertThat(ws.next("ethusdt@trade").get("data").get("s").asText()).isEqualTo("ETHUSDT");
    ws.close();
  }

  @Test
  void depthUpdatesAreContinuousWithoutFaults() {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), "/stream?streams=btcusdt@depth@100ms", 1);
    sim.advance(300);
    List<JsonNode> updates = depthUpdates(ws, 300);
    for (int i = 1; i < updates.size(); i++) {
      assertThat(updates.get(i).get("U").asLong())
          .as("update %d", i).isEqualTo(updates.get(i - 1).get("u").asLong() + 1);
    }
    assertThat(updates.get(299).get("u").asLong()).isEqualTo(sim.book("BTCUSDT").lastUpdateId());
    ws.close();
  }

  @Test
  void depthUpdatesAreContinuousWithTheRealTimer() {
    start(SimConfig.builder().updateInterval(Duration.ofMillis(10)));
    TestClient.Ws ws = connect(new TestClient(sim), "/stream?streams=ethusdt@depth@100ms", 1);
    List<JsonNode> updates = depthUpdates(ws, 50);
    for (int i = 1; i < updates.size(); i++) {
      assertThat(updates.get(i).get("U").asLong())
          .isEqualTo(updates.get(i - 1).get("u").asLong() + 1);
    }
    ws.close();
  }

  @Test
  void skipFaultLeavesOneSequenceGapOfExactlyTheSkippedUpdates() {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), "/stream?streams=btcusdt@depth@100ms", 1);
    sim.advance(5);
    sim.faults().skipDepthUpdates("BTCUSDT", 3);
    sim.advance(10);
    List<JsonNode> updates = depthUpdates(ws, 12);
    int gaps = 0;
    for (int i = 1; i < updates.size(); i++) {
      if (updates.get(i).get("U").asLong() != updates.get(i - 1).get("u").asLong() + 1) {
        assertThat(updates.get(i).get("U").asLong())
            .isGreaterThan(updates.get(i - 1).get("u").asLong() + 1);
        gaps++;
      }
    }
    assertThat(gaps).isEqualTo(1);
    assertThat(sim.faults().counters().depthUpdatesSkipped()).isEqualTo(3);
    ws.close();
  }

  @Test
  void duplicateFaultSendsTheSameUpdateTwice() {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), "/stream?streams=btcusdt@depth@100ms", 1);
    sim.faults().duplicateDepthUpdates(2);
    sim.advance(3);
    List<JsonNode> updates = depthUpdates(ws, 5);
    assertThat(updates.get(1)).isEqualTo(updates.get(0));
    assertThat(updates.get(3)).isEqualTo(updates.get(2));
    assertThat(updates.get(4).get("U").asLong()).isEqualTo(updates.get(3).get("u").asLong() + 1);
    // both symbols had their next two updates duplicated
    assertThat(sim.faults().counters().depthUpdatesDuplicated()).isEqualTo(4);
    ws.close();
  }

  @Test
  void silenceKeepsTheSocketOpenAndSendsNothingUntilCleared() throws Exception {
    start(SimConfig.builder().manualStepping());
    TestClient.Ws ws = connect(new TestClient(sim), "/stream?streams=btcusdt@depth@100ms", 1);
    sim.advance(1);
    long lastU = ws.next().get("data").get("u").asLong();
    sim.faults().silenceUntilCleared();
    sim.advance(10);
    Thread.sleep(300); // a bounded look for messages that must not arrive
    assertThat(ws.messages).isEmpty();
    assertThat(ws.closed).isNotDone();
    assertThat(sim.connections()).isEqualTo(1);
    assertThat(sim.faults().counters().messagesSilenced()).isPositive();
    sim.faults().clearSilence();
    sim.advance(1);
    assertThat(ws.next().get("data").get("U").asLong()).isGreaterThan(lastU + 1);
    ws.close();
  }

  @Test
  void dropFaultClosesEveryConnection() {
    start(SimConfig.builder().manualStepping());
    TestClient c = new TestClient(sim);
    TestClient.Ws a = connect(c, ALL_BTC, 1);
    TestClient.Ws b = connect(c, "/ws/ethusdt@trade", 2);
    sim.faults().dropConnections();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.closed.isDone() && b.closed.isDone());
    assertThat(sim.connections()).isZero();
    assertThat(sim.faults().counters().connectionsDropped()).isEqualTo(2);
    // reconnecting works
    TestClient.Ws again = connect(c, ALL_BTC, 1);
    sim.advance(1);
    assertThat(again.next()).isNotNull();
    again.close();
  }

  @Test
  void serverPingsAndKeepsClientsThatPong() throws Exception {
    start(SimConfig.builder().manualStepping().pingInterval(Duration.ofMillis(100))
        .pongTimeout(Duration.ofMillis(600)));
    TestClient.Ws ws = connect(new TestClient(sim), ALL_BTC, 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> ws.pings.get() >= 10);
    assertThat(ws.closed).isNotDone();
    assertThat(sim.pongTimeouts()).isZero();
    ws.close();
  }

  @Test
  void clientThatNeverPongsIsDropped() throws Exception {
    start(SimConfig.builder().manualStepping().pingInterval(Duration.ofMillis(100))
        .pongTimeout(Duration.ofMillis(500)));
    try (Socket s = new Socket("127.0.0.1", sim.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /stream?streams=btcusdt@trade HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      // read (and ignore) ping frames without ever answering until the server cuts us off
      byte[] buf = new byte[1024];
      while (in.read(buf) >= 0) {
        // keep reading
      }
    }
    assertThat(sim.pongTimeouts()).isEqualTo(1);
  }

  @Test
  void connectionIsClosedAtMaxAge() {
    start(SimConfig.builder().manualStepping().maxConnectionAge(Duration.ofMillis(800)));
    TestClient.Ws ws = connect(new TestClient(sim), ALL_BTC, 1);
    assertThat(ws.closed.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(1000);
    assertThat(sim.maxAgeCloses()).isEqualTo(1);
  }
}
