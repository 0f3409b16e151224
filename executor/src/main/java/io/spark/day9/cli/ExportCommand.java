package io.spark.day9.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code day9 export}: listed here so that {@code day9 --help} shows it, but it runs from its
 * own jar ({@code export/target/day9-export.jar}, where Parquet lives, so that Parquet never
 * reaches the service's jar). The {@code ./day9} launcher sends {@code export …} there; reaching
 * this class means the service jar was run directly, and it says where to go instead.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Offline exports: the point-in-time feature table for training data "
                + "(./day9 export features --help).",
                "It runs from its own jar, day9-export.jar, through the ./day9 launcher; see "
                        + "docs/export.md."})
final class ExportCommand implements Callable<Integer> {
    @Unmatched
    List<String> rest;

    @Override
    public Integer call() {
        System.err.println("day9: export runs from export/target/day9-export.jar; use the"
                + " ./day9 launcher (./day9 export features --help), which builds and runs it");
        return 2;
    }
}
