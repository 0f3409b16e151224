package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {

    private record Run(int code, String out) {
    }

    private static Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Day9Command.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void versionNamesTheProduct() {
        Run r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("day9 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "serve", "config", "audit", "audit verify", "queue",
        "queue enqueue", "queue stats", "queue claim", "queue dlq", "queue kill-resume",
        "sim-exchange"})
    void everyCommandHasHelp(String command) {
        List<String> args = new java.util.ArrayList<>(command.isEmpty() ? List.of()
                : List.of(command.split(" ")));
        args.add("--help");
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: day9");
    }

    @Test
    void configPrintsEveryVariableWithItsSource() {
        Run r = run("config");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("PORT").contains("QUEUE_VISIBILITY_MS")
                .contains("SHADOW_LIVE_ENABLED").contains("# default");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("frobnicate").code()).isEqualTo(2);
    }
}
