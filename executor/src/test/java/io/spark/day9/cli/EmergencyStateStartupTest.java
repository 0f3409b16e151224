package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.spark.day9.api.Json;
import io.spark.day9.emergency.Emergency;
import io.spark.day9.emergency.TradingDesk;
import io.spark.day9.testing.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt emergency state file refuses the start with one line naming the file, recognised
 * as an expected failure (no stack trace), like the other bad files.
 */
class EmergencyStateStartupTest {
    @TempDir
    Path dir;

    @Test
    void aCorruptEmergencyStateFileIsOneLineNamingTheFile() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"version\": 1, \"stops\": [");
        ManualScheduler time = new ManualScheduler();
        Throwable failure = catchThrowable(() -> new Emergency(dir, new NoDesk(), time.millisClock(), time,
                Json.mapper()));
        assertThat(StartupFailure.expected(failure, null)).isTrue();
        String line = StartupFailure.describe(failure, null);
        assertThat(line).contains(file.toString()).contains("refusing to start")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aStateFileThatIsADirectoryIsNamed() throws Exception {
        Path file = Files.createDirectories(dir.resolve("state.json"));
        ManualScheduler time = new ManualScheduler();
        Throwable failure = catchThrowable(() -> new Emergency(dir, new NoDesk(),
                time.millisClock(), time, Json.mapper()));
        assertThat(StartupFailure.expected(failure, null)).isTrue();
        assertThat(StartupFailure.describe(failure, null)).contains(file.toString());
    }

    /** The desk is never called while the state file is read. */
    private static final class NoDesk implements TradingDesk {
        @Override
        public void chaosOff(String actor) {
            throw new AssertionError();
        }

        @Override
        public java.util.List<OpenOrder> cancelOpen(io.spark.day9.emergency.Scope scope,
                                                    String actor) {
            throw new AssertionError();
        }

        @Override
        public void pauseOrders(boolean all) {
            throw new AssertionError();
        }

        @Override
        public void releaseOrders(boolean all) {
            throw new AssertionError();
        }

        @Override
        public java.util.List<Flattened> flatten(io.spark.day9.emergency.Scope scope,
                                                 String stopId, String actor) {
            throw new AssertionError();
        }

        @Override
        public EndState read(io.spark.day9.emergency.Scope scope) {
            throw new AssertionError();
        }

        @Override
        public long parkedOrderJobs() {
            return 0;
        }

        @Override
        public void shadowExecution(boolean enabled) {
            throw new AssertionError();
        }
    }
}
