package io.spark.day9.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recovery figures from the scrapes of a run: counter and histogram deltas, and recovery time
 * quantiles.
 *
 * <p><b>Recovery times.</b> The service measures each recovery (injection to recovered) and
 * adds it to {@code spark_chaos_recovery_seconds{fault}}. Between two consecutive scrapes in
 * which a fault recovered exactly once, that recovery's measured duration is the delta of the
 * fault's {@code _sum}; the runner scrapes at every check, so recoveries are normally one per
 * interval. When every recovery of the run was resolved that way ({@link Measured#exact}), p50
 * and p99 are nearest-rank quantiles of those measured durations. Only when some interval held
 * two or more recoveries of one fault (their individual durations are then unknown) do they
 * fall back to interpolating the histogram's bucket delta, as Prometheus'
 * {@code histogram_quantile} does; the report says which ({@link Report.Recovery#timesFrom}).
 */
final class RecoveryMath {
    static final String SECONDS = "spark_chaos_recovery_seconds";
    static final String MEASURED = "measured";
    static final String HISTOGRAM = "histogram";

    static final Report.Recovery NONE = new Report.Recovery(0, 0, 0, Map.of(), Map.of(), null,
            null, null, 0, Map.of(), null);

    private RecoveryMath() {
    }

    /**
     * Recovery durations measured by the service, collected scrape by scrape.
     *
     * @param seconds each resolved recovery's measured duration, in the order seen
     * @param exact   false once an interval held several recoveries of one fault, or a
     *                counter went backwards (a restart)
     */
    record Measured(List<Double> seconds, boolean exact) {
        static final Measured NONE = new Measured(List.of(), true);

        Measured {
            seconds = List.copyOf(seconds);
        }

        /** This plus the recoveries between two consecutive scrapes. */
        Measured add(Scrape previous, Scrape next) {
            Map<String, Double> c0 = previous.sumBy(SECONDS + "_count", "fault");
            Map<String, Double> c1 = next.sumBy(SECONDS + "_count", "fault");
            Map<String, Double> s0 = previous.sumBy(SECONDS + "_sum", "fault");
            Map<String, Double> s1 = next.sumBy(SECONDS + "_sum", "fault");
            List<Double> out = new ArrayList<>(seconds);
            boolean stillExact = exact;
            for (Map.Entry<String, Double> e : c1.entrySet()) {
                long n = Math.round(e.getValue() - c0.getOrDefault(e.getKey(), 0.0));
                if (n == 1) {
                    out.add(micros(s1.getOrDefault(e.getKey(), 0.0)
                            - s0.getOrDefault(e.getKey(), 0.0)));
                } else if (n != 0) {
                    stillExact = false;
                }
            }
            return new Measured(out, stillExact);
        }
    }

    /** The figures between the first and last scrape, histogram quantiles only. */
    static Report.Recovery between(Scrape before, Scrape after) {
        return between(before, after, null);
    }

    /**
     * The figures between the first and last scrape; recovery time quantiles from
     * {@code measured} when it resolved every recovery, else from the histogram.
     */
    static Report.Recovery between(Scrape before, Scrape after, Measured measured) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Scrape.Series s : after.find(SECONDS + "_bucket", l -> l.containsKey("le"))) {
            buckets.merge(le(s.labels().get("le")), s.value(), Double::sum);
        }
        for (Scrape.Series s : before.find(SECONDS + "_bucket", l -> l.containsKey("le"))) {
            buckets.merge(le(s.labels().get("le")), -s.value(), Double::sum);
        }
        double count = after.sum(SECONDS + "_count") - before.sum(SECONDS + "_count");
        double sum = after.sum(SECONDS + "_sum") - before.sum(SECONDS + "_sum");
        Map<String, Long> rec = delta(before, after, "spark_chaos_recovery_total", "fault");
        Map<String, Long> failed = delta(before, after, "spark_chaos_recovery_failed_total",
                "fault");
        Map<String, Long> faults = delta(before, after, "spark_chaos_exchange_faults_total",
                "fault");
        long n = Math.round(count);
        boolean fromMeasured = measured != null && measured.exact() && n > 0
                && measured.seconds().size() == n;
        List<Double> sorted = fromMeasured ? measured.seconds().stream().sorted().toList()
                : List.of();
        return new Report.Recovery(
                Math.round(after.sum("spark_chaos_ws_flaps_total")
                        - before.sum("spark_chaos_ws_flaps_total")),
                rec.values().stream().mapToLong(Long::longValue).sum(),
                failed.values().stream().mapToLong(Long::longValue).sum(), rec, failed,
                fromMeasured ? nearestRank(0.5, sorted) : quantile(0.5, buckets),
                fromMeasured ? nearestRank(0.99, sorted) : quantile(0.99, buckets),
                count > 0 ? micros(sum / count) : null,
                Math.round(after.sum("spark_chaos_http_errors_total")
                        - before.sum("spark_chaos_http_errors_total")),
                faults, n <= 0 ? null : fromMeasured ? MEASURED : HISTOGRAM);
    }

    /** Seconds rounded to the microsecond: the service measures whole milliseconds. */
    private static double micros(double seconds) {
        return Math.round(seconds * 1e6) / 1e6;
    }

    /** The nearest-rank q-quantile of sorted values: the smallest with at least q of them. */
    static Double nearestRank(double q, List<Double> sorted) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    /** Non-zero deltas by label value. */
    private static Map<String, Long> delta(Scrape before, Scrape after, String name,
                                           String label) {
        Map<String, Double> a = after.sumBy(name, label);
        Map<String, Double> b = before.sumBy(name, label);
        Map<String, Long> out = new LinkedHashMap<>();
        a.forEach((k, v) -> {
            long d = Math.round(v - b.getOrDefault(k, 0.0));
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    private static double le(String s) {
        return s.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
    }

    /**
     * The q-quantile of a cumulative histogram (upper bound → cumulative count), as
     * Prometheus' {@code histogram_quantile}: find the bucket holding rank {@code q·total} and
     * interpolate linearly inside it (the first bucket starts at 0); a rank in the {@code +Inf}
     * bucket answers the largest finite bound. Null when the histogram is empty.
     */
    static Double quantile(double q, TreeMap<Double, Double> cumulative) {
        if (cumulative.isEmpty()) {
            return null;
        }
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return null;
        }
        double rank = q * total;
        double prevBound = 0;
        double prevCount = 0;
        List<Map.Entry<Double, Double>> entries = new ArrayList<>(cumulative.entrySet());
        for (Map.Entry<Double, Double> e : entries) {
            double bound = e.getKey();
            double count = e.getValue();
            if (count >= rank) {
                if (Double.isInfinite(bound)) {
                    return prevBound;
                }
                if (count == prevCount) {
                    return bound;
                }
                return prevBound + (bound - prevBound) * (rank - prevCount) / (count - prevCount);
            }
            prevBound = bound;
            prevCount = count;
        }
        return prevBound;
    }
}
