package io.spark.day9.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guide's recovery recipe and the single-owner lock, through the whole service. */
class QueueRecoveryTest {
    private static final Map<String, String> NO_WORKER = Map.of("QUEUE_WORKER_ENABLED", "false",
            "QUEUE_VISIBILITY_MS", "100");
    @TempDir
    Path dir;

    private static JsonNode json(String body) throws Exception {
        return Json.mapper().readTree(body);
    }

    @Test
    void theGuidesRecoveryRecipeLosesNothingAndRedeliversOnlyWhatWasNotAcked() throws Exception {
        Set<Long> unacked = new HashSet<>();
        try (TestExecutor a = TestExecutor.start(dir, NO_WORKER)) {
            for (int i = 0; i < 10; i++) {
                unacked.add(json(a.post("/api/private/queue/enqueue", "{\"job\":\"x\",\"i\":" + i
                        + "}").body()).get("id").asLong());
            }
            // the fourth claim is left in flight: its claim outlives the process by design (an
            // outside consumer may still hold it) and lapses 1 s later
            JsonNode jobs = json(a.post("/api/private/queue/claim",
                    "{\"max\":4,\"visibilityMs\":1000}").body()).get("jobs");
            for (int i = 0; i < 3; i++) {
                JsonNode j = jobs.get(i);
                a.post("/api/private/queue/ack", "{\"id\":" + j.get("id") + ",\"receipt\":\""
                        + j.get("receipt").asText() + "\"}");
                unacked.remove(j.get("id").asLong());
            }
        }
        Path queueDir = dir.resolve("runtime/queue/signals");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(queueDir)))
                .isEqualTo("rwx------");
        // the recipe: copy the journal aside, delete cursor.txt, restart
        Files.copy(queueDir.resolve("journal.ndjson"), dir.resolve("journal.backup.ndjson"));
        Files.deleteIfExists(queueDir.resolve("cursor.txt"));

        try (TestExecutor b = TestExecutor.start(dir, NO_WORKER)) {
            JsonNode stats = json(b.get("/api/private/queue/stats").body());
            assertThat(stats.get("depth").asLong()).isEqualTo(7);
            assertThat(stats.get("quarantinedLines").asLong()).isZero();
            Set<Long> delivered = new HashSet<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (delivered.size() < 7 && System.currentTimeMillis() < deadline) {
                for (JsonNode j : json(b.post("/api/private/queue/claim",
                        "{\"max\":10,\"visibilityMs\":600000}").body()).get("jobs")) {
                    delivered.add(j.get("id").asLong());
                }
            }
            assertThat(delivered).isEqualTo(unacked);
        }
    }

    @Test
    void aSecondExecutorOnTheSameQueueDirectoryIsRefused() throws Exception {
        try (TestExecutor a = TestExecutor.start(dir, NO_WORKER)) {
            assertThatThrownBy(() -> TestExecutor.start(dir, NO_WORKER))
                    .hasMessageContaining("lock");
            assertThat(a.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
