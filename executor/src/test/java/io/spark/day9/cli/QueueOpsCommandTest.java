package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's "stop queue processing, check for stuck jobs": {@code queue pause|resume} and
 * {@code queue inflight}, over HTTP and from the CLI, on the manual clock.
 */
class QueueOpsCommandTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @AfterEach
    void processConfig() {
        Remote.configSource = Remote::processConfig;
    }

    private static Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("API_TOKEN", TestExecutor.TOKEN,
                "ADMIN_TOKEN", ADMIN));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private CliRun day9(TestExecutor s, Map<String, String> env, String... args) {
        Remote.configSource = () -> TestExecutor.config(dir, env);
        return CliRun.of(Stream.concat(Stream.of(args), Stream.of("--url",
                "http://127.0.0.1:" + s.port())).toArray(String[]::new));
    }

    private static String[] auth(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static JsonNode json(String body) throws Exception {
        return Json.mapper().readTree(body);
    }

    private static JsonNode stats(TestExecutor s) throws Exception {
        return json(s.get("/api/private/queue/stats", auth(TestExecutor.TOKEN)).body());
    }

    @Test
    void pauseStopsTheWorkerAndHttpClaimsKeepsEnqueueAndHoldsAcrossARestart()
            throws Exception {
        Map<String, String> env = env();
        List<Long> ran = new CopyOnWriteArrayList<>();
        try (TestExecutor s = TestExecutor.start(dir, env)) {
            CliRun paused = day9(s, env, "queue", "pause");
            assertThat(paused.code()).as(paused.err()).isZero();
            assertThat(json(paused.out()).get("paused").asBoolean()).isTrue();
            assertThat(json(paused.out()).get("worker").get("consuming").asBoolean()).isFalse();
            s.executor().worker().register("work", job -> {
                ran.add(job.id());
                return io.spark.day9.jobs.JobHandler.Outcome.ACK;
            });
            assertThat(s.post("/api/private/queue/enqueue", "{\"job\":\"work\"}",
                    auth(TestExecutor.TOKEN)).statusCode()).isEqualTo(200);
            JsonNode claim = json(s.post("/api/private/queue/claim", "{}",
                    auth(TestExecutor.TOKEN)).body());
            assertThat(claim.get("jobs")).isEmpty();
            assertThat(claim.get("paused").asBoolean()).isTrue();
            await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("ready").asLong()).isEqualTo(1));
            assertThat(ran).isEmpty();
            Path file = dir.resolve("runtime/queue/signals/paused.json");
            assertThat(json(Files.readString(file)).get("paused").asBoolean()).isTrue();
            assertThat(Files.readString(dir.resolve("runtime/audit/audit.ndjson")))
                    .contains("queue.pause");
        }
        try (TestExecutor s = TestExecutor.start(dir, env)) {
            s.executor().worker().register("work", job -> {
                ran.add(job.id());
                return io.spark.day9.jobs.JobHandler.Outcome.ACK;
            });
            // still paused after the restart
            await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(s).get("ready").asLong()).isEqualTo(1));
            assertThat(s.get("/api/private/health", auth(ADMIN)).body())
                    .contains("\"operatorPaused\":true");
            CliRun resumed = day9(s, env, "queue", "resume", "signals");
            assertThat(resumed.code()).as(resumed.err()).isZero();
            assertThat(json(resumed.out()).get("paused").asBoolean()).isFalse();
            await().atMost(WAIT).untilAsserted(() -> assertThat(ran).containsExactly(1L));
        }
    }

    @Test
    void pauseNeedsTheAdminRole() throws Exception {
        Map<String, String> env = env();
        try (TestExecutor s = TestExecutor.start(dir, env)) {
            assertThat(s.post("/api/private/queue/pause", "", auth(TestExecutor.TOKEN))
                    .statusCode()).isEqualTo(403);
            assertThat(s.post("/api/private/queue/pause", "", auth(ADMIN)).statusCode())
                    .isEqualTo(200);
            assertThat(s.post("/api/private/queue/other/resume", "", auth(ADMIN)).body())
                    .contains("\"paused\":false").contains("\"worker\":null");
        }
    }

    @Test
    void inflightListsClaimedJobsWithAgeAttemptAndConsumerAndFiltersByAge() throws Exception {
        ManualScheduler time = new ManualScheduler();
        Map<String, String> env = env("QUEUE_WORKER_ENABLED", "false",
                "QUEUE_VISIBILITY_MS", "600000");
        try (TestExecutor s = TestExecutor.start(dir, env, time)) {
            for (int i = 0; i < 3; i++) {
                s.post("/api/private/queue/enqueue", "{\"job\":\"x\"}", auth(TestExecutor.TOKEN));
            }
            s.post("/api/private/queue/claim", "{}", auth(TestExecutor.TOKEN));
            time.advance(Duration.ofSeconds(45));
            s.post("/api/private/queue/claim", "{}", auth(TestExecutor.TOKEN));

            JsonNode all = json(s.get("/api/private/queue/inflight",
                    auth(TestExecutor.TOKEN)).body());
            assertThat(all.get("inFlight")).hasSize(2);
            JsonNode first = all.get("inFlight").get(0);
            assertThat(first.get("id").asLong()).isEqualTo(1);
            assertThat(first.get("ageMs").asLong()).isEqualTo(45_000);
            assertThat(first.get("attempt").asInt()).isEqualTo(1);
            assertThat(first.get("consumer").asText()).startsWith("http:");
            assertThat(first.get("parked").asBoolean()).isFalse();
            assertThat(all.get("inFlight").get(1).get("ageMs").asLong()).isZero();

            JsonNode old = json(s.get("/api/private/queue/inflight?olderThanMs=30000",
                    auth(TestExecutor.TOKEN)).body());
            assertThat(old.get("inFlight")).hasSize(1);

            CliRun table = day9(s, env, "queue", "inflight", "--older-than", "30s");
            assertThat(table.code()).as(table.err()).isZero();
            assertThat(table.out()).contains("ID").contains("45s").contains("http:")
                    .contains("1 in flight on queue signals (2 in all)");
            assertThat(table.out().lines().filter(l -> l.startsWith("2 "))).isEmpty();

            CliRun asJson = day9(s, env, "queue", "inflight", "--json");
            assertThat(json(asJson.out()).get("inFlight")).hasSize(2);

            CliRun bad = day9(s, env, "queue", "inflight", "--older-than", "soon");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).contains("'soon' is not a duration");
        }
    }

    @Test
    void durationsTakeAUnitOrSeconds() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("7")).isEqualTo(Duration.ofSeconds(7));
    }
}
