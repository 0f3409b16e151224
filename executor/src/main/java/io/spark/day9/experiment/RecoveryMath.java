package io.spark.day9.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recovery figures from two scrapes: counter and histogram deltas, and quantiles of the
 * {@code spark_chaos_recovery_seconds} delta histogram (all faults summed per bucket).
 */
final class RecoveryMath {
    static final String SECONDS = "spark_chaos_recovery_seconds";

    static final Report.Recovery NONE = new Report.Recovery(0, 0, 0, Map.of(), Map.of(), null,
            null, null, 0, Map.of());

    private RecoveryMath() {
    }

    static Report.Recovery between(Scrape before, Scrape after) {
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
        return new Report.Recovery(
                Math.round(after.sum("spark_chaos_ws_flaps_total")
                        - before.sum("spark_chaos_ws_flaps_total")),
                rec.values().stream().mapToLong(Long::longValue).sum(),
                failed.values().stream().mapToLong(Long::longValue).sum(), rec, failed,
                quantile(0.5, buckets), quantile(0.99, buckets),
                count > 0 ? sum / count : null,
                Math.round(after.sum("spark_chaos_http_errors_total")
                        - before.sum("spark_chaos_http_errors_total")),
                faults);
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
