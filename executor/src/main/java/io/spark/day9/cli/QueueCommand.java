package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code day9 queue …}: the durable queue of a running executor, and the crash drill. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Work with the durable queue of a running executor.",
        subcommands = {QueueCommand.Enqueue.class, QueueCommand.Stats.class,
                QueueCommand.Claim.class, QueueCommand.Ack.class, QueueCommand.Nack.class,
                QueueCommand.Extend.class, QueueCommand.Dlq.class, QueueCommand.Pause.class,
                QueueCommand.Resume.class, QueueCommand.InFlight.class,
                KillResumeCommand.class})
final class QueueCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every HTTP subcommand shares: the {@link Remote} options and the queue's name. */
    abstract static class QueueRemote implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(names = {"-q", "--queue"}, paramLabel = "NAME",
                description = "Queue name (default: QUEUE_NAME of the configuration).")
        String queue;

        String path(String action) {
            return "/api/private/queue" + (queue == null ? "" : "/" + enc(queue)) + "/" + action;
        }
    }

    @Command(name = "enqueue", mixinStandardHelpOptions = true,
            description = "Enqueue one job: a JSON object, given as an argument or on stdin (-).")
    static final class Enqueue extends QueueRemote {
        @Parameters(index = "0", paramLabel = "JSON", defaultValue = "-",
                description = "The job, e.g. '{\"job\":\"test-job-1\",\"data\":\"test-data\"}'; "
                        + "- reads it from stdin.")
        String job;

        @Option(names = "--dedup-key", paramLabel = "KEY", description = "Dedup key: a second "
                + "enqueue with it inside the dedup window is answered with the first job.")
        String dedupKey;

        @Option(names = "--delay-ms", paramLabel = "MS", description = "Deliver the job after this "
                + "delay (default: at once).")
        Long delayMs;

        @Override
        public Integer call() throws Exception {
            String body = job.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : job;
            List<String> query = new ArrayList<>();
            if (dedupKey != null) {
                query.add("dedupKey=" + enc(dedupKey));
            }
            if (delayMs != null) {
                query.add("delayMs=" + delayMs);
            }
            String q = query.isEmpty() ? "" : "?" + String.join("&", query);
            return remote.call(api -> api.post(path("enqueue") + q, body));
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Print the queue's statistics.")
    static final class Stats extends QueueRemote {
        @Override
        public Integer call() throws Exception {
            return remote.call(api -> api.get(path("stats")));
        }
    }

    @Command(name = "claim", mixinStandardHelpOptions = true,
            description = {"Claim jobs for an outside consumer.", "Each must then be acked "
                    + "(queue ack), nacked or extended, or it is delivered again after the "
                    + "visibility timeout."})
    static final class Claim extends QueueRemote {
        @Option(names = "--max", defaultValue = "1", description = "Most jobs to claim (1..1000).")
        int max;

        @Option(names = "--visibility-ms", paramLabel = "MS",
                description = "Hide the jobs this long (default: QUEUE_VISIBILITY_MS).")
        Long visibilityMs;

        @Override
        public Integer call() throws Exception {
            String body = "{\"max\":" + max + (visibilityMs == null ? ""
                    : ",\"visibilityMs\":" + visibilityMs) + "}";
            return remote.call(api -> api.post(path("claim"), body));
        }
    }

    /** Options of the commands that settle one claimed job: its id and receipt. */
    abstract static class Settle extends QueueRemote {
        @Parameters(index = "0", paramLabel = "ID", description = "The job id from claim.")
        long id;

        @Parameters(index = "1", paramLabel = "RECEIPT", description = "The receipt from claim.")
        String receipt;

        /** The body with {@code id}, {@code receipt} and one optional number field. */
        String body(String field, Long value) throws IOException {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("id", id);
            b.put("receipt", receipt);
            if (value != null) {
                b.put(field, value);
            }
            return Json.mapper().writeValueAsString(b);
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true,
            description = "Acknowledge a claimed job: it is done and never delivered again.")
    static final class Ack extends Settle {
        @Override
        public Integer call() throws Exception {
            String body = body("", null);
            return remote.call(api -> api.post(path("ack"), body));
        }
    }

    @Command(name = "nack", mixinStandardHelpOptions = true,
            description = {"Give a claimed job back: it is delivered again after --delay-ms, "
                    + "or dead-lettered once it used up its deliveries."})
    static final class Nack extends Settle {
        @Option(names = "--delay-ms", paramLabel = "MS",
                description = "Deliver it again after this delay (default: the queue's backoff).")
        Long delayMs;

        @Override
        public Integer call() throws Exception {
            String body = body("delayMs", delayMs);
            return remote.call(api -> api.post(path("nack"), body));
        }
    }

    @Command(name = "extend", mixinStandardHelpOptions = true,
            description = "Keep a claimed job hidden longer while it is still being worked on.")
    static final class Extend extends Settle {
        @Option(names = "--visibility-ms", paramLabel = "MS",
                description = "Hide it this long from now (default: QUEUE_VISIBILITY_MS).")
        Long visibilityMs;

        @Override
        public Integer call() throws Exception {
            String body = body("visibilityMs", visibilityMs);
            return remote.call(api -> api.post(path("extend"), body));
        }
    }

    @Command(name = "dlq", mixinStandardHelpOptions = true,
            description = "List the dead letters (the default), or redrive or purge them.")
    static final class Dlq extends QueueRemote {
        @Parameters(index = "0", defaultValue = "list", paramLabel = "ACTION",
                description = "list, redrive or purge.")
        String action;

        @Option(names = "--ids", split = ",", paramLabel = "ID",
                description = "Job ids to redrive or purge.")
        List<Long> ids;

        @Option(names = "--all", description = "Redrive or purge every dead letter.")
        boolean all;

        @Option(names = "--limit", defaultValue = "100", description = "Most dead letters to list.")
        int limit;

        @Override
        public Integer call() throws Exception {
            switch (action) {
                case "list":
                    return remote.call(api -> api.get(path("dlq") + "?limit=" + limit));
                case "redrive":
                case "purge":
                    if (all == (ids != null && !ids.isEmpty())) {
                        System.err.println("day9: give either --ids 1,2,3 or --all");
                        return 2;
                    }
                    String body = all ? "{\"all\":true}"
                            : Json.mapper().writeValueAsString(Map.of("ids", ids));
                    return remote.call(api -> api.post(path("dlq/" + action), body));
                default:
                    System.err.println("day9: dlq ACTION must be list, redrive or purge");
                    return 2;
            }
        }
    }

    /** A command whose queue may also be named by its one positional argument. */
    abstract static class NamedQueue extends QueueRemote {
        @Parameters(index = "0", arity = "0..1", paramLabel = "QUEUE",
                description = "Queue name (default: QUEUE_NAME; same as --queue).")
        String positional;

        /** Folds the positional name into {@link #queue}; false when the two disagree. */
        boolean resolveQueue() {
            if (positional != null) {
                if (queue != null && !queue.equals(positional)) {
                    System.err.println("day9: two queue names given ('" + positional + "' and "
                            + "--queue '" + queue + "'): give one");
                    return false;
                }
                queue = positional;
            }
            return true;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Stop consuming the queue: the built-in worker claims nothing and "
                    + "HTTP claims answer no jobs; enqueue goes on.", "The job in hand "
                    + "finishes; claimed jobs not yet started go back to the queue. The pause "
                    + "is persisted (it holds across restarts) until 'queue resume'."})
    static final class Pause extends NamedQueue {
        @Override
        public Integer call() throws Exception {
            return resolveQueue() ? remote.call(api -> api.post(path("pause"), "")) : 2;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Consume the queue again after 'queue pause'.")
    static final class Resume extends NamedQueue {
        @Override
        public Integer call() throws Exception {
            return resolveQueue() ? remote.call(api -> api.post(path("resume"), "")) : 2;
        }
    }

    @Command(name = "inflight", mixinStandardHelpOptions = true,
            description = {"List the claimed jobs: id, age, attempt, consumer, visibility "
                    + "deadline, and whether the worker holds it parked (trading stopped).",
                    "Stuck jobs are the old ones: --older-than 30s."})
    static final class InFlight extends NamedQueue {
        @Option(names = "--older-than", paramLabel = "DURATION", converter = Durations.class,
                description = "Only jobs claimed at least this long ago (500ms, 30s, 2m, 1h).")
        java.time.Duration olderThan;

        @Option(names = "--limit", defaultValue = "1000",
                description = "Most jobs to list (1..10000).")
        int limit;

        @Option(names = "--json", description = "Print the answer as JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (!resolveQueue()) {
                return 2;
            }
            String q = "?limit=" + limit + (olderThan == null ? ""
                    : "&olderThanMs=" + olderThan.toMillis());
            return remote.call(api -> api.get(path("inflight") + q),
                    json ? null : InFlight::table);
        }

        /** The answer as a table, one job a line, with a count line. */
        static String table(JsonNode answer) {
            StringBuilder b = new StringBuilder();
            JsonNode jobs = answer.path("inFlight");
            b.append(String.format("%-10s %10s %7s %-8s %-26s %s%n", "ID", "AGE", "ATTEMPT",
                    "PARKED", "VISIBLE-UNTIL", "CONSUMER"));
            for (JsonNode j : jobs) {
                long age = j.path("ageMs").asLong(-1);
                long until = j.path("visibleUntil").asLong();
                b.append(String.format("%-10d %10s %7d %-8s %-26s %s%n", j.path("id").asLong(),
                        age < 0 ? "?" : age(age), j.path("attempt").asInt(),
                        j.path("parked").asBoolean() ? "yes" : "no",
                        java.time.Instant.ofEpochMilli(until).toString(),
                        j.path("consumer").isTextual() ? j.get("consumer").asText()
                                : "(unknown)"));
            }
            b.append(jobs.size()).append(" in flight on queue ")
                    .append(answer.path("queue").asText()).append(" (")
                    .append(answer.path("stats").path("inFlight").asLong()).append(" in all)")
                    .append(System.lineSeparator());
            return b.toString();
        }

        private static String age(long ms) {
            return ms < 1000 ? ms + "ms" : ms < 120_000 ? ms / 1000 + "s"
                    : ms < 7_200_000 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Reads a count out of a stats answer. */
    static long count(JsonNode stats, String field) {
        return stats.path(field).asLong(-1);
    }
}
