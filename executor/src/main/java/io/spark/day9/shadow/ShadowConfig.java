package io.spark.day9.shadow;

import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * Shadow executor settings.
 *
 * @param dir           where the trail goes ({@code SHADOW_DIR})
 * @param makerFeeBps   fee of resting fills, basis points of notional ({@code SHADOW_MAKER_FEE_BPS})
 * @param takerFeeBps   fee of fills that crossed the book ({@code SHADOW_TAKER_FEE_BPS})
 * @param latency       how the simulated arrival at the book is delayed
 * @param fixedLatencyMs the delay for {@link LatencyModel#FIXED}
 * @param orderTtlMs    a resting order without its own expiry expires after this
 * @param rttProbeMs    how often the exchange round trip is measured with {@code order/test}
 *                      (0 = never)
 */
public record ShadowConfig(Path dir, BigDecimal makerFeeBps, BigDecimal takerFeeBps,
                           LatencyModel latency, long fixedLatencyMs, long orderTtlMs,
                           long rttProbeMs) {

    /** The simulated trip to the exchange. */
    public enum LatencyModel {
        /** Orders reach the book at once. */
        NONE,
        /** Orders reach the book {@code SHADOW_LATENCY_MS} after the decision's arrival. */
        FIXED,
        /** Half the median of the last measured {@code order/test} round trips. */
        MEASURED
    }
}
