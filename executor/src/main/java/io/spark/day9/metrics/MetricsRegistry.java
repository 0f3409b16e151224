package io.spark.day9.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The executor's one metrics registry (a fresh one per executor, so tests never share state),
 * with JVM and process metrics, and its exposition by content negotiation: OpenMetrics text
 * when the scraper asks for {@code application/openmetrics-text}, Prometheus text otherwise.
 *
 * <p>OpenMetrics forbids a histogram's {@code _sum} when it has buckets with negative bounds (a
 * sum of signed values is no longer a counter), and {@code _count} comes only with
 * {@code _sum}. So a classic histogram with a negative bucket bound (the signed
 * {@code spark_shadow_slippage_bps}) is served in OpenMetrics with its buckets only: the
 * {@code le="+Inf"} bucket is its count. The Prometheus text format keeps {@code _sum} and
 * {@code _count} for existing dashboards.
 */
public final class MetricsRegistry {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    /** A registry with JVM and process metrics registered. */
    public MetricsRegistry() {
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * One scrape.
     *
     * @param accept the scraper's {@code Accept} header (may be null)
     */
    public Scrape scrape(String accept) throws IOException {
        ExpositionFormatWriter writer = writer(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        MetricSnapshots snapshots = registry.scrape();
        writer.write(out, writer instanceof OpenMetricsTextFormatWriter
                ? withoutSignedSums(snapshots) : snapshots);
        return new Scrape(writer.getContentType(), out.toByteArray());
    }

    /** The content type a scrape with this {@code Accept} header gets (for HEAD). */
    public String contentType(String accept) {
        return writer(accept).getContentType();
    }

    private ExpositionFormatWriter writer(String accept) {
        return accept != null && accept.contains("application/vnd.google.protobuf")
                ? formats.getPrometheusTextFormatWriter() // protobuf is not offered: text instead
                : formats.findWriter(accept);
    }

    /** The snapshots, with every histogram that has a negative bucket bound unsummed. */
    static MetricSnapshots withoutSignedSums(MetricSnapshots all) {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        for (MetricSnapshot s : all) {
            out.metricSnapshot(s instanceof HistogramSnapshot h && signed(h) ? unsummed(h) : s);
        }
        return out.build();
    }

    private static boolean signed(HistogramSnapshot h) {
        for (HistogramDataPointSnapshot p : h.getDataPoints()) {
            ClassicHistogramBuckets b = p.getClassicBuckets();
            if (b.size() > 0 && b.getUpperBound(0) < 0) {
                return true;
            }
        }
        return false;
    }

    private static HistogramSnapshot unsummed(HistogramSnapshot h) {
        List<HistogramDataPointSnapshot> points = new ArrayList<>();
        for (HistogramDataPointSnapshot p : h.getDataPoints()) {
            // a NaN sum is "no sum": the writers then leave out _sum and _count
            points.add(new HistogramDataPointSnapshot(p.getClassicBuckets(), Double.NaN,
                    p.getLabels(), p.getExemplars(), p.getCreatedTimestampMillis()));
        }
        return new HistogramSnapshot(h.isGaugeHistogram(), h.getMetadata(), points);
    }

    /** A scrape's content type and body. */
    public record Scrape(String contentType, byte[] body) {
    }
}
