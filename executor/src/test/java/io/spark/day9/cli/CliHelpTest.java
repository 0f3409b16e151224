package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Walks every command of the tree and reads its {@code --help} as an operator would: no picocli
 * warning, a summary that is a complete sentence, and every default shown.
 */
class CliHelpTest {

    /** Every command as its argument path, e.g. {@code [queue, claim]}; the root is empty. */
    static Stream<List<String>> everyCommand() {
        List<List<String>> all = new ArrayList<>();
        walk(Day9Command.commandLine(), new ArrayList<>(), all);
        return all.stream();
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help") && sub.getCommandName().equals(name)) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                walk(sub, p, out);
            }
        });
    }

    private static CommandSpec spec(List<String> path) {
        CommandLine cmd = Day9Command.commandLine();
        for (String name : path) {
            cmd = cmd.getSubcommands().get(name);
        }
        return cmd.getCommandSpec();
    }

    private static CliRun help(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        return CliRun.of(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "day9 {0} --help")
    @MethodSource("everyCommand")
    void helpPrintsUsageWithoutAPicocliWarning(List<String> path) {
        CliRun r = help(path);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: day9");
        assertThat(r.err()).doesNotContain("picocli").isEmpty();
        assertThat(r.out()).doesNotContain("picocli WARN");
    }

    @ParameterizedTest(name = "day9 {0}")
    @MethodSource("everyCommand")
    void theSummaryLineIsACompleteSentence(List<String> path) {
        String[] description = spec(path).usageMessage().description();
        assertThat(description).as("description of %s", path).isNotEmpty();
        assertThat(description[0].strip()).as("summary of %s", path).endsWith(".");
        for (String line : description) {
            assertThat(line.strip()).as("description line of %s", path).endsWith(".");
        }
    }

    @ParameterizedTest(name = "day9 {0} --help")
    @MethodSource("everyCommand")
    void everyOptionWithADefaultShowsIt(List<String> path) {
        CommandSpec spec = spec(path);
        String out = help(path).out();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp() || o.defaultValue() == null) {
                continue;
            }
            String shown = "Default: " + o.defaultValue();
            assertThat(out).as("%s %s", path, o.longestName()).contains(shown);
        }
        spec.positionalParameters().forEach(p -> {
            if (p.defaultValue() != null) {
                assertThat(out).as("%s %s", path, p.paramLabel())
                        .contains("Default: " + p.defaultValue());
            }
        });
    }

    @ParameterizedTest(name = "day9 {0}")
    @MethodSource("everyCommand")
    void optionDescriptionsAreSentences(List<String> path) {
        for (OptionSpec o : spec(path).options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String[] d = o.description();
            assertThat(d).as("%s %s", path, o.longestName()).isNotEmpty();
            String last = d[d.length - 1].strip();
            assertThat(last).as("%s %s", path, o.longestName()).endsWith(".");
            assertThat(Character.isUpperCase(d[0].strip().charAt(0)) || d[0].startsWith("-"))
                    .as("%s %s starts with a capital: %s", path, o.longestName(), d[0]).isTrue();
        }
    }
}
