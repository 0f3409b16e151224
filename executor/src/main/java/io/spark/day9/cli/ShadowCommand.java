package io.spark.day9.cli;

import io.spark.day9.api.Json;
import io.spark.day9.config.ConfigLoader;
import io.spark.day9.fs.AtomicFiles;
import io.spark.day9.shadow.report.InvalidReportParameter;
import io.spark.day9.shadow.report.ReportQuery;
import io.spark.day9.shadow.report.ShadowReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code day9 shadow …}: shadow execution tools. */
@Command(name = "shadow", mixinStandardHelpOptions = true,
        description = "Shadow execution: the A/B report and the smoke test.",
        subcommands = {
            ShadowCommand.Report.class,
            ShadowSmokeCommand.class,
        })
final class ShadowCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code day9 shadow report}: reads the trail files directly (the service may be stopped)
     * and prints the report as JSON, or writes it as HTML and/or JSON files.
     */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"Print the A/B report of shadow execution from the trail files.",
                    "Counts, fill rate, latency p50/p95/p99 shadow vs real, mean slippage with "
                            + "a 95%% CI, and the shadow-minus-real price error.",
                    "Prints JSON unless --html or --json is given.",
                    "Exit 2 for a bad --from or --to, 1 for a --dir that does not exist."})
    static final class Report implements Callable<Integer> {
        @Option(names = "--strategy", paramLabel = "S",
                description = "One strategy (default: all).")
        String strategy;

        @Option(names = "--from", paramLabel = "X",
                description = "Decision time from (inclusive): epoch ms, ISO "
                        + "instant or date.")
        String from;

        @Option(names = "--to", paramLabel = "Y",
                description = "Decision time to (exclusive; a date includes that "
                        + "whole day).")
        String to;

        @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
        Path html;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON report here.")
        Path json;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Trail directory (default: SHADOW_DIR, i.e. "
                        + "RUNTIME_DIR/shadow); it must exist.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            ReportQuery query;
            try {
                query = ReportQuery.parse(strategy, from, to);
            } catch (InvalidReportParameter e) {
                System.err.println("day9: --" + e.field() + ": " + e.reason());
                return 2;
            }
            if (dir != null && !Files.isDirectory(dir)) {
                System.err.println("day9: --dir " + dir + ": " + (Files.exists(dir)
                        ? "not a directory" : "no such directory"));
                return 1;
            }
            Path trail = dir != null ? dir : ConfigLoader.fromProcess().paths().shadowDir();
            ShadowReport report = ShadowReport.load(trail, query, Instant.now(), Json.mapper());
            String body = Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(report);
            if (html == null && json == null) {
                // printed for people: numbers rounded (the --json file keeps them exact)
                System.out.println(Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Numbers.rounded(Json.mapper().valueToTree(report))));
                return 0;
            }
            if (json != null) {
                write(json, body + "\n");
            }
            if (html != null) {
                write(html, report.toHtml());
            }
            ShadowReport.Section all = report.overall();
            System.out.println("shadow report: " + all.orders().total() + " orders, "
                    + report.strategies().size() + " strategies, " + all.pairs().count()
                    + " A/B pairs from " + report.files() + " file(s) in " + trail
                    + (html != null ? "; html " + html : "") + (json != null ? "; json " + json
                    : ""));
            return 0;
        }

        /** Temp file beside the target, then rename: a reader never sees half a report. */
        private static void write(Path target, String text) throws IOException {
            AtomicFiles.writeString(target, text);
        }
    }
}
