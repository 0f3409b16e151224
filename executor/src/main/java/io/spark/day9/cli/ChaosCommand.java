package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.config.Day9Config;
import io.spark.day9.experiment.Experiment;
import io.spark.day9.experiment.ExperimentException;
import io.spark.day9.experiment.ExperimentParser;
import io.spark.day9.experiment.ExperimentRunner;
import io.spark.day9.experiment.Report;
import io.spark.day9.experiment.ReportWriter;
import io.spark.day9.experiment.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code day9 chaos …}: the chaos control plane from the command line, and experiments.
 * Calls a running executor's admin-only {@code /api/private/chaos/*} with {@code ADMIN_TOKEN}
 * when set, else {@code API_TOKEN}. A problem answer is printed with its field and the command
 * exits 1; a usage error exits 2.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Turn chaos on and off, flap the market WebSocket, inject exchange "
                + "faults, and run chaos experiments.",
                "Chaos is admin-only: the commands send ADMIN_TOKEN when set, else API_TOKEN."},
        subcommands = {ChaosCommand.Status.class, ChaosCommand.On.class, ChaosCommand.Off.class,
                ChaosCommand.Toggle.class, ChaosCommand.Flap.class, ChaosCommand.Inject.class,
                ChaosCommand.Run.class})
final class ChaosCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every chaos subcommand shares: the {@link Remote} options and printing the state. */
    abstract static class ChaosRemote implements Callable<Integer> {
        @Mixin
        Remote remote;

        /** Calls, then prints the chaos state readably (or as JSON with --raw); 1 on a problem. */
        int state(Remote.Call call) throws IOException, InterruptedException {
            return remote.call(call, ChaosCommand::readableAnswer);
        }
    }

    /** An answer with the state in it, for people: what was done, then the state. */
    static String readableAnswer(JsonNode body) {
        StringBuilder b = new StringBuilder();
        if (body.has("injected")) {
            b.append("injected ").append(body.get("injected").asText())
                    .append(" (recovery is being measured)\n");
        }
        if (body.has("flapped")) {
            b.append(body.get("flapped").asBoolean()
                    ? "flapped the market WebSocket (recovery is being measured)"
                    : "not flapped: the stream is not connected or still recovering").append('\n');
        }
        return b.append(readable(body.has("state") ? body.get("state") : body)).toString();
    }

    /** The state for people. */
    static String readable(JsonNode s) {
        StringBuilder b = new StringBuilder();
        boolean on = s.path("enabled").asBoolean();
        b.append("chaos: ").append(on ? "ON" : "off");
        if (on && s.hasNonNull("expiresAt")) {
            Instant exp = Instant.parse(s.get("expiresAt").asText());
            long left = Math.max(0, Duration.between(Instant.now(), exp).toSeconds());
            b.append(" (switches itself off at ").append(exp).append(", in ")
                    .append(left / 60).append("m").append(left % 60).append("s)");
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  http:     errors %s %% (effective now %s %%) as "
                        + "%s, latency %s ms + 0..%s ms jitter, ramp %s s%n",
                Numbers.format(s.path("httpErrorPct")), Numbers.format(s.path("effectiveErrorPct")),
                s.path("errorStatus").asText(), s.path("latencyMs").asText(),
                s.path("latencyJitterMs").asText(), s.path("rampSec").asText()));
        b.append(String.format(Locale.ROOT, "  scope:    routes %s, exclude %s%n",
                s.path("routes").isEmpty() ? "(all)" : s.path("routes").toString(),
                s.path("exclude").toString()));
        int flap = s.path("wsFlapSec").asInt();
        b.append("  ws flap:  ").append(flap == 0 ? "off" : "every " + flap + " s").append('\n');
        JsonNode o = s.path("outbound");
        b.append(String.format(Locale.ROOT, "  outbound: errors %s %% as %s, latency %s ms%n",
                Numbers.format(o.path("errorPct")), o.path("errorStatus").asText(),
                o.path("latencyMs").asText()));
        JsonNode x = s.path("exchange");
        b.append(String.format(Locale.ROOT, "  exchange: every stale %s s, gap %s s, duplicate %s "
                        + "s, rate-limit %s s (%s); clock skew %s ms%s%n",
                x.path("staleEverySec").asText(), x.path("gapEverySec").asText(),
                x.path("duplicateEverySec").asText(), x.path("rateLimitEverySec").asText(),
                x.path("rateLimitStatus").asText(), x.path("clockSkewMs").asText(),
                s.path("exchangeFaultsAvailable").asBoolean() ? ""
                        : " (not available: no simulator)"));
        JsonNode c = s.path("counters");
        b.append(String.format(Locale.ROOT, "  counters: flaps %s, recoveries %s, recovery "
                        + "failures %s, pending %s%n", c.path("flaps").asText(),
                c.path("recoveries").asText(), c.path("recoveryFailures").asText(),
                c.path("pendingRecoveries").asText()));
        b.append("  ttl:      ").append(s.path("ttlSec").asText()).append(" s, seed ")
                .append(s.path("seed").isNull() ? "(random)" : s.path("seed").asText())
                .append('\n');
        return b.toString();
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the chaos state (GET /api/private/chaos).")
    static final class Status extends ChaosRemote {
        @Override
        public Integer call() throws Exception {
            return state(api -> api.get("/api/private/chaos"));
        }
    }

    @Command(name = "on", mixinStandardHelpOptions = true,
            description = {"Turn chaos on; only the given fields change.",
                    "With no fault option, the guide's HTTP defaults: --error-pct 15 "
                            + "--latency-ms 200."})
    static final class On extends ChaosRemote {
        @Option(names = "--error-pct", paramLabel = "PCT",
                description = "Share of in-scope requests failed, in %% (0..100).")
        Double errorPct;
        @Option(names = "--latency-ms", paramLabel = "MS", description = "Added latency.")
        Integer latencyMs;
        @Option(names = "--jitter-ms", paramLabel = "MS", description = "Plus a uniform 0..MS.")
        Integer jitterMs;
        @Option(names = "--status", paramLabel = "CODE",
                description = "Status of injected errors: 500, 502, 503, 504 or 429.")
        Integer status;
        @Option(names = "--routes", split = ",", paramLabel = "GLOB",
                description = "Only these request paths, e.g. /api/private/queue/**.")
        List<String> routes;
        @Option(names = "--exclude", split = ",", paramLabel = "GLOB",
                description = "Never these request paths.")
        List<String> exclude;
        @Option(names = "--ttl-sec", paramLabel = "SEC", description = "Chaos ends itself after.")
        Integer ttlSec;
        @Option(names = "--ramp-sec", paramLabel = "SEC",
                description = "Grow the error rate from 0 over this time.")
        Integer rampSec;
        @Option(names = "--seed", paramLabel = "N", description = "Seed for reproducible draws.")
        Long seed;
        @Option(names = "--flap-sec", paramLabel = "SEC",
                description = "Drop the market WebSocket every SEC seconds (0 stops).")
        Integer flapSec;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> patch = new LinkedHashMap<>();
            put(patch, "httpErrorPct", errorPct);
            put(patch, "latencyMs", latencyMs);
            put(patch, "latencyJitterMs", jitterMs);
            put(patch, "wsFlapSec", flapSec);
            if (patch.isEmpty()) {
                patch.put("httpErrorPct", 15);
                patch.put("latencyMs", 200);
            }
            put(patch, "errorStatus", status);
            put(patch, "routes", routes);
            put(patch, "exclude", exclude);
            put(patch, "ttlSec", ttlSec);
            put(patch, "rampSec", rampSec);
            put(patch, "seed", seed);
            return state(api -> api.post("/api/private/chaos/toggle",
                    Json.mapper().writeValueAsString(patch)));
        }

        private static void put(Map<String, Object> m, String k, Object v) {
            if (v != null) {
                m.put(k, v);
            }
        }
    }

    @Command(name = "off", mixinStandardHelpOptions = true,
            description = "Turn every fault off (POST /api/private/chaos/off).")
    static final class Off extends ChaosRemote {
        @Override
        public Integer call() throws Exception {
            return state(api -> api.post("/api/private/chaos/off", "{}"));
        }
    }

    @Command(name = "toggle", mixinStandardHelpOptions = true,
            description = {"Send a toggle body as it is.", "For example --json "
                    + "'{\"httpErrorPct\":15,\"latencyMs\":200,\"wsFlapSec\":10}'; - reads it "
                    + "from stdin."})
    static final class Toggle extends ChaosRemote {
        @Option(names = {"--json", "-d"}, paramLabel = "JSON", required = true,
                description = "The toggle body; - reads it from stdin.")
        String body;

        @Override
        public Integer call() throws Exception {
            String b = body.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : body;
            return state(api -> api.post("/api/private/chaos/toggle", b));
        }
    }

    @Command(name = "flap", mixinStandardHelpOptions = true,
            description = {"Flap the market WebSocket once now, or every SEC seconds.",
                    "'flap 10' flaps every 10 s, 'flap off' (or 0) stops, 'flap once' (the "
                            + "default) drops it once now."})
    static final class Flap extends ChaosRemote {
        @Parameters(index = "0", defaultValue = "once", paramLabel = "SEC|once|off")
        String every;

        @Override
        public Integer call() throws Exception {
            if (every.equals("once")) {
                return state(api -> api.post("/api/private/chaos/flap", "{}"));
            }
            int sec;
            try {
                sec = every.equals("off") ? 0 : Integer.parseInt(every);
            } catch (NumberFormatException e) {
                System.err.println("day9: flap takes seconds, 'once' or 'off', got '" + every
                        + "'");
                return 2;
            }
            return state(api -> api.post("/api/private/chaos/toggle",
                    "{\"wsFlapSec\":" + sec + "}"));
        }
    }

    @Command(name = "inject", mixinStandardHelpOptions = true,
            description = {"Inject an exchange fault through the simulator.",
                    "stale, gap, duplicate or rate-limit once now (POST "
                            + "/api/private/chaos/inject), or every N s with --every N (0 "
                            + "stops); clock-skew --skew-ms N (0 stops)."})
    static final class Inject extends ChaosRemote {
        @Parameters(index = "0", paramLabel = "FAULT",
                description = "stale, gap, duplicate, rate-limit or clock-skew.")
        String fault;

        @Option(names = "--every", paramLabel = "SEC",
                description = "Inject every SEC seconds instead of once (0 stops).")
        Integer every;

        @Option(names = "--status", paramLabel = "CODE",
                description = "Status the rate-limit fault answers: 429 (the "
                        + "exchange's default) or 418.")
        Integer status;

        @Option(names = "--skew-ms", paramLabel = "MS",
                description = "For clock-skew: the exchange clock's offset.")
        Long skewMs;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> exchange = new LinkedHashMap<>();
            if (fault.equals("clock-skew")) {
                if (skewMs == null) {
                    System.err.println("day9: clock-skew needs --skew-ms N (0 stops it)");
                    return 2;
                }
                exchange.put("clockSkewMs", skewMs);
            } else if (every != null || status != null) {
                String field = switch (fault) {
                    case "stale" -> "staleEverySec";
                    case "gap" -> "gapEverySec";
                    case "duplicate" -> "duplicateEverySec";
                    case "rate-limit" -> "rateLimitEverySec";
                    default -> null;
                };
                if (field == null) {
                    System.err.println("day9: FAULT must be stale, gap, duplicate, rate-limit "
                            + "or clock-skew, got '" + fault + "'");
                    return 2;
                }
                if (every != null) {
                    exchange.put(field, every);
                }
                if (status != null) {
                    exchange.put("rateLimitStatus", status);
                }
            } else {
                return state(api -> api.post("/api/private/chaos/inject",
                        Json.mapper().writeValueAsString(Map.of("fault", fault))));
            }
            return state(api -> api.post("/api/private/chaos/toggle",
                    Json.mapper().writeValueAsString(Map.of("exchange", exchange))));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a chaos experiment (see docs/chaos-experiments.md).",
                    "It checks the steady state, runs the method, always turns chaos off, "
                            + "checks again, and writes a Markdown and JSON report.",
                    "Exit 0 PASSED, 1 FAILED, 3 ABORTED, 2 for a bad file, 1 when no "
                            + "executor answers."})
    static final class Run extends ChaosRemote {
        @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml")
        Path file;

        @Option(names = "--report-dir", paramLabel = "DIR",
                description = "Where reports go (default: RUNTIME_DIR/chaos/reports).")
        Path reportDir;

        @Override
        public Integer call() throws Exception {
            Experiment experiment;
            try {
                experiment = ExperimentParser.load(file);
            } catch (ExperimentException | UncheckedIOException e) {
                System.err.println("day9: " + e.getMessage());
                return 2;
            }
            Day9Config c = remote.config();
            ApiClient api = remote.client();
            api.get("/api/private/chaos"); // nothing answers: one line and exit 1, no report
            Path dir = reportDir != null ? reportDir
                    : ReportWriter.defaultDir(c.paths().runtimeDir());
            ExperimentRunner runner = new ExperimentRunner(new HttpChaosTarget(api),
                    Clock.systemUTC(), Sleeper.SYSTEM, line -> {
                        System.out.println(line);
                        System.out.flush();
                    });
            return run(runner, experiment, file.toString(), dir);
        }

        /**
         * Runs with a shutdown hook: Ctrl-C (or SIGTERM) stops the method, and the hook waits
         * for the rollback and the report before the JVM exits.
         */
        static int run(ExperimentRunner runner, Experiment e, String source, Path dir) {
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                if (done.getCount() > 0) {
                    System.out.println("day9: interrupted: turning chaos off and writing the "
                            + "report...");
                    runner.interrupt("interrupted (Ctrl-C or SIGTERM)");
                    try {
                        done.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "day9-experiment-rollback");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Report report = runner.run(e, source);
                ReportWriter.Written w = ReportWriter.write(report, e.slug(), dir);
                System.out.println("report: " + w.markdown() + "\n        " + w.json());
                return report.verdict().exitCode();
            } finally {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it sees done and returns
                }
            }
        }
    }
}
