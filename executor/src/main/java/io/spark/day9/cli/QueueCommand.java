package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.config.ConfigLoader;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code day9 queue …}: the durable queue of a running executor, and the crash drill. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Work with the durable queue of a running executor.",
        subcommands = {QueueCommand.Enqueue.class, QueueCommand.Stats.class,
                QueueCommand.Claim.class, QueueCommand.Dlq.class, KillResumeCommand.class})
final class QueueCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every HTTP subcommand shares. */
    abstract static class Remote implements Callable<Integer> {
        @Option(names = "--url", paramLabel = "URL",
                description = "executor base URL (default http://HOST:PORT from the configuration)")
        String url;

        @Option(names = {"-q", "--queue"}, paramLabel = "NAME",
                description = "queue name (default QUEUE_NAME)")
        String queue;

        ApiClient client() {
            return ApiClient.of(ConfigLoader.fromProcess(), url);
        }

        String path(String action) {
            return "/api/private/queue" + (queue == null ? "" : "/" + enc(queue)) + "/" + action;
        }

        static int print(ApiClient.Answer a) throws IOException {
            if (!a.ok()) {
                System.err.println("day9: " + a.error());
                return 1;
            }
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(a.body()));
            return 0;
        }
    }

    @Command(name = "enqueue", mixinStandardHelpOptions = true,
            description = "Enqueue one job: a JSON object, given as an argument or on stdin (-).")
    static final class Enqueue extends Remote {
        @Parameters(index = "0", paramLabel = "JSON", defaultValue = "-",
                description = "the job, e.g. '{\"job\":\"test-job-1\",\"data\":\"test-data\"}'")
        String job;

        @Option(names = "--dedup-key", paramLabel = "KEY", description = "dedup key")
        String dedupKey;

        @Option(names = "--delay-ms", paramLabel = "MS", description = "deliver after this delay")
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
            return print(client().post(path("enqueue") + q, body));
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Queue statistics.")
    static final class Stats extends Remote {
        @Override
        public Integer call() throws Exception {
            return print(client().get(path("stats")));
        }
    }

    @Command(name = "claim", mixinStandardHelpOptions = true,
            description = {"Claim jobs (they must then be acked, or they are delivered again",
                    "after the visibility timeout)."})
    static final class Claim extends Remote {
        @Option(names = "--max", defaultValue = "1", description = "most jobs to claim (1..1000)")
        int max;

        @Option(names = "--visibility-ms", paramLabel = "MS",
                description = "hide the jobs this long (default QUEUE_VISIBILITY_MS)")
        Long visibilityMs;

        @Override
        public Integer call() throws Exception {
            String body = "{\"max\":" + max + (visibilityMs == null ? ""
                    : ",\"visibilityMs\":" + visibilityMs) + "}";
            return print(client().post(path("claim"), body));
        }
    }

    @Command(name = "dlq", mixinStandardHelpOptions = true,
            description = "Dead letters: list (default), redrive or purge.")
    static final class Dlq extends Remote {
        @Parameters(index = "0", defaultValue = "list", paramLabel = "ACTION",
                description = "list | redrive | purge")
        String action;

        @Option(names = "--ids", split = ",", paramLabel = "ID",
                description = "job ids to redrive or purge")
        List<Long> ids;

        @Option(names = "--all", description = "redrive or purge every dead letter")
        boolean all;

        @Option(names = "--limit", defaultValue = "100", description = "most to list")
        int limit;

        @Override
        public Integer call() throws Exception {
            switch (action) {
                case "list":
                    return print(client().get(path("dlq") + "?limit=" + limit));
                case "redrive":
                case "purge":
                    if (all == (ids != null && !ids.isEmpty())) {
                        System.err.println("day9: give either --ids 1,2,3 or --all");
                        return 2;
                    }
                    String body = all ? "{\"all\":true}"
                            : Json.mapper().writeValueAsString(java.util.Map.of("ids", ids));
                    return print(client().post(path("dlq/" + action), body));
                default:
                    System.err.println("day9: dlq ACTION must be list, redrive or purge");
                    return 2;
            }
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
