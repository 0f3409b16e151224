package io.spark.day9.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LOG_FORMAT=json} as the service configures it (day9-logback-json.xml, loaded into a
 * logger context of the test's own, so the JVM's logging is untouched).
 */
class JsonLogsTest {
    private static final String PATH = "/api/private/queue/enqueue";

    @Test
    void pathsAreNotEscapedAndTimestampsAreIsoUtc(@TempDir Path dir) throws Exception {
        Instant before = Instant.now();
        List<String> lines = logThroughServiceConfig(dir, context -> {
            context.getMDCAdapter().put("requestId", "r-1");
            try {
                context.getLogger("io.spark.day9.api.HttpServer")
                        .info("POST {} 200 in 3 ms", PATH);
            } finally {
                context.getMDCAdapter().remove("requestId");
            }
            context.getLogger("io.spark.day9.jobs.Worker")
                    .warn("job failed", new IllegalStateException("boom \"quoted\""));
        });
        Instant after = Instant.now();

        assertThat(lines).hasSize(2);
        // what an operator types finds the line
        assertThat(lines.get(0)).contains(PATH).doesNotContain("\\/");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode first = mapper.readTree(lines.get(0));
        assertThat(first.path("formattedMessage").asText()).isEqualTo("POST " + PATH
                + " 200 in 3 ms");
        String ts = first.path("timestamp").asText();
        assertThat(ts).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(ts)).isBetween(before.minus(Duration.ofMillis(1)), after);
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("loggerName").asText()).isEqualTo("io.spark.day9.api.HttpServer");
        assertThat(first.path("mdc").path("requestId").asText()).isEqualTo("r-1");

        JsonNode second = mapper.readTree(lines.get(1));
        assertThat(second.has("mdc")).isFalse();
        assertThat(second.path("throwable").asText())
                .contains("java.lang.IllegalStateException: boom \"quoted\"")
                .contains("at io.spark.day9.logging.JsonLogsTest");
    }

    interface Body {
        void run(LoggerContext context) throws Exception;
    }

    /** Logs with the service's JSON configuration and returns the lines of executor.log. */
    static List<String> logThroughServiceConfig(Path dir, Body body) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        context.putProperty("DAY9_LOG_DIR", dir.toString());
        context.putProperty("DAY9_LOG_LEVEL", "INFO");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(JsonLogsTest.class.getResource("/day9-logback-json.xml"));
        try {
            body.run(context);
        } finally {
            context.stop();
        }
        return Files.readAllLines(dir.resolve("executor.log"), StandardCharsets.UTF_8);
    }
}
