package io.spark.day9.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.testing.TestExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric in the README's metrics table has a sample in the first scrape of a freshly
 * started executor, before any traffic: the table is parsed here, so the documentation and the
 * service cannot drift apart.
 */
class MetricsFromStartTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(spark_[a-z0-9_]+)` \\|");

    /** The {@code spark_*} names in the README's "Metrics" section tables. */
    static List<String> readmeMetricNames() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Metrics\n");
        assertThat(start).as("README has a '## Metrics' section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        Matcher m = ROW.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** True when {@code exposition} holds a sample line of {@code name} (any suffix). */
    static boolean hasSample(String exposition, String name) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
        Pattern sample = Pattern.compile("(?m)^" + Pattern.quote(base)
                + "(_total|_bucket|_count|_sum)?[{ ]");
        return sample.matcher(exposition).find();
    }

    @Test
    void everyReadmeMetricHasASampleBeforeAnyTraffic(@TempDir Path dir) throws Exception {
        List<String> names = readmeMetricNames();
        assertThat(names).hasSizeGreaterThan(40);
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            String text = server.get("/metrics").body();
            List<String> missing = names.stream().filter(n -> !hasSample(text, n)).toList();
            assertThat(missing).as("README metrics without a sample at start").isEmpty();
        }
    }

    @Test
    void theReadmesPreCreatedLabelValuesAreThereBeforeAnyTraffic(@TempDir Path dir)
            throws Exception {
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            String text = server.get("/metrics").body();
            assertThat(text)
                    .contains("spark_queue_enqueued_total{queue=\"signals\"} 0.0")
                    .contains("spark_worker_jobs_total{outcome=\"dead\",queue=\"signals\","
                            + "route=\"unknown\"} 0.0")
                    .contains("spark_worker_jobs_total{outcome=\"ack\",queue=\"signals\","
                            + "route=\"order\"} 0.0")
                    .contains("spark_ws_disconnects_total{reason=\"flap\"} 0.0")
                    .contains("spark_ws_disconnects_total{reason=\"connect-failed\"} 0.0")
                    .contains("spark_market_book_resyncs_total{reason=\"gap\",symbol=\"BTCUSDT\"}")
                    .contains("spark_chaos_exchange_faults_total{fault=\"clock-skew\"} 0.0")
                    .contains("spark_chaos_recovery_seconds_count{fault=\"ws-flap\"} 0")
                    .contains("spark_chaos_outbound_errors_total{endpoint=\"GET /api/v3/depth\"}")
                    .contains("spark_chaos_http_errors_total{route=\"/api/private/queue/enqueue\"}")
                    .contains("spark_http_request_duration_seconds_count{method=\"POST\","
                            + "route=\"/api/private/queue/enqueue\"} 0")
                    .contains("spark_shadow_orders_total{result=\"rejected\",side=\"BUY\","
                            + "strategy=\"default\",symbol=\"ETHUSDT\",type=\"LIMIT\"} 0.0")
                    .contains("spark_shadow_fills_total{liquidity=\"MAKER\",strategy=\"default\","
                            + "symbol=\"BTCUSDT\"} 0.0")
                    .contains("spark_shadow_slippage_bps_count{vs=\"best\"} 0");
        }
    }

    @Test
    void theSampleCheckFailsForAMetricThatIsOnlyDeclared() {
        String declaredOnly = "# HELP spark_x_total x\n# TYPE spark_x_total counter\n";
        assertThat(hasSample(declaredOnly, "spark_x_total")).isFalse();
        assertThat(hasSample(declaredOnly + "spark_x_total{queue=\"q\"} 0.0\n", "spark_x_total"))
                .isTrue();
        assertThat(hasSample("spark_h_bucket{le=\"+Inf\"} 0\n", "spark_h")).isTrue();
    }
}
