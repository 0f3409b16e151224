package io.spark.day9.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.testing.TestExecutor;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations guide's four queries, evaluated by a real Prometheus (Debian package
 * {@code prometheus}, installed by {@code ./test}) scraping a fresh executor every second: each
 * returns series before any traffic and again after it.
 */
class PrometheusQueriesTest {
    static final List<String> GUIDE_QUERIES = List.of(
            "spark_queue_enqueued_total - spark_queue_processed_total",
            "increase(spark_ws_disconnects_total[15m])",
            "histogram_quantile(0.95, rate(spark_shadow_latency_ms_bucket[5m]))",
            "rate(spark_chaos_recovery_total[5m])");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theGuidesQueriesReturnSeriesBeforeAndAfterTraffic(@TempDir Path dir) throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            int port = freePort();
            Process prometheus = startPrometheus(dir, server.port(), port);
            try {
                // two scrapes at least, so rate() and increase() have two samples to work with
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions() // Prometheus may still be starting
                        .untilAsserted(() -> assertThat(query(port,
                                "count_over_time(up{job=\"day9\"}[1m]) >= 2 and "
                                        + "up{job=\"day9\"} == 1")).isNotEmpty());
                for (String q : GUIDE_QUERIES) {
                    assertThat(query(port, q)).as("before any traffic: " + q).isNotEmpty();
                }

                // traffic: a job on a queue opened by it, which nothing consumes
                var r = server.post("/api/private/queue/later/enqueue", "{\"job\":\"waits\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions() // Prometheus may still be starting
                        .untilAsserted(() -> assertThat(query(port,
                                "spark_queue_enqueued_total{queue=\"later\"} - "
                                        + "spark_queue_processed_total{queue=\"later\"} == 1"))
                                .hasSize(1));
                for (String q : GUIDE_QUERIES) {
                    assertThat(query(port, q)).as("after traffic: " + q).isNotEmpty();
                }
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Starts Prometheus on loopback {@code port}, scraping the executor twice a second. */
    private static Process startPrometheus(Path dir, int target, int port) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 500ms
                  scrape_timeout: 500ms
                scrape_configs:
                  - job_name: day9
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(target), StandardCharsets.UTF_8);
        Path data = Files.createDirectories(dir.resolve("prometheus-data"));
        File log = dir.resolve("prometheus.log").toFile();
        return new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log).start();
    }

    /** The result vector of an instant query. */
    private List<JsonNode> query(int port, String promql) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("data").path("resultType").asText()).isEqualTo("vector");
        List<JsonNode> out = new java.util.ArrayList<>();
        body.path("data").path("result").forEach(out::add);
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
