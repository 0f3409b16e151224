package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue over HTTP, against a real executor (worker off, so the test is the consumer). */
class QueueApiTest {
    @TempDir
    Path dir;
    TestExecutor server;

    @BeforeEach
    void start() throws Exception {
        server = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED", "false",
                "QUEUE_MAX_PENDING", "5", "QUEUE_MAX_JOB_BYTES", "1024"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private JsonNode problem(HttpResponse<String> r, int status, String slug) throws Exception {
        ProblemResponsesTest.assertProblem(r, status);
        JsonNode p = Json.mapper().readTree(r.body());
        assertThat(p.get("type").asText()).isEqualTo("urn:day9:problem:" + slug);
        return p;
    }

    @Test
    void theGuidesEnqueueWorksAsIsEvenAsAFormPost() throws Exception {
        // curl -d sends application/x-www-form-urlencoded; the body is still the job
        var r = server.post("/api/private/queue/enqueue",
                "{\"job\":\"test-job-1\",\"data\":\"test-data\"}",
                "Content-Type", "application/x-www-form-urlencoded");
        JsonNode body = ok(r);
        assertThat(body.get("id").asLong()).isPositive();
        assertThat(body.get("duplicate").asBoolean()).isFalse();
        assertThat(body.get("stats").get("depth").asLong()).isEqualTo(1);
        assertThat(body.get("stats").get("queue").asText()).isEqualTo("signals");
        Path journal = dir.resolve("runtime/queue/signals/journal.ndjson");
        assertThat(Files.readString(journal)).contains("test-job-1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)))
                .isEqualTo("rw-------");
    }

    @Test
    void claimReturnsThePayloadExactlyAndAckRemovesIt() throws Exception {
        String job = "{ \"job\" : \"x\",\n \"data\": {\"price\": \"65000.10\", \"n\": 1e3} }";
        long id = ok(server.post("/api/private/queue/enqueue", job)).get("id").asLong();
        var raw = server.post("/api/private/queue/claim", "{\"max\":10,\"visibilityMs\":60000}");
        // embedded byte for byte: whitespace and number spelling included
        assertThat(raw.body()).contains(job);
        JsonNode claimed = ok(raw).get("jobs");
        assertThat(claimed).hasSize(1);
        JsonNode j = claimed.get(0);
        assertThat(j.get("id").asLong()).isEqualTo(id);
        assertThat(j.get("attempt").asInt()).isEqualTo(1);
        assertThat(j.get("enqueuedAt").asLong()).isPositive();
        assertThat(j.get("payload")).isEqualTo(Json.mapper().readTree(job));
        String receipt = j.get("receipt").asText();
        ok(server.post("/api/private/queue/ack",
                "{\"id\":" + id + ",\"receipt\":\"" + receipt + "\"}"));
        assertThat(ok(server.get("/api/private/queue/stats")).get("depth").asLong()).isZero();
        problem(server.post("/api/private/queue/ack",
                "{\"id\":" + id + ",\"receipt\":\"" + receipt + "\"}"), 409, "stale-receipt");
        problem(server.post("/api/private/queue/ack",
                "{\"id\":999999,\"receipt\":\"" + receipt + "\"}"), 404, "unknown-job");
    }

    @Test
    void batchAckJudgesEachItemOnItsOwnAndAnswersPerItem() throws Exception {
        for (int i = 0; i < 3; i++) {
            ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\",\"i\":" + i + "}"));
        }
        JsonNode jobs = ok(server.post("/api/private/queue/claim",
                "{\"max\":3,\"visibilityMs\":60000}")).get("jobs");
        assertThat(jobs).hasSize(3);
        long a = jobs.get(0).get("id").asLong();
        long b = jobs.get(1).get("id").asLong();
        String ra = jobs.get(0).get("receipt").asText();
        String rb = jobs.get(1).get("receipt").asText();
        ok(server.post("/api/private/queue/ack", "{\"id\":" + b + ",\"receipt\":\"" + rb
                + "\"}"));
        JsonNode out = ok(server.post("/api/private/queue/ack", "{\"acks\":["
                + "{\"id\":" + a + ",\"receipt\":\"" + ra + "\"},"
                + "{\"id\":" + b + ",\"receipt\":\"" + rb + "\"},"
                + "{\"id\":999,\"receipt\":\"1\"}]}"));
        assertThat(out.get("acked").asLong()).isEqualTo(1);
        JsonNode results = out.get("results");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).get("id").asLong()).isEqualTo(a);
        assertThat(results.get(0).get("state").asText()).isEqualTo("ACKED");
        assertThat(results.get(0).has("detail")).isFalse();
        assertThat(results.get(1).get("state").asText()).isEqualTo("STALE_RECEIPT");
        assertThat(results.get(1).get("detail").asText()).contains("job " + b);
        assertThat(results.get(2).get("state").asText()).isEqualTo("UNKNOWN_JOB");
        assertThat(ok(server.get("/api/private/queue/stats")).get("inFlight").asLong())
                .isEqualTo(1);
    }

    @Test
    void malformedBatchAckIsRefusedNamingTheField() throws Exception {
        ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\"}"));
        JsonNode j = ok(server.post("/api/private/queue/claim", "{\"max\":1}")).get("jobs")
                .get(0);
        String good = "{\"id\":" + j.get("id").asLong() + ",\"receipt\":\""
                + j.get("receipt").asText() + "\"}";
        assertField(problem(server.post("/api/private/queue/ack", "{\"acks\":[" + good
                + ",{\"receipt\":\"1\"}]}"), 400, "validation"), "acks[1].id");
        assertField(problem(server.post("/api/private/queue/ack", "{\"acks\":[" + good
                + ",{\"id\":1}]}"), 400, "validation"), "acks[1].receipt");
        assertField(problem(server.post("/api/private/queue/ack", "{\"acks\":[" + good
                + ",{\"id\":1,\"receipt\":\"zz\"}]}"), 400, "validation"), "acks[1].receipt");
        assertField(problem(server.post("/api/private/queue/ack", "{\"acks\":[]}"), 400,
                "validation"), "acks");
        assertField(problem(server.post("/api/private/queue/ack", "{\"id\":1,\"acks\":["
                + good + "]}"), 400, "validation"), "acks");
        // nothing of a refused batch was applied
        assertThat(ok(server.get("/api/private/queue/stats")).get("inFlight").asLong())
                .isEqualTo(1);
    }

    private static void assertField(JsonNode problem, String field) {
        assertThat(problem.get("errors").get(0).get("field").asText()).as(problem.toString())
                .isEqualTo(field);
    }

    @Test
    void aStaleReceiptIsRefusedWith409() throws Exception {
        long id = ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\"}")).get("id")
                .asLong();
        JsonNode first = ok(server.post("/api/private/queue/claim",
                "{\"max\":1,\"visibilityMs\":1}")).get("jobs").get(0);
        JsonNode second = null;
        for (int i = 0; i < 200 && second == null; i++) { // visibility of 1 ms lapses at once
            JsonNode jobs = ok(server.post("/api/private/queue/claim",
                    "{\"max\":1,\"visibilityMs\":60000}")).get("jobs");
            second = jobs.isEmpty() ? null : jobs.get(0);
        }
        assertThat(second).isNotNull();
        assertThat(second.get("attempt").asInt()).isEqualTo(2);
        problem(server.post("/api/private/queue/ack", "{\"id\":" + id + ",\"receipt\":\""
                + first.get("receipt").asText() + "\"}"), 409, "stale-receipt");
        problem(server.post("/api/private/queue/extend", "{\"id\":" + id + ",\"receipt\":\""
                + first.get("receipt").asText() + "\",\"visibilityMs\":1000}"), 409,
                "stale-receipt");
        ok(server.post("/api/private/queue/ack", "{\"id\":" + id + ",\"receipt\":\""
                + second.get("receipt").asText() + "\"}"));
    }

    @Test
    void nackAndExtendAnswerTheNewState() throws Exception {
        long id = ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\"}")).get("id")
                .asLong();
        JsonNode j = ok(server.post("/api/private/queue/claim", "{\"max\":1}")).get("jobs")
                .get(0);
        String settle = "{\"id\":" + id + ",\"receipt\":\"" + j.get("receipt").asText() + "\"";
        long until = ok(server.post("/api/private/queue/extend", settle
                + ",\"visibilityMs\":600000}")).get("visibleUntil").asLong();
        assertThat(until).isGreaterThan(j.get("visibleUntil").asLong());
        assertThat(ok(server.post("/api/private/queue/nack", settle + ",\"delayMs\":60000}"))
                .get("state").asText()).isEqualTo("DELAYED");
        assertThat(ok(server.get("/api/private/queue/stats")).get("delayed").asLong())
                .isEqualTo(1);
    }

    @Test
    void dedupKeyReturnsTheOriginalIdWhilePending() throws Exception {
        JsonNode a = ok(server.post("/api/private/queue/enqueue?dedupKey=sig-42",
                "{\"job\":\"x\"}"));
        JsonNode b = ok(server.post("/api/private/queue/enqueue?dedupKey=sig-42",
                "{\"job\":\"x\",\"again\":true}"));
        assertThat(b.get("id").asLong()).isEqualTo(a.get("id").asLong());
        assertThat(b.get("duplicate").asBoolean()).isTrue();
        assertThat(b.get("stats").get("depth").asLong()).isEqualTo(1);
    }

    @Test
    void delayedJobsAreNotClaimableYet() throws Exception {
        ok(server.post("/api/private/queue/enqueue?delayMs=600000", "{\"job\":\"x\"}"));
        assertThat(ok(server.post("/api/private/queue/claim", "{\"max\":5}")).get("jobs"))
                .isEmpty();
    }

    @Test
    void aFullQueueSaysSoWith429AndLosesNothing() throws Exception {
        for (int i = 0; i < 5; i++) {
            ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\",\"i\":" + i + "}"));
        }
        var full = server.post("/api/private/queue/enqueue", "{\"job\":\"x\",\"i\":5}");
        problem(full, 429, "queue-full");
        assertThat(full.headers().firstValue("Retry-After")).isPresent();
        assertThat(ok(server.get("/api/private/queue/stats")).get("depth").asLong()).isEqualTo(5);
    }

    @Test
    void badJobsAreRefusedClearly() throws Exception {
        problem(server.post("/api/private/queue/enqueue", "{\"job\":\"" + "x".repeat(2000)
                + "\"}"), 413, "job-too-large");
        problem(server.post("/api/private/queue/enqueue", "[1,2]"), 400, "validation");
        problem(server.post("/api/private/queue/enqueue", "\"text\""), 400, "validation");
        problem(server.post("/api/private/queue/enqueue", "{\"job\":"), 400, "malformed-json");
        problem(server.post("/api/private/queue/enqueue", "{} {}"), 400, "malformed-json");
        problem(server.post("/api/private/queue/enqueue", ""), 400, "validation");
        problem(server.post("/api/private/queue/enqueue?delayMs=-1", "{}"), 400, "validation");
        problem(server.post("/api/private/queue/enqueue?delayMs=soon", "{}"), 400, "validation");
        problem(server.post("/api/private/queue/claim", "{\"max\":0}"), 400, "validation");
        problem(server.post("/api/private/queue/claim", "{\"max\":\"ten\"}"), 400, "validation");
        problem(server.post("/api/private/queue/claim", "{\"visibilityMs\":-5}"), 400,
                "validation");
        problem(server.post("/api/private/queue/ack", "{\"receipt\":\"r\"}"), 400, "validation");
        problem(server.post("/api/private/queue/ack", "{\"id\":1}"), 400, "validation");
        problem(server.post("/api/private/queue/ack", "{\"id\":1,\"receipt\":\"nonsense\"}"),
                400, "validation");
        problem(server.post("/api/private/queue/bad..name/enqueue", "{}"), 400, "validation");
        assertThat(ok(server.get("/api/private/queue/stats")).get("depth").asLong()).isZero();
    }

    @Test
    void namedQueuesAreSeparate() throws Exception {
        ok(server.post("/api/private/queue/orders/enqueue", "{\"job\":\"x\"}"));
        assertThat(ok(server.get("/api/private/queue/orders/stats")).get("depth").asLong())
                .isEqualTo(1);
        assertThat(ok(server.get("/api/private/queue/stats")).get("depth").asLong()).isZero();
        assertThat(Files.exists(dir.resolve("runtime/queue/orders/journal.ndjson"))).isTrue();
        assertThat(ok(server.get("/api/private/queues")).get("queues")).hasSize(2);
    }

    @Test
    void deadLettersCanBeListedRedrivenAndPurgedAndThatIsAudited() throws Exception {
        long id = ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\"}")).get("id")
                .asLong();
        for (int i = 0; i < 5; i++) { // QUEUE_MAX_DELIVERIES=5
            JsonNode j = ok(server.post("/api/private/queue/claim", "{}")).get("jobs").get(0);
            ok(server.post("/api/private/queue/nack", "{\"id\":" + id + ",\"receipt\":\""
                    + j.get("receipt").asText() + "\",\"delayMs\":0}"));
        }
        JsonNode dlq = ok(server.get("/api/private/queue/dlq"));
        assertThat(dlq.get("deadLetters")).hasSize(1);
        assertThat(dlq.get("deadLetters").get(0).get("reason").asText()).contains("last allowed");
        assertThat(dlq.get("deadLetters").get(0).get("payload").get("job").asText())
                .isEqualTo("x");
        problem(server.post("/api/private/queue/dlq/redrive", "{}"), 400, "validation");
        assertThat(ok(server.post("/api/private/queue/dlq/redrive", "{\"ids\":[" + id + "]}"))
                .get("redriven").asInt()).isEqualTo(1);
        assertThat(ok(server.get("/api/private/queue/stats")).get("ready").asLong()).isEqualTo(1);
        JsonNode again = ok(server.post("/api/private/queue/claim", "{}")).get("jobs").get(0);
        assertThat(again.get("attempt").asInt()).isEqualTo(1);
        JsonNode audit = ok(server.get("/api/private/audit?limit=1")).get("entries").get(0);
        assertThat(audit.get("action").asText()).isEqualTo("queue.dlq.redrive");
        assertThat(audit.get("target").asText()).isEqualTo("signals");
    }

    @Test
    void storageFailuresAndFullQueuesMapToTheirProblems(@org.junit.jupiter.api.io.TempDir Path other)
            throws Exception {
        try (TestExecutor s = TestExecutor.start(other, Map.of("QUEUE_WORKER_ENABLED", "false"),
                r -> {
                    r.add(RouteSpec.get("/api/private/test/enospc", Role.READ), ctx -> {
                        throw io.spark.day9.queue.QueueStorageException.of("signals",
                                "journal write", new java.io.IOException("No space left on device"));
                    });
                    r.add(RouteSpec.get("/api/private/test/closed", Role.READ), ctx -> {
                        throw io.spark.day9.queue.QueueClosedException.of("signals");
                    });
                })) {
            var enospc = s.get("/api/private/test/enospc");
            JsonNode p = problem(enospc, 503, "queue-storage");
            assertThat(p.get("detail").asText()).contains("No space left on device");
            assertThat(enospc.headers().firstValue("Retry-After")).isPresent();
            problem(s.get("/api/private/test/closed"), 503, "queue-closed");
        }
    }

    @Test
    void healthAndMetricsShowTheQueue() throws Exception {
        ok(server.post("/api/private/queue/enqueue", "{\"job\":\"x\"}"));
        JsonNode health = ok(server.get("/api/private/health"));
        JsonNode q = health.get("components").get("queue");
        assertThat(q.get("status").asText()).isEqualTo("UP");
        assertThat(q.get("signals").get("depth").asLong()).isEqualTo(1);
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("spark_queue_enqueued_total{queue=\"signals\"} 1.0")
                .contains("spark_queue_depth{queue=\"signals\"} 1.0")
                .contains("spark_queue_lag_seconds{queue=\"signals\"}")
                .contains("spark_queue_fsync_batch_records_count{queue=\"signals\"}")
                .contains("spark_queue_journal_bytes{queue=\"signals\"}");
    }
}
