package io.spark.day9.cli;

import io.spark.day9.config.ConfigLoader;
import io.spark.day9.config.Day9Config;
import io.spark.day9.config.Setting;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code day9 config}: validates the configuration exactly as {@code serve} would and prints
 * every setting's effective value and source, secrets masked, and marks settings that are
 * accepted but not used yet ({@link Setting#usedYet()}). Exit 2 names every bad value.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration (secrets masked) and its sources.")
final class ConfigCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Day9Config config = ConfigLoader.fromProcess();
        int width = Setting.ALL.stream().mapToInt(s -> s.name().length()).max().orElse(10);
        for (Setting s : Setting.ALL) {
            Day9Config.Effective e = config.effective().get(s.name());
            System.out.printf("%-" + width + "s = %-28s # %s%s%n", s.name(), e.shown(),
                    e.source().name().toLowerCase(),
                    s.usedYet() ? "" : " (accepted and ignored: not used yet)");
        }
        return 0;
    }
}
