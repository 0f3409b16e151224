package io.spark.day9.shadow;

import java.math.BigDecimal;
import java.util.List;

/**
 * A shadow order as the API shows it (an immutable copy).
 *
 * @param status where the order stands ({@link OrderStatus}; JSON and the trail show its name)
 */
public record ShadowOrderView(String orderId, String clientOrderId, String strategy,
                              String symbol, String side, String type, String timeInForce,
                              BigDecimal price, BigDecimal origQty, BigDecimal executedQty,
                              BigDecimal cummulativeQuoteQty, BigDecimal avgPrice,
                              OrderStatus status,
                              List<FillView> fills, long decisionAt, long ackAt,
                              BigDecimal arrivalMid, BigDecimal arrivalBestBid,
                              BigDecimal arrivalBestAsk, BigDecimal priceImprovementBps,
                              Long expiresAt, String source, String pairId) {

    /**
     * One fill.
     *
     * @param liquidity MAKER (resting) or TAKER (crossed the book)
     */
    public record FillView(BigDecimal price, BigDecimal qty, BigDecimal fee, String feeAsset,
                           String liquidity, long at) {
    }

    public boolean resting() {
        return status.resting();
    }
}
