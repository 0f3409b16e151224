package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guide's chaos scripts are thin wrappers: valid shell, and they hand the right arguments
 * to {@code day9 chaos} (checked with a stand-in {@code day9} that prints its arguments).
 */
class ChaosScriptsTest {
    private static final Path RUNTIME = Path.of("..", "runtime");

    private static String bash(Path dir, List<String> cmd, String... env) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        List<String> all = new ArrayList<>(List.of("/bin/bash"));
        all.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(all).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("CHAOS_HTTP_ERROR_PCT");
        pb.environment().remove("CHAOS_HTTP_LATENCY_MS");
        pb.environment().remove("CHAOS_WS_FLAP_SEC");
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return ("rc=" + p.exitValue() + " " + out.strip()).strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"day9_chaos_http.sh", "day9_ws_flap.sh"})
    void scriptsAreValidExecutableShellWithCmdTwins(String script) throws Exception {
        Path sh = RUNTIME.resolve(script);
        assertThat(Files.isExecutable(sh)).as(script + " is executable").isTrue();
        assertThat(bash(RUNTIME, List.of("-n", sh.toAbsolutePath().toString()))).isEqualTo("rc=0");
        Path cmd = RUNTIME.resolve(script.replace(".sh", ".cmd"));
        assertThat(Files.readString(cmd)).contains("day9.jar").contains(" chaos ").contains("\r\n")
                .doesNotContain("%*"); // arguments are passed one by one after the shift
    }

    @Test
    void theyPassTheGuidesDefaultsAndTheirArgumentsToDay9Chaos(@TempDir Path dir)
            throws Exception {
        Files.createDirectories(dir.resolve("runtime"));
        for (String s : List.of("day9_chaos_http.sh", "day9_ws_flap.sh")) {
            Files.copy(RUNTIME.resolve(s), dir.resolve("runtime").resolve(s));
        }
        Path day9 = dir.resolve("day9");
        Files.writeString(day9, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(day9, PosixFilePermissions.fromString("rwxr-xr-x"));
        String http = "runtime/day9_chaos_http.sh";
        String flap = "runtime/day9_ws_flap.sh";
        assertThat(bash(dir, List.of(http, "on")))
                .isEqualTo("rc=0 chaos on --error-pct 15 --latency-ms 200");
        assertThat(bash(dir, List.of(http, "on", "--error-pct", "5", "--routes", "/a/**")))
                .isEqualTo("rc=0 chaos on --latency-ms 200 --error-pct 5 --routes /a/**");
        assertThat(bash(dir, List.of(http, "on"), "CHAOS_HTTP_LATENCY_MS", "50"))
                .isEqualTo("rc=0 chaos on --error-pct 15 --latency-ms 50");
        assertThat(bash(dir, List.of(http, "off"))).isEqualTo("rc=0 chaos off");
        assertThat(bash(dir, List.of(http))).startsWith("rc=2 usage:");
        assertThat(bash(dir, List.of(flap))).isEqualTo("rc=0 chaos flap 10");
        assertThat(bash(dir, List.of(flap), "CHAOS_WS_FLAP_SEC", "3"))
                .isEqualTo("rc=0 chaos flap 3");
        assertThat(bash(dir, List.of(flap, "off"))).isEqualTo("rc=0 chaos flap off");
        assertThat(bash(dir, List.of(flap, "once", "--url", "http://x")))
                .isEqualTo("rc=0 chaos flap once --url http://x");
    }
}
