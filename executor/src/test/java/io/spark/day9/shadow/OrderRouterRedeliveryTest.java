package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Order-safe redelivery in a sending mode, crash points made exact: a restart is a new shadow
 * executor replaying the same trail; the exchange is a map of client order ids.
 */
class OrderRouterRedeliveryTest {
    private final ManualScheduler time = new ManualScheduler(System.currentTimeMillis());
    @TempDir
    Path dir;
    private final List<ShadowExecutor> started = new ArrayList<>();
    private final List<OrderRouter> routers = new ArrayList<>();

    /** An exchange that keeps orders by client order id and counts placements. */
    private static final class FakeExchange implements ExchangeOrders {
        final Map<String, JsonNode> orders = new ConcurrentHashMap<>();
        final AtomicInteger placed = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate;

        @Override
        public JsonNode place(OrderRequest r) {
            CountDownLatch g = gate;
            entered.countDown();
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            placed.incrementAndGet();
            ObjectNode o = Json.mapper().createObjectNode().put("orderId", placed.get())
                    .put("clientOrderId", r.clientOrderId()).put("status", "FILLED")
                    .put("executedQty", r.quantity().toPlainString());
            if (orders.putIfAbsent(r.clientOrderId(), o) != null) {
                throw new IllegalStateException("-2010 Duplicate order sent.");
            }
            return o;
        }

        @Override
        public JsonNode find(String symbol, String clientOrderId) {
            lookups.incrementAndGet();
            return orders.get(clientOrderId);
        }
    }

    private final MarketData market = new MarketData() {
        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            List<PriceLevel> bids = List.of(new PriceLevel(new BigDecimal("99.90"),
                    BigDecimal.ONE));
            List<PriceLevel> asks = List.of(new PriceLevel(new BigDecimal("100.00"),
                    BigDecimal.ONE));
            return Optional.of(new BookView(symbol, true, 1, 0, bids, asks, null, null, null, 0,
                    1, 1));
        }

        @Override
        public boolean connected() {
            return true;
        }
    };

    private ShadowExecutor shadow() throws Exception {
        JsonNode info = Json.mapper().readTree("""
                {"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                 {"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"1000000","tickSize":"0.01"},
                 {"filterType":"LOT_SIZE","minQty":"0.00001","maxQty":"9000","stepSize":"0.00001"},
                 {"filterType":"NOTIONAL","minNotional":"5"}]}]}""");
        ShadowExecutor s = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 60_000, 0), market, () -> info, null,
                time.millisClock(), time, Json.mapper());
        s.start();
        started.add(s);
        return s;
    }

    /** A crash: the executor stops without any goodbye beyond what is already on disk. */
    private ShadowExecutor restart(ShadowExecutor before) throws Exception {
        before.stop();
        started.remove(before);
        return shadow();
    }

    private OrderRouter sending(ShadowExecutor s, ExchangeOrders exchange) {
        OrderRouter r = OrderRouter.sending(s, exchange, strategy -> 1.0, "test");
        routers.add(r);
        return r;
    }

    private static OrderRequest order(String clientId) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", "BUY", "MARKET", null, "0.5",
                "alpha", clientId, null, null), null, System.currentTimeMillis(), "queue");
    }

    @AfterEach
    void stop() throws Exception {
        routers.forEach(OrderRouter::close);
        for (ShadowExecutor s : started) {
            s.stop();
        }
    }

    @Test
    void aTwinRecordedBeforeTheRealLegIsSentOnceAfterTheCrash() throws Exception {
        FakeExchange exchange = new FakeExchange();
        ShadowExecutor first = shadow();
        first.place(order("q-signals-1")); // the twin is durable; the process dies here
        ShadowExecutor second = restart(first);

        OrderRouter.Routed routed = sending(second, exchange).submit(order("q-signals-1"), true);
        assertThat(exchange.placed).hasValue(1);
        assertThat(routed.real().path("clientOrderId").asText()).isEqualTo("q-signals-1");
        assertThat(routed.pairId()).isEqualTo("q-signals-1");

        // delivered yet again, here and after another restart: never a second placement
        sending(second, exchange).submit(order("q-signals-1"), true);
        ShadowExecutor third = restart(second);
        assertThat(third.get("q-signals-1").orElseThrow().pairId()).isEqualTo("q-signals-1");
        sending(third, exchange).submit(order("q-signals-1"), true);
        assertThat(exchange.placed).hasValue(1);
    }

    @Test
    void aRealLegOnTheExchangeIsNotSentAgainAndGetsItsTwin() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.place(order("q-signals-2")); // sent; the process died before the twin
        ShadowExecutor s = shadow();

        OrderRouter.Routed routed = sending(s, exchange).submit(order("q-signals-2"), true);
        assertThat(exchange.placed).hasValue(1);
        assertThat(routed.duplicate()).isTrue();
        assertThat(s.get("q-signals-2")).isPresent();
    }

    @Test
    void aSecondDeliveryWhileTheFirstIsStillSendingIsToldToRetry() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.gate = new CountDownLatch(1);
        OrderRouter router = sending(shadow(), exchange);
        CompletableFuture<OrderRouter.Routed> first = CompletableFuture.supplyAsync(() ->
                router.submit(order("q-signals-3"), false));
        assertThat(exchange.entered.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> router.submit(order("q-signals-3"), true))
                .isInstanceOf(OrderRouter.InProgress.class).hasMessageContaining("q-signals-3");
        exchange.gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).real()).isNotNull();
        router.submit(order("q-signals-3"), true);
        assertThat(exchange.placed).hasValue(1);
    }

    @Test
    void stoppingTheRouterWaitsForARealLegAlreadyHandedToTheExchange() throws Exception {
        FakeExchange exchange = new FakeExchange();
        exchange.gate = new CountDownLatch(1);
        OrderRouter router = sending(shadow(), exchange);
        CompletableFuture<OrderRouter.Routed> first = CompletableFuture.supplyAsync(() ->
                router.submit(order("q-signals-4"), false));
        assertThat(exchange.entered.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                router.stop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // a lifecycle component: the real leg in flight holds the stop
        assertThatThrownBy(() -> stopped.get(200, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        exchange.gate.countDown();
        stopped.get(10, TimeUnit.SECONDS);
        assertThat(first.get(10, TimeUnit.SECONDS).real()).isNotNull();
        assertThat(exchange.placed).hasValue(1);
        assertThat(router.name()).isEqualTo("orders");
    }
}
