package io.spark.day9.time;

import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link Scheduler}: wall-clock delays on {@link ScheduledThreadPoolExecutor}s.
 *
 * <p>Model: each {@link #lane(String) lane} owns one daemon thread named after it, so a
 * component's tasks run serially exactly as they did on the component's own single-thread
 * executor, and a slow task (a REST probe, a reconnect) holds up only its own lane. Tasks given
 * to the scheduler itself run on a shared lane named {@code day9-scheduler}.
 *
 * <p>Threading: every method may be called from any thread. Tasks run on their lane's thread;
 * an exception is logged and a periodic task keeps its schedule.
 *
 * <p>Cost: one thread per open lane (one per time-driven component, about six), scheduling is
 * O(log n) in the lane's queue, cancelled tasks are removed from the queue at once.
 *
 * <p>Lifecycle: a lane is closed by its component's {@code stop()}; {@link #stop()} (or
 * {@link #close()}) closes every lane still open, so the scheduler is added to the lifecycle
 * first and stopped last; a closed scheduler refuses new lanes. Closing does not wait for a run
 * in progress; it interrupts it.
 */
public final class SystemScheduler implements Scheduler, Component, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemScheduler.class);
    private final List<RealLane> lanes = new CopyOnWriteArrayList<>();
    private volatile RealLane shared;
    private volatile boolean closed;

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public Handle once(Duration delay, Runnable task) {
        return shared().once(delay, task);
    }

    @Override
    public Handle every(Duration initialDelay, Duration period, Runnable task) {
        return shared().every(initialDelay, period, task);
    }

    private synchronized RealLane shared() {
        if (shared == null || shared.closed) {
            shared = (RealLane) lane("day9-scheduler");
        }
        return shared;
    }

    @Override
    public Lane lane(String name) {
        if (closed) {
            throw new IllegalStateException("scheduler is closed; lane " + name + " refused");
        }
        RealLane l = new RealLane(Objects.requireNonNull(name, "name"));
        lanes.add(l);
        return l;
    }

    /** UP with the number of open lanes (one per running time-driven component). */
    @Override
    public Health health() {
        return Health.up(Map.of("lanes", openLanes()));
    }

    /** Closes every open lane. */
    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        closed = true;
        for (RealLane l : lanes) {
            l.close();
        }
    }

    /** Number of lanes not yet closed (for tests and health). */
    public int openLanes() {
        return lanes.size();
    }

    private static Runnable guarded(String lane, Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("scheduled task on {} failed", lane, e);
            }
        };
    }

    private final class RealLane implements Lane {
        private final String name;
        private final ScheduledThreadPoolExecutor pool;
        private volatile boolean closed;

        RealLane(String name) {
            this.name = name;
            this.pool = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            pool.setRemoveOnCancelPolicy(true);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Handle once(Duration delay, Runnable task) {
            Scheduler.check("delay", delay, false);
            refuseIfClosed();
            try {
                return handle(pool.schedule(guarded(name, task), Math.max(0, delay.toNanos()),
                        TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException e) {
                throw closedNow();
            }
        }

        @Override
        public Handle every(Duration initialDelay, Duration period, Runnable task) {
            Scheduler.check("initialDelay", initialDelay, false);
            Scheduler.check("period", period, true);
            refuseIfClosed();
            try {
                return handle(pool.scheduleAtFixedRate(guarded(name, task),
                        Math.max(0, initialDelay.toNanos()), period.toNanos(),
                        TimeUnit.NANOSECONDS));
            } catch (RejectedExecutionException e) {
                throw closedNow();
            }
        }

        @Override
        public Lane lane(String sub) {
            return SystemScheduler.this.lane(sub);
        }

        private Handle handle(ScheduledFuture<?> f) {
            return new Handle() {
                @Override
                public boolean cancel() {
                    return f.cancel(false);
                }

                @Override
                public boolean done() {
                    return f.isDone();
                }
            };
        }

        private void refuseIfClosed() {
            if (closed) {
                throw closedNow();
            }
        }

        private IllegalStateException closedNow() {
            return new IllegalStateException("scheduler lane " + name + " is closed");
        }

        @Override
        public void close() {
            closed = true;
            for (Runnable queued : pool.shutdownNow()) {
                if (queued instanceof Future<?> f) {
                    f.cancel(false); // so its handle reports done
                }
            }
            lanes.remove(this);
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public String toString() {
            return "lane " + name + (closed ? " (closed)" : "");
        }
    }
}
