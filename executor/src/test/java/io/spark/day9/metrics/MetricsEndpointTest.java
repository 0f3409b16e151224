package io.spark.day9.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.testing.TestExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, checked by the real promtool (installed by the test command). */
class MetricsEndpointTest {
    /** The guide's own names, kept for existing dashboards despite the abbreviated unit. */
    static final Set<String> ALLOWED_LINT = Set.of("spark_shadow_latency_ms",
            "spark_shadow_slippage_ms");

    @TempDir
    static Path dir;
    static TestExecutor server;

    @BeforeAll
    static void start() throws Exception {
        server = TestExecutor.start(dir, Map.of());
        server.get("/api/private/health");
        server.get("/no/such/route");
        server.post("/api/private/loggers", "{");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void prometheusTextCarriesJvmProcessAndHttpMetrics() throws Exception {
        var r = server.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString()
                .startsWith("text/plain; version=0.0.4");
        assertThat(r.body())
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_seconds_total")
                .contains("spark_http_requests_total{method=\"GET\",route=\"/api/private/health\","
                        + "status=\"200\"}")
                .contains("spark_http_requests_total{method=\"GET\",route=\"unmatched\","
                        + "status=\"404\"}")
                .contains("spark_http_requests_total{method=\"POST\",route=\"/api/private/loggers\","
                        + "status=\"400\"}")
                .contains("spark_http_request_duration_seconds_bucket{method=\"GET\","
                        + "route=\"/api/private/health\",le=\"+Inf\"}");
        assertThat(r.body()).doesNotContain("route=\"/no/such/route\"");
    }

    @Test
    void openMetricsIsServedWhenAskedFor() throws Exception {
        var r = server.get("/metrics", "Accept",
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(r.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/openmetrics-text");
        assertThat(r.body().strip()).endsWith("# EOF");
    }

    @Test
    void headAnswersWithTheSameContentTypeAsGet() throws Exception {
        for (String accept : List.of("text/plain",
                "application/openmetrics-text; version=1.0.0; charset=utf-8")) {
            var get = server.get("/metrics", "Accept", accept);
            var head = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/metrics"))
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .header("Accept", accept));
            assertThat(head.statusCode()).as(accept).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Type")).as(accept)
                    .isEqualTo(get.headers().firstValue("Content-Type"));
            assertThat(head.body()).as(accept).isEmpty();
        }
    }

    @Test
    void promtoolFindsNothingWrong() throws Exception {
        String text = server.get("/metrics").body();
        List<String> complaints = promtoolCheck(text);
        assertThat(complaints).allSatisfy(line -> assertThat(ALLOWED_LINT)
                .as("promtool complaint: " + line)
                .anyMatch(line::startsWith));
    }

    @Test
    void promtoolItselfCatchesABadExposition() throws Exception {
        // proves the check above can fail: a counter without _total and a camelCase name
        String bad = "# HELP requestCount requests\n# TYPE requestCount counter\nrequestCount 1\n";
        assertThat(promtoolCheck(bad)).isNotEmpty();
    }

    /** Runs {@code promtool check metrics} and returns its complaint lines. */
    static List<String> promtoolCheck(String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("promtool", "check", "metrics")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Arrays.stream(out.split("\n")).map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        if (p.exitValue() != 0) {
            assertThat(lines).as("promtool failed without saying why").isNotEmpty();
        }
        return lines;
    }
}
