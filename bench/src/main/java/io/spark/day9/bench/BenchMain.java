package io.spark.day9.bench;

import java.util.Arrays;

/**
 * Runs a benchmark suite side by side with its peers and prints figures and ratios.
 * {@code bench/run http|queue|market|chaos|shadow|shadow-heap|snapshot|export|emergency} (see
 * BENCHMARKS.md for the method).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String suite = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (suite) {
            case "http" -> HttpBench.main(rest);
            case "queue" -> QueueBench.main(rest);
            case "market" -> MarketBench.main(rest);
            case "snapshot" -> SnapshotBench.main(rest);
            case "export" -> ExportBench.main(rest);
            case "chaos" -> {
                ChaosBench.main(rest);
                System.exit(0); // the simulator's WebSocket ping thread is not a daemon
            }
            case "shadow" -> {
                ShadowBench.main(rest);
                System.exit(0);
            }
            case "emergency" -> {
                EmergencyBench.main(rest);
                System.exit(0);
            }
            case "shadow-heap" -> {
                ShadowHeapBench.main(rest);
                System.exit(0);
            }
            default -> {
                System.out.println("usage: bench/run http [seconds] [clients]"
                        + " | bench/run queue [dir] [--only=case] | bench/run market [drops]"
                        + " | bench/run chaos [seconds] [rounds] [clients]"
                        + " | bench/run shadow [rate] [seconds] [warmup]"
                        + " | bench/run snapshot [rounds]"
                        + " | bench/run shadow-heap [orders] [window]"
                        + " | bench/run export [rows] [dir]"
                        + " | bench/run emergency [cycles] [rate] [rounds]");
                System.exit(suite.equals("help") ? 0 : 2);
            }
        }
    }
}
