package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosPatch;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.ShadowOrderView;
import io.spark.day9.shadow.TradingHalted;
import io.spark.day9.testing.ManualScheduler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The executor's trading desk in the do-not-send mode, over a real shadow executor on
 * hand-made books: cancels and reads by scope, flatten against hand-computed positions, a
 * repeated flatten, chaos off. (The sending mode, against the simulator:
 * {@link ExecutorDeskSimTest}.)
 */
class ExecutorDeskTest {
    private final ManualScheduler time = new ManualScheduler(1_800_000_000_000L);
    @TempDir
    Path dir;
    private final Map<String, BookView> books = new ConcurrentHashMap<>();
    private ShadowExecutor shadow;
    private OrderRouter router;
    private ExecutorDesk desk;

    private final MarketData market = new MarketData() {
        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT", "ETHUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            return Optional.ofNullable(books.get(symbol));
        }

        @Override
        public boolean connected() {
            return true;
        }
    };

    private void book(String symbol, String bid, String ask, String qty) {
        List<PriceLevel> bids = List.of(new PriceLevel(new BigDecimal(bid), new BigDecimal(qty)));
        List<PriceLevel> asks = List.of(new PriceLevel(new BigDecimal(ask), new BigDecimal(qty)));
        books.put(symbol, new BookView(symbol, true, 1, 0, bids, asks, null, null, null, 0, 1, 1));
    }

    @BeforeEach
    void start() throws Exception {
        book("BTCUSDT", "99.90", "100.00", "10");
        book("ETHUSDT", "9.99", "10.00", "10");
        startShadow();
    }

    private void startShadow() throws Exception {
        JsonNode info = Json.mapper().readTree("""
                {"symbols":[
                 {"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                  {"filterType":"LOT_SIZE","minQty":"0.001","maxQty":"9000","stepSize":"0.001"}]},
                 {"symbol":"ETHUSDT","baseAsset":"ETH","quoteAsset":"USDT","filters":[
                  {"filterType":"LOT_SIZE","minQty":"0.01","maxQty":"9000","stepSize":"0.01"}]}]}
                """);
        shadow = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN, BigDecimal.TEN,
                ShadowConfig.LatencyModel.NONE, 0, 600_000, 0), market, () -> info, null,
                time.millisClock(), time, Json.mapper());
        shadow.start();
        router = OrderRouter.shadowOnly(shadow, "test: do-not-send");
        desk = new ExecutorDesk(null, shadow, router, null, market.symbols(),
                time.millisClock());
    }

    @AfterEach
    void stop() throws Exception {
        router.close();
        shadow.stop();
    }

    private ShadowOrderView place(String strategy, String symbol, String side, String type,
                                  String price, String qty, String clientId) {
        return router.submit(OrderRequest.parse(new OrderRequest.Body(symbol, side, type, price,
                qty, strategy, clientId, null, null), null, time.millis(), "http"), false)
                .shadow();
    }

    /** One resting BUY per strategy (alpha, beta) and symbol, far from the touch. */
    private void restEverywhere() {
        for (String st : List.of("alpha", "beta")) {
            place(st, "BTCUSDT", "BUY", "LIMIT", "90", "0.5", st + "-btc");
            place(st, "ETHUSDT", "BUY", "LIMIT", "9", "1", st + "-eth");
        }
    }

    private List<JsonNode> trail(String kind) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode n = line.isBlank() ? null : Json.mapper().readTree(line);
                    if (n != null && n.path("kind").asText().equals(kind)) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }

    static Stream<Arguments> scopes() {
        return Stream.of(
                Arguments.of(Scope.of(List.of("alpha"), null),
                        List.of("alpha-btc", "alpha-eth"), List.of("beta-btc", "beta-eth")),
                Arguments.of(Scope.of(null, List.of("ETHUSDT")),
                        List.of("alpha-eth", "beta-eth"), List.of("alpha-btc", "beta-btc")),
                Arguments.of(Scope.of(List.of("beta"), List.of("BTCUSDT")),
                        List.of("beta-btc"), List.of("alpha-btc", "alpha-eth", "beta-eth")),
                Arguments.of(Scope.ALL,
                        List.of("alpha-btc", "alpha-eth", "beta-btc", "beta-eth"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopes")
    void cancelOpenCancelsOnlyWhatIsInScope(Scope scope, List<String> inScope,
                                            List<String> outOfScope) {
        restEverywhere();

        List<TradingDesk.OpenOrder> cancelled = desk.cancelOpen(scope, "ops");

        assertThat(cancelled).extracting(TradingDesk.OpenOrder::clientOrderId)
                .containsExactlyInAnyOrderElementsOf(inScope);
        assertThat(cancelled).extracting(TradingDesk.OpenOrder::venue)
                .containsOnly(TradingDesk.OpenOrder.SHADOW);
        assertThat(desk.read(scope).openOrders()).isEmpty();
        assertThat(desk.read(Scope.ALL).openOrders())
                .extracting(TradingDesk.OpenOrder::clientOrderId)
                .containsExactlyInAnyOrderElementsOf(outOfScope);
        assertThat(desk.read(Scope.ALL).errors()).isEmpty();
    }

    @Test
    void anOrderCreatedBeforeTheGateFlipsIsCancelledAndNoneIsAcceptedAfter() {
        place("alpha", "BTCUSDT", "BUY", "LIMIT", "90", "0.5", "before");
        shadow.gate((r, p) -> {
            throw new TradingHalted("HALTED", "all", "test", 1);
        });
        assertThatThrownBy(() -> place("alpha", "BTCUSDT", "BUY", "LIMIT", "90", "0.5", "after"))
                .isInstanceOf(TradingHalted.class);

        assertThat(desk.cancelOpen(Scope.ALL, "ops")).extracting(
                TradingDesk.OpenOrder::clientOrderId).containsExactly("before");
        assertThat(desk.read(Scope.ALL).openOrders()).isEmpty();
    }

    @Test
    void flattenClosesHandComputedPositionsInScopeWithMarketOrdersOfTheOppositeSide()
            throws IOException {
        place("alpha", "BTCUSDT", "BUY", "MARKET", null, "0.003", "a1");
        place("alpha", "BTCUSDT", "SELL", "MARKET", null, "0.001", "a2"); // alpha long 0.002
        place("alpha", "ETHUSDT", "SELL", "MARKET", null, "1.5", "a3");   // alpha short 1.5
        place("beta", "BTCUSDT", "BUY", "MARKET", null, "0.004", "b1");   // beta: out of scope
        shadow.gate((r, p) -> {
            throw new TradingHalted("HALTED", "strategy=alpha", "test", 1);
        });

        List<TradingDesk.Flattened> flat = desk.flatten(Scope.of(List.of("alpha"), null),
                "stop1", "ops");

        assertThat(flat).extracting(f -> f.venue() + " " + f.strategy() + " " + f.symbol() + " "
                + f.side() + " " + f.quantity().toPlainString() + " " + f.status() + " "
                + f.error()).containsExactlyInAnyOrder(
                "shadow alpha BTCUSDT SELL 0.002 FILLED null",
                "shadow alpha ETHUSDT BUY 1.5 FILLED null");
        assertThat(flat).extracting(TradingDesk.Flattened::clientOrderId).allSatisfy(id ->
                assertThat(id).startsWith("flat-stop1-").matches("[A-Za-z0-9_-]{1,36}"));
        assertThat(desk.read(Scope.of(List.of("alpha"), null)).positions()).isEmpty();
        assertThat(desk.read(Scope.ALL).positions()).extracting(p -> p.strategy() + " "
                + p.symbol() + " " + p.quantity().toPlainString())
                .containsExactly("beta BTCUSDT 0.004");
        assertThat(trail("order")).filteredOn(o -> o.path("source").asText()
                .equals("emergency")).hasSize(2);
    }

    @Test
    void aRepeatedFlattenOfTheSameStopPlacesNothingNew() throws IOException {
        place("alpha", "BTCUSDT", "BUY", "MARKET", null, "5", "a1");
        book("BTCUSDT", "99.90", "100.00", "2"); // the book is thin now: a flatten fills 2 of 5
        Scope alpha = Scope.of(List.of("alpha"), null);

        List<TradingDesk.Flattened> first = desk.flatten(alpha, "stop7", "ops");
        assertThat(first).singleElement().satisfies(f -> {
            assertThat(f.quantity()).isEqualByComparingTo("5");
            assertThat(f.status()).isEqualTo("EXPIRED"); // not enough depth: 2 filled
        });
        assertThat(shadow.position("alpha", "BTCUSDT")).isEqualByComparingTo("3");
        int orders = trail("order").size();

        // after a crash the stop runs its flatten again: the same id, a duplicate
        List<TradingDesk.Flattened> again = desk.flatten(alpha, "stop7", "ops");
        assertThat(again).singleElement().satisfies(f ->
                assertThat(f.clientOrderId()).isEqualTo(first.get(0).clientOrderId()));
        assertThat(trail("order")).hasSize(orders);
        assertThat(shadow.position("alpha", "BTCUSDT")).isEqualByComparingTo("3");

        // a later stop is a new flatten
        assertThat(desk.flatten(alpha, "stop8", "ops")).singleElement()
                .satisfies(f -> assertThat(f.quantity()).isEqualByComparingTo("3"));
        assertThat(trail("order")).hasSize(orders + 1);
    }

    @Test
    void aFailedFlattenIsReturnedNotThrownAndItsIdIsStable() {
        place("alpha", "ETHUSDT", "BUY", "MARKET", null, "1.25", "e1");
        books.remove("ETHUSDT"); // no book: the flatten order cannot be simulated

        List<TradingDesk.Flattened> flat = desk.flatten(Scope.ALL, "s2", "ops");

        assertThat(flat).singleElement().satisfies(f -> {
            assertThat(f.quantity()).isEqualByComparingTo("1.25");
            assertThat(f.status()).isNull();
            assertThat(f.error()).contains("shadow flatten order failed");
        });
        assertThat(ExecutorDesk.flattenId("flat", "s2", "alpha", "ETHUSDT"))
                .isEqualTo(f(flat).clientOrderId())
                .isNotEqualTo(ExecutorDesk.flattenId("flat", "s2", "alpha", "BTCUSDT"));
        String longStop = "0123456789abcdef0123456789abcdef01234567";
        assertThat(ExecutorDesk.flattenId("flatr", longStop, "alpha", "ETHUSDT"))
                .matches("flatr-[0-9a-f]{30}")
                .isEqualTo(ExecutorDesk.flattenId("flatr", longStop, "alpha", "ETHUSDT"));
    }

    private static TradingDesk.Flattened f(List<TradingDesk.Flattened> l) {
        return l.get(0);
    }

    @Test
    void chaosOffTurnsEveryFaultOff() {
        ChaosEngine chaos = new ChaosEngine(new ChaosEngine.Config(ChaosSettings.off(), false,
                false, 10_000, 5_000), time.millisClock(), time);
        chaos.apply(ChaosPatch.of(15, 200, 0), "t");
        assertThat(chaos.state().active()).isTrue();
        ExecutorDesk withChaos = new ExecutorDesk(chaos, shadow, router, null,
                market.symbols(), time.millisClock());

        withChaos.chaosOff("ops");

        assertThat(chaos.state().active()).isFalse();
        assertThat(chaos.state().settings()).isEqualTo(ChaosSettings.off());
    }

    @Test
    void theShadowSwitchGoesToTheRouterAndNoQueueMeansNothingParked() {
        assertThatThrownBy(() -> desk.shadowExecution(false))
                .isInstanceOf(IllegalStateException.class);
        assertThat(desk.parkedOrderJobs()).isZero();
        desk.pauseOrders(true); // no worker: nothing to pause, nothing thrown
        desk.releaseOrders(true);
    }
}
