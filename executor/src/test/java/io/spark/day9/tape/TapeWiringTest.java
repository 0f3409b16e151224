package io.spark.day9.tape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spark.day9.testing.TestExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor wires the tape after the market and it records the simulator's books. */
class TapeWiringTest {
    @TempDir
    Path dir;

    @Test
    void theServiceRecordsTopOfBookFromTheSimulator() throws Exception {
        Path tapeDir = dir.resolve("tape-here");
        try (TestExecutor server = TestExecutor.start(dir, Map.of("TAPE_ENABLED", "true",
                "TAPE_DIR", tapeDir.toString(), "QUEUE_WORKER_ENABLED", "false"))) {
            List<String> order = new ArrayList<>(server.executor().lifecycle().health()
                    .keySet());
            assertThat(order).contains("tape");
            assertThat(order.indexOf("tape")).isGreaterThan(order.indexOf("market"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<TapeRecord> seen = new ArrayList<>();
                MarketTape.read(tapeDir, seen::add);
                assertThat(seen).anySatisfy(r -> assertThat(r).isInstanceOf(TapeRecord.Top.class));
            });
            String metrics = server.get("/metrics").body();
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(?m)^spark_tape_records_total (\\S+)$").matcher(metrics);
            assertThat(m.find()).as(metrics).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isGreaterThan(0);
            assertThat(metrics).contains("spark_tape_written_bytes_total",
                    "spark_tape_dropped_trades_total 0");
            assertThat(server.executor().tape().retainedKind().kind()).isEqualTo("tape");
            assertThat(server.executor().tape().retainedKind().candidates())
                    .anySatisfy(f -> assertThat(f.candidate().pinned()).isTrue());
        }
        assertThat(Files.list(tapeDir).count()).isGreaterThanOrEqualTo(1);
    }
}
