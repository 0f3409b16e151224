package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.testing.TestExecutor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The shadow smoke command against real executors: one that simulates, one that refuses. */
class ShadowSmokeCommandTest {
    @TempDir
    Path dir;

    /** Runs the command, capturing what it prints; returns the exit code and the text. */
    private record Run(int code, String out) {
    }

    private static Run smoke(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        int code;
        try {
            code = new CommandLine(new ShadowSmokeCommand()).execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        return new Run(code, text);
    }

    @Test
    void passesAgainstAnExecutorInShadowMode() throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("TRADE_MODE", "live",
                "LIVE_ENABLED", "false", "SHADOW_LIVE_ENABLED", "true"))) {
            Run r = smoke("--url", "http://127.0.0.1:" + s.port());
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("PASS").doesNotContain("FAIL")
                    .contains("invalid quantity rejected with -1013")
                    .contains("repeat by clientOrderId returns the first order")
                    .contains("spark_shadow_latency_ms_count moved");
            assertThat(s.executor().sim().ordersPlaced()).as("nothing reached the exchange")
                    .isZero();
        }
    }

    @Test
    void passesWithAnAdminTokenSetBecauseItSendsIt() throws Exception {
        Map<String, String> env = Map.of("TRADE_MODE", "live", "LIVE_ENABLED", "false",
                "SHADOW_LIVE_ENABLED", "true", "API_TOKEN", TestExecutor.TOKEN,
                "ADMIN_TOKEN", "admin-token-0123456789abcdef");
        try (TestExecutor s = TestExecutor.start(dir, env)) {
            Remote.configSource = () -> TestExecutor.config(dir, env);
            Run r = smoke("--url", "http://127.0.0.1:" + s.port());
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("PASS").doesNotContain("FAIL")
                    .contains("set: ADMIN_TOKEN, API_TOKEN");
        } finally {
            Remote.configSource = Remote::processConfig;
        }
    }

    @Test
    void failsLoudlyWhenShadowExecutionIsDisabled() throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("TRADE_MODE", "live",
                "LIVE_ENABLED", "false", "SHADOW_LIVE_ENABLED", "false"))) {
            Run r = smoke("--url", "http://127.0.0.1:" + s.port());
            assertThat(r.code()).as(r.out()).isEqualTo(1);
            assertThat(r.out()).contains("FAIL shadow execution enabled")
                    .contains("shadow smoke: FAIL: 1 of");
        }
    }

    @Test
    void failsWhenNoExecutorAnswers() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Run r = smoke("--url", "http://127.0.0.1:" + port);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("no executor answers");
    }
}
