package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.TestExecutor;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The remote commands' shared behaviour: one line and exit 1 when nothing answers, a problem in
 * at most two lines, the token each route needs, and {@code queue ack|nack|extend}.
 */
class CliRemoteTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final Map<String, String> ENV = Map.of("API_TOKEN", TestExecutor.TOKEN,
            "ADMIN_TOKEN", ADMIN, "QUEUE_WORKER_ENABLED", "false");
    private static TestExecutor server;
    private static Path root;
    private static int closedPort;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        root = dir;
        server = TestExecutor.start(dir, ENV);
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void processConfig() {
        Remote.configSource = Remote::processConfig;
    }

    private static CliRun day9(int port, String... args) {
        return CliRun.of(Stream.concat(Stream.of(args), Stream.of("--url",
                "http://127.0.0.1:" + port)).toArray(String[]::new));
    }

    @ParameterizedTest(name = "day9 {0} against a closed port")
    @ValueSource(strings = {"queue stats", "queue enqueue {\"job\":\"x\"}", "queue claim",
        "queue ack 1 r", "queue nack 1 r", "queue extend 1 r", "queue dlq", "queue dlq purge --all",
        "chaos status", "chaos off", "chaos on", "chaos flap", "chaos inject gap",
        "shadow smoke", "queue pause", "queue resume", "queue inflight"})
    void nothingAnsweringIsOneLineAndExitOne(String command) {
        CliRun r = day9(closedPort, command.split(" "));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("day9: no executor answers at http://127.0.0.1:"
                + closedPort).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anExperimentAgainstAClosedPortIsOneLineAndWritesNoReport(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("e.yaml");
        Files.writeString(file, "title: t\nmethod:\n  - flap: once\n");
        CliRun r = day9(closedPort, "chaos", "run", file.toString(), "--report-dir",
                dir.resolve("reports").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("no executor answers");
        assertThat(dir.resolve("reports")).doesNotExist();
    }

    @Test
    void aProblemPrintsTypeDetailAndFieldsInTwoLines() {
        Remote.configSource = () -> TestExecutor.config(root, ENV);
        CliRun r = day9(server.port(), "queue", "ack", "1", "not-a-receipt");
        assertThat(r.code()).isEqualTo(1);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as(r.err()).hasSizeBetween(1, 2);
        assertThat(lines.get(0)).startsWith("day9: HTTP 400");
        assertThat(r.err()).contains("receipt");
        System.out.println(r.err());
    }

    @Test
    void aProblemWithFieldsNamesTypeDetailAndEachField() throws Exception {
        ApiClient.Answer a = new ApiClient.Answer(400, Json.mapper().readTree("""
                {"type":"urn:day9:problem:validation","title":"Invalid request","status":400,
                 "detail":"2 fields are invalid",
                 "errors":[{"field":"max","message":"must be 1..1000, got 0"},
                           {"field":"visibilityMs","message":"must be positive"}]}"""));
        assertThat(a.error().lines().toList()).containsExactly(
                "HTTP 400 Invalid request (validation): 2 fields are invalid",
                "  max: must be 1..1000, got 0; visibilityMs: must be positive");
    }

    @Test
    void chaosIsRefusedWithATokenHintWhenOnlyTheTradeTokenIsSet() {
        Remote.configSource = () -> TestExecutor.config(root, Map.of("API_TOKEN",
                TestExecutor.TOKEN));
        CliRun r = day9(server.port(), "chaos", "status");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 403").contains("ADMIN_TOKEN")
                .contains("set: API_TOKEN");
    }

    @Test
    void theAdminTokenIsSentWhenSetAndOpensEveryRoute() {
        Remote.configSource = () -> TestExecutor.config(root, ENV);
        assertThat(day9(server.port(), "chaos", "status").code()).isZero();
        CliRun stats = day9(server.port(), "queue", "stats");
        assertThat(stats.code()).as(stats.err()).isZero();
    }

    @Test
    void tokensPickAdminThenTradeThenReadForReadsOnly() {
        ApiClient.Tokens all = new ApiClient.Tokens(java.util.Optional.of("a"),
                java.util.Optional.of("t"), java.util.Optional.of("r"));
        assertThat(all.pick(false)).contains("a");
        assertThat(all.pick(true)).contains("a");
        ApiClient.Tokens trade = new ApiClient.Tokens(java.util.Optional.empty(),
                java.util.Optional.of("t"), java.util.Optional.of("r"));
        assertThat(trade.pick(false)).contains("t");
        assertThat(trade.pick(true)).contains("t");
        ApiClient.Tokens read = new ApiClient.Tokens(java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.of("r"));
        assertThat(read.pick(true)).contains("r");
        assertThat(read.pick(false)).isEmpty();
        assertThat(ApiClient.Tokens.NONE.pick(true)).isEmpty();
    }

    @Test
    void claimThenExtendNackAndAckSettleAJob() throws Exception {
        Remote.configSource = () -> TestExecutor.config(root, ENV);
        String queue = "cli-settle";
        assertThat(day9(server.port(), "queue", "enqueue", "{\"job\":\"x\"}", "-q", queue)
                .code()).isZero();
        JsonNode claimed = claim(queue);
        long id = claimed.path("id").asLong();
        String receipt = claimed.path("receipt").asText();

        CliRun extend = day9(server.port(), "queue", "extend", Long.toString(id), receipt,
                "--visibility-ms", "60000", "-q", queue);
        assertThat(extend.code()).as(extend.err()).isZero();
        assertThat(Json.mapper().readTree(extend.out()).path("visibleUntil").asLong())
                .isPositive();

        CliRun nack = day9(server.port(), "queue", "nack", Long.toString(id), receipt,
                "--delay-ms", "0", "-q", queue);
        assertThat(nack.code()).as(nack.err()).isZero();
        assertThat(Json.mapper().readTree(nack.out()).path("state").asText()).isEqualTo("READY");

        JsonNode again = claim(queue);
        CliRun ack = day9(server.port(), "queue", "ack", again.path("id").asText(),
                again.path("receipt").asText(), "-q", queue);
        assertThat(ack.code()).as(ack.err()).isZero();
        CliRun stale = day9(server.port(), "queue", "ack", Long.toString(id), receipt, "-q",
                queue);
        assertThat(stale.code()).isEqualTo(1);
        assertThat(stale.err()).startsWith("day9: HTTP 409");
    }

    private JsonNode claim(String queue) throws Exception {
        CliRun c = day9(server.port(), "queue", "claim", "-q", queue);
        assertThat(c.code()).as(c.err()).isZero();
        List<JsonNode> jobs = new ArrayList<>();
        Json.mapper().readTree(c.out()).path("jobs").forEach(jobs::add);
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }
}
