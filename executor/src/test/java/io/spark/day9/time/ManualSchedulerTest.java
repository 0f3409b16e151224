package io.spark.day9.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manual scheduler's contract: due order, the clock at each due time, periodic runs. */
class ManualSchedulerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> ran = new ArrayList<>();

    private long at() {
        return scheduler.millis() - ManualScheduler.START;
    }

    @Test
    void nothingRunsUntilTheClockReachesItsDueTime() {
        scheduler.once(Duration.ofMillis(100), () -> ran.add("a"));
        scheduler.advance(Duration.ofMillis(99));
        assertThat(ran).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(ran).containsExactly("a");
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly("a");
    }

    @Test
    void dueTasksRunInDueOrderWithTheClockSetToEachDueTime() {
        scheduler.once(Duration.ofMillis(300), () -> ran.add("c@" + at()));
        scheduler.once(Duration.ofMillis(100), () -> ran.add("a@" + at()));
        scheduler.once(Duration.ofMillis(200), () -> ran.add("b@" + at()));
        scheduler.once(Duration.ofMillis(200), () -> ran.add("b2@" + at()));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("a@100", "b@200", "b2@200", "c@300");
        assertThat(at()).isEqualTo(1000);
    }

    @Test
    void aPeriodicTaskRunsOncePerPeriodThatFits() {
        scheduler.every(Duration.ofMillis(50), Duration.ofMillis(100), () -> ran.add("" + at()));
        scheduler.advance(Duration.ofMillis(449));
        assertThat(ran).containsExactly("50", "150", "250", "350");
        scheduler.advance(Duration.ofMillis(1));
        assertThat(ran).containsExactly("50", "150", "250", "350", "450");
    }

    @Test
    void periodicAndOneShotTasksInterleaveInDueOrder() {
        scheduler.every(Duration.ofMillis(100), Duration.ofMillis(100), () -> ran.add("p" + at()));
        scheduler.once(Duration.ofMillis(150), () -> ran.add("o" + at()));
        scheduler.advance(Duration.ofMillis(300));
        assertThat(ran).containsExactly("p100", "o150", "p200", "p300");
    }

    @Test
    void aCancelledTaskNeverRunsAgain() {
        Scheduler.Handle h = scheduler.every(Duration.ZERO, Duration.ofMillis(10),
                () -> ran.add("x"));
        scheduler.advance(Duration.ofMillis(25));
        assertThat(ran).hasSize(3);
        assertThat(h.cancel()).isTrue();
        assertThat(h.cancel()).isFalse();
        assertThat(h.done()).isTrue();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(ran).hasSize(3);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aTaskCanCancelItselfAndScheduleAnotherDueInTheSameStep() {
        Scheduler.Handle[] self = new Scheduler.Handle[1];
        self[0] = scheduler.every(Duration.ofMillis(10), Duration.ofMillis(10), () -> {
            ran.add("tick" + at());
            self[0].cancel();
            scheduler.once(Duration.ofMillis(5), () -> ran.add("then" + at()));
        });
        scheduler.advance(Duration.ofMillis(100));
        assertThat(ran).containsExactly("tick10", "then15");
    }

    @Test
    void closingALaneCancelsItsTasksOnly() {
        Scheduler.Lane lane = scheduler.lane("a");
        lane.every(Duration.ofMillis(10), Duration.ofMillis(10), () -> ran.add("lane"));
        lane.once(Duration.ofMillis(30), () -> ran.add("lane-once"));
        scheduler.every(Duration.ofMillis(10), Duration.ofMillis(10), () -> ran.add("root"));
        scheduler.advance(Duration.ofMillis(10));
        assertThat(ran).containsExactly("lane", "root");
        lane.close();
        scheduler.advance(Duration.ofMillis(30));
        assertThat(ran).containsExactly("lane", "root", "root", "root", "root");
        assertThatThrownBy(() -> lane.once(Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a");
    }

    @Test
    void aFailingPeriodicTaskKeepsItsScheduleAndTheFailureIsRecorded() {
        scheduler.every(Duration.ofMillis(10), Duration.ofMillis(10), () -> {
            ran.add("" + at());
            throw new IllegalStateException("boom");
        });
        scheduler.advance(Duration.ofMillis(30));
        assertThat(ran).containsExactly("10", "20", "30");
        assertThat(scheduler.failures()).hasSize(3);
    }

    @Test
    void theClockViewsAgree() {
        scheduler.advance(Duration.ofMillis(1234));
        assertThat(scheduler.clock().millis()).isEqualTo(ManualScheduler.START + 1234);
        assertThat(scheduler.millisClock().getAsLong()).isEqualTo(ManualScheduler.START + 1234);
        assertThat(scheduler.clock().instant().toEpochMilli())
                .isEqualTo(ManualScheduler.START + 1234);
    }

    @Test
    void badArgumentsNameTheArgumentAndTheValue() {
        assertThatThrownBy(() -> scheduler.every(Duration.ZERO, Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("period must be > 0, "
                        + "got 0 ms");
        assertThatThrownBy(() -> scheduler.advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
