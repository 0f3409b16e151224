package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.market.PriceLevel;
import io.spark.day9.shadow.FillModel.Fill;
import io.spark.day9.shadow.OrderRequest.Side;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fill model against hand-computed books. */
class FillModelTest {
    private static PriceLevel l(String p, String q) {
        return new PriceLevel(new BigDecimal(p), new BigDecimal(q));
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    // asks, best first: 100.00 x 1, 100.50 x 2, 101.00 x 3
    private static final List<PriceLevel> ASKS = List.of(l("100.00", "1"), l("100.50", "2"),
            l("101.00", "3"));

    @Test
    void aMarketBuyWalksTheBookAtItsVwap() {
        List<Fill> fills = FillModel.take(Side.BUY, d("2.5"), null, ASKS);
        assertThat(fills).containsExactly(new Fill(d("100.00"), d("1")),
                new Fill(d("100.50"), d("1.5")));
        // (1·100 + 1.5·100.5) / 2.5 = 250.75 / 2.5 = 100.3
        assertThat(FillModel.vwap(fills)).isEqualByComparingTo("100.3");
    }

    @Test
    void whatTheDepthCannotFillIsLeft() {
        List<Fill> fills = FillModel.take(Side.BUY, d("10"), null, ASKS);
        assertThat(FillModel.sumQty(fills)).isEqualByComparingTo("6");
        // (100 + 201 + 303) / 6 = 604 / 6 = 100.666…
        assertThat(FillModel.vwap(fills).doubleValue()).isCloseTo(100.6666667,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aMarketableLimitStopsAtItsPriceAndRecordsTheImprovement() {
        List<Fill> fills = FillModel.take(Side.BUY, d("5"), d("100.50"), ASKS);
        assertThat(FillModel.sumQty(fills)).isEqualByComparingTo("3");
        BigDecimal avg = FillModel.vwap(fills); // (100 + 201) / 3 = 100.333…
        // improvement = -(slippage vs the limit): (100.5 - 100.3333) / 100.5 · 1e4 = 16.58 bps
        assertThat(-FillModel.slippageBps(Side.BUY, avg, d("100.50")))
                .isCloseTo(16.5837, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(FillModel.available(Side.BUY, d("100.50"), ASKS)).isEqualByComparingTo("3");
    }

    @Test
    void aSellWalksTheBidsDown() {
        List<PriceLevel> bids = List.of(l("99.90", "0.5"), l("99.80", "0.5"));
        List<Fill> fills = FillModel.take(Side.SELL, d("0.8"), d("99.85"), bids);
        assertThat(fills).containsExactly(new Fill(d("99.90"), d("0.5")));
        assertThat(FillModel.crosses(Side.SELL, d("99.85"), d("99.90"))).isTrue();
        assertThat(FillModel.crosses(Side.SELL, d("99.85"), d("99.80"))).isFalse();
    }

    @Test
    void slippageIsPositiveWhenWorseOnEitherSide() {
        // mid 100: buying at 100.1 is 10 bps worse; selling at 99.9 is 10 bps worse
        assertThat(FillModel.slippageBps(Side.BUY, d("100.1"), d("100"))).isCloseTo(10.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(FillModel.slippageBps(Side.SELL, d("99.9"), d("100"))).isCloseTo(10.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(FillModel.slippageBps(Side.SELL, d("100.1"), d("100"))).isCloseTo(-10.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void queuePositionStartsBehindTheDisplayedQuantity() {
        List<PriceLevel> bids = List.of(l("99.90", "0.5"), l("99.80", "0.7"));
        assertThat(FillModel.displayedAt(d("99.80"), bids)).isEqualByComparingTo("0.7");
        assertThat(FillModel.displayedAt(d("99.85"), bids)).isEqualByComparingTo("0");
    }
}
