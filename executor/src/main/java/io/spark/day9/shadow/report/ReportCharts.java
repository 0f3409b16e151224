package io.spark.day9.shadow.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's three charts as PNG bytes, drawn with JFreeChart off screen. Needs no display:
 * {@code java.awt.headless} is set to true here unless the process chose otherwise (text needs
 * fontconfig and one font on Linux; Debian: {@code fontconfig}, {@code fonts-dejavu-core}).
 * Empty data draws an empty chart saying so.
 */
final class ReportCharts {
    static final int WIDTH = 760;
    static final int HEIGHT = 380;
    private static final int BINS = 20;
    /** The narrowest latency axis, in ms: equal values get this span around them. */
    static final double MIN_LATENCY_SPAN_MS = 1;
    /** The narrowest slippage axis, in bps: equal values get this span around them. */
    static final double MIN_SLIPPAGE_SPAN_BPS = 1;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ReportCharts() {
    }

    /** Decision-to-ack latency: shadow and real on the same bins. */
    static byte[] latencyHistogram(double[] shadow, double[] real) {
        return png(latencyChart(shadow, real));
    }

    static JFreeChart latencyChart(double[] shadow, double[] real) {
        HistogramDataset d = new HistogramDataset();
        double[] all = concat(shadow, real);
        double[] range = null;
        if (all.length > 0) {
            range = span(all, MIN_LATENCY_SPAN_MS);
            if (shadow.length > 0) {
                d.addSeries("shadow (n=" + shadow.length + ")", shadow, BINS, range[0], range[1]);
            }
            if (real.length > 0) {
                d.addSeries("real (n=" + real.length + ")", real, BINS, range[0], range[1]);
            }
        }
        return histogram("Decision-to-ack latency: shadow vs real", "ms", d, range);
    }

    /** Per-order slippage against the arrival mid. */
    static byte[] slippageHistogram(double[] bps) {
        return png(slippageChart(bps));
    }

    static JFreeChart slippageChart(double[] bps) {
        HistogramDataset d = new HistogramDataset();
        double[] range = null;
        if (bps.length > 0) {
            range = span(bps, MIN_SLIPPAGE_SPAN_BPS);
            d.addSeries("slippage (n=" + bps.length + ")", bps, BINS, range[0], range[1]);
        }
        return histogram("Slippage vs arrival mid (positive = worse)", "bps", d, range);
    }

    /**
     * The bins' range for {@code values}: their min and max, widened to at least
     * {@code minSpan} around their middle. Values that are equal, or differ only by
     * floating-point noise, so get a readable axis instead of ticks 1e-15 apart.
     */
    static double[] span(double[] values, double minSpan) {
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        if (max - min < minSpan) {
            double mid = (min + max) / 2;
            min = mid - minSpan / 2;
            max = mid + minSpan / 2;
        }
        return new double[] {min, max};
    }

    /** Shadow average fill price against the real one, one point per pair, with y = x. */
    static byte[] priceScatter(double[] real, double[] shadow) {
        XYSeries s = new XYSeries("A/B pairs (n=" + real.length + ")");
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < real.length; i++) {
            s.add(real[i], shadow[i]);
            lo = Math.min(lo, Math.min(real[i], shadow[i]));
            hi = Math.max(hi, Math.max(real[i], shadow[i]));
        }
        XYSeriesCollection d = new XYSeriesCollection();
        if (real.length > 0) {
            d.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createScatterPlot("Shadow vs real average fill price",
                "real price", "shadow price", d, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(plot);
        if (real.length > 0) {
            double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(1e-9, Math.abs(hi) * 1e-4);
            lo -= pad;
            hi += pad;
            plot.addAnnotation(new XYLineAnnotation(lo, lo, hi, hi, new BasicStroke(1.2f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f),
                    Color.GRAY));
            for (NumberAxis a : new NumberAxis[] {(NumberAxis) plot.getDomainAxis(),
                    (NumberAxis) plot.getRangeAxis()}) {
                a.setAutoRangeIncludesZero(false);
                a.setRange(lo, hi);
            }
        }
        return png(chart);
    }

    private static JFreeChart histogram(String title, String unit, HistogramDataset d,
                                        double[] range) {
        JFreeChart chart = ChartFactory.createHistogram(title, unit, "orders", d,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(plot);
        if (range != null) {
            NumberAxis x = (NumberAxis) plot.getDomainAxis();
            x.setAutoRangeIncludesZero(false);
            x.setRange(range[0], range[1]);
        }
        plot.setForegroundAlpha(0.65f);
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, new Color(0x1f77b4));
        r.setSeriesPaint(1, new Color(0xff7f0e));
        return chart;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setNoDataMessage("no data in this selection");
    }

    private static byte[] png(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a report chart as PNG", e);
        }
        return out.toByteArray();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
