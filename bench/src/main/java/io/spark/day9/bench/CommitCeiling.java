package io.spark.day9.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A diagnostic, not a goal: the same group-commit hand-off as the queue (a leader "forces"
 * outside the lock, followers wait on a condition and are all signalled), with no journal work
 * at all and a simulated fsync of {@code fsyncMicros}. Its rate is the ceiling of blocking
 * producers that each wait for a shared commit on this machine:
 * {@code bench/run queue --only=ceiling:64:5:250}. {@code ceiling-direct} tries another
 * hand-off (lock-free, the leader unparks each waiter) to see whether the hand-off is the limit.
 */
final class CommitCeiling {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private final AtomicLong appended = new AtomicLong();
    private long durable;
    private boolean flushing;
    private final long fsyncNanos;
    private long fsyncs;

    private final boolean direct;
    private volatile long durableV;
    private final ConcurrentLinkedQueue<Thread> waiters =
            new ConcurrentLinkedQueue<>();
    private final AtomicBoolean leader =
            new AtomicBoolean();

    private CommitCeiling(long fsyncNanos, boolean direct) {
        this.fsyncNanos = fsyncNanos;
        this.direct = direct;
    }

    /**
     * The alternative hand-off: no lock at all; a waiter parks until a volatile durable mark
     * covers it, and the leader unparks every registered waiter itself after the fsync, so no
     * woken thread has to re-acquire a lock before it can return.
     */
    private void commitDirect() {
        long mine = appended.incrementAndGet();
        while (durableV < mine) {
            if (leader.compareAndSet(false, true)) {
                try {
                    if (durableV >= mine) {
                        return;
                    }
                    long target = appended.get();
                    if (fsyncNanos > 0) {
                        LockSupport.parkNanos(fsyncNanos);
                    }
                    durableV = target;
                    fsyncs++;
                } finally {
                    leader.set(false);
                }
                for (Thread t; (t = waiters.poll()) != null; ) {
                    LockSupport.unpark(t);
                }
                continue;
            }
            waiters.add(Thread.currentThread());
            if (durableV < mine && leader.get()) {
                LockSupport.park(this);
            }
        }
    }

    private void commit() {
        if (direct) {
            commitDirect();
            return;
        }
        long mine = appended.incrementAndGet();
        lock.lock();
        try {
            while (durable < mine) {
                if (flushing) {
                    done.awaitUninterruptibly();
                    continue;
                }
                flushing = true;
                long target = appended.get();
                lock.unlock();
                try {
                    if (fsyncNanos > 0) {
                        LockSupport.parkNanos(fsyncNanos);
                    }
                } finally {
                    lock.lock();
                    durable = target;
                    fsyncs++;
                    flushing = false;
                    done.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns {commits/s, commits per fsync}. */
    static double[] run(int producers, int seconds, int fsyncMicros, boolean direct)
            throws InterruptedException {
        CommitCeiling c = new CommitCeiling(fsyncMicros * 1000L, direct);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch end = new CountDownLatch(producers);
        AtomicLong n = new AtomicLong();
        long t0 = System.nanoTime();
        for (int t = 0; t < producers; t++) {
            new Thread(() -> {
                long k = 0;
                while (System.nanoTime() < deadline) {
                    c.commit();
                    k++;
                }
                n.addAndGet(k);
                end.countDown();
            }).start();
        }
        end.await();
        double s = (System.nanoTime() - t0) / 1e9;
        return new double[] {n.get() / s, (double) n.get() / c.fsyncs};
    }
}
