package io.spark.day9.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChaosEngineTest {
    private final ManualScheduler time = new ManualScheduler(1_000_000);

    private ChaosEngine engine(boolean production, boolean allow) {
        return new ChaosEngine(new ChaosEngine.Config(ChaosSettings.off(), production, allow,
                10_000, 5_000), time.millisClock(), time);
    }

    private static ChaosPatch patch(String json) throws Exception {
        return io.spark.day9.api.Json.mapper().readValue(json, ChaosPatch.class);
    }

    @Test
    void theGuidesBodyTurnsChaosOnAndOmittedFieldsKeepTheirValue() throws Exception {
        ChaosEngine e = engine(false, false);
        e.apply(patch("{\"httpErrorPct\":15,\"latencyMs\":200,\"wsFlapSec\":10}"), "t");
        e.apply(patch("{\"latencyMs\":50}"), "t");
        ChaosSettings s = e.state().settings();
        assertThat(s.httpErrorPct()).isEqualTo(15);
        assertThat(s.latencyMs()).isEqualTo(50);
        assertThat(s.wsFlapSec()).isEqualTo(10);
        assertThat(e.state().active()).isTrue();
        assertThat(e.state().expiresAt()).isEqualTo(time.millis() + 900_000);
        e.apply(patch("{\"httpErrorPct\":0,\"latencyMs\":0,\"wsFlapSec\":0}"), "t");
        assertThat(e.state().active()).isFalse();
        assertThat(e.state().expiresAt()).isZero();
    }

    @Test
    void outOfRangeValuesNameTheFieldAndChangeNothing() throws Exception {
        ChaosEngine e = engine(false, false);
        e.apply(patch("{\"httpErrorPct\":5}"), "t");
        for (String[] c : new String[][] {
                {"{\"httpErrorPct\":101}", "httpErrorPct"},
                {"{\"httpErrorPct\":-1}", "httpErrorPct"},
                {"{\"latencyMs\":60001}", "latencyMs"},
                {"{\"wsFlapSec\":-1}", "wsFlapSec"},
                {"{\"errorStatus\":404}", "errorStatus"},
                {"{\"ttlSec\":0}", "ttlSec"},
                {"{\"routes\":[\"no-slash\"]}", "routes[0]"},
                {"{\"exclude\":[\"/ok\",\"/bad path\"]}", "exclude[1]"},
                {"{\"outbound\":{\"errorPct\":200}}", "outbound.errorPct"},
                {"{\"exchange\":{\"rateLimitStatus\":500}}", "exchange.rateLimitStatus"}}) {
            assertThatThrownBy(() -> e.apply(patch(c[0]), "t"))
                    .as(c[0]).isInstanceOfSatisfying(ChaosException.Invalid.class,
                            ex -> assertThat(ex.field()).isEqualTo(c[1]));
        }
        assertThat(e.state().settings().httpErrorPct()).isEqualTo(5);
    }

    @Test
    void productionRefusesTurningChaosOnButAlwaysAllowsOff() throws Exception {
        ChaosEngine e = engine(true, false);
        assertThatThrownBy(() -> e.apply(patch("{\"httpErrorPct\":1}"), "t"))
                .isInstanceOf(ChaosException.Forbidden.class)
                .hasMessageContaining("CHAOS_ALLOW_PRODUCTION");
        e.apply(ChaosPatch.allOff(), "t");
        assertThat(e.state().active()).isFalse();
        ChaosEngine allowed = engine(true, true);
        allowed.apply(patch("{\"httpErrorPct\":1}"), "t");
        assertThat(allowed.state().active()).isTrue();
    }

    @Test
    void exchangeFaultsNeedTheSimulator() throws Exception {
        ChaosEngine e = engine(false, false);
        assertThatThrownBy(() -> e.apply(patch("{\"exchange\":{\"gapEverySec\":2}}"), "t"))
                .isInstanceOf(ChaosException.Unavailable.class);
        assertThatThrownBy(() -> e.inject(ExchangeFault.GAP))
                .isInstanceOf(ChaosException.Unavailable.class);
    }

    @Test
    void theErrorRateLiesInsideTheBinomialInterval() throws Exception {
        ChaosEngine e = engine(false, false);
        e.apply(patch("{\"httpErrorPct\":15}"), "t");
        int n = 10_000;
        int errors = 0;
        for (int i = 0; i < n; i++) {
            HttpFault f = e.inbound("/api/private/x");
            if (f.fails()) {
                assertThat(f.status()).isEqualTo(503);
                errors++;
            }
        }
        // 99.9 % two-sided normal interval of Binomial(10 000, 0.15): 1500 ± 3.29·35.7
        assertThat(errors).isBetween(1383, 1617);
    }

    @Test
    void aSeedMakesTheDrawsRepeat() throws Exception {
        ChaosEngine a = engine(false, false);
        ChaosEngine b = engine(false, false);
        String body = "{\"httpErrorPct\":30,\"latencyJitterMs\":50,\"seed\":7}";
        a.apply(patch(body), "t");
        b.apply(patch(body), "t");
        List<HttpFault> ra = new ArrayList<>();
        List<HttpFault> rb = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ra.add(a.inbound("/x"));
            rb.add(b.inbound("/x"));
        }
        assertThat(ra).isEqualTo(rb);
        assertThat(ra.stream().filter(HttpFault::fails).count()).isBetween(100L, 200L);
        assertThat(ra.stream().mapToLong(HttpFault::latencyMs).max().orElse(0)).isLessThanOrEqualTo(50);
        // applying the same settings again restarts the sequence
        a.apply(patch("{\"seed\":7}"), "t");
        assertThat(a.inbound("/x")).isEqualTo(ra.get(0));
    }

    @Test
    void theRampGrowsLinearlyToItsTarget() throws Exception {
        ChaosEngine e = engine(false, false);
        e.apply(patch("{\"httpErrorPct\":40,\"rampSec\":10}"), "t");
        assertThat(e.state().effectiveErrorPct()).isZero();
        time.advance(Duration.ofMillis(2_500));
        assertThat(e.state().effectiveErrorPct()).isEqualTo(10.0);
        time.advance(Duration.ofMillis(5_000));
        assertThat(e.state().effectiveErrorPct()).isEqualTo(30.0);
        time.advance(Duration.ofMillis(60_000));
        assertThat(e.state().effectiveErrorPct()).isEqualTo(40.0);
        // a change of something else does not restart the ramp
        e.apply(patch("{\"latencyMs\":1}"), "t");
        assertThat(e.state().effectiveErrorPct()).isEqualTo(40.0);
        // a new target does
        e.apply(patch("{\"httpErrorPct\":80}"), "t");
        assertThat(e.state().effectiveErrorPct()).isZero();
    }

    @Test
    void scopeIncludesAndExcludesByGlob() throws Exception {
        ChaosEngine e = engine(false, false);
        e.apply(patch("{\"httpErrorPct\":100,\"routes\":[\"/api/private/queue/**\"],"
                + "\"exclude\":[\"/api/private/queue/*/stats\",\"/api/private/queue/stats\"]}"), "t");
        assertThat(e.inbound("/api/private/queue/enqueue").fails()).isTrue();
        assertThat(e.inbound("/api/private/queue/signals/enqueue").fails()).isTrue();
        assertThat(e.inbound("/api/private/queue").fails()).isTrue();
        assertThat(e.inbound("/api/private/queue/stats").fails()).isFalse();
        assertThat(e.inbound("/api/private/queue/signals/stats").fails()).isFalse();
        assertThat(e.inbound("/api/private/market/book").fails()).isFalse();
        assertThat(e.inbound("/api/private/queueX").fails()).isFalse();
    }

    @Test
    void offMeansNothingAndNoEvents() {
        ChaosEngine e = engine(false, false);
        List<ChaosEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        for (int i = 0; i < 1000; i++) {
            assertThat(e.inbound("/api/private/x")).isSameAs(HttpFault.NONE);
            assertThat(e.outbound("GET /api/v3/depth")).isSameAs(HttpFault.NONE);
        }
        assertThat(events).isEmpty();
    }

    @Test
    void changesAreReportedWithBeforeAndAfter() throws Exception {
        ChaosEngine e = engine(false, false);
        List<ChaosEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        e.apply(patch("{\"httpErrorPct\":15}"), "alice");
        assertThat(events).singleElement().isInstanceOfSatisfying(ChaosEvent.Changed.class, c -> {
            assertThat(c.actor()).isEqualTo("alice");
            assertThat(c.before().httpErrorPct()).isZero();
            assertThat(c.after().httpErrorPct()).isEqualTo(15);
        });
    }

    @Test
    void anOperatorsFlapIsPublishedWithTheActorAndWhetherItHappened() {
        ChaosEngine e = engine(false, false);
        List<ChaosEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        // no market attached: the flap is skipped, and the event says so
        assertThat(e.flapNow("alice")).isFalse();
        assertThat(events).containsExactly(new ChaosEvent.FlapAsked("alice", false));
    }

    @Test
    void aRefusedInjectPublishesNothing() {
        ChaosEngine e = engine(false, false);
        List<ChaosEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        // no simulator attached: exchange faults are unavailable
        assertThatThrownBy(() -> e.inject(ExchangeFault.GAP, "alice"))
                .isInstanceOf(ChaosException.Unavailable.class);
        assertThat(events).isEmpty();
    }

    @Test
    void flapsAreSkippedWhileStillRecoveringAndAMissedDeadlineCountsAsFailed() {
        ChaosEngine e = engine(false, false);
        List<ChaosEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        AtomicLong flapped = new AtomicLong();
        e.attachMarket(new ChaosTargets.Market() {
            public boolean connected() {
                return true;
            }

            public boolean allSynced() {
                return true;
            }

            public void flap() {
                flapped.incrementAndGet();
            }

            public long duplicatesIgnored() {
                return 0;
            }
        });
        assertThat(e.flapNow()).isTrue();
        assertThat(e.flapNow()).isFalse(); // the first has not recovered yet
        time.advance(Duration.ofMillis(120));
        e.onMarketEvent(new io.spark.day9.market.MarketEvent.Recovered(2, 100, "flap"));
        assertThat(e.flapNow()).isTrue();
        time.advance(Duration.ofMillis(10_001));
        e.checkNow();
        assertThat(flapped.get()).isEqualTo(2);
        assertThat(events).filteredOn(ev -> ev instanceof ChaosEvent.Recovered)
                .singleElement().isEqualTo(new ChaosEvent.Recovered("ws-flap", 120));
        assertThat(events).filteredOn(ev -> ev instanceof ChaosEvent.RecoveryFailed)
                .singleElement().isEqualTo(new ChaosEvent.RecoveryFailed("ws-flap", 10_001));
        assertThat(e.state().recoveries()).isEqualTo(1);
        assertThat(e.state().recoveryFailures()).isEqualTo(1);
    }

    private ChaosTargets.Market fakeMarket(AtomicLong flapped) {
        return new ChaosTargets.Market() {
            public boolean connected() {
                return true;
            }

            public boolean allSynced() {
                return true;
            }

            public void flap() {
                flapped.incrementAndGet();
            }

            public long duplicatesIgnored() {
                return 0;
            }
        };
    }

    @Test
    void theTtlSwitchesEverythingOffExactlyTtlSecAfterTheLastChange() throws Exception {
        ChaosEngine e = engine(false, false);
        e.start();
        List<ChaosEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        e.apply(patch("{\"httpErrorPct\":5,\"ttlSec\":2}"), "t");
        time.advance(Duration.ofMillis(1_000));
        e.apply(patch("{\"latencyMs\":3}"), "t"); // re-arms the TTL
        time.advance(Duration.ofMillis(1_999));
        assertThat(e.state().active()).isTrue();
        time.advance(Duration.ofMillis(1));
        assertThat(e.state().active()).isFalse();
        assertThat(e.state().settings()).isEqualTo(ChaosSettings.off());
        assertThat(events).filteredOn(ev -> ev instanceof ChaosEvent.Changed c
                && c.actor().equals("chaos-ttl")).hasSize(1);
        e.stop();
    }

    private void advanceTo(long t) {
        time.advance(Duration.ofMillis(t - time.millis()));
    }

    @Test
    void periodicFlapsRunEveryPeriodOnTheClockAndStopWhenSwitchedOff() throws Exception {
        ChaosEngine e = engine(false, false);
        AtomicLong flapped = new AtomicLong();
        e.attachMarket(fakeMarket(flapped));
        e.start();
        e.apply(patch("{\"wsFlapSec\":2}"), "t");
        long t0 = time.millis();
        for (int i = 1; i <= 5; i++) {
            advanceTo(t0 + i * 2_000L - 1);
            assertThat(flapped.get()).isEqualTo(i - 1);
            time.advance(Duration.ofMillis(1));
            assertThat(flapped.get()).isEqualTo(i);
            time.advance(Duration.ofMillis(40)); // the client is back 40 ms later
            e.onMarketEvent(new io.spark.day9.market.MarketEvent.Recovered(i, 40, "flap"));
        }
        assertThat(e.state().flaps()).isEqualTo(5);
        assertThat(e.state().recoveries()).isEqualTo(5);
        assertThat(e.state().recoveryFailures()).isZero();
        e.apply(patch("{\"wsFlapSec\":0}"), "t");
        time.advance(Duration.ofSeconds(60));
        assertThat(flapped.get()).isEqualTo(5);
        e.stop();
    }

    /** Counts what the engine asks of the simulator. */
    private static final class FakeHooks implements ChaosTargets.ExchangeHooks {
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong cleared = new AtomicLong();

        public void silence(long ms) {
        }

        public void skipDepthUpdates(int n) {
            gaps.incrementAndGet();
        }

        public void duplicateDepthUpdates(int n) {
        }

        public void rateLimit(int status, int retryAfterSec, long ms) {
        }

        public void clockSkew(long ms) {
        }

        public void clear() {
            cleared.incrementAndGet();
        }
    }

    @Test
    void periodicExchangeFaultsRunEveryPeriodUntilSwitchedOffAndUnrecoveredOnesFail()
            throws Exception {
        ChaosEngine e = engine(false, false);
        FakeHooks hooks = new FakeHooks();
        e.attachExchange(hooks, null);
        e.start();
        e.apply(patch("{\"exchange\":{\"gapEverySec\":3}}"), "t");
        time.advance(Duration.ofMillis(8_999));
        assertThat(hooks.gaps.get()).isEqualTo(2);
        time.advance(Duration.ofMillis(1));
        assertThat(hooks.gaps.get()).isEqualTo(3);
        // nothing resolved them: each fails at the first check past recoveryDeadlineMs (10 s)
        time.advance(Duration.ofMillis(4_000)); // the first gap's deadline: not yet past
        assertThat(e.state().recoveryFailures()).isZero();
        time.advance(Duration.ofMillis(ChaosEngine.CHECK_MS));
        assertThat(e.state().recoveryFailures()).isEqualTo(1);
        assertThat(hooks.gaps.get()).isEqualTo(4); // the fourth came at 12 s
        e.apply(patch("{\"enabled\":false}"), "t");
        assertThat(e.faultTasks()).isEmpty();
        time.advance(Duration.ofSeconds(60));
        assertThat(hooks.gaps.get()).isEqualTo(4);
        assertThat(e.state().pendingRecoveries()).isZero();
        e.stop();
    }

    @Test
    void chaosOffResetsScopeRampSeedOutboundAndExchangeSoTheGuidesBodyMeansExactlyThat()
            throws Exception {
        ChaosEngine e = engine(false, false);
        e.attachExchange(new FakeHooks(), null);
        // `chaos on --ramp-sec 300 --routes '/api/private/queue/**'`, with more besides
        e.apply(patch("{\"httpErrorPct\":15,\"latencyMs\":200,\"rampSec\":300,"
                + "\"routes\":[\"/api/private/queue/**\"],\"exclude\":[\"/x\"],\"seed\":3,"
                + "\"errorStatus\":502,\"ttlSec\":60,\"outbound\":{\"errorPct\":5},"
                + "\"exchange\":{\"gapEverySec\":5}}"), "t");
        e.apply(ChaosPatch.allOff(), "t"); // `chaos off`
        assertThat(e.state().settings()).isEqualTo(ChaosSettings.off());
        e.apply(patch("{\"httpErrorPct\":15,\"latencyMs\":200,\"wsFlapSec\":10}"), "t");
        ChaosSettings s = e.state().settings();
        assertThat(s).isEqualTo(new ChaosSettings(15, 503, 200, 0, 10, List.of(), List.of(),
                ChaosSettings.DEFAULT_TTL_SEC, 0, null, ChaosSettings.Outbound.OFF,
                ChaosSettings.Exchange.OFF));
        // every route, at the full rate, now (the clock has not moved)
        assertThat(e.state().effectiveErrorPct()).isEqualTo(15.0);
        int n = 10_000;
        int errors = 0;
        int delayed = 0;
        for (int i = 0; i < n; i++) {
            HttpFault f = e.inbound("/api/private/market/book");
            delayed += f.latencyMs() == 200 ? 1 : 0;
            errors += f.fails() ? 1 : 0;
        }
        assertThat(delayed).isEqualTo(n);
        assertThat(errors).isBetween(1383, 1617); // Binomial(10 000, 0.15), 99.9 %
    }

    @Test
    void everyWayOfSwitchingOffStartsTheNextOnClean() throws Exception {
        ChaosEngine e = engine(false, false);
        e.start();
        String scoped = "{\"httpErrorPct\":15,\"rampSec\":300,\"routes\":[\"/q/**\"],"
                + "\"ttlSec\":5}";
        // `{"enabled":false}`
        e.apply(patch(scoped), "t");
        e.apply(patch("{\"enabled\":false}"), "t");
        assertThat(e.state().settings()).isEqualTo(ChaosSettings.off());
        // every fault set to 0 (the guide's emergency body)
        e.apply(patch(scoped), "t");
        e.apply(patch("{\"httpErrorPct\":0,\"latencyMs\":0,\"wsFlapSec\":0}"), "t");
        assertThat(e.state().settings()).isEqualTo(ChaosSettings.off());
        // the TTL
        e.apply(patch(scoped), "t");
        time.advance(Duration.ofSeconds(5));
        assertThat(e.state().settings()).isEqualTo(ChaosSettings.off());
        // a field named beside "enabled":false is kept, and a later "on" builds on it
        e.apply(patch("{\"enabled\":false,\"routes\":[\"/q/**\"]}"), "t");
        assertThat(e.state().settings().routes()).containsExactly("/q/**");
        e.apply(patch("{\"httpErrorPct\":100}"), "t");
        assertThat(e.inbound("/other").fails()).isFalse();
        assertThat(e.inbound("/q/x").fails()).isTrue();
        e.stop();
    }
}
