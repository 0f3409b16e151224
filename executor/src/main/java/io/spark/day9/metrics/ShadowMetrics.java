package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.spark.day9.shadow.ShadowEvent;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.OrderRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shadow execution metrics, driven by the shadow executor's events.
 * <ul>
 *   <li>{@code spark_shadow_orders_total{strategy,symbol,side,type,result}}: result is the
 *       status at the simulated ack ({@code filled}, {@code partially_filled}, {@code new},
 *       {@code expired}) or {@code rejected}</li>
 *   <li>{@code spark_shadow_latency_ms}: decision to simulated ack (the guide's name, in ms)</li>
 *   <li>{@code spark_shadow_slippage_ms}: decision to each (simulated) fill, in ms (the guide's
 *       name)</li>
 *   <li>{@code spark_shadow_slippage_bps{vs}}: price slippage of each fill against the arrival
 *       mid ({@code vs="mid"}) and best price ({@code vs="best"}), positive = worse</li>
 *   <li>{@code spark_shadow_fills_total{strategy,symbol,liquidity}}</li>
 *   <li>{@code spark_exchange_rtt_seconds}: exchange round trips of {@code order/test}</li>
 *   <li>{@code spark_shadow_real_orders_total{strategy,symbol,result}}: A/B real legs</li>
 * </ul>
 * Series exist before the first order: for strategy {@code default} and each symbol at start,
 * and for every other strategy and symbol from the first event that names it, the orders are
 * created at 0 for each side × type × result, the fills for {@code MAKER} and {@code TAKER},
 * the real legs for {@code error}; the price slippage for {@code vs="mid"} and {@code "best"}.
 */
public final class ShadowMetrics {
    /** The {@code result} values of {@code spark_shadow_orders_total}. */
    static final List<String> ORDER_RESULTS = List.of("filled", "partially_filled", "new",
            "expired", "rejected");
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final Counter orders;
    private final Histogram latency;
    private final Histogram decisionToFill;
    private final Histogram slippageBps;
    private final Counter fills;
    private final Histogram rtt;
    private final Counter real;

    public ShadowMetrics(PrometheusRegistry registry, ShadowExecutor shadow) {
        orders = Counter.builder().name("spark_shadow_orders_total")
                .help("shadow orders by outcome at the simulated ack, or rejected")
                .labelNames("strategy", "symbol", "side", "type", "result").register(registry);
        latency = Histogram.builder().name("spark_shadow_latency_ms")
                .help("shadow order latency from decision to simulated ack, milliseconds")
                .classicOnly()
                .classicUpperBounds(0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
                        5000, 10000)
                .register(registry);
        decisionToFill = Histogram.builder().name("spark_shadow_slippage_ms")
                .help("time from decision to each simulated fill, milliseconds")
                .classicOnly()
                .classicUpperBounds(1, 5, 10, 50, 100, 500, 1000, 5000, 30000, 60000, 300000,
                        3600000)
                .register(registry);
        slippageBps = Histogram.builder().name("spark_shadow_slippage_bps")
                .help("price slippage of each simulated fill in basis points (positive = worse) "
                        + "against the arrival mid or best price")
                .classicOnly().labelNames("vs")
                .classicUpperBounds(-50, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50, 100)
                .register(registry);
        fills = Counter.builder().name("spark_shadow_fills_total")
                .help("simulated fills, MAKER (resting) or TAKER (crossing)")
                .labelNames("strategy", "symbol", "liquidity").register(registry);
        rtt = Histogram.builder().name("spark_exchange_rtt_seconds")
                .help("round trip of POST /api/v3/order/test to the exchange")
                .unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                        2.5)
                .register(registry);
        real = Counter.builder().name("spark_shadow_real_orders_total")
                .help("A/B real legs sent to the exchange, by the exchange's status or error")
                .labelNames("strategy", "symbol", "result").register(registry);
        slippageBps.labelValues("mid");
        slippageBps.labelValues("best");
        shadow.symbols().forEach(symbol -> declare("default", symbol));
        shadow.subscribe(this::onEvent);
    }

    /** Creates the series of {@code strategy} on {@code symbol} at 0, once. */
    private void declare(String strategy, String symbol) {
        if (!declared.add(strategy + '\u0000' + symbol)) {
            return;
        }
        for (OrderRequest.Side side : OrderRequest.Side.values()) {
            for (OrderRequest.Type type : OrderRequest.Type.values()) {
                for (String result : ORDER_RESULTS) {
                    orders.labelValues(strategy, symbol, side.name(), type.name(), result);
                }
            }
        }
        fills.labelValues(strategy, symbol, "MAKER");
        fills.labelValues(strategy, symbol, "TAKER");
        real.labelValues(strategy, symbol, "error");
    }

    private void onEvent(ShadowEvent e) {
        if (e instanceof ShadowEvent.Placed p) {
            var o = p.order();
            declare(o.strategy(), o.symbol());
            orders.labelValues(o.strategy(), o.symbol(), o.side(), o.type(),
                    o.status().name().toLowerCase(Locale.ROOT)).inc();
            latency.observe(p.latencyMs());
        } else if (e instanceof ShadowEvent.Rejected r) {
            declare(r.strategy(), r.symbol());
            orders.labelValues(r.strategy(), r.symbol(), r.side(), r.type(), "rejected").inc();
        } else if (e instanceof ShadowEvent.Filled f) {
            decisionToFill.observe(f.decisionToFillMs());
            if (Double.isFinite(f.slippageBpsVsMid())) {
                slippageBps.labelValues("mid").observe(f.slippageBpsVsMid());
            }
            if (Double.isFinite(f.slippageBpsVsBest())) {
                slippageBps.labelValues("best").observe(f.slippageBpsVsBest());
            }
            fills.labelValues(f.order().strategy(), f.order().symbol(), f.fill().liquidity())
                    .inc();
        } else if (e instanceof ShadowEvent.RoundTrip t) {
            rtt.observe(t.seconds());
        } else if (e instanceof ShadowEvent.RealPlaced r) {
            declare(r.strategy(), r.symbol());
            real.labelValues(r.strategy(), r.symbol(), r.result()).inc();
        }
    }
}
