package io.spark.day9.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real scheduler: lanes own named threads, failures keep the schedule, close cancels. */
class SystemSchedulerTest {
    private final SystemScheduler scheduler = new SystemScheduler();

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void aLaneRunsItsTasksOnAThreadNamedAfterIt() throws Exception {
        Scheduler.Lane lane = scheduler.lane("day9-test-lane");
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        lane.once(Duration.ZERO, () -> {
            thread.set(Thread.currentThread().getName());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.get()).isEqualTo("day9-test-lane");
    }

    @Test
    void aFailingPeriodicTaskKeepsRunning() throws Exception {
        CountDownLatch three = new CountDownLatch(3);
        scheduler.every(Duration.ZERO, Duration.ofMillis(1), () -> {
            three.countDown();
            throw new IllegalStateException("boom");
        });
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingTheSchedulerClosesEveryLaneAndCancelsTheirTasks() throws Exception {
        Scheduler.Lane lane = scheduler.lane("day9-test-close");
        AtomicInteger runs = new AtomicInteger();
        Scheduler.Handle h = lane.once(Duration.ofHours(1), runs::incrementAndGet);
        assertThat(scheduler.openLanes()).isEqualTo(1);
        scheduler.stop();
        assertThat(scheduler.openLanes()).isZero();
        assertThat(h.done()).isTrue();
        assertThat(runs.get()).isZero();
        assertThatThrownBy(() -> lane.once(Duration.ZERO, runs::incrementAndGet))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("day9-test-close");
    }

    @Test
    void aCancelledOneShotNeverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Scheduler.Handle h = scheduler.once(Duration.ofMillis(200), runs::incrementAndGet);
        assertThat(h.cancel()).isTrue();
        CountDownLatch later = new CountDownLatch(1);
        scheduler.once(Duration.ofMillis(400), later::countDown);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get()).isZero();
    }
}
