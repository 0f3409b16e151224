package io.spark.day9.queue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock tests move by hand: no sleeps. */
public final class ManualClock implements LongSupplier {
    private final AtomicLong now;

    public ManualClock(long start) {
        now = new AtomicLong(start);
    }

    public ManualClock() {
        this(1_700_000_000_000L);
    }

    @Override
    public long getAsLong() {
        return now.get();
    }

    public void advance(long ms) {
        now.addAndGet(ms);
    }
}
