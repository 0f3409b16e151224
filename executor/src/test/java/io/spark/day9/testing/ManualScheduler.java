package io.spark.day9.testing;

import io.spark.day9.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link Scheduler} and the manual clock it runs on, for exact tests without sleeps.
 *
 * <p>Model: time stands still until the test calls {@link #advance(Duration)}. Advancing runs
 * every task that falls due within the step, in due order (ties in scheduling order), with the
 * clock set to each task's own due time while it runs; a periodic task runs once per period
 * that fits, each run at its own due time; a task scheduled by a running task runs in the same
 * step if it falls due within it. The clock ends at the step's end. Times are whole
 * milliseconds; the clock starts at {@link #START} (2023-11-14T22:13:20Z).
 *
 * <p>Threading: tasks run on the thread that calls {@link #advance} (one thread at a time); any
 * thread may schedule or cancel, and read the clock. A task that throws is recorded in
 * {@link #failures()} and, if periodic, keeps its schedule, as in the real scheduler.
 *
 * <p>Cost: O(log n) per scheduled run; {@code advance} costs one queue operation per run it
 * makes, so a 20 ms periodic task advanced by 20 s runs 1 000 times, in a few milliseconds.
 */
public final class ManualScheduler implements Scheduler {
    /** The clock's starting time, epoch ms. */
    public static final long START = 1_700_000_000_000L;
    private final AtomicLong now;
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong scheduled = new AtomicLong();
    private final Clock clock;
    private long seq;
    private boolean advancing;

    public ManualScheduler() {
        this(START);
    }

    public ManualScheduler(long startMillis) {
        this.now = new AtomicLong(startMillis);
        this.clock = new ManualClock(ZoneOffset.UTC);
    }

    /** The manual clock as a {@link Clock} (UTC). */
    public Clock clock() {
        return clock;
    }

    /** The manual clock as epoch milliseconds, for components that take a supplier. */
    public LongSupplier millisClock() {
        return now::get;
    }

    /** The current time, epoch ms. */
    public long millis() {
        return now.get();
    }

    /**
     * Moves the clock forward by {@code step}, running every task that falls due on the way
     * (see the class doc). Must not be called from inside a task.
     */
    public void advance(Duration step) {
        Objects.requireNonNull(step, "step");
        if (step.isNegative()) {
            throw new IllegalArgumentException("step must be >= 0, got " + step.toMillis()
                    + " ms");
        }
        synchronized (this) {
            if (advancing) {
                throw new IllegalStateException("advance() called from inside a task");
            }
            advancing = true;
        }
        long target = now.get() + step.toMillis();
        try {
            while (true) {
                Task t;
                synchronized (this) {
                    t = queue.peek();
                    if (t == null || t.due > target) {
                        break;
                    }
                    queue.poll();
                    if (t.cancelled) {
                        continue;
                    }
                }
                now.accumulateAndGet(t.due, Math::max);
                try {
                    t.task.run();
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
                synchronized (this) {
                    if (t.period > 0 && !t.cancelled) {
                        t.due += t.period;
                        t.seq = seq++;
                        queue.add(t);
                    } else {
                        t.ran = true;
                    }
                }
            }
            now.accumulateAndGet(target, Math::max);
        } finally {
            synchronized (this) {
                advancing = false;
            }
        }
    }

    /** Runs what is due now without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Tasks scheduled and not cancelled (periodic ones count once). */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    /**
     * How many tasks were ever scheduled (periodic ones once). A test that must know when a
     * thread it does not control has started waiting on a timer awaits this to grow.
     */
    public long scheduledCount() {
        return scheduled.get();
    }

    /**
     * One-shot tasks waiting that fall due exactly at {@code dueMillis}. A test that must know
     * when a thread it does not control has started waiting on a timer of a known length
     * awaits this to grow: unlike {@link #scheduledCount()}, it is not moved by the periodic
     * and zero-delay work other threads schedule meanwhile (market events, ticks).
     */
    public synchronized int pendingOnceDueAt(long dueMillis) {
        return (int) queue.stream().filter(t -> !t.cancelled && t.period == 0
                && t.due == dueMillis).count();
    }

    /** What tasks threw, in order. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public Handle once(Duration delay, Runnable task) {
        Scheduler.check("delay", delay, false);
        return add(Math.max(0, delay.toMillis()), 0, task, null);
    }

    @Override
    public Handle every(Duration initialDelay, Duration period, Runnable task) {
        Scheduler.check("initialDelay", initialDelay, false);
        Scheduler.check("period", period, true);
        return add(Math.max(0, initialDelay.toMillis()), Math.max(1, period.toMillis()), task,
                null);
    }

    @Override
    public Lane lane(String name) {
        return new ManualLane(Objects.requireNonNull(name, "name"));
    }

    private synchronized Task add(long delay, long period, Runnable task, ManualLane lane) {
        Task t = new Task(now.get() + delay, period, Objects.requireNonNull(task, "task"),
                seq++);
        queue.add(t);
        scheduled.incrementAndGet();
        if (lane != null) {
            if (lane.tasks.size() > 64) {
                lane.tasks.removeIf(Task::done);
            }
            lane.tasks.add(t);
        }
        return t;
    }

    private final class Task implements Handle {
        private final long period;
        private final Runnable task;
        private long due;
        private long seq;
        private volatile boolean cancelled;
        private volatile boolean ran;

        Task(long due, long period, Runnable task, long seq) {
            this.due = due;
            this.period = period;
            this.task = task;
            this.seq = seq;
        }

        @Override
        public boolean cancel() {
            synchronized (ManualScheduler.this) {
                if (cancelled) {
                    return false;
                }
                cancelled = true;
                return true;
            }
        }

        @Override
        public boolean done() {
            return cancelled || ran;
        }
    }

    private final class ManualLane implements Lane {
        private final String name;
        private final List<Task> tasks = new ArrayList<>();
        private volatile boolean closed;

        ManualLane(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Handle once(Duration delay, Runnable task) {
            Scheduler.check("delay", delay, false);
            refuseIfClosed();
            return add(Math.max(0, delay.toMillis()), 0, task, this);
        }

        @Override
        public Handle every(Duration initialDelay, Duration period, Runnable task) {
            Scheduler.check("initialDelay", initialDelay, false);
            Scheduler.check("period", period, true);
            refuseIfClosed();
            return add(Math.max(0, initialDelay.toMillis()), Math.max(1, period.toMillis()),
                    task, this);
        }

        @Override
        public Lane lane(String sub) {
            return ManualScheduler.this.lane(sub);
        }

        private void refuseIfClosed() {
            if (closed) {
                throw new IllegalStateException("scheduler lane " + name + " is closed");
            }
        }

        @Override
        public boolean awaitTermination(Duration timeout) {
            return true; // tasks run inside advance(), on the caller's thread
        }

        @Override
        public void close() {
            synchronized (ManualScheduler.this) {
                closed = true;
                tasks.forEach(Task::cancel);
                tasks.clear();
            }
        }
    }

    private final class ManualClock extends Clock {
        private final ZoneId zone;

        ManualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new ManualClock(z);
        }

        @Override
        public long millis() {
            return now.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    }
}
