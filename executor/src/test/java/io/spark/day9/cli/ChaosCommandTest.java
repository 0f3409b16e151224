package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.testing.TestExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code day9 chaos …} against a real in-process executor with {@code API_TOKEN} and
 * {@code ADMIN_TOKEN}, over real HTTP, including one short experiment end to end.
 */
class ChaosCommandTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final Map<String, String> ENV = Map.of("API_TOKEN", TestExecutor.TOKEN,
            "ADMIN_TOKEN", ADMIN, "QUEUE_WORKER_ENABLED", "false");
    private static TestExecutor server;
    private static Path root;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        root = dir;
        server = TestExecutor.start(dir, ENV);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.executor().market().stream()
                .allSynced());
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
    void off() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"enabled\":false,\"routes\":[],"
                + "\"exclude\":[],\"rampSec\":0}", "Authorization", "Bearer " + ADMIN);
    }

    private CliRun day9(String... args) {
        return CliRun.of(Stream.concat(Stream.of(args), Stream.of("--url",
                "http://127.0.0.1:" + server.port())).toArray(String[]::new));
    }

    private JsonNode state() throws Exception {
        var r = server.get("/api/private/chaos", "Authorization", "Bearer " + ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void onStatusAndOffDriveTheExecutor() throws Exception {
        CliRun on = day9("chaos", "on", "--error-pct", "12.5", "--latency-ms", "20", "--routes",
                "/api/private/market", "--ttl-sec", "120", "--seed", "7");
        assertThat(on.code()).as(on.err()).isZero();
        assertThat(on.out()).contains("chaos: ON").contains("errors 12.5 %")
                .contains("[\"/api/private/market\"]");
        JsonNode s = state();
        assertThat(s.get("enabled").asBoolean()).isTrue();
        assertThat(s.get("httpErrorPct").asDouble()).isEqualTo(12.5);
        assertThat(s.get("ttlSec").asInt()).isEqualTo(120);
        assertThat(s.get("seed").asLong()).isEqualTo(7);

        CliRun status = day9("chaos", "status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("chaos: ON").contains("latency 20 ms");
        CliRun raw = day9("chaos", "status", "--raw");
        assertThat(Json.mapper().readTree(raw.out()).get("latencyMs").asInt()).isEqualTo(20);

        CliRun off = day9("chaos", "off");
        assertThat(off.code()).isZero();
        assertThat(off.out()).startsWith("chaos: off");
        assertThat(state().get("enabled").asBoolean()).isFalse();
    }

    @Test
    void onWithoutOptionsUsesTheGuidesHttpDefaultsAndFlapAndToggleWork() throws Exception {
        assertThat(day9("chaos", "on").code()).isZero();
        assertThat(state().get("httpErrorPct").asInt()).isEqualTo(15);
        assertThat(state().get("latencyMs").asInt()).isEqualTo(200);
        assertThat(day9("chaos", "flap", "5").code()).isZero();
        assertThat(state().get("wsFlapSec").asInt()).isEqualTo(5);
        assertThat(day9("chaos", "flap", "off").code()).isZero();
        assertThat(state().get("wsFlapSec").asInt()).isZero();
        CliRun t = day9("chaos", "toggle", "--json", "{\"httpErrorPct\":0,\"latencyMs\":0}");
        assertThat(t.code()).isZero();
        assertThat(state().get("enabled").asBoolean()).isFalse();
        CliRun once = day9("chaos", "flap");
        assertThat(once.code()).as(once.err()).isZero();
        assertThat(once.out()).contains("flapped");
        CliRun inject = day9("chaos", "inject", "gap");
        assertThat(inject.code()).as(inject.err()).isZero();
        assertThat(inject.out()).contains("injected gap");
        assertThat(day9("chaos", "inject", "duplicate", "--every", "30").code()).isZero();
        assertThat(state().path("exchange").path("duplicateEverySec").asInt()).isEqualTo(30);
    }

    @Test
    void aProblemIsPrintedWithItsFieldAndExitsOne() {
        CliRun bad = day9("chaos", "on", "--error-pct", "150");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("HTTP 400").contains("httpErrorPct")
                .contains("must be from 0 to 100");
        CliRun fault = day9("chaos", "inject", "meteor");
        assertThat(fault.code()).isEqualTo(1);
        assertThat(fault.err()).contains("fault");
    }

    @Test
    void withoutTheAdminTokenChaosIsRefused() {
        Remote.configSource = () -> TestExecutor.config(root, Map.of("API_TOKEN",
                TestExecutor.TOKEN));
        CliRun r = day9("chaos", "status");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 403").contains("ADMIN_TOKEN");
    }

    @Test
    void anExperimentRunsEndToEndWithAFlapAndAnErrorStep(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("e2e.yaml");
        Files.writeString(file, """
                title: End to end
                checkEvery: 700ms
                settle: 8s
                steadyState:
                  - name: api-outside-blast-radius
                    errorRate: {maxPct: 1, window: 10s, exclude: ["/api/private/market"]}
                  - name: book
                    bookFresh: {symbol: BTCUSDT, maxAgeMs: 3000}
                    grace: 3s
                  - name: recovered
                    recovery: {minPct: 99}
                    when: [after]
                method:
                  - flap: once
                  - flap: 1
                  - hold: 4s
                    load: {path: /api/private/health, rps: 10}
                  - flap: 0
                  - chaos: {httpErrorPct: 40, routes: ["/api/private/market"], seed: 1}
                  - hold: 3s
                    load: {paths: [/api/private/market, /api/private/health], rps: 20}
                  - off
                """);
        Path reports = dir.resolve("reports");
        CliRun r = day9("chaos", "run", file.toString(), "--report-dir", reports.toString());
        assertThat(r.out()).contains("step 1/7 flap once").contains("during:")
                .contains("rollback: chaos is off").contains("verdict:");
        List<Path> written;
        try (Stream<Path> files = Files.list(reports)) {
            written = files.sorted().toList();
        }
        assertThat(written).hasSize(2);
        assertThat(written.get(0).toString()).endsWith("-end-to-end.json");
        assertThat(written.get(1).toString()).endsWith("-end-to-end.md");
        JsonNode report = Json.mapper().readTree(written.get(0).toFile());
        System.out.println(r.out() + Files.readString(written.get(1)));
        assertThat(r.code()).as(r.out() + Files.readString(written.get(1))).isZero();
        assertThat(report.path("verdict").asText()).isEqualTo("PASSED");
        JsonNode rec = report.path("recovery");
        assertThat(rec.path("flaps").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(rec.path("recoveries").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(rec.path("failed").asLong()).isZero();
        assertThat(rec.path("p50Sec").isNumber()).isTrue();
        assertThat(rec.path("p99Sec").asDouble()).isGreaterThanOrEqualTo(
                rec.path("p50Sec").asDouble());
        assertThat(rec.path("injectedHttpErrors").asLong()).isPositive();
        assertThat(report.path("load").path("errors").asLong()).isPositive();
        assertThat(report.path("chaosOffAfter").asBoolean()).isTrue();
        assertThat(report.path("timeline")).hasSize(8);
        assertThat(Files.readString(written.get(1))).contains("recovery time p99");
        JsonNode after = state();
        assertThat(after.get("enabled").asBoolean()).isFalse();
        assertThat(after.get("routes")).isEmpty(); // the scope was put back
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"status", "on", "off", "toggle",
        "flap", "inject", "run"})
    void everyChaosCommandHasHelp(String command) {
        CliRun r = day9("chaos", command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: day9 chaos " + command);
    }

    @Test
    void aBadExperimentFileExitsTwoNamingTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "title: t\nmethod:\n  - ramp: {to: 500, over: 5s}\n");
        CliRun r = day9("chaos", "run", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("method[0].ramp.to").contains("got 500");
    }
}
