package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketComponent;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.market.MarketStream;
import java.util.Map;

/**
 * Market-data metrics. Events drive the counters and the reconnect histogram; gauges and the
 * availability counters read the stream at scrape time.
 * <ul>
 *   <li>{@code spark_ws_disconnects_total{reason}}, {@code spark_ws_connected}</li>
 *   <li>{@code spark_ws_reconnect_seconds}: disconnect to every book resynced</li>
 *   <li>{@code spark_market_book_resyncs_total{symbol,reason}}</li>
 *   <li>{@code spark_ws_up_seconds_total{symbol}} / {@code spark_ws_observed_seconds_total{symbol}}:
 *       the WebSocket availability SLO is their ratio of rates</li>
 * </ul>
 * Series exist from the start: a disconnect count at 0 for every reason, and resyncs at 0 for
 * every configured symbol and reason.
 */
public final class MarketMetrics {
    private final Counter disconnects;
    private final Counter resyncs;
    private final Counter planned;
    private final Counter parseErrors;
    private final Histogram reconnect;

    public MarketMetrics(PrometheusRegistry registry, MarketComponent market) {
        disconnects = Counter.builder().name("spark_ws_disconnects_total")
                .help("market WebSocket connections lost, by reason (server-close, error, "
                        + "stale, flap, connect-failed)")
                .labelNames("reason").register(registry);
        resyncs = Counter.builder().name("spark_market_book_resyncs_total")
                .help("local order books discarded and rebuilt from a snapshot, by reason")
                .labelNames("symbol", "reason").register(registry);
        planned = Counter.builder().name("spark_ws_planned_reconnects_total")
                .help("connections replaced before the exchange's 24-hour cut, book kept in sync")
                .register(registry);
        parseErrors = Counter.builder().name("spark_ws_parse_errors_total")
                .help("market messages that could not be parsed and were skipped")
                .register(registry);
        reconnect = Histogram.builder().name("spark_ws_reconnect_seconds")
                .help("time from a market WebSocket disconnect until every book is resynced")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
        GaugeWithCallback.builder().name("spark_ws_connected")
                .help("1 while the serving market WebSocket is open")
                .callback(cb -> cb.call(market.connected() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("spark_market_book_synced")
                .help("1 while the symbol's local book follows the stream without gaps")
                .labelNames("symbol")
                .callback(cb -> market.symbols().forEach(s -> cb.call(
                        market.book(s, 0).map(BookView::synced).orElse(false) ? 1 : 0, s)))
                .register(registry);
        GaugeWithCallback.builder().name("spark_market_book_age_seconds")
                .help("time since the symbol's book last applied an update (-1 when not synced)")
                .unit(Unit.SECONDS).labelNames("symbol")
                .callback(cb -> market.symbols().forEach(s -> market.book(s, 0).ifPresent(v ->
                        cb.call(v.ageMs() < 0 ? -1 : v.ageMs() / 1000.0, s))))
                .register(registry);
        CounterWithCallback.builder().name("spark_ws_messages_total")
                .help("market WebSocket messages received")
                .callback(cb -> {
                    MarketStream s = market.stream();
                    cb.call(s == null ? 0 : s.messages());
                }).register(registry);
        CounterWithCallback.builder().name("spark_ws_up_seconds_total")
                .help("time the symbol's stream was connected, synced and fresh")
                .unit(Unit.SECONDS).labelNames("symbol")
                .callback(cb -> availability(market).forEach((symbol, a) ->
                        cb.call(a.upMs().get() / 1000.0, symbol)))
                .register(registry);
        CounterWithCallback.builder().name("spark_ws_observed_seconds_total")
                .help("time the symbol's stream availability was observed")
                .unit(Unit.SECONDS).labelNames("symbol")
                .callback(cb -> availability(market).forEach((symbol, a) ->
                        cb.call(a.observedMs().get() / 1000.0, symbol)))
                .register(registry);
        CounterWithCallback.builder().name("spark_exchange_retries_total")
                .help("exchange REST attempts repeated after no answer or a 5xx")
                .callback(cb -> cb.call(market.rest() == null ? 0 : market.rest().retries()))
                .register(registry);
        CounterWithCallback.builder().name("spark_exchange_clock_resyncs_total")
                .help("exchange clock offset measured again after a -1021")
                .callback(cb -> cb.call(market.rest() == null ? 0 : market.rest().clockResyncs()))
                .register(registry);
        GaugeWithCallback.builder().name("spark_exchange_circuit_open")
                .help("1 while the exchange REST circuit breaker is open")
                .callback(cb -> cb.call(market.rest() != null
                        && market.rest().circuitState().equals("OPEN") ? 1 : 0))
                .register(registry);
        MarketEvent.Disconnected.REASONS.forEach(disconnects::labelValues);
        for (String symbol : market.symbols()) {
            MarketEvent.BookResync.REASONS.forEach(r -> resyncs.labelValues(symbol, r));
        }
        market.subscribe(this::onEvent);
    }

    private static Map<String, MarketStream.Availability> availability(MarketComponent m) {
        MarketStream s = m.stream();
        return s == null ? Map.of() : s.availability();
    }

    private void onEvent(MarketEvent e) {
        if (e instanceof MarketEvent.Disconnected d) {
            disconnects.labelValues(d.reason()).inc();
        } else if (e instanceof MarketEvent.Recovered r && !r.cause().equals("start")) {
            reconnect.observe(r.downMs() / 1000.0);
        } else if (e instanceof MarketEvent.BookResync b) {
            resyncs.labelValues(b.symbol(), b.reason()).inc();
        } else if (e instanceof MarketEvent.PlannedReconnect) {
            planned.inc();
        } else if (e instanceof MarketEvent.ParseError) {
            parseErrors.inc();
        }
    }
}
