package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.spark.day9.testing.TestExecutor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code day9 serve} that cannot start says why in one line naming the cause (the port, the
 * directory, the locked queue, the bad file), prints no stack trace and exits 1. Runs the serve
 * command in this JVM with a configuration rooted in a temp directory.
 */
class StartupFailureTest {
    @TempDir
    Path dir;

    @AfterAll
    static void restoreTestLogging() throws Exception {
        // serve switched Logback to the service's configuration: put the test one back
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void portInUseNamesThePortAndHost() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CliRun run = serve(Map.of("PORT", Integer.toString(port), "HOST", "127.0.0.1"));
            assertOneLine(run, "start-up failed: port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void aRuntimeDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Path runtime = file.resolve("runtime");
        CliRun run = serve(Map.of("RUNTIME_DIR", runtime.toString()));
        assertOneLine(run, "start-up failed: ", file.toString());
    }

    @Test
    void aLogDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        CliRun run = serve(Map.of("LOG_DIR", file.resolve("logs").toString()));
        assertOneLine(run, "start-up failed: ", file.toString());
    }

    @Test
    void aQueueLockedByAnotherExecutorIsNamed() throws Exception {
        try (TestExecutor other = TestExecutor.start(dir, Map.of())) {
            CliRun run = serve(Map.of());
            assertOneLine(run, "start-up failed: ", "queue", "locked");
        }
    }

    @Test
    void aBadQueueFileIsNamed() throws Exception {
        Path journal = dir.resolve("runtime/queue/signals/journal.ndjson");
        Files.createDirectories(journal); // a directory where the journal file belongs
        CliRun run = serve(Map.of());
        assertOneLine(run, "start-up failed: ", "journal.ndjson");
    }

    /** Exactly one line says start-up failed, names every fragment; no stack trace anywhere. */
    private static void assertOneLine(CliRun run, String... fragments) {
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        List<String> lines = Arrays.stream((run.out() + "\n" + run.err()).split("\n"))
                .filter(l -> l.contains("start-up failed")).toList();
        assertThat(lines).as(run.out() + run.err()).hasSize(1);
        for (String f : fragments) {
            assertThat(lines.get(0)).contains(f);
        }
        assertThat(run.out() + run.err()).as("no stack trace")
                .doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(");
    }

    private CliRun serve(Map<String, String> env) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            // a start that wrongly succeeds would block until a signal: fail instead
            int code = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> ServeCommand.serve(TestExecutor.config(dir, env), List.of()));
            return new CliRun(code, o.toString(StandardCharsets.UTF_8),
                    e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
