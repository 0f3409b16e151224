package io.spark.day9.shadow.report;

import java.util.Arrays;

/**
 * The statistics of the report, small and exact enough to check by hand.
 * <ul>
 *   <li>Percentiles by the <b>nearest-rank</b> method: sort the n values ascending; the p-th
 *       percentile is the value at rank {@code ceil(p/100 · n)} (1-based). Always an observed
 *       value, no interpolation.</li>
 *   <li>Mean with a <b>95 % confidence interval from Student's t</b> with n−1 degrees of
 *       freedom: {@code mean ± t(0.975, n−1) · s / √n}, s the sample standard deviation
 *       (divisor n−1). Used for every n ≥ 2 (for large n it is the normal interval); n = 1
 *       gives the mean alone, n = 0 nothing.</li>
 * </ul>
 */
public final class Stats {
    /** Two-sided 95 % quantiles t(0.975, df) for df = 1..30 (standard tables, 9 decimals). */
    private static final double[] T975 = {
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
        2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830,
        2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040,
        2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
        2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456};
    private static final double Z975 = 1.959963985;

    private Stats() {
    }

    /**
     * t(0.975, df): the table up to 30, then the Cornish–Fisher expansion (error below 2e-6 at
     * df = 31, less beyond).
     */
    public static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        }
        if (df <= T975.length) {
            return T975[df - 1];
        }
        double z = Z975;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        double g1 = (z3 + z) / 4;
        double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
        double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
        return z + g1 / df + g2 / ((double) df * df) + g3 / ((double) df * df * df);
    }

    /** Nearest-rank percentile of already sorted values; NaN when empty. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, Math.min(sorted.length, rank)) - 1];
    }

    static ShadowReport.Percentiles percentiles(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return new ShadowReport.Percentiles(0, null, null, null, null, null, null);
        }
        return new ShadowReport.Percentiles(s.length, round(s[0]), round(percentile(s, 50)),
                round(percentile(s, 95)), round(percentile(s, 99)), round(s[s.length - 1]),
                round(Arrays.stream(s).average().orElseThrow()));
    }

    static ShadowReport.MeanCi meanCi(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new ShadowReport.MeanCi(0, null, null, null, null, null,
                    "no observations");
        }
        double mean = Arrays.stream(values).average().orElseThrow();
        double meanAbs = Arrays.stream(values).map(Math::abs).average().orElseThrow();
        if (n == 1) {
            return new ShadowReport.MeanCi(1, round(mean), null, null, null, round(meanAbs),
                    "n < 2: no interval");
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double half = t975(n - 1) * sd / Math.sqrt(n);
        return new ShadowReport.MeanCi(n, round(mean), round(sd), round(mean - half),
                round(mean + half), round(meanAbs), "Student t, 95 %, df = " + (n - 1));
    }

    /** Six decimals: enough for bps and prices, and stable in JSON. */
    static Double round(double v) {
        if (!Double.isFinite(v)) {
            return null;
        }
        return Math.round(v * 1e6) / 1e6;
    }
}
