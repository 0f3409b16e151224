package io.spark.day9.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The simulator's fault hooks, for the chaos engine and tests. Every hook takes effect at once,
 * can be changed or cleared at any time from any thread, and counts what it did in
 * {@link #counters()}.
 *
 * <ul>
 *   <li>{@link #dropConnections()}: every open WebSocket connection is cut (TCP closed without a
 *   close handshake, as a network failure looks to the client).</li>
 *   <li>{@link #silence(Duration)} / {@link #silenceUntilCleared()}: no stream messages are sent,
 *   the sockets stay open and server pings continue; the market keeps moving, so the first
 *   depthUpdate after silence shows a gap.</li>
 *   <li>{@link #skipDepthUpdates(int)}: the next N depthUpdates of every symbol are not sent;
 *   the next one sent has {@code U > previous u + 1}.</li>
 *   <li>{@link #duplicateDepthUpdates(int)}: the next N depthUpdates of every symbol are sent
 *   twice in a row.</li>
 *   <li>{@link #restStatus(int, Duration)}: every REST call under {@code /api/} is answered 429
 *   (code -1003) or 418 with {@code Retry-After} for the duration.</li>
 *   <li>{@link #skewClock(long)}: the exchange clock ({@code serverTime}, event times, recvWindow
 *   checks) runs this many ms ahead (positive) or behind (negative).</li>
 * </ul>
 * Thread safety: all state is atomic; hooks may be called concurrently with traffic.
 */
public final class SimFaults {
  private final LongSupplier wallMs;
  private final java.util.function.IntSupplier dropAction;
  private final AtomicLong silentUntilMs = new AtomicLong(Long.MIN_VALUE);
  private final Map<String, AtomicInteger> skip = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> duplicate = new ConcurrentHashMap<>();
  private final java.util.List<String> symbols;
  private volatile RestFault restFault;
  private final AtomicLong skewMs = new AtomicLong();

  private final AtomicLong connectionsDropped = new AtomicLong();
  private final AtomicLong messagesSilenced = new AtomicLong();
  private final AtomicLong depthUpdatesSkipped = new AtomicLong();
  private final AtomicLong depthUpdatesDuplicated = new AtomicLong();
  private final AtomicLong restRejected = new AtomicLong();
  private final AtomicLong clockSkews = new AtomicLong();

  SimFaults(LongSupplier wallMs, java.util.function.IntSupplier dropAction,
            java.util.List<String> symbols) {
    this.symbols = java.util.List.copyOf(symbols);
    this.wallMs = wallMs;
    this.dropAction = dropAction;
  }

  /** What the hooks have done since start. */
  public record Counters(long connectionsDropped, long messagesSilenced,
                         long depthUpdatesSkipped, long depthUpdatesDuplicated,
                         long restRejected, long clockSkews) {
  }

  /** A forced REST answer in effect until {@code untilMs} (clock of the simulator). */
  record RestFault(int status, long untilMs) {
  }

  /** Cuts every open WebSocket connection now. */
  public void dropConnections() {
    connectionsDropped.addAndGet(dropAction.getAsInt());
  }

  /** Sends no stream messages for {@code d}; sockets stay open. */
  public void silence(Duration d) {
    Objects.requireNonNull(d, "duration");
    silentUntilMs.set(wallMs.getAsLong() + d.toMillis());
  }

  /** Sends no stream messages until {@link #clearSilence()}. */
  public void silenceUntilCleared() {
    silentUntilMs.set(Long.MAX_VALUE);
  }

  public void clearSilence() {
    silentUntilMs.set(Long.MIN_VALUE);
  }

  /** Whether stream messages are currently held back. */
  public boolean silent() {
    return wallMs.getAsLong() < silentUntilMs.get();
  }

  /** Does not send the next {@code n} depthUpdates of every symbol. */
  public void skipDepthUpdates(int n) {
    requireCount(n);
    symbols.forEach(s -> skip.put(s, new AtomicInteger(n)));
  }

  /** Does not send the next {@code n} depthUpdates of {@code symbol} (e.g. "BTCUSDT"). */
  public void skipDepthUpdates(String symbol, int n) {
    requireCount(n);
    skip.put(symbol, new AtomicInteger(n));
  }

  /** Sends each of the next {@code n} depthUpdates of every symbol twice. */
  public void duplicateDepthUpdates(int n) {
    requireCount(n);
    symbols.forEach(s -> duplicate.put(s, new AtomicInteger(n)));
  }

  /** Sends each of the next {@code n} depthUpdates of {@code symbol} twice. */
  public void duplicateDepthUpdates(String symbol, int n) {
    requireCount(n);
    duplicate.put(symbol, new AtomicInteger(n));
  }

  /** Answers every {@code /api/} call with {@code status} (429 or 418) for {@code d}. */
  public void restStatus(int status, Duration d) {
    if (status != 429 && status != 418) {
      throw new IllegalArgumentException("status must be 429 or 418, got " + status);
    }
    Objects.requireNonNull(d, "duration");
    restFault = new RestFault(status, wallMs.getAsLong() + d.toMillis());
  }

  public void clearRestStatus() {
    restFault = null;
  }

  /** Sets the exchange clock's offset from the injected clock, in ms (0 clears it). */
  public void skewClock(long ms) {
    skewMs.set(ms);
    clockSkews.incrementAndGet();
  }

  public long clockSkewMs() {
    return skewMs.get();
  }

  /** Clears every hook (counters are kept). */
  public void clearAll() {
    clearSilence();
    skip.clear();
    duplicate.clear();
    clearRestStatus();
    skewMs.set(0);
  }

  public Counters counters() {
    return new Counters(connectionsDropped.get(), messagesSilenced.get(),
        depthUpdatesSkipped.get(), depthUpdatesDuplicated.get(), restRejected.get(),
        clockSkews.get());
  }

  // ------------------------------------------------------------- used by the exchange

  /** How many copies of this symbol's next depthUpdate to send: 0, 1 or 2. */
  int depthCopies(String symbol) {
    if (take(skip.get(symbol))) {
      depthUpdatesSkipped.incrementAndGet();
      return 0;
    }
    if (take(duplicate.get(symbol))) {
      depthUpdatesDuplicated.incrementAndGet();
      return 2;
    }
    return 1;
  }

  private static boolean take(AtomicInteger n) {
    if (n == null) {
      return false;
    }
    int v;
    do {
      v = n.get();
      if (v <= 0) {
        return false;
      }
    } while (!n.compareAndSet(v, v - 1));
    return true;
  }

  /** The forced REST answer now in effect, or {@code null}. */
  RestFault restFault() {
    RestFault f = restFault;
    return f != null && wallMs.getAsLong() < f.untilMs() ? f : null;
  }

  void countSilenced(int n) {
    messagesSilenced.addAndGet(n);
  }

  void countRestRejected() {
    restRejected.incrementAndGet();
  }

  private static void requireCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + n);
    }
  }
}
