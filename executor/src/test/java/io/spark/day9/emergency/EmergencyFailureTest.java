package io.spark.day9.emergency;

import static io.spark.day9.emergency.StopGateTest.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.api.Json;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.shadow.TradingHalted;
import io.spark.day9.testing.ManualScheduler;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the emergency does when the desk or the disk fails, and under concurrent orders. */
class EmergencyFailureTest {
    private final ManualScheduler time = new ManualScheduler();
    private final FakeDesk desk = new FakeDesk();
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("emergency");
    }

    private Emergency emergency() {
        return new Emergency(dir(), desk, time.millisClock(), time, Json.mapper());
    }

    /** Makes the state file's directory unusable: every later write fails. */
    private void breakTheDisk() throws Exception {
        if (Files.isDirectory(dir())) {
            try (var files = Files.list(dir())) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir());
        }
        Files.writeString(dir(), "a regular file where the directory should be");
    }

    private void repairTheDisk() throws Exception {
        Files.delete(dir());
    }

    @Test
    void noOrderIsAdmittedAfterTheStopReturnsWhileOrdersRace() throws Exception {
        Emergency e = emergency();
        AtomicBoolean answered = new AtomicBoolean();
        AtomicLong admittedAfterAnswer = new AtomicLong();
        AtomicLong admittedBefore = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        CountDownLatch running = new CountDownLatch(2);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                running.countDown();
                while (!done.get()) {
                    boolean afterAnswer = answered.get(); // read before the admit
                    try {
                        e.gate().admit(order("a", "BTCUSDT", "BUY", "1"), BigDecimal.ZERO);
                        (afterAnswer ? admittedAfterAnswer : admittedBefore).incrementAndGet();
                    } catch (TradingHalted h) {
                        refused.incrementAndGet();
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        running.await();
        e.stop(StopRequest.haltAll("race"), "admin");
        answered.set(true);
        long refusedAtAnswer = refused.get();
        while (refused.get() < refusedAtAnswer + 1_000) {
            Thread.onSpinWait(); // let the racing threads run into the closed gate
        }
        done.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertThat(admittedAfterAnswer.get()).isZero();
        assertThat(refused.get()).isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void aFailingFlattenOrderLeavesTheStepAndTheVerificationFailed() {
        desk.positions.add(FakeDesk.position("a", "BTCUSDT", "2"));
        desk.flattenError = "no liquidity";
        Emergency e = emergency();
        StopResult r = e.stop(new StopRequest("r", Scope.ALL, TradingMode.HALTED, true, false),
                "admin");
        assertThat(r.steps().get(5)).satisfies(s -> {
            assertThat(s.name()).isEqualTo("flatten");
            assertThat(s.ok()).isFalse();
            assertThat(s.detail()).contains("1 of 1");
        });
        assertThat(r.flattened()).hasSize(1);
        assertThat(r.verification().verified()).isFalse();
        assertThat(r.verification().positions()).hasSize(1);
        assertThat(r.verification().errors()).anySatisfy(m -> assertThat(m)
                .contains("no liquidity"));
    }

    @Test
    void aVerificationReadThatFailsIsNotVerifiedAndSaysWhy() {
        desk.failing.add("read");
        Emergency e = emergency();
        StopResult r = e.stop(StopRequest.haltAll("r"), "admin");
        assertThat(r.steps().get(6).ok()).isFalse();
        assertThat(r.verification().verified()).isFalse();
        assertThat(r.verification().errors()).singleElement().asString()
                .startsWith("verify: read failed");
        assertThat(e.health().status()).isEqualTo(Health.Status.DOWN);
    }

    @Test
    void aFailingReleaseDoesNotUndoTheResume() {
        Emergency e = emergency();
        e.stop(StopRequest.haltAll("r"), "admin");
        desk.failing.add("releaseOrders");
        assertThat(e.resume(null, "admin")).hasSize(1);
        assertThat(e.view().mode()).isEqualTo(TradingMode.ACTIVE);
    }

    @Test
    void aHeartbeatThatCannotBePersistedStillArmsTheSwitch() throws Exception {
        Emergency e = emergency();
        e.start();
        breakTheDisk();
        assertThatThrownBy(() -> e.heartbeat(5_000, Scope.ALL, "bot"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("armed in memory only");
        assertThat(e.view().deadMan().armed()).isTrue();
        // a retried heartbeat tries the write again (it is still not on disk)
        assertThatThrownBy(() -> e.heartbeat(5_000, Scope.ALL, "bot"))
                .isInstanceOf(UncheckedIOException.class);
        repairTheDisk();
        e.heartbeat(5_000, Scope.ALL, "bot");
        assertThat(Files.readString(dir().resolve("state.json"))).contains("\"armed\" : true");
        time.advance(Duration.ofMillis(5_000));
        assertThat(e.view().stops()).hasSize(1);
    }

    @Test
    void aDisarmThatCannotBePersistedLeavesTheSwitchArmed() throws Exception {
        Emergency e = emergency();
        e.start();
        e.heartbeat(5_000, Scope.ALL, "bot");
        breakTheDisk();
        assertThatThrownBy(() -> e.disarm("admin")).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("stays armed");
        assertThat(e.view().deadMan().armed()).isTrue();
        time.advance(Duration.ofMillis(5_000));
        assertThat(e.view().stops()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("dead-man"));
    }

    @Test
    void shadowOffTakesEffectEvenIfItCannotBePersistedButOnWaitsForTheDisk() throws Exception {
        Emergency e = emergency();
        breakTheDisk();
        assertThatThrownBy(() -> e.shadowExecution(false, "admin"))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(desk.shadow).isFalse();
        assertThat(e.view().shadowExecution()).isFalse();
        assertThatThrownBy(() -> e.shadowExecution(true, "admin"))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(desk.shadow).isFalse();
        assertThat(e.view().shadowExecution()).isFalse();
        repairTheDisk();
        e.shadowExecution(true, "admin");
        assertThat(desk.shadow).isTrue();
    }

    @Test
    void anUncompletedStopResumedBeforeTheLaneRanIsNotActedOn() {
        desk.onChaosOff = () -> {
            throw new StackOverflowError("killed"); // the process dies after the persist
        };
        Emergency first = emergency();
        assertThatThrownBy(() -> first.stop(StopRequest.haltAll("crash"), "admin"))
                .isInstanceOf(StackOverflowError.class);
        FakeDesk after = new FakeDesk();
        Emergency second = new Emergency(dir(), after, time.millisClock(), time,
                Json.mapper());
        second.start();
        second.resume(null, "admin");
        time.runDue();
        assertThat(after.calls).containsExactly("release false");
    }

    @Test
    void theDeadManStopThatCannotBePersistedStillHaltsAndStaysArmedOnDisk() throws Exception {
        Emergency e = emergency();
        e.start();
        e.heartbeat(5_000, Scope.ALL, "bot");
        Path file = dir().resolve("state.json");
        String armedOnDisk = Files.readString(file);
        breakTheDisk();
        time.advance(Duration.ofMillis(5_000));
        assertThat(e.view().mode()).isEqualTo(TradingMode.HALTED);
        assertThat(e.health().status()).isEqualTo(Health.Status.DOWN);
        // a restart from the last durable state arms the switch again
        repairTheDisk();
        Files.createDirectories(dir());
        Files.writeString(file, armedOnDisk);
        Emergency restarted = emergency();
        restarted.start();
        assertThat(restarted.view().deadMan().armed()).isTrue();
    }
}
