package io.spark.day9.export;

import io.spark.day9.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./day9 export …}: the offline export tool, in a jar of its own so that Parquet and its
 * dependencies never reach the service jar ({@code ./day9} dispatches {@code export} here).
 * Expected failures (bad dates, a missing input directory, a non-empty output) print one line
 * and exit 2; an I/O failure prints one line and exits 1; never a stack trace.
 */
@Command(name = "day9", mixinStandardHelpOptions = true, versionProvider = ExportMain.V.class,
        subcommands = ExportMain.Export.class)
public final class ExportMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(Map.copyOf(System.getenv()), args));
    }

    /** Runs the tool with the given environment (for directory defaults); the exit code. */
    public static int execute(Map<String, String> env, String... args) {
        return commandLine(env).execute(args);
    }

    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new ExportMain(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == Features.class) {
                    return cls.cast(new Features(env));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ExportException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("day9 export: " + e.getMessage());
                return 2;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                cmd.getErr().println("day9 export: I/O failure: " + e);
                return 1;
            }
            throw e;
        });
        return cli;
    }

    /** Version provider. */
    static final class V implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"day9 export " + Version.get()};
        }
    }

    /** {@code export}: the group. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Offline exports of recorded data.",
            subcommands = Features.class)
    static final class Export implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** When the progress bar shows. */
    enum ProgressMode { AUTO, ALWAYS, NEVER }

    /** {@code export features}. */
    @Command(name = "features", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Point-in-time feature table: one row per order signal (shadow "
                    + "order or real leg) with features observed strictly before the decision "
                    + "and outcome labels from after it. See docs/export.md."})
    static final class Features implements Callable<Integer> {
        private final Map<String, String> env;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--from", required = true, paramLabel = "DATE|INSTANT",
                description = "first decision time included: 2026-12-05 (that UTC day's start)"
                        + " or 2026-12-05T10:00:00Z")
        String from;

        @Option(names = "--to", required = true, paramLabel = "DATE|INSTANT",
                description = "end of the range: a date includes that whole UTC day; an "
                        + "instant is excluded")
        String to;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "output directory (absent or empty)")
        Path out;

        @Option(names = "--format", defaultValue = "parquet", paramLabel = "parquet|csv",
                description = "output format")
        String format;

        @Option(names = "--shadow-dir", paramLabel = "DIR",
                description = "shadow trail directory (default: $SHADOW_DIR, else "
                        + "$RUNTIME_DIR/shadow, else runtime/shadow)")
        Path shadowDir;

        @Option(names = "--tape-dir", paramLabel = "DIR",
                description = "market tape directory (default: $TAPE_DIR, else "
                        + "$RUNTIME_DIR/tape, else runtime/tape)")
        Path tapeDir;

        @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|always|never",
                description = "progress bar on stderr: auto shows it only on a terminal")
        String progress;

        Features(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            Instant f = instant("--from", from, false);
            Instant t = instant("--to", to, true);
            FeatureExport.Format fmt = switch (format.toLowerCase(Locale.ROOT)) {
                case "parquet" -> FeatureExport.Format.PARQUET;
                case "csv" -> FeatureExport.Format.CSV;
                default -> throw new ExportException("--format=" + format
                        + " is invalid: must be parquet or csv");
            };
            ProgressMode mode;
            try {
                mode = ProgressMode.valueOf(progress.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ExportException("--progress=" + progress
                        + " is invalid: must be auto, always or never");
            }
            Path runtime = Path.of(env.getOrDefault("RUNTIME_DIR", "runtime"));
            Path shadow = shadowDir != null ? shadowDir : dir("SHADOW_DIR", runtime, "shadow");
            Path tape = tapeDir != null ? tapeDir : dir("TAPE_DIR", runtime, "tape");
            FeatureExport.Params p = new FeatureExport.Params(f, t, out, fmt, shadow, tape);
            boolean show = mode == ProgressMode.ALWAYS
                    || mode == ProgressMode.AUTO && System.console() != null;
            PrintWriter o = spec.commandLine().getOut();
            try (Bar bar = new Bar(show)) {
                FeatureExport.Result r = new FeatureExport().run(p, bar);
                bar.close();
                o.println("exported " + r.rows() + " rows to " + out + " ("
                        + (r.files().size() - 2) + " partition file(s), schema.json, "
                        + "manifest.json)");
                if (r.skippedTrailLines() + r.skippedTapeLines() > 0) {
                    o.println("skipped unreadable input lines: trail "
                            + r.skippedTrailLines() + ", tape " + r.skippedTapeLines());
                }
            }
            o.flush();
            return 0;
        }

        private Path dir(String variable, Path runtime, String name) {
            String v = env.get(variable);
            return v != null && !v.isBlank() ? Path.of(v) : runtime.resolve(name);
        }
    }

    /**
     * Parses a date ({@code 2026-12-05}: that UTC day's start, or with {@code endOfDay} the next
     * day's start) or an ISO-8601 instant.
     */
    static Instant instant(String option, String value, boolean endOfDay) {
        try {
            if (value.length() == 10) {
                LocalDate d = LocalDate.parse(value);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ExportException(option + "=" + value + " is invalid: expected a UTC date "
                    + "like 2026-12-05 or an instant like 2026-12-05T10:00:00Z");
        }
    }

    /** The progress bar (me.tongfei:progressbar), one per phase, on stderr; or nothing. */
    static final class Bar implements FeatureExport.Progress, AutoCloseable {
        private final boolean show;
        private ProgressBar bar;

        Bar(boolean show) {
            this.show = show;
        }

        @Override
        public void phase(String name, long total) {
            close();
            if (show) {
                bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err))
                        .setUpdateIntervalMillis(250).continuousUpdate().build();
            }
        }

        @Override
        public void step(long n) {
            if (bar != null) {
                bar.stepBy(n);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
