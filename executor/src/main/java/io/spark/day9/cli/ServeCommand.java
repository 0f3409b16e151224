package io.spark.day9.cli;

import io.spark.day9.Executor;
import io.spark.day9.api.ApiRoutes;
import java.time.Clock;
import java.util.List;
import io.spark.day9.config.ConfigLoader;
import io.spark.day9.config.Day9Config;
import io.spark.day9.logging.Logging;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code day9 serve}: validates the configuration, starts the executor and runs until SIGTERM or
 * SIGINT. The first signal stops gracefully (in-flight requests finish, components close in
 * reverse order) and exits 0; a second signal exits at once. When it cannot start it prints
 * one line naming the cause ({@code day9: start-up failed: port 4001 on 127.0.0.1 is already
 * in use}) and exits 1, with no stack trace unless the failure was unexpected.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the executor (default 127.0.0.1:4001, embedded defaults).",
                "Configuration comes from the environment and ./.env; see 'day9 config'."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public Integer call() throws Exception {
        List<String> notes = new java.util.ArrayList<>();
        Day9Config config = ConfigLoader.fromProcess(notes::add); // a bad value: one line only
        return serve(config, List.of(), notes);
    }

    static int serve(Day9Config config, List<ApiRoutes> extraRoutes) throws Exception {
        return serve(config, extraRoutes, List.of());
    }

    /**
     * Starts the executor with {@code extraRoutes} and blocks until a signal stopped it.
     *
     * @param notes configuration notes to log first (where {@code .env} was looked for, unknown
     *              variables)
     * @return the process exit code: 0 after a graceful stop, 1 when start-up failed
     */
    static int serve(Day9Config config, List<ApiRoutes> extraRoutes, List<String> notes)
            throws Exception {
        Executor executor;
        try {
            Logging.configureForService(config.paths(), config.logging());
            for (String note : notes) {
                if (note.startsWith("warning: ")) {
                    log.warn("configuration: {}", note.substring("warning: ".length()));
                } else {
                    log.info("configuration: {}", note);
                }
            }
            executor = Executor.start(config, Clock.systemUTC(), extraRoutes);
        } catch (Exception e) {
            // one line on stderr naming the cause; the stack trace only for a failure we did
            // not expect (a bug), in the log
            if (!StartupFailure.expected(e, config.server())) {
                log.error("unexpected start-up failure", e);
            }
            System.err.println("day9: start-up failed: "
                    + StartupFailure.describe(e, config.server()));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable onSignal = () -> {
            if (!stopping.compareAndSet(false, true)) {
                log.warn("second signal: exiting now without waiting");
                Runtime.getRuntime().halt(130);
            }
            Thread t = new Thread(() -> {
                log.info("signal received: shutting down gracefully");
                try {
                    executor.close();
                } finally {
                    stopped.countDown();
                }
            }, "day9-shutdown");
            t.start();
        };
        Signal.handle(new Signal("TERM"), sig -> onSignal.run());
        Signal.handle(new Signal("INT"), sig -> onSignal.run());
        stopped.await();
        log.info("day9 executor stopped");
        return 0;
    }
}
