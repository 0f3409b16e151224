package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code day9 emergency …} against a real in-process executor over real HTTP: the stop's
 * human output and exit code, status, resume, the dead-man switch, and one-line failures.
 */
class EmergencyCommandTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final Map<String, String> ENV = Map.of("API_TOKEN", TestExecutor.TOKEN,
            "ADMIN_TOKEN", ADMIN, "QUEUE_WORKER_ENABLED", "false");
    private static TestExecutor server;
    private static Path root;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        root = dir;
        server = TestExecutor.start(dir, ENV);
    }

    @AfterAll
    static void stop() {
        Remote.configSource = Remote::processConfig;
        server.close();
    }

    @BeforeEach
    void asAdmin() {
        Remote.configSource = () -> TestExecutor.config(root, ENV);
    }

    @AfterEach
    void resume() {
        day9("emergency", "resume");
        day9("emergency", "disarm");
    }

    private CliRun day9(String... args) {
        return CliRun.of(Stream.concat(Stream.of(args), Stream.of("--url",
                "http://127.0.0.1:" + server.port())).toArray(String[]::new));
    }

    @Test
    void stopPrintsTheStepsAndTheVerdictAndStatusShowsTheStop() {
        CliRun r = day9("emergency", "stop", "--symbol", "BTCUSDT", "--reduce-only",
                "--reason", "spread blew out");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("emergency stop stop-").contains("REDUCING symbol=BTCUSDT")
                .contains("(spread blew out)").contains("refuse").contains("persist")
                .contains("verify").contains("cancelled: none").contains("still open: none")
                .endsWith("VERIFIED\n").doesNotContain("NOT VERIFIED");
        CliRun status = day9("emergency", "status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("trading: REDUCING")
                .contains("REDUCING symbol=BTCUSDT").contains("last verification: VERIFIED")
                .contains("dead-man switch: disarmed");
        CliRun resumed = day9("emergency", "resume", "--symbol", "BTCUSDT");
        assertThat(resumed.code()).isZero();
        assertThat(resumed.out()).contains("resumed stop-").contains("trading: ACTIVE");
    }

    @Test
    void jsonPrintsTheAnswerWithVerified() throws Exception {
        CliRun r = day9("emergency", "stop", "--strategy", "momentum", "--reason", "drill",
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = Json.mapper().readTree(r.out());
        assertThat(a.get("verified").asBoolean()).isTrue();
        assertThat(a.at("/stop/scope/strategies/0").asText()).isEqualTo("momentum");
    }

    @Test
    void expectedFailuresAreOneLineAndExit1() {
        CliRun nothing = day9("emergency", "resume");
        assertThat(nothing.code()).isEqualTo(1);
        assertThat(nothing.err()).contains("HTTP 409").contains("not-stopped")
                .doesNotContain("Exception").doesNotContain("\tat ");
        CliRun bad = day9("emergency", "stop", "--symbol", "btc", "--reason", "x");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("HTTP 400").contains("scope.symbols[0]");
        CliRun unreachable = CliRun.of("emergency", "status", "--url", "http://127.0.0.1:1");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).doesNotContain("\tat ");
        assertThat(day9("emergency", "stop").code()).as("--reason is required").isEqualTo(2);
        assertThat(day9("emergency", "shadow", "maybe").code()).isEqualTo(2);
        assertThat(day9("emergency", "heartbeat", "--timeout", "soon").code()).isEqualTo(2);
    }

    @Test
    void aTraderWithoutTheAdminTokenIsToldWhichTokenToSet() {
        Map<String, String> trader = Map.of("API_TOKEN", TestExecutor.TOKEN,
                "QUEUE_WORKER_ENABLED", "false");
        Remote.configSource = () -> TestExecutor.config(root, trader);
        CliRun r = day9("emergency", "stop", "--reason", "x");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 403").contains("ADMIN_TOKEN");
    }

    @Test
    void heartbeatArmsAndDisarmDisarms() {
        CliRun beat = day9("emergency", "heartbeat", "--timeout", "2m", "--strategy", "a");
        assertThat(beat.code()).as(beat.err()).isZero();
        assertThat(beat.out()).contains("ARMED for strategy=a, timeout 120000 ms");
        CliRun off = day9("emergency", "disarm");
        assertThat(off.out()).contains("disarmed");
        assertThat(day9("emergency", "disarm").out()).contains("was not armed");
    }
}
