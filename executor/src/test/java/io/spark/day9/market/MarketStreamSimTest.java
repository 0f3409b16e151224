package io.spark.day9.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.sim.server.SimServer;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.time.SystemScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The market client against the embedded simulator over real sockets: the local book must
 * equal the simulator's own book after thousands of diffs and through every fault.
 */
class MarketStreamSimTest {
    private static final String BTC = "BTCUSDT";
    private SimServer sim;
    private MarketStream stream;
    private final List<MarketEvent> events = new CopyOnWriteArrayList<>();
    private final SystemScheduler scheduler = new SystemScheduler();
    /** Set by {@link #startOnManualClock}: the clock of the simulator and the client. */
    private ManualScheduler time;

    /**
     * As {@link #start(SimConfig, long, long)}, with the simulator, the REST client and the
     * stream on one manual clock and scheduler: stale checks, reconnect timers, connection ages
     * and the simulated market move only with {@link #runUntil}.
     */
    private void startOnManualClock(SimConfig simConfig, long staleMs, long maxAgeMs) {
        time = new ManualScheduler(System.currentTimeMillis());
        sim = SimServer.start(simConfig, time.millisClock(), time);
        BinanceRest rest = new BinanceRest(sim.restUrl(), simConfig.apiKey(),
                simConfig.apiSecret(), 5000, time.millisClock(), Json.mapper());
        stream = new MarketStream(new MarketConfig(sim.wsUrl(), simConfig.symbols(),
                MarketConfig.DEFAULT_RECV_WINDOW_MS, staleMs,
                MarketConfig.DEFAULT_RECONNECT_BASE_MS, 1000, maxAgeMs, 1000), rest,
                time.millisClock(), new SplittableRandom(1), time);
        stream.subscribe(events::add);
        stream.start();
        runUntil(stream::allSynced, time.millis() + 10_000);
        assertThat(stream.allSynced()).isTrue();
    }

