package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettledOrderTest {

    private static ShadowOrderView view(String pairId, Long expiresAt, BigDecimal improvement) {
        return new ShadowOrderView("S1-7", "c-7", "alpha", "BTCUSDT", "BUY", "LIMIT", "GTC",
                new BigDecimal("50000.10"), new BigDecimal("0.0100"), new BigDecimal("1E-2"),
                new BigDecimal("500.001"), new BigDecimal("50000.1"), OrderStatus.FILLED,
                List.of(new ShadowOrderView.FillView(new BigDecimal("50000.10"),
                                new BigDecimal("0.004"), new BigDecimal("0.2000040"), "USDT",
                                "TAKER", 1_700_000_000_123L),
                        new ShadowOrderView.FillView(new BigDecimal("5.0001E+4"),
                                new BigDecimal("0.006"), BigDecimal.ZERO, "USDT", "MAKER",
                                1_700_000_000_456L)),
                1_700_000_000_000L, 1_700_000_000_001L, new BigDecimal("49999.995"),
                new BigDecimal("49999.99"), null, improvement, expiresAt, "queue", pairId);
    }

    @Test
    void aSettledOrderDecodesToExactlyTheViewItWasMadeFrom() {
        for (ShadowOrderView v : List.of(view(null, null, null),
                view("ab-1", 1_700_000_060_000L, new BigDecimal("-0.4")))) {
            SettledOrder s = SettledOrder.of(v, 1_700_000_000_000L);
            ShadowOrderView back = s.view();
            assertThat(back).isEqualTo(v);
            // equal BigDecimals keep their scale, so the API prints the same text
            assertThat(back.origQty().scale()).isEqualTo(4);
            assertThat(back.executedQty().toString()).isEqualTo("0.01");
            assertThat(back.fills().get(1).price()).isEqualTo(new BigDecimal("5.0001E+4"));
            assertThat(s.strategy()).isEqualTo("alpha");
        }
    }

    @Test
    void theEncodingIsCompact() {
        // a few hundred bytes, against about a kilobyte of objects for a live order
        assertThat(SettledOrder.of(view("ab-1", 1L, BigDecimal.ONE), 0).encoded().length)
                .isLessThan(400);
    }
}
