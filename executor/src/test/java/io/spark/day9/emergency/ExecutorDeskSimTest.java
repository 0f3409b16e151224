package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BinanceOrders;
import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.shadow.BinanceExchangeOrders;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.TradingHalted;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.sim.server.SimServer;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's trading desk in a sending mode: a real shadow executor (on a copy of the
 * simulator's book) and the order router sending every signal as an A/B pair to the embedded
 * simulator. Exchange cancels by scope, the exchange's open orders in the end state, the real
 * position flattened once, and the emergency stop end to end (HALTED with flatten, REDUCING).
 */
class ExecutorDeskSimTest {
    private final ManualScheduler time = new ManualScheduler(1_800_000_000_000L);
    @TempDir
    Path dir;
    private SimServer sim;
    private BinanceRest rest;
    private ShadowExecutor shadow;
    private OrderRouter router;
    private ExecutorDesk desk;
    private String farBelow;

    @BeforeEach
    void start() throws Exception {
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT"), 11).withUpdateIntervalMs(20));
        sim.pause(true); // the book stays put: resting orders rest, the copy below holds
        rest = new BinanceRest(sim.restUrl(), sim.config().apiKey(), sim.config().apiSecret(),
                5000, System::currentTimeMillis, Json.mapper());
        rest.syncTime();
        SimExchange.BookSnapshot snap = sim.book("BTCUSDT");
        BookView book = new BookView("BTCUSDT", true, snap.lastUpdateId(), 0,
                levels(snap.bids()), levels(snap.asks()), null, null, null, 0,
                snap.bids().size(), snap.asks().size());
        farBelow = new BigDecimal(snap.bids().get(0).get(0)).subtract(new BigDecimal("500"))
                .toPlainString();
        MarketData market = new MarketData() {
            @Override
            public List<String> symbols() {
                return List.of("BTCUSDT");
            }

            @Override
            public Optional<BookView> book(String symbol, int limit) {
                return symbol.equals("BTCUSDT") ? Optional.of(book) : Optional.empty();
            }

            @Override
            public boolean connected() {
                return true;
            }
        };
        JsonNode info = rest.exchangeInfo();
        shadow = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN, BigDecimal.TEN,
                ShadowConfig.LatencyModel.NONE, 0, 600_000, 0), market, () -> info, null,
                time.millisClock(), time, Json.mapper());
        shadow.start();
        router = OrderRouter.sending(shadow, new BinanceExchangeOrders(() -> rest),
                strategy -> 1.0, "test: every signal sent with a twin");
        desk = new ExecutorDesk(null, shadow, router, null, List.of("BTCUSDT"),
                time.millisClock());
    }

    private static List<PriceLevel> levels(List<List<String>> raw) {
        List<PriceLevel> out = new ArrayList<>();
        for (List<String> l : raw.subList(0, Math.min(20, raw.size()))) {
            out.add(new PriceLevel(new BigDecimal(l.get(0)), new BigDecimal(l.get(1))));
        }
        return out;
    }

    @AfterEach
    void stop() throws Exception {
        router.close();
        shadow.stop();
        sim.close();
    }

    private OrderRouter.Routed submit(String strategy, String side, String type, String price,
                                      String qty, String clientId) {
        OrderRouter.Routed r = router.submit(OrderRequest.parse(new OrderRequest.Body("BTCUSDT",
                side, type, price, qty, strategy, clientId, null, null), null, time.millis(),
                "http"), false);
        assertThat(r.realError()).as(clientId).isNull();
        return r;
    }

    private JsonNode placeDirectly(String side, String type, String price, String qty,
                                   String clientId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("symbol", "BTCUSDT");
        p.put("side", side);
        p.put("type", type);
        if (price != null) {
            p.put("timeInForce", "GTC");
            p.put("price", price);
        }
        p.put("quantity", qty);
        p.put("newClientOrderId", clientId);
        return new BinanceOrders(rest).placeOrder(p);
    }

    private List<String> exchangeOpen() {
        List<String> out = new ArrayList<>();
        new BinanceOrders(rest).openOrders("BTCUSDT").forEach(o ->
                out.add(o.path("clientOrderId").asText()));
        return out;
    }

    private static List<String> described(List<TradingDesk.OpenOrder> orders) {
        return orders.stream().map(o -> o.venue() + ":" + o.strategy() + ":" + o.clientOrderId())
                .toList();
    }

    @Test
    void aStrategyScopeCancelsOnlyItsOwnExchangeOrdersAndEverythingCancelsAll() {
        submit("alpha", "BUY", "LIMIT", farBelow, "0.01", "a-1");
        submit("beta", "BUY", "LIMIT", farBelow, "0.01", "b-1");
        placeDirectly("BUY", "LIMIT", farBelow, "0.01", "manual-1"); // not Day9's
        assertThat(exchangeOpen()).containsExactly("a-1", "b-1", "manual-1");

        Scope alpha = Scope.of(List.of("alpha"), null);
        assertThat(described(desk.cancelOpen(alpha, "ops"))).containsExactlyInAnyOrder(
                "shadow:alpha:a-1", "exchange:alpha:a-1");

        assertThat(exchangeOpen()).containsExactly("b-1", "manual-1");
        TradingDesk.EndState alphaLeft = desk.read(alpha);
        assertThat(alphaLeft.openOrders()).isEmpty();
        assertThat(alphaLeft.errors()).isEmpty();
        assertThat(described(desk.read(Scope.ALL).openOrders())).containsExactlyInAnyOrder(
                "shadow:beta:b-1", "exchange:beta:b-1", "exchange:null:manual-1");

        assertThat(described(desk.cancelOpen(Scope.ALL, "ops"))).containsExactlyInAnyOrder(
                "shadow:beta:b-1", "exchange:beta:b-1", "exchange:null:manual-1");
        assertThat(exchangeOpen()).isEmpty();
        TradingDesk.EndState end = desk.read(Scope.ALL);
        assertThat(end.openOrders()).isEmpty();
        assertThat(end.errors()).isEmpty();
    }

    @Test
    void aSymbolScopeCancelsAllOnItsSymbol() {
        submit("alpha", "BUY", "LIMIT", farBelow, "0.01", "a-1");
        placeDirectly("BUY", "LIMIT", farBelow, "0.01", "manual-1");

        assertThat(described(desk.cancelOpen(Scope.of(null, List.of("BTCUSDT")), "ops")))
                .containsExactlyInAnyOrder("shadow:alpha:a-1", "exchange:alpha:a-1",
                        "exchange:null:manual-1");
        assertThat(exchangeOpen()).isEmpty();
    }

    @Test
    void flattenClosesTheRealPositionOnTheExchangeOnce() {
        submit("alpha", "BUY", "MARKET", null, "0.003", "m-1");
        submit("alpha", "SELL", "MARKET", null, "0.001", "m-2");
        submit("beta", "BUY", "MARKET", null, "0.002", "m-3");
        assertThat(desk.read(Scope.ALL).positions()).extracting(p -> p.venue() + " "
                + p.strategy() + " " + p.quantity().toPlainString()).containsExactlyInAnyOrder(
                "shadow alpha 0.002", "shadow beta 0.002", "exchange alpha 0.002",
                "exchange beta 0.002");
        long placed = sim.ordersPlaced();

        List<TradingDesk.Flattened> flat = desk.flatten(Scope.of(List.of("alpha"), null), "s1",
                "ops");

        assertThat(flat).extracting(f -> f.venue() + " " + f.side() + " "
                + f.quantity().toPlainString() + " " + f.status() + " " + f.error())
                .containsExactlyInAnyOrder("shadow SELL 0.002 FILLED null",
                        "exchange SELL 0.002 FILLED null");
        assertThat(sim.ordersPlaced()).isEqualTo(placed + 1);
        JsonNode onExchange = new BinanceOrders(rest).queryOrder("BTCUSDT",
                ExecutorDesk.flattenId("flatr", "s1", "alpha", "BTCUSDT"));
        assertThat(onExchange.path("side").asText()).isEqualTo("SELL");
        assertThat(new BigDecimal(onExchange.path("executedQty").asText()))
                .isEqualByComparingTo("0.002");
        assertThat(desk.read(Scope.ALL).positions()).extracting(p -> p.venue() + " "
                + p.strategy()).containsExactlyInAnyOrder("shadow beta", "exchange beta");

        // the same stop again: nothing is open in scope, nothing new is placed
        assertThat(desk.flatten(Scope.of(List.of("alpha"), null), "s1", "ops")).isEmpty();
        assertThat(sim.ordersPlaced()).isEqualTo(placed + 1);
    }

    @Test
    void aStopWithFlattenInASendingModeLeavesNothingOpenOnTheExchangeAndVerifies() {
        Emergency emergency = new Emergency(dir.resolve("emergency"), desk, time.millisClock(),
                time, Json.mapper());
        shadow.gate(emergency.gate());
        router.gate(emergency.gate());
        emergency.start();
        try {
            submit("alpha", "BUY", "LIMIT", farBelow, "0.01", "a-1");
            submit("beta", "BUY", "MARKET", null, "0.002", "b-1");
            placeDirectly("BUY", "LIMIT", farBelow, "0.01", "manual-1");

            StopResult r = emergency.stop(new StopRequest("exchange incident", Scope.ALL,
                    TradingMode.HALTED, true, false), "ops");

            assertThat(r.verification().verified()).as(r.verification().toString()).isTrue();
            assertThat(described(r.cancelled())).containsExactlyInAnyOrder("shadow:alpha:a-1",
                    "exchange:alpha:a-1", "exchange:null:manual-1");
            assertThat(r.flattened()).extracting(f -> f.venue() + " " + f.side() + " "
                    + f.quantity().toPlainString()).containsExactlyInAnyOrder(
                    "shadow SELL 0.002", "exchange SELL 0.002");
            assertThat(exchangeOpen()).isEmpty();
            long placed = sim.ordersPlaced();
            assertThat(catchThrowable(() -> submit("beta", "BUY",
                    "MARKET", null, "0.002", "b-2")))
                    .isInstanceOf(TradingHalted.class);
            assertThat(sim.ordersPlaced()).as("nothing sent after the stop").isEqualTo(placed);
        } finally {
            emergency.stop();
        }
    }

    @Test
    void reducingInASendingModeLetsTheReducingPairThroughAndRefusesTheRest() {
        Emergency emergency = new Emergency(dir.resolve("emergency"), desk, time.millisClock(),
                time, Json.mapper());
        shadow.gate(emergency.gate());
        router.gate(emergency.gate());
        emergency.start();
        try {
            submit("alpha", "BUY", "MARKET", null, "0.003", "m-1");
            emergency.stop(new StopRequest("reduce", Scope.of(List.of("alpha"), null),
                    TradingMode.REDUCING, false, false), "ops");
            long placed = sim.ordersPlaced();

            assertThat(catchThrowable(() -> submit("alpha",
                    "BUY", "MARKET", null, "0.001", "m-2")))
                    .isInstanceOf(TradingHalted.class);
            assertThat(sim.ordersPlaced()).isEqualTo(placed);
            OrderRouter.Routed reduced = submit("alpha", "SELL", "MARKET", null, "0.001", "m-3");
            assertThat(reduced.real().path("status").asText()).isEqualTo("FILLED");
            assertThat(sim.ordersPlaced()).isEqualTo(placed + 1);
            assertThat(shadow.realPositions()).extracting(n -> n.quantity().toPlainString())
                    .containsExactly("0.002");
        } finally {
            emergency.stop();
        }
    }

    @Test
    void aRealFlattenTheExchangeAlreadyHasIsRecordedNotPlacedAgain() {
        submit("alpha", "BUY", "MARKET", null, "0.003", "m-1");
        // a crash after the flatten reached the exchange, before its answer was in the trail
        String id = ExecutorDesk.flattenId("flatr", "s9", "alpha", "BTCUSDT");
        placeDirectly("SELL", "MARKET", null, "0.003", id);
        long placed = sim.ordersPlaced();

        List<TradingDesk.Flattened> flat = desk.flatten(Scope.ALL, "s9", "ops");

        assertThat(flat).filteredOn(f -> f.venue().equals(TradingDesk.OpenOrder.EXCHANGE))
                .singleElement().satisfies(f -> {
                    assertThat(f.clientOrderId()).isEqualTo(id);
                    assertThat(f.status()).isEqualTo("FILLED");
                });
        assertThat(sim.ordersPlaced()).isEqualTo(placed);
        assertThat(desk.read(Scope.ALL).positions()).isEmpty();
        assertThat(desk.flatten(Scope.ALL, "s9", "ops")).isEmpty();
        assertThat(sim.ordersPlaced()).isEqualTo(placed);
    }
}
