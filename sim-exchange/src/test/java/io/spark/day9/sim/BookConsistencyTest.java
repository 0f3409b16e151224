package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Binance's "How to manage a local order book correctly", run against the simulator: the local
 * book built from a REST snapshot plus the streamed diffs must equal {@link SimExchange#book}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BookConsistencyTest {
  private SimExchange sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void snapshotPlusStreamedDiffsReproducesTheSimulatorBook() {
    sim = SimExchange.start(SimConfig.builder().manualStepping().seed(42).build());
    runProcedure(new Random(1), 2000, false);
  }

  @Test
  void procedureHoldsWithTheRealTimerAndConcurrentOrders() {
    sim = SimExchange.start(SimConfig.builder().updateInterval(Duration.ofMillis(2)).build());
    runProcedure(new Random(2), 0, true);
  }

  @Test
  void replayedTickFileStaysConsistentAcrossTheWrap() {
    sim = SimExchange.start(SimConfig.builder().manualStepping()
        .tickFile(SimConfig.SAMPLE_TICK_FILE).build());
    BookSnapshot start = sim.book("BTCUSDT");
    assertThat(start.bids()).hasSizeGreaterThanOrEqualTo(20);
    runProcedure(new Random(3), 100, false);  // 100 steps wrap the 40-step file twice
  }

  private void runProcedure(Random rnd, int steps, boolean timer) {
    TestClient client = new TestClient(sim);
    // 1. open the stream and buffer events
    TestClient.Ws ws = client.ws("/stream?streams=btcusdt@depth@100ms");
    org.awaitility.Awaitility.await().until(() -> sim.connections() == 1);
    sim.advance(5);
    // 2. take a depth snapshot
    JsonNode snap = client.get("/api/v3/depth?symbol=BTCUSDT&limit=5000").body();
    long lastUpdateId = snap.get("lastUpdateId").asLong();
    TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
    TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    snap.get("bids").forEach(l -> bids.put(new BigDecimal(l.get(0).asText()),
        new BigDecimal(l.get(1).asText())));
    snap.get("asks").forEach(l -> asks.put(new BigDecimal(l.get(0).asText()),
        new BigDecimal(l.get(1).asText())));
    // move the market, with taker orders that also change the book
    if (timer) {
      for (int i = 0; i < 40; i++) {
        String side = rnd.nextBoolean() ? "BUY" : "SELL";
        client.signedForm("POST", "/api/v3/order",
            "symbol=BTCUSDT&side=" + side + "&type=MARKET&quantity=0.01");
      }
      sim.pause();  // freeze the book
      sim.advance(1);  // publish every pending change
    } else {
      for (int i = 0; i < steps; i++) {
        sim.advance(1);
        if (rnd.nextInt(20) == 0) {
          String side = rnd.nextBoolean() ? "BUY" : "SELL";
          client.signedForm("POST", "/api/v3/order",
              "symbol=BTCUSDT&side=" + side + "&type=MARKET&quantity=0.01");
        }
      }
      sim.advance(1);  // publishes the last order's changes
    }
    BookSnapshot expected = sim.book("BTCUSDT");
    // 3-6. drop stale events, check the first one straddles the snapshot, apply in order
    boolean first = true;
    long prevU = -1;
    int applied = 0;
    while (true) {
      JsonNode d = ws.next().get("data");
      long bigU = d.get("U").asLong();
      long u = d.get("u").asLong();
      if (u > lastUpdateId) {
        if (first) {
          assertThat(bigU).isLessThanOrEqualTo(lastUpdateId + 1);
          first = false;
        } else {
          assertThat(bigU).as("continuity").isEqualTo(prevU + 1);
        }
        apply(bids, d.get("b"));
        apply(asks, d.get("a"));
        applied++;
      }
      prevU = u;
      if (u >= expected.lastUpdateId()) {
        break;
      }
    }
    assertThat(applied).isPositive();
    assertThat(bids).isEqualTo(expected.bids());
    assertThat(asks).isEqualTo(expected.asks());
    ws.close();
  }

  private static void apply(TreeMap<BigDecimal, BigDecimal> side, JsonNode levels) {
    for (JsonNode l : levels) {
      BigDecimal price = new BigDecimal(l.get(0).asText());
      BigDecimal qty = new BigDecimal(l.get(1).asText());
      if (qty.signum() == 0) {
        side.remove(price);
      } else {
        side.put(price, qty);
      }
    }
  }

}
