package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.sim.server.SimServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator speaks Binance to real third-party clients: ccxt 4 (REST and ccxt.pro) and the
 * official {@code @binance/connector} 3, from the npm registry, pointed at it with nothing but
 * the base URLs (and its key). The harness {@code src/test/node/sim-conformance/conformance.js}
 * makes one check per call and prints one {@code RESULT} line each; this test prints them as a
 * table and fails on any call that does not behave as Binance documents.
 *
 * <p>The npm packages are installed by {@code ./test} ({@code npm ci} in the harness directory);
 * without them the test fails and says so (it never skips). Node must be on the PATH.
 */
class SimConformanceTest {
    static final Path HARNESS = Path.of("src", "test", "node", "sim-conformance");
    private static final long RUN_TIMEOUT_SEC = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimServer sim;

    /** One check of the harness. */
    record Result(String call, String client, boolean pass, String detail) {
    }

    @BeforeEach
    void start() {
        // Binance's update interval and limits; server pings every second so the harness sees one
        sim = SimServer.start(SimConfig.of(List.of("BTCUSDT", "ETHUSDT"), 42)
                .withPingIntervalMs(1000));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void ccxtAndTheConnectorWorkAgainstTheSimulatorUnmodified() throws Exception {
        Path dir = HARNESS.toAbsolutePath();
        for (String pkg : List.of("ccxt", "@binance/connector")) {
            assertThat(dir.resolve("node_modules").resolve(pkg).resolve("package.json"))
                    .as("npm package %s is not installed in %s: run ./test (it runs npm ci there)",
                            pkg, dir)
                    .exists();
        }
        ProcessBuilder pb = new ProcessBuilder("node", "conformance.js")
                .directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SIM_REST_URL", sim.restUrl());
        env.put("SIM_WS_URL", sim.wsUrl());
        env.put("SIM_API_KEY", sim.config().apiKey());
        env.put("SIM_API_SECRET", sim.config().apiSecret());
        Process node = pb.start();
        List<Result> results = new ArrayList<>();
        StringBuilder other = new StringBuilder();
        Thread reader = new Thread(() -> read(node, results, other), "conformance-output");
        reader.start();
        boolean exited = node.waitFor(RUN_TIMEOUT_SEC, TimeUnit.SECONDS);
        if (!exited) {
            node.destroyForcibly();
        }
        reader.join(5000);
        String table = table(results);
        System.out.println(table);
        if (other.length() > 0) {
            System.out.println("harness output:\n" + other);
        }
        assertThat(exited).as("the harness did not finish within %d s\n%s", RUN_TIMEOUT_SEC,
                table).isTrue();
        List<Result> failed = results.stream().filter(r -> !r.pass()).toList();
        assertThat(failed.size()).as("calls that do not behave as Binance documents:\n%s",
                table(failed)).isZero();
        assertThat(results).as("checks run (output:\n%s)", other).hasSizeGreaterThan(60);
        assertThat(node.exitValue()).as("harness exit code\n%s", other).isZero();
    }

    private static void read(Process node, List<Result> results, StringBuilder other) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    JsonNode r = JSON.readTree(line.substring(7));
                    synchronized (results) {
                        results.add(new Result(r.path("call").asText(), r.path("client").asText(),
                                r.path("pass").asBoolean(), r.path("detail").asText()));
                    }
                } else {
                    other.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            other.append("reading the harness output failed: ").append(e).append('\n');
        }
    }

    /** One row per call: client, pass/FAIL, call, detail. */
    static String table(List<Result> results) {
        StringBuilder b = new StringBuilder();
        long passed = results.stream().filter(Result::pass).count();
        b.append(String.format("sim conformance: %d/%d calls pass%n", passed, results.size()));
        b.append(String.format("%-12s %-4s %-62s %s%n", "client", "ok", "call", "detail"));
        for (Result r : results) {
            b.append(String.format("%-12s %-4s %-62s %s%n", r.client(), r.pass() ? "pass" : "FAIL",
                    r.call(), r.detail()));
        }
        return b.toString();
    }

    @Test
    void theHarnessPinsTheClientVersionsItWasWrittenFor() throws IOException {
        JsonNode lock = JSON.readTree(Files.readString(HARNESS.resolve("package-lock.json")));
        JsonNode packages = lock.path("packages");
        assertThat(packages.path("node_modules/ccxt").path("version").asText()).startsWith("4.");
        assertThat(packages.path("node_modules/@binance/connector").path("version").asText())
                .startsWith("3.");
    }
}
