package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-man switch on the manual clock: fires, re-arms, disarms, survives a restart. */
class DeadManSwitchTest {
    private static final Scope STRATEGY_A = Scope.of(List.of("a"), null);
    private final ManualScheduler time = new ManualScheduler();
    private final FakeDesk desk = new FakeDesk();
    private final List<EmergencyEvent> events = new ArrayList<>();
    @TempDir
    Path dir;

    private Emergency started() {
        Emergency e = new Emergency(dir, desk, time.millisClock(), time, Json.mapper());
        e.subscribe(events::add);
        e.start();
        return e;
    }

    private void advance(long ms) {
        time.advance(Duration.ofMillis(ms));
    }

    @Test
    void shouldStopItsScopeWhenNoHeartbeatComesWithinTheTimeout() {
        Emergency e = started();
        DeadManView v = e.heartbeat(30_000, STRATEGY_A, "bot");
        assertThat(v).isEqualTo(new DeadManView(true, 30_000, STRATEGY_A, ManualScheduler.START,
                ManualScheduler.START + 30_000));
        advance(29_999);
        assertThat(e.view().stops()).isEmpty();
        assertThat(desk.calls).isEmpty();
        advance(1);
        assertThat(e.view().stops()).singleElement().satisfies(s -> {
            assertThat(s.scope()).isEqualTo(STRATEGY_A);
            assertThat(s.mode()).isEqualTo(TradingMode.HALTED);
            assertThat(s.reason()).isEqualTo("dead-man");
            assertThat(s.actor()).isEqualTo("dead-man");
            assertThat(s.since()).isEqualTo(ManualScheduler.START + 30_000);
            assertThat(s.completed()).isTrue();
        });
        assertThat(desk.calls).containsExactly("chaosOff", "cancel strategy=a", "pause false",
                "read strategy=a");
        assertThat(e.view().deadMan().armed()).isFalse();
        assertThat(events).extracting(ev -> ev.getClass().getSimpleName()).containsExactly(
                "DeadManArmed", "DeadManFired", "Stopped", "Verified");
        assertThat(events.get(1)).isEqualTo(new EmergencyEvent.DeadManFired(v));
        // disarmed: it does not fire again
        advance(120_000);
        assertThat(events).hasSize(4);
    }

    @Test
    void aHeartbeatPostponesTheFiring() {
        Emergency e = started();
        e.heartbeat(10_000, Scope.ALL, "bot");
        advance(9_000);
        DeadManView v = e.heartbeat(10_000, Scope.ALL, "bot");
        assertThat(v.firesAt()).isEqualTo(ManualScheduler.START + 19_000);
        advance(9_999);
        assertThat(e.view().stops()).isEmpty();
        advance(1);
        assertThat(e.view().stops()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("dead-man"));
        assertThat(events).filteredOn(ev -> ev instanceof EmergencyEvent.DeadManArmed)
                .extracting(ev -> ((EmergencyEvent.DeadManArmed) ev).first())
                .containsExactly(true, false);
    }

    @Test
    void disarmCancelsTheTimer() {
        Emergency e = started();
        e.heartbeat(5_000, Scope.ALL, "bot");
        assertThat(e.disarm("admin")).isTrue();
        assertThat(e.disarm("admin")).isFalse();
        assertThat(e.view().deadMan()).isEqualTo(DeadManView.DISARMED);
        advance(60_000);
        assertThat(e.view().stops()).isEmpty();
        assertThat(events).extracting(ev -> ev.getClass().getSimpleName())
                .containsExactly("DeadManArmed", "DeadManDisarmed");
    }

    @Test
    void aRestartKeepsItArmedCountingFromTheRestart() {
        Emergency first = started();
        first.heartbeat(30_000, STRATEGY_A, "bot");
        advance(20_000);
        first.stop();

        advance(25_000); // down for 25 s: the old deadline passed while nobody watched
        Emergency second = started();
        long restart = ManualScheduler.START + 45_000;
        assertThat(second.view().deadMan()).isEqualTo(new DeadManView(true, 30_000, STRATEGY_A,
                restart, restart + 30_000));
        advance(29_999);
        assertThat(second.view().stops()).isEmpty();
        advance(1);
        assertThat(second.view().stops()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("dead-man"));
        // the firing is durable too: disarmed and stopped after another restart
        second.stop();
        Emergency third = started();
        assertThat(third.view().deadMan().armed()).isFalse();
        assertThat(third.view().stops()).hasSize(1);
    }

    @Test
    void aSteadyHeartbeatDoesNotRewriteTheStateFile() throws Exception {
        Emergency e = started();
        e.heartbeat(30_000, Scope.ALL, "bot");
        Path file = dir.resolve("state.json");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        for (int i = 0; i < 5; i++) {
            advance(1_000);
            e.heartbeat(30_000, Scope.ALL, "bot");
        }
        assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
        e.heartbeat(60_000, Scope.ALL, "bot"); // a new timeout is persisted
        assertThat(Files.getLastModifiedTime(file).toMillis()).isNotZero();
        JsonNode j = Json.mapper().readTree(file.toFile());
        assertThat(j.at("/deadMan/armed").asBoolean()).isTrue();
        assertThat(j.at("/deadMan/timeoutMs").asLong()).isEqualTo(60_000);
    }

    @Test
    void aTimeoutOutOfRangeIsRefusedWithTheNumbers() {
        Emergency e = started();
        assertThatThrownBy(() -> e.heartbeat(999, Scope.ALL, "bot"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeoutMs").hasMessageContaining("1000")
                .hasMessageContaining("86400000").hasMessageContaining("999");
        assertThatThrownBy(() -> e.heartbeat(86_400_001, Scope.ALL, "bot"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("86400001");
        assertThat(e.view().deadMan().armed()).isFalse();
        e.heartbeat(1_000, Scope.ALL, "bot");
        e.heartbeat(86_400_000, Scope.ALL, "bot");
    }

    @Test
    void aHeartbeatBeforeStartArmsTheTimerAtStart() {
        Emergency e = new Emergency(dir, desk, time.millisClock(), time, Json.mapper());
        e.heartbeat(2_000, Scope.ALL, "bot");
        advance(5_000);
        assertThat(e.view().stops()).isEmpty();
        e.start();
        advance(2_000);
        assertThat(e.view().stops()).hasSize(1);
    }
}
