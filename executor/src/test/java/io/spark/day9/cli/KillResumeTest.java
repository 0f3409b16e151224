package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guide's crash drill, run for real: child JVMs, SIGKILL mid-processing, restart. */
class KillResumeTest {
    @TempDir
    Path dir;

    @Test
    void killingTheExecutorMidProcessingLosesNoAcknowledgedJob() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Day9Command.execute("queue", "kill-resume", "--jobs", "400", "--work-ms", "5",
                    "--kill-at", "0.25", "--dir", dir.toString(), "--timeout-sec", "90");
        } finally {
            System.setOut(saved);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(code).as(report).isZero();
        assertThat(report).contains("killed the executor with SIGKILL (exit 137)")
                .contains("acknowledged but missing 0").contains("PASS");
    }
}
