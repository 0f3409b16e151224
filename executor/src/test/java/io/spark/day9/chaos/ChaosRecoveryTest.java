package io.spark.day9.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BinanceRest;
import io.spark.day9.market.BookView;
import io.spark.day9.market.ExchangeException;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Flaps and exchange faults against a real executor following the embedded simulator over real
 * sockets: each is injected, detected by the client, recovered from, and measured.
 */
class ChaosRecoveryTest {
    @TempDir
    Path dir;
    private TestExecutor server;
    /** Set for tests tagged {@value #MANUAL}: the executor's clock and timers. */
    private ManualScheduler time;
    private static final String MANUAL = "manual-clock";
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger engineLog = (Logger) LoggerFactory.getLogger(ChaosEngine.class);

    @BeforeEach
    void start(TestInfo test) throws Exception {
        Map<String, String> env = Map.of("QUEUE_WORKER_ENABLED", "false",
                "MARKET_STALE_MS", "1000", "CHAOS_RECOVERY_DEADLINE_MS", "5000");
        if (test.getTags().contains(MANUAL)) {
            time = new ManualScheduler();
            server = TestExecutor.start(dir, env, time);
        } else {
            server = TestExecutor.start(dir, env);
        }
        logs.start();
        engineLog.setLevel(ch.qos.logback.classic.Level.INFO); // the CLI default is WARN
        engineLog.addAppender(logs);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.executor().market().stream()
                .allSynced());
    }

    @AfterEach
    void stop() {
        engineLog.detachAppender(logs);
        engineLog.setLevel(null);
        server.close();
    }

    /**
     * Moves the manual clock in 5 ms steps, each once real work (sockets, snapshots) has had a
     * millisecond, until {@code done} holds or the clock reaches {@code limit}; the simulated
     * market and the client's reconnect timers move with it. True when {@code done} held.
     */
    private boolean runUntil(java.util.concurrent.Callable<Boolean> done, long limit) {
        return runUntil(done, limit, 5);
    }

    /** As {@link #runUntil(java.util.concurrent.Callable, long)} in steps of {@code stepMs}. */
    private boolean runUntil(java.util.concurrent.Callable<Boolean> done, long limit,
                             long stepMs) {
        boolean[] held = new boolean[1];
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    if (done.call()) {
                        held[0] = true;
                        return true;
                    }
                    if (time.millis() >= limit) {
                        return true;
                    }
                    time.advance(Duration.ofMillis(Math.min(stepMs, limit - time.millis())));
                    return false;
                });
        return held[0];
    }

    /**
     * Moves the clock to {@code t} in the same small steps: one jump past the stale threshold
     * would outrun the messages the simulated market sends on the way.
     */
    private void advanceTo(long t) {
        runUntil(() -> false, t);
    }

    private JsonNode toggle(String body) throws Exception {
        var r = server.post("/api/private/chaos/toggle", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private double metric(String name, String labels) throws Exception {
        String text = server.get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " (\\S+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private void assertBookMatchesTheSimulator() {
        SimExchange sim = server.executor().sim();
        sim.pause(true);
        try {
            for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
                long expected = sim.book(symbol).lastUpdateId();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    if (time != null) {
                        time.advance(Duration.ofMillis(5)); // a resync may wait on a timer
                    }
                    BookView v = server.executor().market().book(symbol, 5000).orElseThrow();
                    assertThat(v.synced()).isTrue();
                    assertThat(v.lastUpdateId()).isEqualTo(expected);
                });
                BookView v = server.executor().market().book(symbol, 5000).orElseThrow();
                assertThat(v.bids().size()).isEqualTo(sim.book(symbol).bids().size());
                assertThat(v.bestBid().orElseThrow().price().toPlainString())
                        .isEqualTo(sim.book(symbol).bids().get(0).get(0));
            }
        } finally {
            sim.pause(false);
        }
    }

    @Test
    @Tag(MANUAL)
    void aFlapEverySecondForTwentySecondsRecoversEveryTime() throws Exception {
        ChaosEngine engine = server.executor().chaos();
        toggle("{\"wsFlapSec\":1}");
        long t0 = time.millis();
        // twenty seconds on the executor's clock: a flap at each whole second, then the client
        // reconnects, resubscribes and resyncs while the clock and the simulated market move on
        for (int s = 1; s <= 20; s++) {
            advanceTo(t0 + s * 1_000L);
            runUntil(() -> engine.state().pendingRecoveries() == 0, t0 + s * 1_000L + 900);
        }
        toggle("{\"wsFlapSec\":0}");
        assertThat(runUntil(() -> engine.state().pendingRecoveries() == 0, time.millis() + 5_000))
                .isTrue();
        ChaosEngine.State st = engine.state();
        assertThat(st.flaps()).isBetween(15L, 20L);
        assertThat(st.recoveries()).isEqualTo(st.flaps());
        assertThat(st.recoveryFailures()).isZero();
        assertThat(metric("spark_chaos_ws_flaps_total", "")).isEqualTo(st.flaps());
        assertThat(metric("spark_chaos_recovery_total", "{fault=\"ws-flap\"}"))
                .isEqualTo(st.flaps());
        assertThat(metric("spark_chaos_recovery_seconds_count", "{fault=\"ws-flap\"}"))
                .isEqualTo(st.flaps());
        assertThat(metric("spark_chaos_recovery_failed_total", "{fault=\"ws-flap\"}")).isZero();
        assertThat(metric("spark_ws_disconnects_total", "{reason=\"flap\"}"))
                .isEqualTo(st.flaps());
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines.stream().filter(l -> l.contains("ws flap #"))).hasSize((int) st.flaps());
        assertThat(lines.stream().filter(l -> l.contains("ws flap recovered")))
                .hasSize((int) st.flaps());
        assertBookMatchesTheSimulator();
    }

    private void injectAndAwaitRecovery(String fault) throws Exception {
        double before = metric("spark_chaos_recovery_total", "{fault=\"" + fault + "\"}");
        var r = server.post("/api/private/chaos/inject", "{\"fault\":\"" + fault + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                metric("spark_chaos_recovery_total", "{fault=\"" + fault + "\"}") > before);
        assertThat(metric("spark_chaos_recovery_failed_total", "{fault=\"" + fault + "\"}"))
                .isZero();
        assertThat(metric("spark_chaos_exchange_faults_total", "{fault=\"" + fault + "\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void everyExchangeFaultIsDetectedAndRecoveredFrom() throws Exception {
        double staleBefore = metric("spark_ws_disconnects_total", "{reason=\"stale\"}");
        injectAndAwaitRecovery("stale");
        assertThat(metric("spark_ws_disconnects_total", "{reason=\"stale\"}"))
                .isGreaterThan(staleBefore); // detected as a silent stream
        double gapsBefore = metric("spark_market_book_resyncs_total",
                "{reason=\"gap\",symbol=\"BTCUSDT\"}") + metric("spark_market_book_resyncs_total",
                "{reason=\"gap\",symbol=\"ETHUSDT\"}");
        injectAndAwaitRecovery("gap");
        assertThat(metric("spark_market_book_resyncs_total", "{reason=\"gap\",symbol=\"BTCUSDT\"}")
                + metric("spark_market_book_resyncs_total", "{reason=\"gap\",symbol=\"ETHUSDT\"}"))
                .isGreaterThan(gapsBefore); // detected as a sequence gap
        long dupsBefore = server.executor().market().stream().duplicatesIgnored();
        injectAndAwaitRecovery("duplicate");
        assertThat(server.executor().market().stream().duplicatesIgnored())
                .isGreaterThan(dupsBefore); // dropped, not applied twice
        injectAndAwaitRecovery("rate-limit");
        // clock skew is a setting: the next signed call meets -1021, re-measures, succeeds
        BinanceRest rest = server.executor().market().rest();
        long resyncs = rest.clockResyncs();
        double skewBefore = metric("spark_chaos_recovery_total", "{fault=\"clock-skew\"}");
        toggle("{\"exchange\":{\"clockSkewMs\":30000}}");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric("spark_chaos_recovery_total", "{fault=\"clock-skew\"}") > skewBefore);
        assertThat(rest.clockResyncs()).isGreaterThan(resyncs);
        toggle("{\"exchange\":{\"clockSkewMs\":0}}");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric("spark_chaos_recovery_total", "{fault=\"clock-skew\"}") > skewBefore + 1);
        assertThat(server.executor().chaos().state().recoveryFailures()).isZero();
        assertBookMatchesTheSimulator();
    }

    @Test
    @Tag(MANUAL)
    void periodicExchangeFaultsRunUntilSwitchedOff() throws Exception {
        toggle("{\"exchange\":{\"gapEverySec\":1,\"duplicateEverySec\":1}}");
        assertThat(runUntil(() -> metric("spark_chaos_recovery_total", "{fault=\"gap\"}") >= 3
                && metric("spark_chaos_recovery_total", "{fault=\"duplicate\"}") >= 3,
                time.millis() + 15_000, 25)).isTrue(); // a scrape per step: larger steps
        JsonNode off = toggle("{\"enabled\":false}");
        assertThat(off.get("exchange").get("gapEverySec").asInt()).isZero();
        double gaps = metric("spark_chaos_exchange_faults_total", "{fault=\"gap\"}");
        advanceTo(time.millis() + 2_500); // two and a half periods: none comes
        assertThat(metric("spark_chaos_exchange_faults_total", "{fault=\"gap\"}")).isEqualTo(gaps);
        assertBookMatchesTheSimulator();
    }

    @Test
    void outboundFaultsMeetRetriesAndTheCircuitBreakerAndNeverRepeatAnUnnamedOrder()
            throws Exception {
        BinanceRest rest = server.executor().market().rest();
        // 20 %: retries make nearly every idempotent call succeed
        toggle("{\"outbound\":{\"errorPct\":20}}");
        long retries = rest.retries();
        int ok = 0;
        for (int i = 0; i < 100; i++) {
            try {
                rest.ping();
                ok++;
            } catch (ExchangeException e) {
                assertThat(e.getMessage()).contains("chaos: injected");
            }
        }
        assertThat(ok).isGreaterThanOrEqualTo(95); // 1 - 0.2^3 ≈ 99.2 %
        assertThat(rest.retries()).isGreaterThan(retries);
        assertThat(metric("spark_chaos_outbound_errors_total", "{endpoint=\"GET /api/v3/ping\"}"))
                .isGreaterThan(0);
        assertThat(rest.circuitState()).isEqualTo("CLOSED");
        // 100 %: an order without a client order id is tried once, one with an id is retried
        toggle("{\"outbound\":{\"errorPct\":100}}");
        long before = rest.retries();
        assertThatThrownBy(() -> new io.spark.day9.market.BinanceOrders(rest).placeOrder(Map.of("symbol", "BTCUSDT", "side", "BUY",
                "type", "MARKET", "quantity", "0.001"))).isInstanceOf(ExchangeException.class);
        assertThat(rest.retries()).isEqualTo(before);
        assertThatThrownBy(() -> new io.spark.day9.market.BinanceOrders(rest).placeOrder(Map.of("symbol", "BTCUSDT", "side", "BUY",
                "type", "MARKET", "quantity", "0.001", "newClientOrderId", "c-1")))
                .isInstanceOf(ExchangeException.class);
        assertThat(rest.retries()).isEqualTo(before + 2);
        assertThat(server.executor().sim().ordersPlaced()).isZero();
        // enough failures open the breaker: calls then fail fast without being sent
        for (int i = 0; i < 40 && !rest.circuitState().equals("OPEN"); i++) {
            try {
                rest.ping();
            } catch (ExchangeException expected) {
                // injected
            }
        }
        assertThat(rest.circuitState()).isEqualTo("OPEN");
        assertThat(metric("spark_exchange_circuit_open", "")).isEqualTo(1);
        toggle("{\"outbound\":{\"errorPct\":0}}");
        assertThatThrownBy(rest::ping).hasMessageContaining("circuit open");
    }
}
