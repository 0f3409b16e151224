package io.spark.day9.shadow.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.data.Range;
import org.junit.jupiter.api.Test;

/** The report's histograms keep a readable axis whatever the data. */
class ReportChartsTest {

    private static Range domain(JFreeChart chart) {
        return chart.getXYPlot().getDomainAxis().getRange();
    }

    @Test
    void equalSlippagesGetAOneBpsAxisAroundThem() {
        // "equal" values that differ by floating-point noise, as computed slippage does
        double v = 0.1 + 0.2;
        JFreeChart chart = ReportCharts.slippageChart(new double[] {v, 0.3, v, 0.3});
        Range r = domain(chart);
        assertThat(r.getLength()).isGreaterThanOrEqualTo(ReportCharts.MIN_SLIPPAGE_SPAN_BPS
                - 1e-12);
        assertThat(r.contains(0.3)).isTrue();
        assertThat(r.getCentralValue()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        NumberAxis x = (NumberAxis) chart.getXYPlot().getDomainAxis();
        java.awt.image.BufferedImage img = chart.createBufferedImage(ReportCharts.WIDTH,
                ReportCharts.HEIGHT);
        assertThat(img).isNotNull();
        assertThat(((NumberTickUnit) x.getTickUnit()).getSize()).as("tick spacing")
                .isGreaterThanOrEqualTo(0.01);
    }

    @Test
    void equalLatenciesGetAOneMsAxis() {
        Range r = domain(ReportCharts.latencyChart(new double[] {3.2, 3.2}, new double[] {3.2}));
        assertThat(r.getLength()).isGreaterThanOrEqualTo(ReportCharts.MIN_LATENCY_SPAN_MS - 1e-12);
        assertThat(r.contains(3.2)).isTrue();
    }

    @Test
    void spreadValuesKeepTheirOwnRange() {
        double[] span = ReportCharts.span(new double[] {-4, 2.5, 10}, 1);
        assertThat(span).containsExactly(-4, 10);
    }

    @Test
    void emptyDataStillDrawsAChart() {
        assertThat(ReportCharts.slippageHistogram(new double[0])).isNotEmpty();
    }
}
