package io.spark.day9.shadow;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Shadow executor settings, checked as the record is built; errors name the environment
 * variable, the value and what is allowed.
 *
 * @param dir           where the trail goes ({@code SHADOW_DIR})
 * @param makerFeeBps   fee of resting fills, basis points of notional ({@code SHADOW_MAKER_FEE_BPS})
 * @param takerFeeBps   fee of fills that crossed the book ({@code SHADOW_TAKER_FEE_BPS})
 * @param latency       how the simulated arrival at the book is delayed
 * @param fixedLatencyMs the delay for {@link LatencyModel#FIXED}
 * @param orderTtlMs    a resting order without its own expiry expires after this
 * @param rttProbeMs    how often the exchange round trip is measured with {@code order/test}
 *                      (0 = never)
 * @param recentOrders  how many settled orders stay in memory ({@code SHADOW_RECENT_ORDERS});
 *                      older ones are read back from the trail through the order index
 */
public record ShadowConfig(Path dir, BigDecimal makerFeeBps, BigDecimal takerFeeBps,
                           LatencyModel latency, long fixedLatencyMs, long orderTtlMs,
                           long rttProbeMs, int recentOrders) {
    /** {@code SHADOW_MAKER_FEE_BPS} and {@code SHADOW_TAKER_FEE_BPS}: 10 bps (Binance's 0.1 %). */
    public static final BigDecimal DEFAULT_FEE_BPS = BigDecimal.TEN;
    /** The largest fee accepted, basis points. */
    public static final BigDecimal MAX_FEE_BPS = BigDecimal.valueOf(1000);
    /** {@code SHADOW_LATENCY_MS} upper bound, ms. */
    public static final long MAX_FIXED_LATENCY_MS = 10_000;
    /** {@code SHADOW_ORDER_TTL_SEC}: 24 h, in ms. */
    public static final long DEFAULT_ORDER_TTL_MS = 86_400_000;
    /** {@code SHADOW_RTT_PROBE_SEC}: 5 s, in ms. */
    public static final long DEFAULT_RTT_PROBE_MS = 5_000;
    /**
     * {@code SHADOW_RECENT_ORDERS}: 100 000 settled orders in memory, about 50 MB (some 500 bytes
     * each with their map entries): at 1 000 orders/s the last minute and a half, at a typical
     * few per second the last hours, so the lookups that follow an order (status polls, retries,
     * reports) stay in memory while the heap has a fixed ceiling.
     */
    public static final int DEFAULT_RECENT_ORDERS = 100_000;
    /** {@code SHADOW_RECENT_ORDERS} upper bound (about 5 GB of heap). */
    public static final int MAX_RECENT_ORDERS = 10_000_000;

    /** Settings with the default window of {@value #DEFAULT_RECENT_ORDERS} recent orders. */
    public ShadowConfig(Path dir, BigDecimal makerFeeBps, BigDecimal takerFeeBps,
                        LatencyModel latency, long fixedLatencyMs, long orderTtlMs,
                        long rttProbeMs) {
        this(dir, makerFeeBps, takerFeeBps, latency, fixedLatencyMs, orderTtlMs, rttProbeMs,
                DEFAULT_RECENT_ORDERS);
    }

    public ShadowConfig {
        Objects.requireNonNull(dir, "dir (SHADOW_DIR)");
        Objects.requireNonNull(latency, "latency (SHADOW_LATENCY_MODEL)");
        fee("SHADOW_MAKER_FEE_BPS", makerFeeBps);
        fee("SHADOW_TAKER_FEE_BPS", takerFeeBps);
        if (fixedLatencyMs < 0 || fixedLatencyMs > MAX_FIXED_LATENCY_MS) {
            throw new IllegalArgumentException("SHADOW_LATENCY_MS=" + fixedLatencyMs
                    + " is invalid: must be from 0 to " + MAX_FIXED_LATENCY_MS);
        }
        if (orderTtlMs < 1) {
            throw new IllegalArgumentException("SHADOW_ORDER_TTL_SEC (as ms)=" + orderTtlMs
                    + " is invalid: must be positive");
        }
        if (rttProbeMs < 0) {
            throw new IllegalArgumentException("SHADOW_RTT_PROBE_SEC (as ms)=" + rttProbeMs
                    + " is invalid: must be 0 (never) or more");
        }
        if (recentOrders < 1 || recentOrders > MAX_RECENT_ORDERS) {
            throw new IllegalArgumentException("SHADOW_RECENT_ORDERS=" + recentOrders
                    + " is invalid: must be from 1 to " + MAX_RECENT_ORDERS);
        }
    }

    private static void fee(String variable, BigDecimal bps) {
        Objects.requireNonNull(bps, variable);
        if (bps.signum() < 0 || bps.compareTo(MAX_FEE_BPS) > 0) {
            throw new IllegalArgumentException(variable + "=" + bps.toPlainString()
                    + " is invalid: must be a number of basis points from 0 to " + MAX_FEE_BPS);
        }
    }

    /** The simulated trip to the exchange. */
    public enum LatencyModel {
        /** Orders reach the book at once. */
        NONE,
        /** Orders reach the book {@code SHADOW_LATENCY_MS} after the decision's arrival. */
        FIXED,
        /** Half the median of the last measured {@code order/test} round trips. */
        MEASURED;

        /** The name used in {@code SHADOW_LATENCY_MODEL}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
