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
}
