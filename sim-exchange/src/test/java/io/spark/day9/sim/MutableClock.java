package io.spark.day9.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A test clock that moves only when told to. */
final class MutableClock extends Clock {
  private final AtomicLong ms;

  MutableClock(long startMs) {
    ms = new AtomicLong(startMs);
  }

  void advanceMs(long d) {
    ms.addAndGet(d);
  }

  void setMs(long v) {
    ms.set(v);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return ms.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(ms.get());
  }
}
