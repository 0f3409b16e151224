package io.spark.day9;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.config.Setting;
import io.spark.day9.testing.TestExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README documents every variable and every metric Day9 names. */
class DocsTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void everyConfigurationVariableIsInTheReadmeTable() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        for (Setting s : Setting.ALL) {
            assertThat(readme).as(s.name()).contains("| `" + s.name() + "` |");
        }
    }

    @Test
    void everySparkMetricIsInTheReadme(@TempDir Path dir) throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Set<String> names = new TreeSet<>();
        try (TestExecutor server = TestExecutor.start(dir, Map.of())) {
            server.get("/healthz");
            Matcher m = Pattern.compile("(?m)^# TYPE (spark_\\w+) ")
                    .matcher(server.get("/metrics").body());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        assertThat(names).isNotEmpty();
        for (String name : names) {
            assertThat(readme).as(name).containsPattern("`" + name + "(_total)?`");
        }
    }
}
