package io.spark.day9.shadow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report against a hand-made trail (test resources {@code shadow-report/}): two days, two
 * strategies, six alpha orders (four of them A/B pairs, one pair whose real leg failed), one
 * rejection and two beta orders. Every expected number is computed by hand in the comments.
 *
 * <pre>
 * order side type       qty mid  fills (at ack unless noted) end     lat real leg
 * A1    BUY  MARKET     1   100  0.5@100.05 + 0.5@100.15     FILLED   2  FILLED 1 @100.00, 40
 * A2    SELL MARKET     2   200  2@199.90                    FILLED   4  FILLED 2 @200.00, 50
 * A3    BUY  LIMIT 99.9 1   100  1@99.9 later (500 ms)       FILLED   1  NEW 0, rttMs 30 only
 * A4    BUY  MARKET     1   100  0.5@100.20, rest expired    EXPIRED  3  FILLED 1 @100.00, 60
 * A5    BUY  LIMIT 90   1   100  none, canceled              CANCELED 5  -
 * A6    SELL LIMIT 101  1   100  none, still resting         NEW      6  ERROR
 * R1    rejected (-1013)
 * B1    BUY  MARKET       1   50   1@50.05                       FILLED   8  -
 * B2    SELL MARKET       1   50   none (no depth)               EXPIRED 10  -
 * </pre>
 */
class ShadowReportTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long T0 = 1714557600000L; // 2024-05-01T10:00:00Z, A1's decision
    static final long T1 = 1714640400000L; // 2024-05-02T09:00:00Z, B1's decision
    static final Instant NOW = Instant.parse("2024-05-03T00:00:00Z");

    /** Copies the hand-made trail into {@code dir}. */
    static Path fixture(Path dir) throws IOException {
        for (String f : List.of("orders-2024-05-01.ndjson", "orders-2024-05-02.ndjson")) {
            try (InputStream in = ShadowReportTest.class.getResourceAsStream(
                    "/shadow-report/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    private static ShadowReport load(Path dir, ReportQuery q) throws IOException {
        return ShadowReport.load(dir, q, NOW, JSON);
    }

    @Test
    void countsAndFillRatesMatchTheHandCount(@TempDir Path dir) throws IOException {
        ShadowReport r = load(fixture(dir), ReportQuery.ALL);
        assertThat(r.files()).isEqualTo(2);
        assertThat(r.skippedLines()).isZero();
        assertThat(r.strategies()).containsOnlyKeys("alpha", "beta");

        ShadowReport.Counts a = r.strategies().get("alpha").orders();
        // accepted A1..A6 = 6, rejected R1 = 1
        assertThat(a.total()).isEqualTo(7);
        assertThat(a.accepted()).isEqualTo(6);
        assertThat(a.rejected()).isEqualTo(1);
        assertThat(a.byResult()).isEqualTo(Map.of("FILLED", 3, "EXPIRED", 1, "CANCELED", 1,
                "NEW", 1, "REJECTED", 1));
        // fully filled A1 A2 A3 = 3, partly A4 = 1, none A5 A6 = 2
        assertThat(a.filled()).isEqualTo(3);
        assertThat(a.partiallyFilled()).isEqualTo(1);
        assertThat(a.unfilled()).isEqualTo(2);
        assertThat(a.fillRate()).isEqualTo(0.5); // 3 / 6
        assertThat(a.anyFillRate()).isEqualTo(0.666667); // 4 / 6 to six decimals

        ShadowReport.Counts b = r.strategies().get("beta").orders();
        assertThat(b.accepted()).isEqualTo(2);
        assertThat(b.byResult()).isEqualTo(Map.of("FILLED", 1, "EXPIRED", 1));
        assertThat(b.fillRate()).isEqualTo(0.5);

        ShadowReport.Counts all = r.overall().orders();
        assertThat(all.total()).isEqualTo(9);
        assertThat(all.accepted()).isEqualTo(8);
        assertThat(all.filled()).isEqualTo(4); // A1 A2 A3 B1
        assertThat(all.fillRate()).isEqualTo(0.5); // 4 / 8
        assertThat(all.anyFillRate()).isEqualTo(0.625); // 5 / 8
    }

    @Test
    void latencyPercentilesAreNearestRankShadowAgainstReal(@TempDir Path dir)
            throws IOException {
        ShadowReport r = load(fixture(dir), ReportQuery.ALL);
        ShadowReport.Latency a = r.strategies().get("alpha").latencyMs();
        // shadow, all six: 1 2 3 4 5 6 -> p50 rank ceil(3) = 3rd = 3; p95 rank ceil(5.7) = 6th = 6
        assertThat(a.shadow()).isEqualTo(new ShadowReport.Percentiles(6, 1.0, 3.0, 6.0, 6.0,
                6.0, 3.5));
        // twins of the answered pairs A1 A2 A3 A4 (A6's real leg failed): 1 2 3 4
        // p50 rank 2 = 2; p95 rank ceil(3.8) = 4 = 4
        assertThat(a.shadowPaired()).isEqualTo(new ShadowReport.Percentiles(4, 1.0, 2.0, 4.0,
                4.0, 4.0, 2.5));
        // real: 40 50 60 decisionToAckMs, A3's old record has only rttMs 30 -> 30 40 50 60
        assertThat(a.real()).isEqualTo(new ShadowReport.Percentiles(4, 30.0, 40.0, 60.0, 60.0,
                60.0, 45.0));
        // overall shadow: 1 2 3 4 5 6 8 10 -> p50 rank 4 = 4; p95 rank ceil(7.6) = 8 = 10
        ShadowReport.Percentiles all = r.overall().latencyMs().shadow();
        assertThat(all.n()).isEqualTo(8);
        assertThat(all.p50()).isEqualTo(4.0);
        assertThat(all.p95()).isEqualTo(10.0);
        assertThat(all.p99()).isEqualTo(10.0);
        // beta has no pairs
        assertThat(r.strategies().get("beta").latencyMs().real().n()).isZero();
        assertThat(r.strategies().get("beta").latencyMs().real().p50()).isNull();
    }

    @Test
    void meanSlippageHasAStudentTInterval(@TempDir Path dir) throws IOException {
        ShadowReport r = load(fixture(dir), ReportQuery.ALL);
        // per order, VWAP against the arrival mid, positive = worse:
        // A1 BUY  vwap 100.10 vs 100:  +10 bps     A2 SELL 199.90 vs 200: +5 bps
        // A3 BUY  99.9 vs 100:         -10 bps     A4 BUY  100.20 vs 100: +20 bps
        // mean = 25 / 4 = 6.25; deviations 3.75 -1.25 -16.25 13.75, squares sum 468.75,
        // s^2 = 468.75 / 3 = 156.25, s = 12.5; t(0.975, 3) = 3.182446305
        // half width = 3.182446305 * 12.5 / sqrt(4) = 19.890289; CI [-13.640289, 26.140289]
        ShadowReport.MeanCi a = r.strategies().get("alpha").slippageBps();
        assertThat(a.n()).isEqualTo(4);
        assertThat(a.mean()).isEqualTo(6.25);
        assertThat(a.sd()).isEqualTo(12.5);
        assertThat(a.ci95Low()).isCloseTo(-13.640289, within(1e-6));
        assertThat(a.ci95High()).isCloseTo(26.140289, within(1e-6));
        assertThat(a.meanAbs()).isEqualTo(11.25); // (10 + 5 + 10 + 20) / 4
        assertThat(a.method()).isEqualTo("Student t, 95 %, df = 3");
        // overall adds B1: BUY 50.05 vs 50 = +10 bps -> 10 5 -10 20 10, mean 35 / 5 = 7
        // deviations 3 -2 -17 13 3, squares 480, s^2 = 120, s = 10.954451
        // t(0.975, 4) = 2.776445105; half = 2.776445105 * 10.954451 / sqrt(5) = 13.601748
        ShadowReport.MeanCi all = r.overall().slippageBps();
        assertThat(all.n()).isEqualTo(5);
        assertThat(all.mean()).isEqualTo(7.0);
        assertThat(all.sd()).isCloseTo(10.954451, within(1e-6));
        assertThat(all.ci95Low()).isCloseTo(-6.601748, within(1e-6));
        assertThat(all.ci95High()).isCloseTo(20.601748, within(1e-6));
        // beta: one observation (B1, +10): a mean, no interval
        ShadowReport.MeanCi b = r.strategies().get("beta").slippageBps();
        assertThat(b.n()).isEqualTo(1);
        assertThat(b.mean()).isEqualTo(10.0);
        assertThat(b.sd()).isNull();
        assertThat(b.ci95Low()).isNull();
        assertThat(b.ci95High()).isNull();
        assertThat(b.method()).isEqualTo("n < 2: no interval");
    }

    @Test
    void priceErrorAndFillAgreementOfPairs(@TempDir Path dir) throws IOException {
        ShadowReport.Pairs p = load(fixture(dir), ReportQuery.ALL).strategies().get("alpha")
                .pairs();
        // real legs of A1 A2 A3 A4 A6; A6's is an ERROR
        assertThat(p.count()).isEqualTo(5);
        assertThat(p.realErrors()).isEqualTo(1);
        assertThat(p.unmatchedReal()).isZero();
        // fill class at ack, shadow/real: A1 FULL/FULL, A2 FULL/FULL, A3 NONE/NONE (its shadow
        // fill came later), A4 PARTIAL/FULL -> 3 of 4 agree
        assertThat(p.fillAgreement().compared()).isEqualTo(4);
        assertThat(p.fillAgreement().agree()).isEqualTo(3);
        assertThat(p.fillAgreement().rate()).isEqualTo(0.75);
        assertThat(p.fillAgreement().byClass()).isEqualTo(Map.of("FULL/FULL", 2, "NONE/NONE", 1,
                "PARTIAL/FULL", 1));
        // shadow minus real where both filled at once: A1 100.10 - 100.00 = +0.10 (+10 bps of
        // 100), A2 199.90 - 200.00 = -0.10 (-5 bps of 200), A4 100.20 - 100.00 = +0.20 (+20 bps)
        // bps: mean 25 / 3 = 8.333333; deviations 1.666667 -13.333333 11.666667, squares sum
        // 316.666667, s^2 = 158.333333, s = 12.583057; t(0.975, 2) = 4.302652730
        // half = 4.302652730 * 12.583057 / sqrt(3) = 31.258047 -> CI [-22.924714, 39.591381]
        ShadowReport.MeanCi bps = p.priceError().bps();
        assertThat(bps.n()).isEqualTo(3);
        assertThat(bps.mean()).isCloseTo(8.333333, within(1e-6));
        assertThat(bps.sd()).isCloseTo(12.583057, within(1e-6));
        assertThat(bps.ci95Low()).isCloseTo(-22.924714, within(1e-6));
        assertThat(bps.ci95High()).isCloseTo(39.591381, within(1e-6));
        assertThat(bps.meanAbs()).isCloseTo(11.666667, within(1e-6)); // 35 / 3
        // price: +0.10 -0.10 +0.20, mean 0.066667, s = 0.152753
        // half = 4.302652730 * 0.152753 / sqrt(3) = 0.379458 -> CI [-0.312792, 0.446125]
        ShadowReport.MeanCi price = p.priceError().price();
        assertThat(price.mean()).isCloseTo(0.066667, within(1e-6));
        assertThat(price.sd()).isCloseTo(0.152753, within(1e-6));
        assertThat(price.ci95Low()).isCloseTo(-0.312792, within(1e-6));
        assertThat(price.ci95High()).isCloseTo(0.446125, within(1e-6));
        assertThat(price.meanAbs()).isCloseTo(0.133333, within(1e-6)); // 0.4 / 3
    }

    @Test
    void anEmergencyFlattensRealOrderIsNoPairAndNotUnmatched(@TempDir Path dir)
            throws IOException {
        String flatten = "{\"kind\":\"real\",\"ts\":\"2024-05-02T12:00:00Z\",\"orderId\":null,"
                + "\"clientOrderId\":\"flatr-stop-1-0a1b2c3d\",\"strategy\":\"alpha\","
                + "\"symbol\":\"BTCUSDT\",\"pairId\":null,\"decisionAt\":1714651200000,"
                + "\"rttMs\":3.0,\"exchangeOrderId\":\"77\",\"status\":\"FILLED\","
                + "\"executedQty\":\"1\",\"avgPrice\":\"100\",\"fills\":[],\"side\":\"SELL\"}\n";
        Files.writeString(fixture(dir).resolve("orders-2024-05-02.ndjson"), flatten,
                StandardOpenOption.APPEND);

        ShadowReport.Pairs p = load(dir, ReportQuery.ALL).strategies().get("alpha").pairs();

        assertThat(p.count()).isEqualTo(5);
        assertThat(p.unmatchedReal()).isZero();
    }

    @Test
    void filtersSelectByStrategyAndDecisionTime(@TempDir Path dir) throws IOException {
        fixture(dir);
        ShadowReport beta = load(dir, ReportQuery.parse("beta", null, null));
        assertThat(beta.strategies()).containsOnlyKeys("beta");
        assertThat(beta.overall().orders().accepted()).isEqualTo(2);
        // a date as "from" starts at that midnight: only 2024-05-02 (beta)
        assertThat(load(dir, ReportQuery.parse(null, "2024-05-02", null)).strategies())
                .containsOnlyKeys("beta");
        // a date as "to" includes that whole day: only 2024-05-01 (alpha, with R1)
        ShadowReport day1 = load(dir, ReportQuery.parse(null, null, "2024-05-01"));
        assertThat(day1.strategies()).containsOnlyKeys("alpha");
        assertThat(day1.overall().orders().total()).isEqualTo(7);
        // epoch millis, [T0 + 3000, T0 + 5000): A4 and A5 only
        ShadowReport mid = load(dir, ReportQuery.parse("alpha", String.valueOf(T0 + 3000),
                String.valueOf(T0 + 5000)));
        assertThat(mid.overall().orders().accepted()).isEqualTo(2);
        assertThat(mid.overall().orders().byResult()).isEqualTo(Map.of("EXPIRED", 1,
                "CANCELED", 1));
        assertThat(mid.overall().pairs().count()).isEqualTo(1); // A4
        // ISO instants with an offset: 12:00:01+02:00 = 10:00:01Z -> from A2 on
        ShadowReport iso = load(dir, ReportQuery.parse("alpha", "2024-05-01T12:00:01+02:00",
                "2024-05-01T10:00:06Z"));
        assertThat(iso.overall().orders().accepted()).isEqualTo(5); // A2..A6
        assertThat(iso.overall().orders().rejected()).isZero(); // R1 at 10:00:06 is excluded
        assertThat(iso.from()).isEqualTo("2024-05-01T10:00:01Z");
    }

    @Test
    void aTornLastLineIsSkippedAndCounted(@TempDir Path dir) throws IOException {
        fixture(dir);
        ShadowReport before = load(dir, ReportQuery.ALL);
        Files.writeString(dir.resolve("orders-2024-05-02.ndjson"), "{\"kind\":\"order\","
                + "\"ts\":\"2024-05-02T09:00:05Z\",\"orderId\":\"S-B3\",\"strat",
                StandardOpenOption.APPEND);
        ShadowReport after = load(dir, ReportQuery.ALL);
        assertThat(after.skippedLines()).isEqualTo(1);
        assertThat(after.overall()).usingRecursiveComparison().ignoringFields("samples")
                .isEqualTo(before.overall());
        // other files in the directory are not trail files
        Files.writeString(dir.resolve("notes.ndjson"), "{\"kind\":\"order\"}\n");
        assertThat(load(dir, ReportQuery.ALL).files()).isEqualTo(2);
    }

    @Test
    void badBoundsNameTheirField() {
        assertThatThrownBy(() -> ReportQuery.parse(null, "yesterday", null))
                .isInstanceOfSatisfying(InvalidReportParameter.class,
                        e -> assertThat(e.field()).isEqualTo("from"));
        assertThatThrownBy(() -> ReportQuery.parse(null, null, "2024-13-01"))
                .isInstanceOfSatisfying(InvalidReportParameter.class,
                        e -> assertThat(e.field()).isEqualTo("to"));
        assertThatThrownBy(() -> ReportQuery.parse(null, "2024-05-02", "2024-05-01T00:00:00Z"))
                .isInstanceOfSatisfying(InvalidReportParameter.class,
                        e -> assertThat(e.field()).isEqualTo("to"));
    }

    @Test
    void theJsonCarriesTheNumbersButNotTheChartSamples(@TempDir Path dir) throws IOException {
        JsonNode j = JSON.valueToTree(load(fixture(dir), ReportQuery.ALL));
        assertThat(j.at("/strategies/alpha/slippageBps/mean").asDouble()).isEqualTo(6.25);
        assertThat(j.at("/overall/latencyMs/real/p50").asDouble()).isEqualTo(40.0);
        assertThat(j.at("/overall/samples").isMissingNode()).isTrue();
    }

    @Test
    void htmlEmbedsThreeChartsAsReadablePngs(@TempDir Path dir) throws IOException {
        String html = load(fixture(dir), ReportQuery.ALL).toHtml();
        List<byte[]> pngs = embeddedPngs(html);
        assertThat(pngs).hasSize(3);
        for (byte[] png : pngs) {
            assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(ReportCharts.WIDTH);
            assertThat(img.getHeight()).isEqualTo(ReportCharts.HEIGHT);
        }
        assertThat(html).contains("latency histogram", "slippage distribution",
                "shadow vs real price scatter", "alpha", "beta", "[-13.6403, 26.1403]");
        assertThat(html).doesNotContain("<script", "http://", "https://");
    }

    @Test
    void anEmptyTrailStillRendersAReport(@TempDir Path dir) throws IOException {
        ShadowReport r = load(dir.resolve("absent"), ReportQuery.ALL);
        assertThat(r.files()).isZero();
        assertThat(r.overall().orders().fillRate()).isNull();
        assertThat(r.overall().slippageBps().method()).isEqualTo("no observations");
        assertThat(embeddedPngs(r.toHtml())).hasSize(3);
    }

    @Test
    void strategyNamesAreEscapedInTheHtml(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("orders-2024-05-01.ndjson"), "{\"kind\":\"reject\","
                + "\"ts\":\"2024-05-01T00:00:00Z\",\"strategy\":\"<b>x</b>\"}\n",
                StandardCharsets.UTF_8);
        String html = load(dir, ReportQuery.ALL).toHtml();
        assertThat(html).contains("&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>");
    }

    @Test
    void tQuantilesComeFromTheTableThenTheExpansion() {
        assertThat(Stats.t975(1)).isEqualTo(12.706204736);
        assertThat(Stats.t975(30)).isEqualTo(2.042272456);
        assertThat(Stats.t975(31)).isCloseTo(2.039513446, within(2e-6));
        assertThat(Stats.t975(100)).isCloseTo(1.983971519, within(1e-7));
        assertThat(Stats.percentile(new double[] {1, 2, 3, 4}, 50)).isEqualTo(2);
        assertThat(Stats.percentile(new double[] {7}, 99)).isEqualTo(7);
    }

    static List<byte[]> embeddedPngs(String html) {
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        List<byte[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(Base64.getDecoder().decode(m.group(1)));
        }
        return out;
    }
}
