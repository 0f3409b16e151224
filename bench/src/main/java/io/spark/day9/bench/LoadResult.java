package io.spark.day9.bench;

import java.util.Arrays;

/** Throughput and latency percentiles of one closed-loop load run. */
record LoadResult(String name, long requests, long errors, double seconds, long[] latenciesNanos) {

    double perSecond() {
        return requests / seconds;
    }

    double percentileMillis(double p) {
        if (latenciesNanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    String row() {
        return String.format("%-44s %10.0f req/s   p50 %7.3f ms   p99 %7.3f ms   errors %d",
                name, perSecond(), percentileMillis(50), percentileMillis(99), errors);
    }
}
