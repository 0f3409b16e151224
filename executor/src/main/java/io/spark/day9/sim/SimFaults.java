package io.spark.day9.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's fault hooks, for the chaos engine and tests. Each can be switched at run
 * time and counts what it did.
 */
public final class SimFaults {
    final AtomicInteger skipDepth = new AtomicInteger();
    final AtomicInteger duplicateDepth = new AtomicInteger();
    final AtomicLong silentUntil = new AtomicLong();
    final AtomicLong restFaultUntil = new AtomicLong();
    volatile int restFaultStatus;
    volatile int restRetryAfterSec;
    volatile long clockSkewMs;
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong silenced = new AtomicLong();
    final AtomicLong restRefused = new AtomicLong();
    private final SimExchange exchange;

    SimFaults(SimExchange exchange) {
        this.exchange = exchange;
    }

    /** Closes every WebSocket connection now. Returns how many. */
    public int dropConnections() {
        int n = exchange.dropAll();
        dropped.addAndGet(n);
        return n;
    }

    /** Sends nothing on open sockets for {@code ms} (0 = stop now); the market keeps moving. */
    public void silence(long ms) {
        silentUntil.set(ms <= 0 ? 0 : exchange.now() + ms);
    }

    /** The next {@code n} depth updates are not sent: clients see a sequence gap. */
    public void skipDepthUpdates(int n) {
        skipDepth.addAndGet(n);
    }

    /** The next {@code n} depth updates are sent twice. */
    public void duplicateDepthUpdates(int n) {
        duplicateDepth.addAndGet(n);
    }

    /**
     * REST answers {@code status} (429 or 418) with {@code Retry-After: retryAfterSec} for the
     * next {@code ms}.
     */
    public void rateLimit(int status, int retryAfterSec, long ms) {
        if (status != 429 && status != 418) {
            throw new IllegalArgumentException("status must be 429 or 418, got " + status);
        }
        restFaultStatus = status;
        restRetryAfterSec = retryAfterSec;
        restFaultUntil.set(exchange.now() + ms);
    }

    /** Skews the exchange clock (server time and the recvWindow check) by {@code ms}. */
    public void clockSkew(long ms) {
        clockSkewMs = ms;
    }

    /** Clears every fault. */
    public void clear() {
        skipDepth.set(0);
        duplicateDepth.set(0);
        silentUntil.set(0);
        restFaultUntil.set(0);
        clockSkewMs = 0;
    }

    /** What the hooks did so far. */
    public String summary() {
        return "dropped " + dropped + ", skipped " + skipped + ", duplicated " + duplicated
                + ", silenced messages " + silenced + ", REST refused " + restRefused;
    }

    public long dropped() {
        return dropped.get();
    }

    public long skipped() {
        return skipped.get();
    }

    public long duplicated() {
        return duplicated.get();
    }
}
