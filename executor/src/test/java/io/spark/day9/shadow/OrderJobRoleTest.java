package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.jobs.JobHandler;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role that enqueued a job travels with it, and the order handler checks it again: a job
 * written by a role below trade never places an order.
 */
class OrderJobRoleTest {
    private static final String ORDER = "{\"job\":\"order\",\"data\":{\"symbol\":\"BTCUSDT\","
            + "\"side\":\"BUY\",\"type\":\"MARKET\",\"quantity\":\"0.001\"}}";

    private static JobHandler.Job job(Map<String, String> attributes) throws Exception {
        JsonNode payload = Json.mapper().readTree(ORDER);
        return new JobHandler.Job("signals", 7, 1, "order", payload, 1_000, "k7", attributes);
    }

    @Test
    void anOrderJobRecordedWithTheReadRoleIsDeadLetteredWithoutPlacingAnything()
            throws Exception {
        // no router at all: the handler must refuse before it reaches one
        OrderJobHandler handler = new OrderJobHandler(null, Json.mapper());
        for (String role : List.of("read", "public")) {
            JobHandler.Outcome outcome = handler.handle(job(Map.of(
                    JobHandler.ROLE_ATTRIBUTE, role)));
            assertThat(outcome).isInstanceOf(JobHandler.Outcome.DeadLetter.class);
            assertThat(((JobHandler.Outcome.DeadLetter) outcome).reason())
                    .contains("'" + role + "' role").contains("trade role");
        }
    }

    @Test
    void anEnqueueOverHttpRecordsTheCallersRoleWithTheJob(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "ADMIN_TOKEN", "admin-" + TestExecutor.TOKEN, "QUEUE_WORKER_ENABLED", "false"))) {
            assertThat(s.post("/api/private/queue/enqueue", "{\"job\":\"x\"}", "Authorization",
                    "Bearer " + TestExecutor.TOKEN).statusCode()).isEqualTo(200);
            assertThat(s.post("/api/private/queue/enqueue", "{\"job\":\"y\"}", "Authorization",
                    "Bearer admin-" + TestExecutor.TOKEN).statusCode()).isEqualTo(200);
            List<ClaimedJob> claimed = s.executor().queues().defaultQueue().claim(2, 60_000);
            assertThat(claimed).extracting(j -> j.attributes().get(JobHandler.ROLE_ATTRIBUTE))
                    .containsExactly("trade", "admin");
        }
    }
}
