package io.spark.day9.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.testing.TestExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both expositions of /metrics pass an independent parser: the Prometheus Python client's
 * (Debian {@code python3-prometheus-client}, installed by {@code ./test}). Its OpenMetrics parser
 * is strict and rejects a whole scrape on one violation of the specification.
 */
class ExpositionParserTest {
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    @TempDir
    static Path dir;
    static TestExecutor server;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        server = TestExecutor.start(dir, Map.of());
        server.get("/api/private/health");
        script = dir.resolve("parse_exposition.py");
        try (InputStream in = ExpositionParserTest.class.getResourceAsStream(
                "/parse_exposition.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void openMetricsScrapePassesTheStrictParser() throws Exception {
        String body = server.get("/metrics", "Accept", OPENMETRICS).body();
        Parsed p = parse("openmetrics", body);
        assertThat(p.code()).as(p.out()).isZero();
        assertThat(p.out()).contains("spark_shadow_slippage_bps histogram")
                .contains("spark_queue_enqueued counter");
    }

    @Test
    void prometheusTextScrapePassesTheParser() throws Exception {
        Parsed p = parse("text", server.get("/metrics").body());
        assertThat(p.code()).as(p.out()).isZero();
        assertThat(p.out()).contains("spark_shadow_slippage_bps histogram");
    }

    @Test
    void slippageKeepsItsSumAndCountInPrometheusTextOnly() throws Exception {
        String text = server.get("/metrics").body();
        assertThat(text).contains("spark_shadow_slippage_bps_sum{vs=\"mid\"}")
                .contains("spark_shadow_slippage_bps_count{vs=\"mid\"}")
                .contains("spark_shadow_slippage_bps_bucket{vs=\"mid\",le=\"-50.0\"}");
        String om = server.get("/metrics", "Accept", OPENMETRICS).body();
        assertThat(om).contains("spark_shadow_slippage_bps_bucket{vs=\"mid\",le=\"-50.0\"}")
                .doesNotContain("spark_shadow_slippage_bps_sum")
                .doesNotContain("spark_shadow_slippage_bps_count")
                .contains("spark_shadow_latency_ms_sum");
    }

    @Test
    void theStrictParserRejectsASumWithNegativeBuckets() throws Exception {
        // proves the first test can fail: the shape the service served before
        String bad = """
                # TYPE x histogram
                x_bucket{le="-1.0"} 0
                x_bucket{le="+Inf"} 0
                x_count 0
                x_sum 0.0
                # EOF
                """;
        Parsed p = parse("openmetrics", bad);
        assertThat(p.code()).isEqualTo(1);
        assertThat(p.out()).contains("Cannot have _sum with negative buckets");
    }

    /** The parser's exit code and output. */
    record Parsed(int code, String out) {
    }

    static Parsed parse(String format, String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python(), script.toString(), format)
                .redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Parsed(p.exitValue(), out);
    }

    /** The system Python, where Debian installs the client (a pyenv shim may shadow it). */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
