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
    void killingTheExecutorMidProcessingLosesNoAcknowledgedJobAndRemovesItsTempDirectory()
            throws Exception {
        // one drill checks both: nothing acknowledged is lost, and without --dir the drill's
        // temp directory is gone when it ends
        java.util.Set<String> before = drillDirs();
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Day9Command.execute("queue", "kill-resume", "--jobs", "400", "--work-ms", "5",
                    "--kill-at", "0.25", "--timeout-sec", "90");
        } finally {
            System.setOut(saved);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(code).as(report).isZero();
        assertThat(report).contains("killed the executor with SIGKILL (exit 137)")
                .contains("acknowledged but missing 0").contains("PASS");
        assertThat(report).contains("of the 400 jobs were enqueued")
                .contains("removed at the end");
        assertThat(drillDirs()).as(report).isEqualTo(before);
    }

    @Test
    void aTornLineAndTwoRecordsOnOneLineLoseNoProcessedJob() throws Exception {
        Path probe = dir.resolve("processed.ndjson");
        String run = "r1";
        java.nio.file.Files.writeString(probe, record(run, 0) + "\n"
                // a record whose newline never reached the file, then the next start's record
                + record(run, 1) + record(run, 2) + "\n"
                // a record cut by the kill, then a whole one appended to it
                + record(run, 3).substring(0, 25) + record(run, 4) + "\n"
                + record("other", 5) + "\n"
                // a torn last line, being written as we read
                + record(run, 6).substring(0, 40));
        KillResumeCommand.Processed p = KillResumeCommand.processed(probe, run);
        assertThat(p.seqs()).containsExactlyInAnyOrder(0L, 1L, 2L, 4L);
        assertThat(p.lines()).isEqualTo(4);
    }

    private static java.util.Set<String> drillDirs() throws Exception {
        try (var files = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("day9-kill-resume"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String record(String run, long seq) {
        return "{\"queue\":\"default\",\"id\":" + (seq + 1) + ",\"attempt\":1,\"job\":"
                + "\"test-kill-resume\",\"at\":1,\"data\":{\"run\":\"" + run + "\",\"seq\":"
                + seq + ",\"workMs\":5}}";
    }
}
