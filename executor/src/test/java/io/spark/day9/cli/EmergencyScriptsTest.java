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
 * The emergency scripts are thin wrappers: valid shell with {@code .cmd} twins, and they hand
 * the right arguments to {@code day9 emergency} (checked with a stand-in {@code day9} that
 * prints its arguments, one per line, and exits with the stop's code).
 */
class EmergencyScriptsTest {
    private static final Path RUNTIME = Path.of("..", "runtime");

    private static String bash(Path dir, List<String> cmd) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        List<String> all = new ArrayList<>(List.of("/bin/bash"));
        all.addAll(cmd);
        Process p = new ProcessBuilder(all).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return ("rc=" + p.exitValue() + " " + out.strip().replace('\n', '|')).strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"day9_emergency_stop.sh", "day9_emergency_resume.sh"})
    void scriptsAreValidExecutableShellWithCmdTwins(String script) throws Exception {
        Path sh = RUNTIME.resolve(script);
        assertThat(Files.isExecutable(sh)).as(script + " is executable").isTrue();
        assertThat(bash(RUNTIME, List.of("-n", sh.toAbsolutePath().toString())))
                .isEqualTo("rc=0");
        Path cmd = RUNTIME.resolve(script.replace(".sh", ".cmd"));
        assertThat(Files.readString(cmd)).contains("day9.jar").contains(" emergency ")
                .contains("\r\n").doesNotContain("%*");
    }

    @Test
    void theyPassTheReasonScopeAndOptionsToDay9Emergency(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("runtime"));
        for (String s : List.of("day9_emergency_stop.sh", "day9_emergency_resume.sh")) {
            Files.copy(RUNTIME.resolve(s), dir.resolve("runtime").resolve(s));
        }
        Path day9 = dir.resolve("day9");
        // one argument a line, so a reason with spaces shows as one argument; exit 3 when
        // asked to, as a stop that is not verified does
        Files.writeString(day9, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n"
                + "case \"$*\" in *not-verified*) exit 3;; esac\n");
        Files.setPosixFilePermissions(day9, PosixFilePermissions.fromString("rwxr-xr-x"));
        String stop = "runtime/day9_emergency_stop.sh";
        String resume = "runtime/day9_emergency_resume.sh";
        assertThat(bash(dir, List.of(stop)))
                .isEqualTo("rc=0 emergency|stop|--reason|emergency stop script");
        assertThat(bash(dir, List.of(stop, "exchange down", "--symbol", "BTCUSDT", "--flatten")))
                .isEqualTo("rc=0 emergency|stop|--reason|exchange down|--symbol|BTCUSDT|"
                        + "--flatten");
        assertThat(bash(dir, List.of(stop, "--reduce-only")))
                .isEqualTo("rc=0 emergency|stop|--reason|emergency stop script|--reduce-only");
        assertThat(bash(dir, List.of(stop, "not-verified"))).startsWith("rc=3 ");
        assertThat(bash(dir, List.of(resume))).isEqualTo("rc=0 emergency|resume");
        assertThat(bash(dir, List.of(resume, "--strategy", "a", "--url", "http://x")))
                .isEqualTo("rc=0 emergency|resume|--strategy|a|--url|http://x");
    }
}
