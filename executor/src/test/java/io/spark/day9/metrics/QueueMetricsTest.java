package io.spark.day9.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.spark.day9.config.Day9Config;
import io.spark.day9.jobs.Queues;
import io.spark.day9.testing.TestExecutor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue series exist from the moment a queue opens, and quarantine is counted like the stats. */
class QueueMetricsTest {
    @TempDir
    Path dir;

    @Test
    void aQueueOpenedLaterHasEverySeriesAtZero() throws Exception {
        Day9Config.Queue config = TestExecutor.config(dir, Map.of()).queue();
        PrometheusRegistry registry = new PrometheusRegistry();
        Queues queues = new Queues(config, System::currentTimeMillis);
        new QueueMetrics(registry, queues);
        queues.start();
        try {
            assertThat(scrape(registry)).contains("spark_queue_enqueued_total{queue=\"signals\"} 0")
                    .doesNotContain("queue=\"later\"");
            queues.get("later");
            String text = scrape(registry);
            for (String counter : List.of("enqueued", "processed", "acked", "nacked",
                    "redelivered", "dead_lettered", "dedup_hits", "quarantined_lines",
                    "storage_errors", "compactions")) {
                assertThat(text).contains("spark_queue_" + counter + "_total{queue=\"later\"} 0");
            }
            assertThat(text).contains("spark_queue_fsync_batch_records_count{queue=\"later\"} 0")
                    .contains("spark_queue_fsync_duration_seconds_count{queue=\"later\"} 0");
        } finally {
            queues.stop();
        }
    }

    @Test
    void quarantinedLinesAreCountedLikeTheStats() throws Exception {
        Day9Config.Queue config = TestExecutor.config(dir, Map.of()).queue();
        Queues first = new Queues(config, System::currentTimeMillis);
        first.start();
        for (int n = 1; n <= 3; n++) {
            first.defaultQueue().enqueue(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        }
        first.stop();
        Path queueDir = config.journal().dir().resolve("signals");
        Path journal = queueDir.resolve("journal.ndjson");
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        int corrupt = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("{\\\"n\\\":2}") || lines.get(i).contains("\"n\":2")) {
                corrupt = i;
            }
        }
        assertThat(corrupt).as("journal line of job 2 in %s", lines).isPositive();
        // same length, different payload: its checksum no longer matches
        lines.set(corrupt, lines.get(corrupt).replace("2}", "7}"));
        Files.writeString(journal, String.join("\n", lines) + "\n");
        Files.deleteIfExists(queueDir.resolve("cursor.txt"));

        PrometheusRegistry registry = new PrometheusRegistry();
        Queues queues = new Queues(config, System::currentTimeMillis);
        new QueueMetrics(registry, queues);
        queues.start();
        try {
            long quarantined = queues.defaultQueue().stats().quarantinedLines();
            assertThat(quarantined).isEqualTo(1);
            assertThat(scrape(registry))
                    .contains("spark_queue_quarantined_lines_total{queue=\"signals\"} 1");
        } finally {
            queues.stop();
        }
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8).replace(".0\n", "\n");
    }
}
