package io.spark.day9.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The executor's one metrics registry (a fresh one per executor, so tests never share state),
 * with JVM and process metrics, and its exposition by content negotiation: OpenMetrics text
 * when the scraper asks for {@code application/openmetrics-text}, Prometheus text otherwise.
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
        writer.write(out, registry.scrape());
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

    /** A scrape's content type and body. */
    public record Scrape(String contentType, byte[] body) {
    }
}
