package io.spark.day9.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules in {@code ops/prometheus}: valid for the real promtool, their unit tests
 * pass, and every metric they use is one the executor exports (the README's metrics table,
 * which {@link MetricsFromStartTest} checks against a first scrape).
 */
class AlertRulesTest {
    private static final Path OPS = Path.of("..", "ops", "prometheus");
    private static final Path README = Path.of("..", "README.md");

    private static String promtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(OPS.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return "rc=" + p.exitValue() + "\n" + out;
    }

    @Test
    void theRulesAreValidAndTheirUnitTestsPass() throws Exception {
        assertThat(promtool("check", "rules", "day9-rules.yml")).startsWith("rc=0")
                .contains("SUCCESS: 2 rules found");
        assertThat(promtool("test", "rules", "day9-rules.test.yml")).startsWith("rc=0")
                .contains("SUCCESS");
    }

    @Test
    void promtoolCatchesAnAlertThatDoesNotFireAsExpected(@org.junit.jupiter.api.io.TempDir
                                                         Path dir) throws Exception {
        // proves the check above can fail: the same tests against a rule that never fires
        String rules = Files.readString(OPS.resolve("day9-rules.yml"))
                .replace("spark_emergency_verified == 0", "spark_emergency_verified == 2");
        Files.writeString(dir.resolve("day9-rules.yml"), rules);
        Files.copy(OPS.resolve("day9-rules.test.yml"), dir.resolve("day9-rules.test.yml"));
        Process p = new ProcessBuilder("promtool", "test", "rules", "day9-rules.test.yml")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
    }

    @Test
    void everyMetricTheRulesUseIsInTheReadmesMetricsTable() throws Exception {
        String rules = Files.readString(OPS.resolve("day9-rules.yml"));
        String readme = Files.readString(README);
        Matcher m = Pattern.compile("\\bspark_[a-z_]+").matcher(rules);
        List<String> used = new ArrayList<>();
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(readme)
                .contains("| `" + name + "` |"));
    }
}
