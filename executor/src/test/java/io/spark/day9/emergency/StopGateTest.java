package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.api.Json;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.TradingHalted;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate against every kind of scope and the REDUCING rule, on hand-computed positions. */
class StopGateTest {
    private final ManualScheduler time = new ManualScheduler();
    private final FakeDesk desk = new FakeDesk();
    @TempDir
    Path dir;

    private Emergency emergency() {
        return new Emergency(dir, desk, time.millisClock(), time, Json.mapper());
    }

    static OrderRequest order(String strategy, String symbol, String side, String qty) {
        return new OrderRequest(symbol, OrderRequest.Side.valueOf(side),
                OrderRequest.Type.MARKET, null, null, new BigDecimal(qty), strategy, "c1", null,
                ManualScheduler.START, "http");
    }

    private static boolean admitted(Emergency e, OrderRequest r, String position) {
        try {
            e.gate().admit(r, new BigDecimal(position));
            return true;
        } catch (TradingHalted h) {
            return false;
        }
    }

    private static StopRequest halt(Scope scope) {
        return new StopRequest("test", scope, TradingMode.HALTED, false, false);
    }

    private static StopRequest reduce(Scope scope) {
        return new StopRequest("test", scope, TradingMode.REDUCING, false, false);
    }

    @Test
    void nothingStoppedAdmitsEveryOrder() {
        Emergency e = emergency();
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "0")).isTrue();
        assertThat(admitted(e, order("b", "ETHUSDT", "SELL", "5"), "-3")).isTrue();
    }

    @Test
    void haltedEverythingRefusesEveryOrderNamingTheStop() {
        Emergency e = emergency();
        List<EmergencyEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        e.stop(new StopRequest("fat finger", Scope.ALL, TradingMode.HALTED, false, false),
                "admin");
        assertThatThrownBy(() -> e.gate().admit(order("a", "BTCUSDT", "SELL", "1"),
                BigDecimal.TEN)).isInstanceOfSatisfying(TradingHalted.class, h -> {
                    assertThat(h.mode()).isEqualTo("HALTED");
                    assertThat(h.scope()).isEqualTo("all");
                    assertThat(h.reason()).isEqualTo("fat finger");
                    assertThat(h.since()).isEqualTo(ManualScheduler.START);
                });
        assertThat(events).filteredOn(ev -> ev instanceof EmergencyEvent.Refused)
                .containsExactly(new EmergencyEvent.Refused("all", "HALTED"));
    }

    @Test
    void strategyScopeCoversOnlyThatStrategyOnEverySymbol() {
        Emergency e = emergency();
        e.stop(halt(Scope.of(List.of("a"), null)), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("a", "ETHUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("b", "BTCUSDT", "BUY", "1"), "0")).isTrue();
    }

    @Test
    void symbolScopeCoversOnlyThatSymbolForEveryStrategy() {
        Emergency e = emergency();
        e.stop(halt(Scope.of(null, List.of("BTCUSDT"))), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("b", "BTCUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("a", "ETHUSDT", "BUY", "1"), "0")).isTrue();
    }

    @Test
    void strategyAndSymbolScopeCoversOnlyTheirPair() {
        Emergency e = emergency();
        e.stop(halt(Scope.of(List.of("a"), List.of("BTCUSDT"))), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("a", "ETHUSDT", "BUY", "1"), "0")).isTrue();
        assertThat(admitted(e, order("b", "BTCUSDT", "BUY", "1"), "0")).isTrue();
    }

    @Test
    void reducingAdmitsOnlyOrdersThatShrinkALongWithoutCrossingZero() {
        Emergency e = emergency();
        e.stop(reduce(Scope.ALL), "admin");
        // long 2: SELL 1 and SELL 2 reduce; SELL 3 would go short; BUY adds
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "1"), "2")).isTrue();
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "2"), "2")).isTrue();
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "3"), "2")).isFalse();
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "2")).isFalse();
        assertThatThrownBy(() -> e.gate().admit(order("a", "BTCUSDT", "BUY", "0.1"),
                new BigDecimal("2"))).isInstanceOfSatisfying(TradingHalted.class,
                        h -> assertThat(h.mode()).isEqualTo("REDUCING"));
    }

    @Test
    void reducingAdmitsOnlyOrdersThatShrinkAShort() {
        Emergency e = emergency();
        e.stop(reduce(Scope.ALL), "admin");
        // short 1.5: BUY 1.5 closes it; BUY 1.6 would go long; SELL adds
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1.5"), "-1.5")).isTrue();
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "0.5"), "-1.5")).isTrue();
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1.6"), "-1.5")).isFalse();
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "0.1"), "-1.5")).isFalse();
    }

    @Test
    void reducingRefusesEveryOrderWhenFlat() {
        Emergency e = emergency();
        e.stop(reduce(Scope.ALL), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "1"), "0.000")).isFalse();
        assertThatThrownBy(() -> e.gate().admit(order("a", "BTCUSDT", "SELL", "1"), null))
                .isInstanceOf(TradingHalted.class);
    }

    @Test
    void aHaltedScopeWinsOverAReducingOneThatAlsoCovers() {
        Emergency e = emergency();
        e.stop(reduce(Scope.ALL), "admin");
        e.stop(halt(Scope.of(List.of("a"), null)), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "1"), "2")).isFalse();
        assertThat(admitted(e, order("b", "BTCUSDT", "SELL", "1"), "2")).isTrue();
        assertThat(admitted(e, order("b", "BTCUSDT", "BUY", "1"), "2")).isFalse();
    }

    @Test
    void reducingOnlyInItsScope() {
        Emergency e = emergency();
        e.stop(reduce(Scope.of(null, List.of("ETHUSDT"))), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "BUY", "1"), "0")).isTrue();
        assertThat(admitted(e, order("a", "ETHUSDT", "BUY", "1"), "0")).isFalse();
        assertThat(admitted(e, order("a", "ETHUSDT", "SELL", "1"), "1")).isTrue();
    }

    @Test
    void aNewStopOfTheSameScopeReplacesTheModeAndReason() {
        Emergency e = emergency();
        e.stop(halt(Scope.ALL), "admin");
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "1"), "2")).isFalse();
        e.stop(new StopRequest("wind down", Scope.ALL, TradingMode.REDUCING, false, false),
                "admin");
        assertThat(e.view().stops()).singleElement().satisfies(s -> {
            assertThat(s.mode()).isEqualTo(TradingMode.REDUCING);
            assertThat(s.reason()).isEqualTo("wind down");
        });
        assertThat(e.view().mode()).isEqualTo(TradingMode.REDUCING);
        assertThat(admitted(e, order("a", "BTCUSDT", "SELL", "1"), "2")).isTrue();
    }

    @Test
    void resumeOpensTheGate() {
        Emergency e = emergency();
        e.stop(halt(Scope.ALL), "admin");
        e.resume(null, "admin");
        assertThatCode(() -> e.gate().admit(order("a", "BTCUSDT", "BUY", "1"), BigDecimal.ZERO))
                .doesNotThrowAnyException();
    }

    @Test
    void reducesIsExactOnDecimals() {
        assertThat(StopGate.reduces(order("a", "X1", "SELL", "0.30"), new BigDecimal("0.3")))
                .isTrue();
        assertThat(StopGate.reduces(order("a", "X1", "SELL", "0.3000001"),
                new BigDecimal("0.3"))).isFalse();
    }
}
