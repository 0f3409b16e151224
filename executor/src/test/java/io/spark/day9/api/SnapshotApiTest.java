package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots on a running executor: the guide's body, bad input, list, prune, restart. */
class SnapshotApiTest {
    static final String GUIDE_BODY = "{\"name\":\"state\",\"data\":{\"note\":\"manual snapshot\","
            + "\"timestamp\":\"2024-01-01T00:00:00Z\"}}";

    @TempDir
    Path dir;

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    private Path snapshotDir() {
        return dir.resolve("runtime").resolve("snapshots");
    }

    private List<String> files() throws Exception {
        if (!Files.isDirectory(snapshotDir())) {
            return List.of();
        }
        try (Stream<Path> f = Files.list(snapshotDir())) {
            return f.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Starts an executor on {@code dir} (the same dir again = a restart) on manual time. */
    static TestExecutor startOn(Path dir, ManualScheduler time, Map<String, String> env)
            throws Exception {
        return TestExecutor.start(dir, env, time);
    }

    @Test
    void theGuideBodyWorksAsIsAndTheAnswerNamesFileSizeAndHash() throws Exception {
        try (TestExecutor s = startOn(dir, new ManualScheduler(), Map.of())) {
            var r = s.post("/api/private/snapshot", GUIDE_BODY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode a = json(r);
            assertThat(a.get("kind").asText()).isEqualTo("manual");
            assertThat(a.get("name").asText()).isEqualTo("state");
            assertThat(a.get("sha256").asText()).hasSize(64);
            Path file = snapshotDir().resolve(a.get("file").asText());
            assertThat(a.get("size").asLong()).isEqualTo(Files.size(file));
            assertThat(Files.readString(file)).contains("\"data\":{\"note\":\"manual snapshot\","
                    + "\"timestamp\":\"2024-01-01T00:00:00Z\"}");

            JsonNode list = json(s.get("/api/private/snapshots"));
            assertThat(list.get("snapshots")).hasSize(1);
            assertThat(list.at("/snapshots/0/valid").asBoolean()).isTrue();
            assertThat(list.at("/snapshots/0/sha256").asText()).isEqualTo(a.get("sha256")
                    .asText());
            assertThat(list.get("restore").asText()).isEqualTo("none");

            var state = s.post("/api/private/snapshot", "{\"name\":\"before-deploy\"}");
            assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
            JsonNode captured = json(state);
            assertThat(captured.get("kind").asText()).isEqualTo("state");
            String text = Files.readString(snapshotDir().resolve(captured.get("file").asText()));
            assertThat(text).contains("\"queues\":{").contains("\"market\":{")
                    .contains("\"chaos\":{").contains("\"snapshots\":{");
        }
    }

    @Test
    void traversalAndInvalidNamesAreRejectedWithNothingWritten() throws Exception {
        try (TestExecutor s = startOn(dir, new ManualScheduler(), Map.of())) {
            for (String name : List.of("../evil", "..", ".", ".hidden", "a/b", "a\\b",
                    "..%2Fx", "a b", "", "snapshots/../../x", "x@y", "nul\u0000",
                    "0123456789012345678901234567890123456789012345678901234567890123X")) {
                for (String data : List.of(",\"data\":{\"a\":1}", "")) {
                    var r = s.post("/api/private/snapshot", "{\"name\":" + Json.mapper()
                            .writeValueAsString(name) + data + "}");
                    assertThat(r.statusCode()).as(name + " -> " + r.body()).isEqualTo(400);
                    assertThat(json(r).at("/errors/0/field").asText()).isEqualTo("name");
                }
            }
            assertThat(files()).isEmpty();
        }
        assertThat(Files.exists(dir.resolve("evil"))).isFalse();
        assertThat(Files.exists(dir.resolve("runtime").resolve("evil"))).isFalse();
    }

    @Test
    void dataOverTheLimitIs413NamingDataAndBadShapesAre400() throws Exception {
        try (TestExecutor s = startOn(dir, new ManualScheduler(),
                Map.of("SNAPSHOT_MAX_BYTES", "1024"))) {
            var big = s.post("/api/private/snapshot", "{\"name\":\"big\",\"data\":{\"x\":\""
                    + "y".repeat(2000) + "\"}}");
            assertThat(big.statusCode()).as(big.body()).isEqualTo(413);
            assertThat(json(big).get("type").asText()).endsWith("snapshot-too-large");
            assertThat(json(big).at("/errors/0/field").asText()).isEqualTo("data");
            for (String body : List.of("{\"name\":\"x\",\"data\":\"text\"}",
                    "{\"name\":\"x\",\"data\":[1]}", "{\"name\":[\"x\"]}", "[]",
                    "{\"name\":\"x\",\"other\":1}")) {
                var r = s.post("/api/private/snapshot", body);
                assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
            }
            assertThat(files()).isEmpty();
        }
    }

    @Test
    void onlyAdminsWriteAndReadersList() throws Exception {
        Map<String, String> env = Map.of("API_TOKEN", TestExecutor.TOKEN,
                "ADMIN_TOKEN", "admin-token-0123456789abcdef",
                "READ_TOKEN", "read-token-0123456789abcdef");
        try (TestExecutor s = startOn(dir, new ManualScheduler(), env)) {
            var trader = s.post("/api/private/snapshot", GUIDE_BODY,
                    "Authorization", "Bearer " + TestExecutor.TOKEN);
            assertThat(trader.statusCode()).isEqualTo(403);
            var reader = s.get("/api/private/snapshots",
                    "Authorization", "Bearer read-token-0123456789abcdef");
            assertThat(reader.statusCode()).isEqualTo(200);
            var admin = s.post("/api/private/snapshot", GUIDE_BODY,
                    "Authorization", "Bearer admin-token-0123456789abcdef");
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
            assertThat(files()).hasSize(1);
        }
    }

    @Test
    void automaticSnapshotsPruneAndRestoreAcrossARealRestart() throws Exception {
        ManualScheduler time = new ManualScheduler();
        Map<String, String> env = Map.of("SNAPSHOT_INTERVAL_SEC", "60",
                "SNAPSHOT_RETENTION_DAYS", "1", "SNAPSHOT_KEEP_LAST", "2");
        try (TestExecutor s = startOn(dir, time, env)) {
            assertThat(s.post("/api/private/snapshot", GUIDE_BODY).statusCode()).isEqualTo(200);
            time.advance(Duration.ofSeconds(60 * 3)); // three automatic state snapshots
            JsonNode list = json(s.get("/api/private/snapshots"));
            assertThat(list.get("snapshots")).hasSize(4);
            JsonNode plan = json(s.post("/api/private/snapshots/prune", "{\"dryRun\":true}"));
            assertThat(plan.get("dryRun").asBoolean()).isTrue();
            assertThat(plan.get("kinds").toString()).contains("snapshot");
            assertThat(plan.get("files")).hasSize(4);
            assertThat(plan.get("files").toString()).contains("kept as newest valid")
                    .contains("kept by keep-last 2").contains("kept within 1 days");
            JsonNode pruned = json(s.post("/api/private/snapshots/prune", "{\"dryRun\":false}"));
            assertThat(pruned.get("deleted").asInt()).isZero();
            assertThat(files()).hasSize(4);
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("spark_snapshot_created_total{kind=\"manual\"} 1.0")
                    .contains("spark_snapshot_created_total{kind=\"state\"} 3.0")
                    .contains("spark_snapshot_retention_deleted_total{kind=\"snapshot\"} 0.0")
                    .contains("spark_snapshot_failed_total{reason=\"disk-full\"} 0.0");
        }
        // the graceful stop took one more state snapshot: the restart restores from it
        List<String> all = files();
        assertThat(all).hasSize(5);
        String newestBeforeStop = all.stream().filter(f -> f.contains("@state@"))
                .reduce((a, b) -> b)
                .orElseThrow();
        try (TestExecutor s = startOn(dir, time, env)) {
            JsonNode health = json(s.get("/api/private/health"));
            assertThat(health.toString()).contains("\"restore\":\"restored\"")
                    .contains(newestBeforeStop);
            assertThat(s.get("/metrics").body())
                    .contains("spark_snapshot_restore_outcome{outcome=\"restored\"} 1.0")
                    .contains("spark_snapshot_restore_outcome{outcome=\"none\"} 0.0");
            assertThat(json(s.get("/api/private/snapshots")).get("restore").asText())
                    .isEqualTo("restored");
        }
    }
}
