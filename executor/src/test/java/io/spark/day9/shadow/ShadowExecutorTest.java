package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shadow executor against hand-made books, a controlled clock and a real trail on disk. */
class ShadowExecutorTest {
    @TempDir
    Path dir;
    private final ManualScheduler time = new ManualScheduler(1_800_000_000_000L);
    private final Map<String, BookView> books = new ConcurrentHashMap<>();
    private final List<ShadowEvent> events = new CopyOnWriteArrayList<>();
    private final List<ShadowExecutor> started = new ArrayList<>();

    private final MarketData market = new MarketData() {
        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT");
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

    private static PriceLevel l(String p, String q) {
        return new PriceLevel(new BigDecimal(p), new BigDecimal(q));
    }

    private void book(List<PriceLevel> bids, List<PriceLevel> asks) {
        books.put("BTCUSDT", new BookView("BTCUSDT", true, 1, 0, bids, asks, null, null, null, 0,
                bids.size(), asks.size()));
    }

    private static JsonNode info() throws Exception {
        return Json.mapper().readTree("""
                {"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                 {"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"1000000","tickSize":"0.01"},
                 {"filterType":"LOT_SIZE","minQty":"0.00001","maxQty":"9000","stepSize":"0.00001"},
                 {"filterType":"NOTIONAL","minNotional":"5"}]},
                 {"symbol":"DOGEUSDT","baseAsset":"DOGE","quoteAsset":"USDT","filters":[]}]}""");
    }

    private ShadowExecutor start(long ttlMs) throws Exception {
        return start(ttlMs, ShadowConfig.LatencyModel.NONE, 0);
    }

    private ShadowExecutor start(long ttlMs, ShadowConfig.LatencyModel latency, long latencyMs)
            throws Exception {
        JsonNode info = info();
        ShadowExecutor s = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                BigDecimal.valueOf(20), latency, latencyMs, ttlMs, 0), market,
                () -> info, null, time.millisClock(), time, Json.mapper());
        s.subscribe(events::add);
        s.start();
        started.add(s);
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        for (ShadowExecutor s : started) {
            s.stop();
        }
    }

    private OrderRequest order(String side, String type, String price, String qty, String tif,
                               String clientId) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", side, type, price, qty, "alpha",
                clientId, tif, null), null, time.millis(), "http");
    }

    // bids 99.90 x 1, 99.80 x 2 | asks 100.00 x 1, 100.50 x 2
    private void standardBook() {
        book(List.of(l("99.90", "1"), l("99.80", "2")), List.of(l("100.00", "1"),
                l("100.50", "2")));
    }

    @Test
    void aMarketOrderWalksAndAShortBookGivesAPartialFill() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        ShadowOrderView o = s.place(order("BUY", "MARKET", null, "4", null, "m1")).order();
        assertThat(o.status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(o.executedQty()).isEqualByComparingTo("3");
        // (100 + 2·100.5) / 3 = 100.333…
        assertThat(o.avgPrice().doubleValue()).isCloseTo(100.3333333, within());
        assertThat(o.fills()).extracting(ShadowOrderView.FillView::liquidity)
                .containsOnly("TAKER");
        // taker fee 20 bps of 301 = 0.602
        assertThat(o.fills().stream().map(ShadowOrderView.FillView::fee)
                .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("0.602");
        assertThat(o.arrivalMid()).isEqualByComparingTo("99.95");
        ShadowEvent.Filled first = (ShadowEvent.Filled) events.stream()
                .filter(e -> e instanceof ShadowEvent.Filled).findFirst().orElseThrow();
        // 100.00 vs mid 99.95: 5.0025 bps worse; vs best ask 100.00: 0
        assertThat(first.slippageBpsVsMid()).isCloseTo(5.0025, within());
        assertThat(first.slippageBpsVsBest()).isCloseTo(0.0, within());
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-3);
    }

    @Test
    void aMarketableLimitFillsAtTheBookAndRecordsThePriceImprovement() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        ShadowOrderView o = s.place(order("BUY", "LIMIT", "100.50", "0.5", null, "l1")).order();
        assertThat(o.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(o.avgPrice()).isEqualByComparingTo("100.00");
        // (100.50 - 100.00) / 100.50 · 1e4 = 49.75 bps better than the limit
        assertThat(o.priceImprovementBps().doubleValue()).isCloseTo(49.75124, within());
    }

    @Test
    void aRestingLimitWaitsInTheQueueAndFillsWhenTradesReachIt() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        // joins 99.80 behind the displayed 2
        ShadowOrderView o = s.place(order("BUY", "LIMIT", "99.80", "1", "GTC", "r1")).order();
        assertThat(o.status()).isEqualTo(OrderStatus.NEW);
        // a 1.5 sell at 99.80 only eats into the queue ahead (2 -> 0.5)
        s.onMarketEvent(new MarketEvent.TradePrint("BTCUSDT", new BigDecimal("99.80"),
                new BigDecimal("1.5"), true, time.millis()));
        // a buy-side taker at our price does not touch resting bids
        s.onMarketEvent(new MarketEvent.TradePrint("BTCUSDT", new BigDecimal("99.80"),
                new BigDecimal("5"), false, time.millis()));
        // another 1.0 sell: 0.5 finishes the queue ahead, 0.5 fills us
        s.onMarketEvent(new MarketEvent.TradePrint("BTCUSDT", new BigDecimal("99.80"),
                new BigDecimal("1.0"), true, time.millis()));
        time.runDue(); // trades are handled on the shadow lane
        assertThat(s.get("r1").orElseThrow().status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
        assertThat(s.get("r1").orElseThrow().executedQty()).isEqualByComparingTo("0.5");
        // a trade through our price fills the rest at our price, as maker
        s.onMarketEvent(new MarketEvent.TradePrint("BTCUSDT", new BigDecimal("99.70"),
                new BigDecimal("0.01"), true, time.millis()));
        time.runDue();
        assertThat(s.get("r1").orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
        ShadowOrderView done = s.get("r1").orElseThrow();
        assertThat(done.avgPrice()).isEqualByComparingTo("99.80");
        assertThat(done.fills()).extracting(ShadowOrderView.FillView::liquidity)
                .containsOnly("MAKER");
        // maker fee 10 bps of 99.80
        assertThat(done.fills().stream().map(ShadowOrderView.FillView::fee)
                .reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("0.0998");
    }

    @Test
    void aRestingLimitFillsWhenTheBookCrossesIt() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        s.place(order("SELL", "LIMIT", "100.20", "0.3", "GTC", "c1"));
        assertThat(s.get("c1").orElseThrow().status()).isEqualTo(OrderStatus.NEW);
        // the bid moves up to 100.25: every ask at 100.20 traded
        book(List.of(l("100.25", "1")), List.of(l("100.30", "1")));
        time.advance(Duration.ofMillis(ShadowExecutor.TICK_MS)); // the next tick sees it
        assertThat(s.get("c1").orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
        assertThat(s.get("c1").orElseThrow().avgPrice()).isEqualByComparingTo("100.20");
    }

    @Test
    void aFixedLatencyFillsAgainstTheBookAsItIsWhenTheOrderArrives() throws Exception {
        ShadowExecutor s = start(60_000, ShadowConfig.LatencyModel.FIXED, 50);
        standardBook();
        long before = time.scheduledCount();
        CompletableFuture<ShadowExecutor.Placement> placed = CompletableFuture.supplyAsync(() ->
                s.place(order("BUY", "MARKET", null, "0.5", null, "late")));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> time.scheduledCount() > before); // on its way to the book
        // the book moves while the order travels: it meets the new ask
        book(List.of(l("100.90", "1")), List.of(l("101.00", "1")));
        time.advance(Duration.ofMillis(49));
        assertThat(placed).isNotDone();
        time.advance(Duration.ofMillis(1));
        ShadowOrderView o = placed.get(10, TimeUnit.SECONDS).order();
        assertThat(o.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(o.avgPrice()).isEqualByComparingTo("101.00");
        assertThat(o.arrivalMid()).isEqualByComparingTo("100.95");
    }

    @Test
    void restingOrdersExpireAndCanBeCancelled() throws Exception {
        ShadowExecutor s = start(1_000);
        standardBook();
        s.place(order("BUY", "LIMIT", "99.00", "0.1", null, "e1"));
        s.place(order("BUY", "LIMIT", "99.00", "0.1", null, "k1"));
        assertThat(s.cancel("k1").orElseThrow().status()).isEqualTo(OrderStatus.CANCELED);
        assertThatThrownBy(() -> s.cancel("k1")).isInstanceOfSatisfying(OrderRejected.class,
                e -> assertThat(e.code()).isEqualTo(-2011));
        assertThat(s.cancel("nope")).isEmpty();
        time.advance(Duration.ofMillis(999));
        assertThat(s.get("e1").orElseThrow().status()).isEqualTo(OrderStatus.NEW);
        time.advance(Duration.ofMillis(2));
        // the tick at the TTL's end expires it, exactly then
        assertThat(s.get("e1").orElseThrow().status()).isEqualTo(OrderStatus.EXPIRED);
        // IOC and FOK never rest
        assertThat(s.place(order("BUY", "LIMIT", "100.00", "2", "IOC", "i1")).order())
                .satisfies(o -> {
                    assertThat(o.status()).isEqualTo(OrderStatus.EXPIRED);
                    assertThat(o.executedQty()).isEqualByComparingTo("1");
                });
        assertThat(s.place(order("BUY", "LIMIT", "100.00", "2", "FOK", "f1")).order())
                .satisfies(o -> {
                    assertThat(o.status()).isEqualTo(OrderStatus.EXPIRED);
                    assertThat(o.executedQty()).isEqualByComparingTo("0");
                });
    }

    @Test
    void theSameClientOrderIdNeverPlacesASecondOrderEvenAfterARestart() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        ShadowExecutor.Placement a = s.place(order("BUY", "MARKET", null, "0.5", null, "same"));
        ShadowExecutor.Placement b = s.place(order("BUY", "MARKET", null, "0.5", null, "same"));
        assertThat(b.duplicate()).isTrue();
        assertThat(b.order().orderId()).isEqualTo(a.order().orderId());
        s.place(order("BUY", "LIMIT", "99.00", "0.2", null, "rest"));
        s.stop();
        started.clear();
        ShadowExecutor again = start(60_000);
        ShadowExecutor.Placement c = again.place(order("BUY", "MARKET", null, "0.5", null,
                "same"));
        assertThat(c.duplicate()).isTrue();
        assertThat(c.order().orderId()).isEqualTo(a.order().orderId());
        assertThat(c.order().executedQty()).isEqualByComparingTo("0.5");
        assertThat(again.get("rest").orElseThrow().status()).isEqualTo(OrderStatus.NEW);
        assertThat(again.positions()).singleElement().satisfies(p ->
                assertThat(p.qty()).isEqualByComparingTo("0.5"));
        List<String> lines = Files.readAllLines(onlyTrailFile());
        assertThat(lines.stream().filter(x -> x.contains("\"kind\":\"order\""))).hasSize(2);
    }

    private Path onlyTrailFile() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("orders-"))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void aTornLastLineIsSkippedOnReplayAndTheNextRecordStartsOnItsOwnLine() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        s.place(order("BUY", "MARKET", null, "0.1", null, "before"));
        s.stop();
        started.clear();
        Path file = onlyTrailFile();
        Files.writeString(file, "{\"kind\":\"order\",\"ts\":\"torn", java.nio.file.StandardOpenOption.APPEND);
        ShadowExecutor again = start(60_000);
        assertThat(again.get("before")).isPresent();
        again.place(order("BUY", "MARKET", null, "0.1", null, "after"));
        again.stop();
        started.clear();
        ShadowExecutor third = start(60_000);
        assertThat(third.get("after")).isPresent();
        assertThat(third.get("before")).isPresent();
    }

    @Test
    void positionsAreMarkedToMarket() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", null, "p1"));   // 1 @ 100.00
        s.place(order("SELL", "MARKET", null, "0.4", null, "p2")); // 0.4 @ 99.90
        Positions.View p = s.positions().get(0);
        assertThat(p.qty()).isEqualByComparingTo("0.6");
        assertThat(p.avgPrice()).isEqualByComparingTo("100");
        // realised (99.90 - 100) · 0.4 = -0.04; unrealised at mid 99.95: (99.95 - 100) · 0.6 = -0.03
        assertThat(p.realizedPnl()).isEqualByComparingTo("-0.04");
        assertThat(p.unrealizedPnl()).isEqualByComparingTo("-0.03");
        // taker fees 20 bps: 0.2 + 0.07992 = 0.27992
        assertThat(p.fees()).isEqualByComparingTo("0.27992");
        assertThat(p.netPnl()).isEqualByComparingTo("-0.34992");
    }

    @Test
    void invalidOrdersGetTheExchangesCodes() throws Exception {
        ShadowExecutor s = start(60_000);
        standardBook();
        Object[][] cases = {
                {new OrderRequest.Body("BTCUSDT", "BUY", "LIMIT", "100.001", "1", null, null, null,
                        null), -1013, "price"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "LIMIT", "100", "0.000001", null, null,
                        null, null), -1013, "quantity"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "LIMIT", "100", "0.01", null, null, null,
                        null), -1013, "quantity"}, // notional 1 < 5
                {new OrderRequest.Body("ETHBTC", "BUY", "MARKET", null, "1", null, null, null,
                        null), -1121, "symbol"},
                {new OrderRequest.Body("DOGEUSDT", "BUY", "MARKET", null, "1", null, null, null,
                        null), -1121, "symbol"}, // known to the exchange, but no book here
                {new OrderRequest.Body("BTCUSDT", "HOLD", "MARKET", null, "1", null, null, null,
                        null), -1117, "side"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "STOP", null, "1", null, null, null,
                        null), -1116, "type"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "LIMIT", "100", "1", null, null, "GTX",
                        null), -1115, "timeInForce"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "LIMIT", null, "1", null, null, null,
                        null), -1102, "price"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "MARKET", "100", "1", null, null, null,
                        null), -1106, "price"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "MARKET", null, "1e3", null, null, null,
                        null), -1100, "quantity"},
                {new OrderRequest.Body("BTCUSDT", "BUY", "MARKET", null, "1", null, "bad id!", null,
                        null), -1100, "clientOrderId"}};
        for (Object[] c : cases) {
            OrderRequest.Body b = (OrderRequest.Body) c[0];
            assertThatThrownBy(() -> s.place(OrderRequest.parse(b, null, time.millis(), "http")))
                    .as(b.toString()).isInstanceOfSatisfying(OrderRejected.class, e -> {
                        assertThat(e.code()).isEqualTo(c[1]);
                        assertThat(e.field()).isEqualTo(c[2]);
                    });
        }
        assertThat(events).filteredOn(e -> e instanceof ShadowEvent.Rejected).hasSize(5);
    }

    @Test
    void anUnsyncedBookIsNotTradedAgainst() throws Exception {
        ShadowExecutor s = start(60_000);
        books.put("BTCUSDT", new BookView("BTCUSDT", false, 0, -1, List.of(), List.of(), null,
                null, null, 0, 0, 0));
        assertThatThrownBy(() -> s.place(order("BUY", "MARKET", null, "1", null, "u1")))
                .isInstanceOf(ShadowExecutor.MarketUnavailable.class);
        assertThat(s.get("u1")).isEmpty();
    }
}
