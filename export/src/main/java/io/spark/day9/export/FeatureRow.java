package io.spark.day9.export;

import java.util.Arrays;

/**
 * One row of the feature table, by type: strings, longs (timestamps included) and doubles,
 * indexed by {@link Column#slot()}. Absent values: a null string, {@link #NO_LONG}, and
 * {@code NaN} for doubles. Mutable while the export fills it in; never shared across threads.
 */
final class FeatureRow {
    /** The absent long. */
    static final long NO_LONG = Long.MIN_VALUE;

    final String[] strings = new String[Column.STRINGS];
    final long[] longs = new long[Column.LONGS];
    final double[] doubles = new double[Column.DOUBLES];
    /** Fill aggregation (shadow leg): sum of qty * price, and the first fill time. */
    double notional;
    long firstFillAt = NO_LONG;

    FeatureRow() {
        Arrays.fill(longs, NO_LONG);
        Arrays.fill(doubles, Double.NaN);
    }

    String str(int slot) {
        return strings[slot];
    }

    long decisionAt() {
        return longs[Column.DECISION_AT];
    }
}
