package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import io.spark.day9.config.Day9Config;
import io.spark.day9.config.TradeMode;
import io.spark.day9.jobs.JobHandler;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.testing.ManualScheduler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order gate's hooks: the shadow executor asks it before the latency wait and at the
 * instant it creates the order, the router before a real leg is sent (counted in flight first,
 * so {@link OrderRouter#awaitRealIdle} waits for it); a refusal records nothing. Also the
 * run-time shadow switch and the order job handler's parking.
 */
class OrderGateTest {
    private static final OrderGate HALTED = (r, p) -> {
        throw new TradingHalted("HALTED", "all", "test", 1);
    };

    private final ManualScheduler time = new ManualScheduler(1_800_000_000_000L);
    @TempDir
    Path dir;
    private final List<ShadowExecutor> started = new ArrayList<>();
    private final List<OrderRouter> routers = new ArrayList<>();

    private final MarketData market = new MarketData() {
        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            List<PriceLevel> bids = List.of(new PriceLevel(new BigDecimal("99.90"),
                    BigDecimal.TEN));
            List<PriceLevel> asks = List.of(new PriceLevel(new BigDecimal("100.00"),
                    BigDecimal.TEN));
            return Optional.of(new BookView(symbol, true, 1, 0, bids, asks, null, null, null, 0,
                    1, 1));
        }

        @Override
        public boolean connected() {
            return true;
        }
    };

    /** An exchange that counts placements and can hold one until released. */
    private static final class FakeExchange implements ExchangeOrders {
        final AtomicInteger placed = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch hold;

        @Override
        public JsonNode place(OrderRequest r) {
            entered.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            placed.incrementAndGet();
            ObjectNode o = Json.mapper().createObjectNode().put("orderId", placed.get())
                    .put("clientOrderId", r.clientOrderId()).put("status", "FILLED")
                    .put("executedQty", r.quantity().toPlainString());
            o.putArray("fills").addObject().put("price", "100.00")
                    .put("qty", r.quantity().toPlainString()).put("commission", "0");
            return o;
        }

        @Override
        public JsonNode find(String symbol, String clientOrderId) {
            return null;
        }
    }

    private ShadowExecutor shadow(ShadowConfig.LatencyModel latency, long latencyMs)
            throws Exception {
        JsonNode info = Json.mapper().readTree("""
                {"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                 {"filterType":"LOT_SIZE","minQty":"0.00001","maxQty":"9000","stepSize":"0.00001"}
                 ]}]}""");
        ShadowExecutor s = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                BigDecimal.TEN, latency, latencyMs, 60_000, 0), market, () -> info, null,
                time.millisClock(), time, Json.mapper());
        s.start();
        started.add(s);
        return s;
    }

    private ShadowExecutor shadow() throws Exception {
        return shadow(ShadowConfig.LatencyModel.NONE, 0);
    }

    private OrderRouter track(OrderRouter r) {
        routers.add(r);
        return r;
    }

    @AfterEach
    void stop() throws Exception {
        routers.forEach(OrderRouter::close);
        for (ShadowExecutor s : started) {
            s.stop();
        }
    }

    private OrderRequest order(String strategy, String side, String type, String price,
                               String qty, String clientId) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", side, type, price, qty,
                strategy, clientId, null, null), null, time.millis(), "http");
    }

    private List<JsonNode> trail() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".ndjson"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        out.add(Json.mapper().readTree(line));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aRefusedOrderRecordsNothingInTheTrailAndMovesNoPosition() throws Exception {
        ShadowExecutor s = shadow();
        s.gate(HALTED);

        assertThatThrownBy(() -> s.place(order("alpha", "BUY", "MARKET", null, "0.5", "h-1")))
                .isInstanceOf(TradingHalted.class).hasMessageContaining("HALTED")
                .hasMessageContaining("scope all");
        assertThat(trail()).isEmpty();
        assertThat(s.get("h-1")).isEmpty();
        assertThat(s.netPositions()).isEmpty();

        s.gate(OrderGate.OPEN); // resumed: the same id is a new order, placed once
        assertThat(s.place(order("alpha", "BUY", "MARKET", null, "0.5", "h-1")).duplicate())
                .isFalse();
        assertThat(trail()).filteredOn(l -> l.path("kind").asText().equals("order")).hasSize(1);
    }

    @Test
    void theGateSeesTheStrategysNetPositionInTheSymbol() throws Exception {
        ShadowExecutor s = shadow();
        s.place(order("alpha", "BUY", "MARKET", null, "0.003", "p-1"));
        s.place(order("alpha", "SELL", "MARKET", null, "0.001", "p-2"));
        List<String> seen = new ArrayList<>();
        s.gate((r, position) -> seen.add(r.strategy() + "=" + position.toPlainString()));

        s.place(order("alpha", "SELL", "MARKET", null, "0.001", "p-3"));
        s.place(order("beta", "SELL", "MARKET", null, "0.001", "p-4"));

        // asked twice per order: before the latency wait and at creation
        assertThat(seen).containsExactly("alpha=0.002", "alpha=0.002", "beta=0", "beta=0");
        assertThat(s.position("alpha", "BTCUSDT")).isEqualByComparingTo("0.001");
    }

    @Test
    void aStopDuringTheLatencyWaitRefusesTheOrderAtItsCreation() throws Exception {
        ShadowExecutor s = shadow(ShadowConfig.LatencyModel.FIXED, 50);
        CompletableFuture<ShadowExecutor.Placement> placing = CompletableFuture.supplyAsync(
                () -> s.place(order("alpha", "BUY", "LIMIT", "90", "0.5", "late-1")));
        // the order passed the first check and waits for its arrival on the manual clock
        long due = time.millis() + 50;
        await().atMost(Duration.ofSeconds(5)).until(() -> time.pendingOnceDueAt(due) > 0);
        s.gate(HALTED);
        time.advance(Duration.ofMillis(50));

        assertThatThrownBy(() -> placing.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TradingHalted.class);
        assertThat(trail()).isEmpty();
        assertThat(s.openOrders()).isEmpty();
    }

    @Test
    void anOrderCreatedBeforeTheFlipIsCancelledByCancelAllInScope() throws Exception {
        ShadowExecutor s = shadow();
        s.place(order("alpha", "BUY", "LIMIT", "90", "0.5", "rest-a"));
        s.place(order("beta", "BUY", "LIMIT", "90", "0.5", "rest-b"));
        s.gate(HALTED);
        assertThatThrownBy(() -> s.place(order("alpha", "BUY", "LIMIT", "90", "0.5", "rest-c")))
                .isInstanceOf(TradingHalted.class);

        List<ShadowOrderView> cancelled = s.cancelAll((strategy, symbol) ->
                strategy.equals("alpha"), "emergency stop");

        assertThat(cancelled).extracting(ShadowOrderView::clientOrderId)
                .containsExactly("rest-a");
        assertThat(cancelled).extracting(ShadowOrderView::status)
                .containsOnly(OrderStatus.CANCELED);
        assertThat(s.openOrders()).extracting(ShadowOrderView::clientOrderId)
                .containsExactly("rest-b");
        assertThat(trail()).filteredOn(l -> l.path("kind").asText().equals("cancel"))
                .extracting(l -> l.path("clientOrderId").asText() + ":"
                        + l.path("reason").asText())
                .containsExactly("rest-a:emergency stop");
        // durable: a restart replays the cancel
        s.stop();
        started.remove(s);
        assertThat(shadow().openOrders()).extracting(ShadowOrderView::clientOrderId)
                .containsExactly("rest-b");
    }

    @Test
    void onlyAnEmergencyFlattenBypassesTheGate() throws Exception {
        ShadowExecutor s = shadow();
        s.gate(HALTED);
        OrderRequest signal = order("alpha", "SELL", "MARKET", null, "0.5", "flat-x");
        assertThatThrownBy(() -> s.placeBypassingGate(signal))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");

        OrderRequest flatten = new OrderRequest("BTCUSDT", OrderRequest.Side.SELL,
                OrderRequest.Type.MARKET, null, null, new BigDecimal("0.5"), "alpha", "flat-x",
                null, time.millis(), ShadowExecutor.EMERGENCY_SOURCE);
        assertThat(s.placeBypassingGate(flatten).order().source()).isEqualTo("emergency");
        assertThat(s.position("alpha", "BTCUSDT")).isEqualByComparingTo("-0.5");
    }

    @Test
    void aRefusedRealLegIsNeverSentNorRecorded() throws Exception {
        ShadowExecutor s = shadow();
        FakeExchange exchange = new FakeExchange();
        OrderRouter router = track(OrderRouter.sending(s, exchange, st -> 1.0, "test"));
        router.gate(HALTED);

        assertThatThrownBy(() -> router.submit(order("alpha", "BUY", "MARKET", null, "0.5",
                "r-1"), false)).isInstanceOf(TradingHalted.class);
        assertThat(exchange.placed).hasValue(0);
        assertThat(exchange.entered.getCount()).isEqualTo(1);
        assertThat(trail()).isEmpty();
        assertThat(router.realInFlight()).isZero();
        assertThat(router.awaitRealIdle(0)).isTrue();
    }

    @Test
    void awaitRealIdleWaitsForARealLegAdmittedBeforeIt() throws Exception {
        ShadowExecutor s = shadow();
        FakeExchange exchange = new FakeExchange();
        exchange.hold = new CountDownLatch(1);
        OrderRouter router = track(OrderRouter.sending(s, exchange, st -> 1.0, "test"));
        CompletableFuture<OrderRouter.Routed> sent = CompletableFuture.supplyAsync(
                () -> router.submit(order("alpha", "BUY", "MARKET", null, "0.5", "w-1"), false));
        assertThat(exchange.entered.await(5, TimeUnit.SECONDS)).isTrue();
        router.gate(HALTED); // the stop flips the gate, then waits for legs admitted before

        assertThat(router.realInFlight()).isEqualTo(1);
        assertThat(router.awaitRealIdle(20)).as("the leg is still on its way").isFalse();
        CompletableFuture<Boolean> idle = CompletableFuture.supplyAsync(() -> {
            try {
                return router.awaitRealIdle(10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> router.submit(order("alpha", "BUY", "MARKET", null, "0.5",
                "w-2"), false)).isInstanceOf(TradingHalted.class);
        assertThat(idle).isNotDone();
        exchange.hold.countDown();

        assertThat(idle.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sent.get(5, TimeUnit.SECONDS).real().path("status").asText())
                .isEqualTo("FILLED");
        assertThat(exchange.placed).hasValue(1);
        // the real leg moved the real position (the side is in its real line)
        assertThat(s.realPositions()).extracting(n -> n.strategy() + "/" + n.symbol() + "="
                + n.quantity().toPlainString()).containsExactly("alpha/BTCUSDT=0.5");
        assertThat(trail()).filteredOn(l -> l.path("kind").asText().equals("real"))
                .extracting(l -> l.path("side").asText()).containsExactly("BUY");
    }

    @Test
    void theRealPositionIsRestoredByTrailReplay() throws Exception {
        ShadowExecutor s = shadow();
        OrderRouter router = track(OrderRouter.sending(s, new FakeExchange(), st -> 1.0,
                "test"));
        router.submit(order("alpha", "BUY", "MARKET", null, "0.003", "t-1"), false);
        router.submit(order("alpha", "SELL", "MARKET", null, "0.001", "t-2"), false);
        s.stop();
        started.remove(s);

        assertThat(shadow().realPositions()).extracting(n -> n.quantity().toPlainString())
                .containsExactly("0.002");
    }

    @Test
    void theRealPositionSurvivesARestartFromASnapshotAndTheTrailAfterIt() throws Exception {
        ShadowExecutor s = shadow();
        OrderRouter router = track(OrderRouter.sending(s, new FakeExchange(), st -> 1.0,
                "test"));
        router.submit(order("alpha", "BUY", "MARKET", null, "0.003", "t-1"), false);
        JsonNode section = s.stateSection().capture(); // the mark is after t-1
        assertThat(section.path("real").get(0).path("qty").asText()).isEqualTo("0.003");
        router.submit(order("alpha", "SELL", "MARKET", null, "0.001", "t-2"), false);
        s.stop();
        started.remove(s);

        JsonNode info = Json.mapper().readTree("{\"symbols\":[]}");
        ShadowExecutor restored = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 60_000, 0), market,
                () -> info, null, time.millisClock(), time, Json.mapper());
        restored.stateSection().restore(section);
        restored.start();
        started.add(restored);

        assertThat(restored.realPositions()).extracting(n -> n.quantity().toPlainString())
                .containsExactly("0.002");
    }

    // ------------------------------------------------------------------ run-time shadow switch

    private OrderRouter forMode(TradeMode mode, boolean live, boolean shadowLive)
            throws Exception {
        return track(OrderRouter.forMode(new Day9Config.Trading(mode, live, shadowLive),
                shadow(), FakeExchange::new));
    }

    @Test
    void switchingShadowOffInLiveWithoutLiveRefusesLikeTheVariableAndOnAgainSimulates()
            throws Exception {
        OrderRouter router = forMode(TradeMode.LIVE, false, true);
        assertThat(router.mode()).isEqualTo(OrderRouter.Mode.SHADOW_ONLY);
        assertThat(router.shadowSwitchable()).isTrue();

        router.shadowExecution(false);
        assertThat(router.mode()).isEqualTo(OrderRouter.Mode.REFUSE);
        assertThatThrownBy(() -> router.submit(order("alpha", "BUY", "MARKET", null, "0.5",
                "sw-1"), false)).isInstanceOf(OrderRouter.Refused.class)
                .hasMessageContaining("live and shadow execution are both disabled")
                .hasMessageContaining("switched off at run time");
        assertThat(trail()).isEmpty();

        router.shadowExecution(true);
        assertThat(router.mode()).isEqualTo(OrderRouter.Mode.SHADOW_ONLY);
        assertThat(router.submit(order("alpha", "BUY", "MARKET", null, "0.5", "sw-1"), false)
                .shadow().status()).isEqualTo(OrderStatus.FILLED);
    }

    @Test
    void switchingShadowOnInLiveWithBothDisabledSimulatesAsTheVariableWould()
            throws Exception {
        OrderRouter router = forMode(TradeMode.LIVE, false, false);
        assertThat(router.mode()).isEqualTo(OrderRouter.Mode.REFUSE);
        router.shadowExecution(true);
        assertThat(router.mode()).isEqualTo(OrderRouter.Mode.SHADOW_ONLY);
    }

    @Test
    void switchingShadowOffWhereTheVariableHasNoEffectIsRefusedSayingWhy() throws Exception {
        OrderRouter paper = forMode(TradeMode.PAPER, false, true);
        assertThatThrownBy(() -> paper.shadowExecution(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TRADE_MODE=paper")
                .hasMessageContaining("SHADOW_LIVE_ENABLED has no effect");
        paper.shadowExecution(true); // on already: nothing to do
        assertThat(paper.mode()).isEqualTo(OrderRouter.Mode.SHADOW_ONLY);
        assertThat(paper.shadowSwitchable()).isFalse();

        OrderRouter testnet = forMode(TradeMode.TESTNET, false, true);
        assertThatThrownBy(() -> testnet.shadowExecution(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sending mode");
        assertThat(testnet.mode()).isEqualTo(OrderRouter.Mode.SEND_WITH_AB);
    }

    // ------------------------------------------------------------------ the queue

    @Test
    void anOrderJobRefusedByAStopIsParkedNotDeadLettered() throws Exception {
        ShadowExecutor s = shadow();
        s.gate(HALTED);
        OrderJobHandler handler = new OrderJobHandler(track(OrderRouter.shadowOnly(s, "test")),
                Json.mapper());
        JsonNode payload = Json.mapper().readTree("{\"job\":\"order\",\"data\":{\"symbol\":"
                + "\"BTCUSDT\",\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.5\"}}");

        JobHandler.Outcome outcome = handler.handle(new JobHandler.Job("signals", 7, 1, "order",
                payload, 1_000, "k7", Map.of()));

        assertThat(outcome).isInstanceOf(JobHandler.Outcome.Park.class);
        assertThat(((JobHandler.Outcome.Park) outcome).reason()).contains("HALTED");
        assertThat(trail()).isEmpty();
    }
}
