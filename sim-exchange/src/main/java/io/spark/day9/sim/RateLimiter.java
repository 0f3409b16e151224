package io.spark.day9.sim;

/**
 * Binance's REQUEST_WEIGHT accounting for the one client address a loopback simulator sees.
 *
 * <p>Model: a fixed window per calendar minute of the (unskewed) simulator clock, as Binance
 * resets its {@code X-MBX-USED-WEIGHT-1M} counter each minute. Every request adds its weight
 * first (rejected requests count too); once the total exceeds the limit the request is answered
 * 429 / -1003 with {@code Retry-After} = seconds to the next minute. A client that collects more
 * than {@code violationsBeforeBan} 429s in one minute is banned: 418 / -1003 with
 * {@code Retry-After} until the ban ends. O(1) per request; thread-safe (synchronized).
 */
final class RateLimiter {
  private final int limit;
  private final int violationsBeforeBan;
  private final long banMs;
  private long windowMinute = Long.MIN_VALUE;
  private int used;
  private int violations;
  private long bannedUntilMs = Long.MIN_VALUE;

  RateLimiter(SimConfig config) {
    this.limit = config.weightLimitPerMinute();
    this.violationsBeforeBan = config.violationsBeforeBan();
    this.banMs = config.banDuration().toMillis();
  }

  /** Adds {@code weight} at {@code nowMs}; returns the minute's used weight or throws. */
  synchronized int charge(int weight, long nowMs) {
    if (nowMs < bannedUntilMs) {
      throw banned(nowMs);
    }
    long minute = Math.floorDiv(nowMs, 60_000L);
    if (minute != windowMinute) {
      windowMinute = minute;
      used = 0;
      violations = 0;
    }
    used += weight;
    if (used > limit) {
      violations++;
      if (violations > violationsBeforeBan) {
        bannedUntilMs = nowMs + banMs;
        throw banned(nowMs);
      }
      long retry = Math.max(1, ((minute + 1) * 60_000L - nowMs + 999) / 1000);
      throw new BinanceError(429, -1003, "Too much request weight used; current limit is "
          + limit + " request weight per 1 MINUTE. Please use WebSocket Streams for live "
          + "updates to avoid polling the API.", retry);
    }
    return used;
  }

  synchronized int used() {
    return used;
  }

  private BinanceError banned(long nowMs) {
    long retry = Math.max(1, (bannedUntilMs - nowMs + 999) / 1000);
    return new BinanceError(418, -1003, "Way too much request weight used; IP banned until "
        + bannedUntilMs + ". Please use WebSocket Streams for live updates to avoid bans.",
        retry);
  }
}
