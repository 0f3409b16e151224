package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code day9 emergency …}: the emergency stop of a running executor
 * ({@code /api/private/emergency/*}). Sends {@code ADMIN_TOKEN} when set, else
 * {@code API_TOKEN}. Exit codes: 0 done (a stop: verified), {@value #NOT_VERIFIED} a stop in
 * force but not verified, 1 a problem answer or no answer (one line, never a stack trace),
 * 2 a usage error.
 */
@Command(name = "emergency", mixinStandardHelpOptions = true,
        description = {"Stop trading now (everywhere or in a scope), resume it, see the state, "
                + "and drive the dead-man switch.",
                "Stop and resume need the admin role: the commands send ADMIN_TOKEN when set, "
                        + "else API_TOKEN."},
        subcommands = {EmergencyCommand.Stop.class, EmergencyCommand.Resume.class,
                EmergencyCommand.Status.class, EmergencyCommand.Heartbeat.class,
                EmergencyCommand.Disarm.class, EmergencyCommand.Shadow.class})
final class EmergencyCommand implements Runnable {
    /** Exit code of a stop that is in force but whose end state was not verified. */
    static final int NOT_VERIFIED = 3;
    private static final String BASE = "/api/private/emergency";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every subcommand shares: the {@link Remote} options, {@code --json}, printing. */
    abstract static class EmergencyRemote implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(names = "--json", description = "Print the executor's JSON answer.")
        boolean json;

        /** Calls; prints the answer as JSON or readably; returns the answer or null. */
        JsonNode call(Remote.Call call, java.util.function.Function<JsonNode, String> readable)
                throws IOException, InterruptedException {
            ApiClient api = remote.client();
            ApiClient.Answer a = call.send(api);
            if (!a.ok()) {
                Remote.fail(a, api.tokens());
                return null;
            }
            if (json || remote.raw) {
                System.out.println(Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(a.body()));
            } else {
                System.out.print(readable.apply(a.body()));
            }
            return a.body();
        }
    }

    /** The {@code --strategy} and {@code --symbol} options of a scope. */
    static final class ScopeOptions {
        @Option(names = "--strategy", paramLabel = "S",
                description = "Only this strategy (repeatable).")
        List<String> strategies;

        @Option(names = "--symbol", paramLabel = "X",
                description = "Only this symbol, e.g. BTCUSDT (repeatable).")
        List<String> symbols;

        boolean given() {
            return strategies != null && !strategies.isEmpty()
                    || symbols != null && !symbols.isEmpty();
        }

        ObjectNode json() {
            ObjectNode s = Json.mapper().createObjectNode();
            if (strategies != null) {
                strategies.forEach(s.withArray("strategies")::add);
            }
            if (symbols != null) {
                symbols.forEach(s.withArray("symbols")::add);
            }
            return s;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stop trading now: new orders in scope are refused, the state is "
                    + "made durable, chaos goes off, open orders are cancelled, order jobs "
                    + "pause, positions are flattened when asked, and the end state is "
                    + "verified.",
                    "Exit 0 when VERIFIED, " + NOT_VERIFIED + " when the stop is in force but "
                            + "NOT VERIFIED."})
    static final class Stop extends EmergencyRemote {
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "Why (recorded in the state, the audit log and the refusals).")
        String reason;

        @Mixin
        ScopeOptions scope = new ScopeOptions();

        @Option(names = "--reduce-only", description = "REDUCING instead of HALTED: orders that "
                + "reduce a position still pass.")
        boolean reduceOnly;

        @Option(names = "--flatten", description = "Close positions in scope with market orders "
                + "after the cancels.")
        boolean flatten;

        @Option(names = "--pause-queue", description = "Also pause the whole queue (scope "
                + "everything only).")
        boolean pauseQueue;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("reason", reason);
            if (scope.given()) {
                body.set("scope", scope.json());
            }
            body.put("mode", reduceOnly ? "REDUCING" : "HALTED");
            body.put("flatten", flatten);
            body.put("pauseQueue", pauseQueue);
            JsonNode answer = call(api -> api.post(BASE + "/stop", body.toString()),
                    EmergencyCommand::readableStop);
            if (answer == null) {
                return 1;
            }
            return answer.path("verified").asBoolean() ? 0 : NOT_VERIFIED;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Resume trading without a restart: every stop, or the stop of "
                    + "exactly the scope given. Parked order jobs then flow in order."})
    static final class Resume extends EmergencyRemote {
        @Mixin
        ScopeOptions scope = new ScopeOptions();

        @Override
        public Integer call() throws Exception {
            ObjectNode body = Json.mapper().createObjectNode();
            if (scope.given()) {
                body.set("scope", scope.json());
            }
            return call(api -> api.post(BASE + "/resume", body.toString()), a -> {
                StringBuilder b = new StringBuilder();
                a.path("resumed").forEach(s -> b.append("resumed ").append(stopLine(s))
                        .append('\n'));
                return b.append(readableState(a.path("state"))).toString();
            }) == null ? 1 : 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the emergency state: mode, stops in force, the last "
                    + "verification, the dead-man switch.")
    static final class Status extends EmergencyRemote {
        @Override
        public Integer call() throws Exception {
            return call(api -> api.get(BASE), EmergencyCommand::readableState) == null ? 1 : 0;
        }
    }

    @Command(name = "heartbeat", mixinStandardHelpOptions = true,
            description = {"Arm or re-arm the dead-man switch: without another heartbeat "
                    + "within the timeout, the executor stops the scope itself (reason "
                    + "dead-man).", "Send it from the process that watches your strategies, "
                    + "more often than the timeout."})
    static final class Heartbeat extends EmergencyRemote {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
                description = "How long without a heartbeat before the stop: 500ms, 30s, 2m, "
                        + "1h (default ${DEFAULT-VALUE}; 1s .. 24h).")
        String timeout;

        @Mixin
        ScopeOptions scope = new ScopeOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            long ms = millis(timeout, spec);
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("timeoutMs", ms);
            if (scope.given()) {
                body.set("scope", scope.json());
            }
            return call(api -> api.post(BASE + "/heartbeat", body.toString()),
                    d -> deadManLine(d) + "\n") == null ? 1 : 0;
        }
    }

    @Command(name = "disarm", mixinStandardHelpOptions = true,
            description = "Disarm the dead-man switch.")
    static final class Disarm extends EmergencyRemote {
        @Override
        public Integer call() throws Exception {
            return call(api -> api.delete(BASE + "/heartbeat"), a -> a.path("disarmed")
                    .asBoolean() ? "dead-man switch disarmed\n"
                    : "dead-man switch was not armed\n") == null ? 1 : 0;
        }
    }

    @Command(name = "shadow", mixinStandardHelpOptions = true,
            description = {"Switch shadow execution off (or on) at run time: the same effect "
                    + "as SHADOW_LIVE_ENABLED=false and a restart, without the restart. "
                    + "It holds across restarts until switched on again."})
    static final class Shadow extends EmergencyRemote {
        @Parameters(index = "0", paramLabel = "on|off", description = "on or off")
        String state;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String s = state.toLowerCase(Locale.ROOT);
            if (!s.equals("on") && !s.equals("off")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "shadow takes 'on' or 'off', got '" + state + "'");
            }
            String body = "{\"enabled\":" + s.equals("on") + "}";
            return call(api -> api.post(BASE + "/shadow", body), EmergencyCommand::readableState)
                    == null ? 1 : 0;
        }
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    static long millis(String text, CommandLine.Model.CommandSpec spec) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be a "
                    + "duration such as 500ms, 30s, 2m or 1h, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
    }

    /** A stop's answer for people: the steps with their times, what was done, the verdict. */
    static String readableStop(JsonNode a) {
        StringBuilder b = new StringBuilder();
        JsonNode stop = a.path("stop");
        b.append("emergency stop ").append(stopLine(stop)).append('\n');
        b.append(String.format(Locale.ROOT, "  refused and durable in %.3f ms; verified after "
                        + "%.3f ms%n", a.path("stopSeconds").asDouble() * 1000,
                a.path("verifySeconds").asDouble() * 1000));
        for (JsonNode s : a.path("steps")) {
            b.append(String.format(Locale.ROOT, "  %-9s %-4s %9.3f ms  %s%n",
                    s.path("name").asText(), s.path("ok").asBoolean() ? "ok" : "FAIL",
                    s.path("micros").asLong() / 1000.0, s.path("detail").asText()));
        }
        b.append("  cancelled: ").append(orders(a.path("cancelled"))).append('\n');
        JsonNode flat = a.path("flattened");
        if (!flat.isEmpty()) {
            b.append("  flattened:\n");
            for (JsonNode f : flat) {
                b.append("    ").append(f.path("venue").asText()).append(' ')
                        .append(f.path("strategy").asText()).append(' ')
                        .append(f.path("symbol").asText()).append(' ')
                        .append(f.path("side").asText()).append(' ')
                        .append(f.path("quantity").asText()).append(' ')
                        .append(f.path("error").isNull() || f.path("error").isMissingNode()
                                ? f.path("status").asText() : "ERROR " + f.path("error").asText())
                        .append('\n');
            }
        }
        JsonNode v = a.path("verification");
        b.append("  still open: ").append(orders(v.path("stillOpen"))).append('\n');
        if (!v.path("positions").isEmpty()) {
            b.append("  positions still held: ").append(v.path("positions").size()).append('\n');
        }
        v.path("errors").forEach(e -> b.append("  error: ").append(e.asText()).append('\n'));
        b.append(a.path("verified").asBoolean() ? "VERIFIED" : "NOT VERIFIED: check the "
                + "exchange by hand (./day9 emergency status)").append('\n');
        return b.toString();
    }

    /** The state for people. */
    static String readableState(JsonNode s) {
        StringBuilder b = new StringBuilder();
        b.append("trading: ").append(s.path("mode").asText()).append('\n');
        JsonNode stops = s.path("stops");
        if (stops.isEmpty()) {
            b.append("  no stop in force\n");
        }
        stops.forEach(st -> b.append("  stop ").append(stopLine(st)).append('\n'));
        JsonNode v = s.path("lastVerification");
        if (v.isObject()) {
            b.append("  last verification: ").append(v.path("verified").asBoolean()
                    ? "VERIFIED" : "NOT VERIFIED").append(" at ").append(time(v.path("at")))
                    .append(", still open ").append(v.path("stillOpen").size()).append('\n');
        }
        b.append("  ").append(deadManLine(s.path("deadMan"))).append('\n');
        b.append("  shadow execution: ").append(s.path("shadowExecution").asBoolean(true)
                ? "on" : "OFF").append('\n');
        b.append("  parked order jobs: ").append(s.path("parkedOrderJobs").asLong()).append('\n');
        return b.toString();
    }

    private static String stopLine(JsonNode st) {
        return st.path("id").asText() + ": " + st.path("mode").asText() + " " + scope(
                st.path("scope")) + " since " + time(st.path("since")) + " by "
                + st.path("actor").asText() + " (" + st.path("reason").asText() + ")"
                + (st.path("completed").asBoolean(true) ? "" : " [steps still running]");
    }

    private static String deadManLine(JsonNode d) {
        if (!d.path("armed").asBoolean()) {
            return "dead-man switch: disarmed";
        }
        return "dead-man switch: ARMED for " + scope(d.path("scope")) + ", timeout "
                + d.path("timeoutMs").asLong() + " ms, fires at " + time(d.path("firesAt"))
                + " without another heartbeat";
    }

    private static String scope(JsonNode s) {
        StringBuilder b = new StringBuilder();
        if (!s.path("strategies").isEmpty()) {
            b.append("strategy=").append(join(s.path("strategies")));
        }
        if (!s.path("symbols").isEmpty()) {
            b.append(b.length() == 0 ? "" : ";").append("symbol=").append(join(s.path("symbols")));
        }
        return b.length() == 0 ? "all" : b.toString();
    }

    private static String join(JsonNode arr) {
        StringBuilder b = new StringBuilder();
        arr.forEach(n -> b.append(b.length() == 0 ? "" : ",").append(n.asText()));
        return b.toString();
    }

    private static String orders(JsonNode list) {
        if (list.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder().append(list.size());
        for (JsonNode o : list) {
            b.append("\n    ").append(o.path("venue").asText()).append(' ')
                    .append(o.path("strategy").asText()).append(' ')
                    .append(o.path("symbol").asText()).append(' ')
                    .append(o.path("clientOrderId").asText(o.path("orderId").asText()));
        }
        return b.toString();
    }

    private static String time(JsonNode epochMs) {
        return epochMs.isNumber() && epochMs.asLong() > 0
                ? Instant.ofEpochMilli(epochMs.asLong()).toString() : "-";
    }
}
