package io.spark.day9.cli;

import io.spark.day9.Version;
import io.spark.day9.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code day9} command-line tool: {@code serve} runs the executor; the other subcommands
 * inspect and operate it. {@code ./day9} at the repository root builds the jar when needed and
 * runs this.
 */
@Command(name = "day9", mixinStandardHelpOptions = true,
        versionProvider = Day9Command.VersionProvider.class,
        description = "Day9: the reliability pack of the Spark trading executor.",
        subcommands = {ServeCommand.class, ConfigCommand.class, QueueCommand.class,
                SimExchangeCommand.class, ChaosCommand.class, EmergencyCommand.class,
                AuditCommand.class,
                ShadowCommand.class,
                SnapshotCommand.class,
                ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Day9Command implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the tool and returns its exit code: 2 for a bad configuration or usage, 1 (one line,
     * no stack trace) when no executor answers a remote command.
     */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException ce) {
                cmd.getErr().println("day9: " + ce.getMessage());
                return 2;
            }
            if (e instanceof ApiClient.Unreachable u) {
                cmd.getErr().println("day9: " + u.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The command tree; every option of every command shows its default in {@code --help}. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Day9Command());
        showDefaults(cli);
        return cli;
    }

    private static void showDefaults(CommandLine cmd) {
        cmd.getCommandSpec().usageMessage().showDefaultValues(true);
        cmd.getSubcommands().values().forEach(Day9Command::showDefaults);
    }

    /** {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"day9 " + Version.get() + " (Java " + Runtime.version() + ")"};
        }
    }
}