    /**
     * Moves the manual clock in 5 ms steps, each once socket work has had a millisecond, until
     * {@code done} holds or the clock reaches {@code limit}.
     */
    private void runUntil(java.util.function.BooleanSupplier done, long limit) {
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    if (done.getAsBoolean() || time.millis() >= limit) {
                        return true;
                    }
                    time.advance(Duration.ofMillis(Math.min(5, limit - time.millis())));
                    return false;
                });
    }

    private void start(SimConfig simConfig, long staleMs, long maxAgeMs) {
        sim = SimServer.start(simConfig);
        BinanceRest rest = new BinanceRest(sim.restUrl(), simConfig.apiKey(),
                simConfig.apiSecret(), 5000, System::currentTimeMillis, Json.mapper());
        stream = new MarketStream(new MarketConfig(sim.wsUrl(), simConfig.symbols(),
                MarketConfig.DEFAULT_RECV_WINDOW_MS, staleMs,
                MarketConfig.DEFAULT_RECONNECT_BASE_MS, 1000, maxAgeMs, 1000), rest,
                System::currentTimeMillis, new SplittableRandom(1), scheduler);
        stream.subscribe(events::add);
        stream.start();
        await().atMost(Duration.ofSeconds(10)).until(stream::allSynced);
    }

    private void start() {
        start(SimConfig.of(List.of(BTC, "ETHUSDT"), 7).withUpdateIntervalMs(2), 2000,
                3_600_000);
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        if (sim != null) {
            sim.close();
        }
        scheduler.close();
    }

    /** Pauses the market, lets the client catch up, and compares the whole books. */
    private void assertBooksEqual() {
        sim.pause(true);
        try {
            for (String symbol : List.of(BTC, "ETHUSDT")) {
                SimExchange.BookSnapshot expected = sim.book(symbol);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    if (time != null) {
                        time.advance(Duration.ofMillis(5)); // a resync may wait on a timer
                    }
                    BookView v = stream.book(symbol, 10_000).orElseThrow();
                    assertThat(v.synced()).isTrue();
                    assertThat(v.lastUpdateId()).isEqualTo(expected.lastUpdateId());
                });
                BookView v = stream.book(symbol, 10_000).orElseThrow();
                assertThat(pairs(v.bids())).isEqualTo(expected.bids());
                assertThat(pairs(v.asks())).isEqualTo(expected.asks());
            }
        } finally {
            sim.pause(false);
        }
    }

    private static List<List<String>> pairs(List<PriceLevel> levels) {
        List<List<String>> out = new ArrayList<>();
        for (PriceLevel l : levels) {
            out.add(List.of(l.price().toPlainString(), l.qty().toPlainString()));
        }
        return out;
    }

    private long diffsApplied(String symbol) {
        return stream.book(symbol, 1).orElseThrow().lastUpdateId();
    }

    /**
     * Issue 19's defect: the simulator published {@code @bookTicker} under a name the
     * lower-cased subscription never matched, so the view's ticker fields never filled.
     */
    @Test
    void theMarketViewGetsBookTickerUpdatesFromTheSimulator() {
        startOnManualClock(SimConfig.of(List.of(BTC, "ETHUSDT"), 7).withUpdateIntervalMs(2), 2000,
                3_600_000);
        for (String symbol : List.of(BTC, "ETHUSDT")) {
            runUntil(() -> stream.book(symbol, 1).orElseThrow().tickerBid() != null,
                    time.millis() + 10_000);
            BookView v = stream.book(symbol, 1).orElseThrow();
            assertThat(v.tickerBid()).as(symbol).isNotNull();
            assertThat(v.tickerAsk()).as(symbol).isNotNull();
            assertThat(v.tickerBid().price()).isLessThan(v.tickerAsk().price());
        }
        // and they keep moving with the market
        sim.pause(true);
        SimExchange.BookSnapshot book = sim.book(BTC);
        runUntil(() -> stream.book(BTC, 1).orElseThrow().tickerBid().price().toPlainString()
                .equals(book.bids().get(0).get(0)), time.millis() + 10_000);
        assertThat(stream.book(BTC, 1).orElseThrow().tickerBid().price().toPlainString())
                .isEqualTo(book.bids().get(0).get(0));
        sim.pause(false);
    }

    @Test
    void afterThousandsOfRandomDiffsTheLocalBookEqualsTheSimulators() {
        start();
        long first = diffsApplied(BTC);
        await().atMost(Duration.ofSeconds(30)).until(() -> diffsApplied(BTC) - first > 3000);
        assertBooksEqual();
        assertThat(events).noneMatch(e -> e instanceof MarketEvent.BookResync);
    }

    @Test
    void aSequenceGapTriggersAResyncAndTheBookIsRightAfterIt() {
        start();
        sim.faults().skipDepthUpdates(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e instanceof MarketEvent.BookResync r && r.reason().equals("gap")));
        await().atMost(Duration.ofSeconds(10)).until(stream::allSynced);
        assertBooksEqual();
    }

    @Test
    void duplicatedUpdatesAreIgnoredWithoutAResync() {
        start();
        sim.faults().duplicateDepthUpdates(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.faults().duplicated() >= 50);
        assertBooksEqual();
        assertThat(events).noneMatch(e -> e instanceof MarketEvent.BookResync);
    }

    @Test
    void serverSideDisconnectsAtRandomMomentsAreRecoveredFrom() throws Exception {
        start();
        Random random = new Random(3);
        for (int i = 0; i < 5; i++) {
            Thread.sleep(50 + random.nextInt(300));
            long recovered = events.stream().filter(e -> e instanceof MarketEvent.Recovered)
                    .count();
            sim.faults().dropConnections();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .filter(e -> e instanceof MarketEvent.Recovered).count() > recovered);
        }
        assertThat(events).filteredOn(e -> e instanceof MarketEvent.Disconnected).hasSize(5);
        assertBooksEqual();
    }

    @Test
    void aSilentStreamIsDetectedAndReconnected() {
        startOnManualClock(SimConfig.of(List.of(BTC, "ETHUSDT"), 7).withUpdateIntervalMs(2), 500,
                3_600_000);
        sim.faults().silence(2000);
        long silentFrom = time.millis();
        runUntil(() -> events.stream().anyMatch(e -> e instanceof MarketEvent.Disconnected d
                && d.reason().equals("stale")), silentFrom + 10_000);
        // detected once the stream has been silent for more than staleMs, on the clock
        assertThat(time.millis() - silentFrom).isGreaterThan(500);
        runUntil(() -> events.stream().anyMatch(e -> e instanceof MarketEvent.Recovered r
                && r.cause().equals("stale")), time.millis() + 10_000);
        assertThat(events).anyMatch(e -> e instanceof MarketEvent.Disconnected d
                && d.reason().equals("stale"));
        assertThat(events).anyMatch(e -> e instanceof MarketEvent.Recovered r
                && r.cause().equals("stale"));
        assertBooksEqual();
    }

    @Test
    void aFlapIsMeasuredFromDisconnectToResynced() {
        start();
        stream.flap();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e instanceof MarketEvent.Recovered r && r.cause().equals("flap")));
        MarketEvent.Recovered r = (MarketEvent.Recovered) events.stream()
                .filter(e -> e instanceof MarketEvent.Recovered x && x.cause().equals("flap"))
                .findFirst().orElseThrow();
        assertThat(r.downMs()).isBetween(0L, 10_000L);
        assertBooksEqual();
    }

    @Test
    void aPlannedReconnectReplacesAnAgeingConnectionWithoutLosingTheBook() throws Exception {
        startOnManualClock(SimConfig.of(List.of(BTC, "ETHUSDT"), 7).withUpdateIntervalMs(2),
                2000, 1500);
        AtomicBoolean everUnsynced = new AtomicBoolean();
        // four seconds on the clock, checked at every 5 ms step: past the 1.5 s age twice
        runUntil(() -> {
            if (!stream.book(BTC, 1).orElseThrow().synced()) {
                everUnsynced.set(true);
            }
            return false;
        }, time.millis() + 4000);
        assertThat(events).anyMatch(e -> e instanceof MarketEvent.PlannedReconnect);
        assertThat(events).noneMatch(e -> e instanceof MarketEvent.Disconnected);
        assertThat(everUnsynced).isFalse();
        assertBooksEqual();
    }

    @Test
    void theExchangesTwentyFourHourCutIsSurvived() {
        // the simulator closes connections at 1.5 s; the client plans for 24 h: an unplanned
        // server close it recovers from like any other
        start(SimConfig.of(List.of(BTC, "ETHUSDT"), 7).withUpdateIntervalMs(2)
                .withMaxConnectionAgeMs(1500), 2000, 3_600_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e instanceof MarketEvent.Recovered r
                        && r.cause().equals("server-close")));
        assertBooksEqual();
    }

    @Test
    void liquidityTakenByOrdersReachesTheLocalBookToo() {
        start();
        BinanceRest rest = new BinanceRest(sim.restUrl(), sim.config().apiKey(),
                sim.config().apiSecret(), 5000, System::currentTimeMillis, Json.mapper());
        rest.syncTime();
        for (String side : List.of("BUY", "SELL", "BUY")) {
            JsonNode r = new io.spark.day9.market.BinanceOrders(rest).placeOrder(Map.of("symbol", BTC, "side", side, "type", "MARKET",
                    "quantity", "3.00000"));
            assertThat(r.path("fills").size()).isGreaterThan(1);
        }
        // the taken liquidity goes out with the simulator's next depth update: wait for it
        long after = sim.book(BTC).lastUpdateId();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.book(BTC).lastUpdateId() > after);
        assertBooksEqual();
    }

    @Test
    void restRateLimitsAreHonouredAndClockSkewIsMeasured() {
        start();
        BinanceRest rest = new BinanceRest(sim.restUrl(), "", "", 5000,
                System::currentTimeMillis, Json.mapper());
        sim.faults().rateLimit(429, 2, 500);
        assertThatThrownBy(() -> rest.depth(BTC, 5))
                .isInstanceOfSatisfying(ExchangeException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo(-1003);
                    assertThat(e.retryAfterMs()).isEqualTo(2000);
                });
        // backing off: refused locally without asking the exchange again
        long refusedBefore = Long.parseLong(sim.faults().summary().replaceAll(".*REST refused ",
                ""));
        assertThatThrownBy(() -> rest.depth(BTC, 5)).isInstanceOf(ExchangeException.class);
        assertThat(sim.faults().summary()).endsWith("REST refused " + refusedBefore);
        sim.faults().clear();
        BinanceRest fresh = new BinanceRest(sim.restUrl(), "", "", 5000,
                System::currentTimeMillis, Json.mapper());
        sim.faults().clockSkew(-30_000);
        assertThat(fresh.syncTime()).isBetween(-31_000L, -29_000L);
        sim.faults().clear();
        assertThat(fresh.exchangeInfo().path("symbols").get(0).path("filters").toString())
                .contains("PRICE_FILTER").contains("LOT_SIZE").contains("NOTIONAL");
        assertThatThrownBy(() -> fresh.depth("NOPEUSDT", 5))
                .isInstanceOfSatisfying(ExchangeException.class,
                        e -> assertThat(e.code()).isEqualTo(-1121));
        assertThat(Map.of("weight", fresh.usedWeight())).extractingByKey("weight")
                .asString().isNotEqualTo("0");
    }
}
