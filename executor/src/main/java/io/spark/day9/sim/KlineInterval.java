package io.spark.day9.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Binance's kline intervals ({@code 1s} .. {@code 1M}) and how each buckets time: fixed-length
 * intervals are aligned on the epoch (UTC), {@code 1w} starts on Monday 00:00 UTC and {@code 1M}
 * on the first day of the month, as Binance's klines do.
 */
enum KlineInterval {
    S1("1s", 1_000), M1("1m", 60_000), M3("3m", 180_000), M5("5m", 300_000),
    M15("15m", 900_000), M30("30m", 1_800_000), H1("1h", 3_600_000), H2("2h", 7_200_000),
    H4("4h", 14_400_000), H6("6h", 21_600_000), H8("8h", 28_800_000), H12("12h", 43_200_000),
    D1("1d", 86_400_000), D3("3d", 259_200_000), W1("1w", 604_800_000), MONTH("1M", 0);

    /** 1970-01-05, the first Monday after the epoch. */
    private static final long FIRST_MONDAY = 4 * 86_400_000L;

    final String code;
    private final long lengthMs;

    KlineInterval(String code, long lengthMs) {
        this.code = code;
        this.lengthMs = lengthMs;
    }

    /**
     * The interval with Binance's code (case-sensitive: {@code 1m} is a minute, {@code 1M} a
     * month).
     */
    static Optional<KlineInterval> of(String code) {
        for (KlineInterval i : values()) {
            if (i.code.equals(code)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** The open time (epoch ms) of the bucket holding {@code t}. */
    long open(long t) {
        if (this == MONTH) {
            ZonedDateTime d = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
            return d.withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant()
                    .toEpochMilli();
        }
        long offset = this == W1 ? FIRST_MONDAY : 0;
        return t - Math.floorMod(t - offset, lengthMs);
    }

    /** The open time of the bucket after the one opening at {@code open}. */
    long next(long open) {
        if (this == MONTH) {
            return Instant.ofEpochMilli(open).atZone(ZoneOffset.UTC).plusMonths(1).toInstant()
                    .toEpochMilli();
        }
        return open + lengthMs;
    }
}
