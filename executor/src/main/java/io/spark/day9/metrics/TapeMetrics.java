package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.spark.day9.tape.MarketTape;

/**
 * Market tape metrics, read from the tape's own counters at scrape time (no event per record):
 * <ul>
 *   <li>{@code spark_tape_records_total}: top-of-book and trade lines written</li>
 *   <li>{@code spark_tape_written_bytes_total}: bytes written to tape segments</li>
 *   <li>{@code spark_tape_dropped_trades_total}: trades dropped by the per-period cap</li>
 * </ul>
 * All exist from the start, at 0 (also while {@code TAPE_ENABLED=false}).
 */
public final class TapeMetrics {
    private TapeMetrics() {
    }

    /** Registers the tape's counters. */
    public static void register(PrometheusRegistry registry, MarketTape tape) {
        CounterWithCallback.builder().name("spark_tape_records_total")
                .help("market tape lines written (top of book on change, trades)")
                .callback(cb -> cb.call(tape.records())).register(registry);
        CounterWithCallback.builder().name("spark_tape_written_bytes_total")
                .help("bytes written to market tape segments")
                .callback(cb -> cb.call(tape.bytes())).register(registry);
        CounterWithCallback.builder().name("spark_tape_dropped_trades_total")
                .help("trades not written because a sampling period's cap was reached")
                .callback(cb -> cb.call(tape.dropped())).register(registry);
    }
}
