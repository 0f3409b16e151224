package io.spark.day9.emergency;

import static io.spark.day9.emergency.StopGateTest.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.shadow.TradingHalted;
import io.spark.day9.testing.ManualScheduler;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop's steps, its durability across restarts, resume, health and the state section. */
class EmergencyTest {
    private final ManualScheduler time = new ManualScheduler();
    private final FakeDesk desk = new FakeDesk();
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("emergency");
    }

    private Emergency emergency(FakeDesk d) {
        return new Emergency(dir(), d, time.millisClock(), time, Json.mapper());
    }

    private static boolean refused(Emergency e, String strategy, String symbol) {
        try {
            e.gate().admit(order(strategy, symbol, "BUY", "1"), BigDecimal.ZERO);
            return false;
        } catch (TradingHalted h) {
            return true;
        }
    }

    private JsonNode stateFile() throws Exception {
        return Json.mapper().readTree(dir().resolve("state.json").toFile());
    }

    @Test
    void shouldRunTheSevenStepsInOrderPersistingBeforeAnyOther() throws Exception {
        desk.open.add(FakeDesk.order("a", "BTCUSDT", "1"));
        desk.open.add(FakeDesk.order("b", "ETHUSDT", "2"));
        desk.positions.add(FakeDesk.position("a", "BTCUSDT", "2"));
        List<JsonNode> onDiskAtChaosOff = new ArrayList<>();
        desk.onChaosOff = () -> {
            try {
                onDiskAtChaosOff.add(stateFile());
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        };
        Emergency e = emergency(desk);
        List<EmergencyEvent> events = new ArrayList<>();
        e.subscribe(events::add);

        StopResult r = e.stop(new StopRequest("fat finger", Scope.ALL, TradingMode.HALTED, true,
                true), "admin");

        assertThat(r.steps()).extracting(StopResult.Step::name).containsExactly("refuse",
                "persist", "chaos-off", "cancel", "pause", "flatten", "verify");
        assertThat(r.steps()).allSatisfy(s -> {
            assertThat(s.ok()).as(s.name()).isTrue();
            assertThat(s.micros()).as(s.name()).isGreaterThanOrEqualTo(0);
            assertThat(s.at()).as(s.name()).isEqualTo(ManualScheduler.START);
        });
        String id = r.stop().id();
        assertThat(desk.calls).containsExactly("chaosOff", "cancel all", "pause true",
                "flatten all " + id, "read all");
        // the stop was durable (completed=false) when the first desk step ran
        assertThat(onDiskAtChaosOff).singleElement().satisfies(j -> {
            assertThat(j.at("/stops/0/id").asText()).isEqualTo(id);
            assertThat(j.at("/stops/0/completed").asBoolean()).isFalse();
        });
        assertThat(r.cancelled()).extracting(TradingDesk.OpenOrder::orderId)
                .containsExactly("1", "2");
        assertThat(r.flattened()).singleElement().satisfies(f -> {
            assertThat(f.side()).isEqualTo("SELL");
            assertThat(f.quantity()).isEqualByComparingTo("2");
        });
        assertThat(r.verification().verified()).isTrue();
        assertThat(r.stop().completed()).isTrue();
        assertThat(r.stop().actor()).isEqualTo("admin");
        assertThat(r.stopSeconds()).isPositive().isLessThanOrEqualTo(r.verifySeconds());
        assertThat(stateFile().at("/stops/0/completed").asBoolean()).isTrue();
        assertThat(stateFile().at("/lastVerification/verified").asBoolean()).isTrue();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOfSatisfying(EmergencyEvent.Stopped.class, s -> {
            assertThat(s.stop().id()).isEqualTo(id);
            assertThat(s.nanos()).isPositive();
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(EmergencyEvent.Verified.class, v -> {
            assertThat(v.stopId()).isEqualTo(id);
            assertThat(v.verification().verified()).isTrue();
        });
        assertThat(e.health().status()).isEqualTo(Health.Status.UP);
    }

    @Test
    void aStopThatIsNotAskedToFlattenRecordsTheStepAsNotAskedAndKeepsPositions() {
        desk.positions.add(FakeDesk.position("a", "BTCUSDT", "2"));
        Emergency e = emergency(desk);
        StopResult r = e.stop(StopRequest.haltAll("test"), "admin");
        assertThat(r.steps().get(5)).satisfies(s -> {
            assertThat(s.name()).isEqualTo("flatten");
            assertThat(s.detail()).isEqualTo("not asked");
        });
        assertThat(desk.calls).containsExactly("chaosOff", "cancel all", "pause false",
                "read all");
        assertThat(r.verification().verified()).isTrue();
        assertThat(r.verification().positions()).hasSize(1);
    }

    @Test
    void aFailingDeskStepIsRecordedAndTheStopGoesOnButIsNotVerified() {
        desk.failing.add("cancelOpen");
        Emergency e = emergency(desk);
        StopResult r = e.stop(StopRequest.haltAll("test"), "admin");
        assertThat(desk.calls).containsExactly("chaosOff", "cancel all", "pause false",
                "read all");
        assertThat(r.steps()).filteredOn(s -> !s.ok()).extracting(StopResult.Step::name)
                .containsExactly("cancel", "verify");
        assertThat(r.steps().get(3).detail()).contains("cancelOpen failed");
        assertThat(r.verification().verified()).isFalse();
        assertThat(r.verification().errors()).singleElement().asString()
                .startsWith("cancel: cancelOpen failed");
        assertThat(refused(e, "a", "BTCUSDT")).isTrue();
    }

    @Test
    void aFailedVerificationTurnsHealthDownUntilAResume() {
        TradingDesk.OpenOrder stuck = FakeDesk.order("a", "BTCUSDT", "9");
        desk.open.add(stuck);
        desk.sticky.add(stuck);
        Emergency e = emergency(desk);
        StopResult r = e.stop(StopRequest.haltAll("test"), "admin");
        assertThat(r.verification().verified()).isFalse();
        assertThat(r.verification().stillOpen()).containsExactly(stuck);
        assertThat(e.view().lastVerification()).isEqualTo(r.verification());
        assertThat(e.verificationFailed()).isTrue();
        Health h = e.health();
        assertThat(h.status()).isEqualTo(Health.Status.DOWN);
        assertThat(h.details()).containsEntry("mode", "HALTED")
                .containsEntry("stops", List.of("all"))
                .containsKey("verification");
        e.resume(null, "admin");
        assertThat(e.health().status()).isEqualTo(Health.Status.UP);
        assertThat(e.verificationFailed()).isFalse();
    }

    @Test
    void aLaterVerifiedStopClearsTheFailedVerification() {
        TradingDesk.OpenOrder stuck = FakeDesk.order("a", "BTCUSDT", "9");
        desk.open.add(stuck);
        desk.sticky.add(stuck);
        Emergency e = emergency(desk);
        e.stop(StopRequest.haltAll("test"), "admin");
        assertThat(e.health().status()).isEqualTo(Health.Status.DOWN);
        desk.sticky.clear();
        e.stop(StopRequest.haltAll("again"), "admin");
        assertThat(e.health().status()).isEqualTo(Health.Status.UP);
    }

    @Test
    void theStopSurvivesANewEmergencyOnTheSameDirectoryWithTheGateClosedBeforeStart() {
        Emergency first = emergency(desk);
        first.stop(new StopRequest("incident 7", Scope.of(List.of("a"), null),
                TradingMode.HALTED, false, false), "admin");

        FakeDesk again = new FakeDesk();
        Emergency second = emergency(again); // not started
        assertThat(refused(second, "a", "BTCUSDT")).isTrue();
        assertThat(refused(second, "b", "BTCUSDT")).isFalse();
        assertThat(second.view().mode()).isEqualTo(TradingMode.HALTED);
        assertThat(second.view().stops()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo("incident 7");
            assertThat(s.completed()).isTrue();
        });
        second.start();
        time.runDue();
        assertThat(again.calls).isEmpty(); // completed: nothing to run again
    }

    @Test
    void theLastVerificationAndItsFailureSurviveARestartExactly() {
        TradingDesk.OpenOrder stuck = FakeDesk.order("a", "BTCUSDT", "9");
        desk.open.add(stuck);
        desk.sticky.add(stuck);
        desk.positions.add(FakeDesk.position("a", "BTCUSDT", "-0.125"));
        Emergency first = emergency(desk);
        StopResult r = first.stop(StopRequest.haltAll("test"), "admin");
        assertThat(r.verification().verified()).isFalse();

        Emergency second = emergency(new FakeDesk());
        assertThat(second.view().lastVerification()).isEqualTo(r.verification());
        assertThat(second.view().lastVerification().positions().get(0).quantity())
                .isEqualTo(new BigDecimal("-0.125"));
        assertThat(second.view().stops()).containsExactly(r.stop());
        assertThat(second.health().status()).isEqualTo(Health.Status.DOWN);
        second.resume(null, "admin");
        assertThat(emergency(new FakeDesk()).health().status()).isEqualTo(Health.Status.UP);
    }

    @Test
    void aStopInterruptedAfterItsPersistCompletesOnStartAfterTheRestart() throws Exception {
        desk.onChaosOff = () -> {
            throw new KilledHere(); // the process dies right after the persist
        };
        Emergency first = emergency(desk);
        assertThatThrownBy(() -> first.stop(new StopRequest("crash", Scope.ALL,
                TradingMode.HALTED, false, true), "admin")).isInstanceOf(KilledHere.class);
        assertThat(stateFile().at("/stops/0/completed").asBoolean()).isFalse();

        FakeDesk after = new FakeDesk();
        after.open.add(FakeDesk.order("a", "BTCUSDT", "1"));
        Emergency second = emergency(after);
        assertThat(refused(second, "a", "BTCUSDT")).isTrue();
        List<EmergencyEvent> events = new ArrayList<>();
        second.subscribe(events::add);
        second.start();
        assertThat(after.calls).isEmpty(); // asynchronously, after start returns
        time.runDue();
        assertThat(after.calls).containsExactly("chaosOff", "cancel all", "pause true",
                "read all");
        assertThat(after.open).isEmpty();
        assertThat(second.view().stops()).singleElement()
                .satisfies(s -> assertThat(s.completed()).isTrue());
        assertThat(second.view().lastVerification().verified()).isTrue();
        assertThat(stateFile().at("/stops/0/completed").asBoolean()).isTrue();
        assertThat(events).singleElement().isInstanceOf(EmergencyEvent.Verified.class);
    }

    @Test
    void aHandWrittenVersionOneFileWithAnUncompletedStopCompletesOnStart() throws Exception {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("state.json"), """
                {"version": 1, "writtenAt": 1700000000000,
                 "stops": [{"id": "stop-1-1", "scope": {"strategies": [], "symbols": ["BTCUSDT"]},
                            "mode": "REDUCING", "reason": "r", "actor": "admin",
                            "since": 1, "flatten": true, "pauseQueue": false,
                            "completed": false}],
                 "deadMan": {"armed": false, "timeoutMs": 0,
                             "scope": {"strategies": [], "symbols": []}},
                 "shadowExecution": true, "lastVerification": null,
                 "verificationFailed": false}
                """, StandardCharsets.UTF_8);
        Emergency e = emergency(desk);
        assertThat(e.view().mode()).isEqualTo(TradingMode.REDUCING);
        e.start();
        time.runDue();
        assertThat(desk.calls).containsExactly("chaosOff", "cancel symbol=BTCUSDT",
                "pause false", "flatten symbol=BTCUSDT stop-1-1", "read symbol=BTCUSDT");
    }

    @Test
    void aCompletedWholeQueuePauseAndShadowOffAreAppliedAgainAtStart() {
        Emergency first = emergency(desk);
        first.stop(new StopRequest("r", Scope.ALL, TradingMode.HALTED, false, true), "admin");
        first.shadowExecution(false, "admin");
        FakeDesk after = new FakeDesk();
        Emergency second = emergency(after);
        second.start();
        assertThat(after.calls).containsExactly("shadow false", "pause true");
        assertThat(second.view().shadowExecution()).isFalse();
    }

    @Test
    void aCorruptStateFileRefusesToStartNamingTheFile() throws Exception {
        Files.createDirectories(dir());
        Path file = dir().resolve("state.json");
        String valid = "{\"version\":1,\"writtenAt\":1,\"stops\":[],\"deadMan\":{\"armed\":false,"
                + "\"timeoutMs\":0,\"scope\":{\"strategies\":[],\"symbols\":[]}},"
                + "\"shadowExecution\":true,\"lastVerification\":null,"
                + "\"verificationFailed\":false}";
        Files.writeString(file, valid, StandardCharsets.UTF_8);
        assertThat(emergency(desk).view().stops()).isEmpty(); // the fixture itself is valid
        for (String bad : List.of("", "{", "not json", "null", "{\"version\": 2}", "[]",
                valid.replace("}}", "},\"extra\":1}"),
                valid.replace("\"armed\":false,\"timeoutMs\":0",
                        "\"armed\":true,\"timeoutMs\":5"),
                "{\"version\":1,\"writtenAt\":1,\"stops\":[],\"deadMan\":{\"armed\":false,"
                        + "\"timeoutMs\":0,\"scope\":{\"strategies\":[],\"symbols\":[]}},"
                        + "\"shadowExecution\":true,\"lastVerification\":null}",
                "{\"version\":1,\"writtenAt\":1,\"stops\":[{\"id\":\"s\",\"scope\":{"
                        + "\"strategies\":[],\"symbols\":[]},\"mode\":\"ACTIVE\",\"reason\":\"r\","
                        + "\"actor\":\"a\",\"since\":1,\"flatten\":false,\"pauseQueue\":false,"
                        + "\"completed\":true}],\"deadMan\":{\"armed\":false,\"timeoutMs\":0,"
                        + "\"scope\":{\"strategies\":[],\"symbols\":[]}},\"shadowExecution\":true,"
                        + "\"lastVerification\":null,\"verificationFailed\":false}")) {
            Files.writeString(file, bad, StandardCharsets.UTF_8);
            assertThatThrownBy(() -> emergency(desk)).as(bad)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining("refusing to start");
        }
    }

    @Test
    void aFailedPersistKeepsTheGateClosedAndThrowsNamingTheFile() throws Exception {
        Emergency e = emergency(desk);
        Files.writeString(dir(), "a regular file where the directory should be");
        assertThatThrownBy(() -> e.stop(StopRequest.haltAll("disk full"), "admin"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(dir().resolve("state.json").toString())
                .hasMessageContaining("stay refused");
        assertThat(refused(e, "a", "BTCUSDT")).isTrue();
        assertThat(desk.calls).isEmpty();
        assertThat(e.health().status()).isEqualTo(Health.Status.DOWN);
        assertThat(e.health().details()).containsKey("stateFile");
        // nothing durable, so a resume (which persists first) fails and changes nothing
        assertThatThrownBy(() -> e.resume(null, "admin"))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(refused(e, "a", "BTCUSDT")).isTrue();
        Files.delete(dir());
        e.resume(null, "admin");
        assertThat(refused(e, "a", "BTCUSDT")).isFalse();
        assertThat(e.health().status()).isEqualTo(Health.Status.UP);
    }

    @Test
    void resumeByScopeEndsOnlyThatStopAndReleasesTheQueueWhenItPausedIt() {
        Emergency e = emergency(desk);
        e.stop(new StopRequest("r", Scope.ALL, TradingMode.REDUCING, false, true), "admin");
        e.stop(new StopRequest("r", Scope.of(List.of("a"), null), TradingMode.HALTED, false,
                false), "admin");
        List<EmergencyEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        desk.calls.clear();

        List<ActiveStop> ended = e.resume(Scope.of(List.of("a"), null), "ops");
        assertThat(ended).extracting(s -> s.scope().label()).containsExactly("strategy=a");
        assertThat(desk.calls).containsExactly("release false");
        assertThat(e.view().stops()).extracting(s -> s.scope().label()).containsExactly("all");
        assertThat(e.view().mode()).isEqualTo(TradingMode.REDUCING);
        assertThat(events).singleElement().isEqualTo(new EmergencyEvent.Resumed(ended, "ops"));

        assertThatThrownBy(() -> e.resume(Scope.of(null, List.of("BTCUSDT")), "ops"))
                .isInstanceOf(NotStopped.class)
                .hasMessageContaining("symbol=BTCUSDT")
                .hasMessageContaining("all REDUCING");

        desk.calls.clear();
        e.resume(Scope.ALL, "ops");
        assertThat(desk.calls).containsExactly("release true");
        assertThat(e.view().mode()).isEqualTo(TradingMode.ACTIVE);
        assertThatThrownBy(() -> e.resume(null, "ops")).isInstanceOf(NotStopped.class)
                .hasMessageContaining("no stop is in force");
    }

    @Test
    void resumeWithoutAScopeEndsEveryStopAndIsDurable() {
        Emergency e = emergency(desk);
        e.stop(new StopRequest("r", Scope.of(List.of("a"), null), TradingMode.HALTED, false,
                false), "admin");
        e.stop(new StopRequest("r", Scope.of(null, List.of("ETHUSDT")), TradingMode.HALTED,
                false, false), "admin");
        assertThat(e.resume(null, "ops")).hasSize(2);
        Emergency after = emergency(new FakeDesk());
        assertThat(after.view().stops()).isEmpty();
        assertThat(refused(after, "a", "ETHUSDT")).isFalse();
    }

    @Test
    void aReplacingStopKeepsTheWholeQueuePauseSoTheResumeReleasesIt() {
        Emergency e = emergency(desk);
        e.stop(new StopRequest("r", Scope.ALL, TradingMode.HALTED, false, true), "admin");
        StopResult r = e.stop(new StopRequest("r2", Scope.ALL, TradingMode.REDUCING, false,
                false), "admin");
        assertThat(r.stop().pauseQueue()).isTrue();
        assertThat(e.view().stops()).hasSize(1);
        desk.calls.clear();
        e.resume(null, "admin");
        assertThat(desk.calls).containsExactly("release true");
    }

    @Test
    void shadowExecutionIsPersistedAppliedAndPublished() throws Exception {
        Emergency e = emergency(desk);
        List<EmergencyEvent> events = new ArrayList<>();
        e.subscribe(events::add);
        e.shadowExecution(false, "admin");
        assertThat(desk.shadow).isFalse();
        assertThat(e.view().shadowExecution()).isFalse();
        assertThat(stateFile().get("shadowExecution").asBoolean()).isFalse();
        assertThat(e.health().details()).containsEntry("shadowExecution", false);
        e.shadowExecution(true, "admin");
        assertThat(desk.shadow).isTrue();
        assertThat(stateFile().get("shadowExecution").asBoolean()).isTrue();
        assertThat(events).containsExactly(new EmergencyEvent.ShadowExecution(false, "admin"),
                new EmergencyEvent.ShadowExecution(true, "admin"));
    }

    @Test
    void theStateSectionRecordsTheViewAndIsNeverRestored() {
        desk.parked = 3;
        Emergency e = emergency(desk);
        e.stop(new StopRequest("r", Scope.of(List.of("a"), null), TradingMode.HALTED, false,
                false), "admin");
        var section = e.stateSection();
        assertThat(section.name()).isEqualTo("emergency");
        assertThat(section.restorable()).isFalse();
        JsonNode j = section.capture();
        assertThat(j.get("mode").asText()).isEqualTo("HALTED");
        assertThat(j.at("/stops/0/scope/strategies/0").asText()).isEqualTo("a");
        assertThat(j.get("parkedOrderJobs").asLong()).isEqualTo(3);
        assertThat(j.at("/deadMan/armed").asBoolean()).isFalse();
        assertThat(e.health().details()).containsEntry("parkedOrderJobs", 3L);
    }

    /** Stands for kill -9 at the first step after the persist. */
    private static final class KilledHere extends Error {
    }
}
