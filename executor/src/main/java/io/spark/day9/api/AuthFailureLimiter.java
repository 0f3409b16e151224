package io.spark.day9.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per client address and refuses an address that failed
 * {@code maxFailures} times within {@code window}, until the oldest of those failures leaves
 * the window.
 *
 * <p><b>Model.</b> Per address, a ring of the times of its last {@code maxFailures} failures.
 * The address is blocked while the ring is full and its oldest entry is younger than the
 * window; the wait it is told ({@code Retry-After}) is the time until that entry expires.
 * A refused request is not itself counted, so a client that stops for the window gets in.
 *
 * <p><b>Cost.</b> Nothing on a request without credentials or with an address that never
 * failed: one map lookup. Memory: one ring per failing address; once more than
 * {@link #MAX_TRACKED} addresses are tracked, those whose failures have all expired are
 * dropped.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use: the map is concurrent and each ring is
 * guarded by its own lock. The clock is injected (milliseconds).
 */
final class AuthFailureLimiter {
    static final int MAX_TRACKED = 10_000;

    private final int maxFailures;
    private final long windowMillis;
    private final LongSupplier clock;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    AuthFailureLimiter(int maxFailures, Duration window, LongSupplier clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, got "
                    + maxFailures);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Seconds this address must wait (at least 1), or 0 when it may try. Counts a refusal.
     */
    long retryAfterSeconds(String address) {
        Ring ring = rings.get(address);
        if (ring == null) {
            return 0;
        }
        long wait = ring.blockedFor(clock.getAsLong());
        if (wait <= 0) {
            return 0;
        }
        refused.incrementAndGet();
        return Math.max(1, (wait + 999) / 1000);
    }

    /** Records one failure; true when this failure blocks the address. */
    boolean fail(String address) {
        failures.incrementAndGet();
        if (rings.size() >= MAX_TRACKED) {
            long now = clock.getAsLong();
            rings.values().removeIf(r -> r.expired(now));
        }
        return rings.computeIfAbsent(address, a -> new Ring()).add(clock.getAsLong());
    }

    /** Failed authentications since start. */
    long failures() {
        return failures.get();
    }

    /** Requests refused with 429 since start. */
    long refused() {
        return refused.get();
    }

    private final class Ring {
        private final long[] times = new long[maxFailures];
        private int next;
        private int size;

        synchronized boolean add(long now) {
            times[next] = now;
            next = (next + 1) % times.length;
            size = Math.min(size + 1, times.length);
            return blockedFor(now) > 0;
        }

        /** Milliseconds until the oldest failure leaves the window, when the ring is full. */
        synchronized long blockedFor(long now) {
            if (size < times.length) {
                return 0;
            }
            long oldest = times[next]; // full ring: the slot to overwrite next is the oldest
            return oldest + windowMillis - now;
        }

        synchronized boolean expired(long now) {
            long newest = times[(next + times.length - 1) % times.length];
            return size == 0 || now - newest >= windowMillis;
        }
    }
}
