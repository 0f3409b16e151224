package io.spark.day9.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parsing a trail file in ranges (the export's workers parse later ranges ahead) gives the same
 * lines in the same order, and the same skipped count, as one sequential read, wherever the
 * cuts fall: blank lines, a torn line and a file without a final newline included.
 */
class TrailScanTest {
    private static final String TRAIL = """
            {"kind":"order","orderId":"s1","symbol":"BTCUSDT","side":"BUY","quantity":"1.5",\
            "decisionAt":10,"createdAt":12,"source":"queue"}

            {"kind":"fill","orderId":"s1","ts":"2026-12-05T00:00:01Z","price":"100","qty":"0.5"}
            {"kind":"order","orderId":"s2","sym
               \t
            {"kind":"real","orderId":"s1","executedQty":"1","ackAt":40,\
            "fills":[{"price":"101","qty":"1"}]}
            {"kind":"fill","orderId":"s1","fillAt":77,"price":"102","qty":"0.25"}
            {"kind":"order","ts":"2026-12-05T00:00:02Z","orderId":"s1","kind":"fill",\
            "price":"103","qty":"0.5"}""";

    @Test
    void cutsFallAfterNewlinesAndCoverTheFile() {
        byte[] all = TRAIL.getBytes(StandardCharsets.UTF_8);
        for (int parts = 1; parts <= 12; parts++) {
            int[] cuts = TrailScan.cuts(all, parts);
            assertThat(cuts).hasSize(parts + 1);
            assertThat(cuts[0]).isZero();
            assertThat(cuts[parts]).isEqualTo(all.length);
            for (int k = 1; k < parts; k++) {
                assertThat(cuts[k]).isGreaterThanOrEqualTo(cuts[k - 1]);
                assertThat(cuts[k] == all.length || all[cuts[k] - 1] == '\n')
                        .as("cut %d of %d at %d", k, parts, cuts[k]).isTrue();
            }
        }
    }

    @Test
    void rangesParsedAheadEqualOneSequentialRead() {
        byte[] all = TRAIL.getBytes(StandardCharsets.UTF_8);
        List<String> sequential = new ArrayList<>();
        long skipped = TrailScan.read(all, 0, all.length, l -> sequential.add(describe(l)));
        assertThat(skipped).isEqualTo(1); // the torn order line
        assertThat(sequential).hasSize(5);
        assertThat(sequential.get(0)).startsWith("order s1 ");
        assertThat(sequential.get(3)).contains("fillAt=77");
        // the kind changed after ts was skipped as an order's: parsed again, ts kept
        assertThat(sequential.get(4)).startsWith("fill s1 ")
                .contains("fillTime=" + java.time.Instant.parse("2026-12-05T00:00:02Z")
                        .toEpochMilli());
        for (int parts = 1; parts <= 12; parts++) {
            int[] cuts = TrailScan.cuts(all, parts);
            List<String> ranged = new ArrayList<>();
            long rangedSkipped = 0;
            for (int k = 0; k < parts; k++) {
                TrailScan.Parsed p = TrailScan.parse(all, cuts[k], cuts[k + 1]);
                rangedSkipped += p.skipped();
                p.lines().forEach(l -> ranged.add(describe(l)));
            }
            assertThat(ranged).as("%d parts", parts).isEqualTo(sequential);
            assertThat(rangedSkipped).as("%d parts", parts).isEqualTo(skipped);
        }
    }

    private static String describe(TrailScan.Line l) {
        return l.kind + " " + l.orderId + " side=" + l.side + " source=" + l.source + " qty="
                + l.quantity + "/" + l.qty + "/" + l.executedQty + " price=" + l.price
                + " decisionAt=" + l.decisionAt + " createdAt=" + l.createdAt + " fillAt="
                + l.fillAt + " fillTime=" + l.fillTime() + " ackAt=" + l.ackAt + " notional="
                + l.fillsNotional;
    }
}
