package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.ShadowOrderView;
import io.spark.day9.shadow.TradingHalted;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emergency stop end to end over the executor's desk (do-not-send mode): the real gate in
 * the shadow executor and the router, REDUCING semantics against hand-computed positions, a
 * halt with cancels and flatten that verifies, and a resume without a restart.
 */
class EmergencyDeskTest {
    private final ManualScheduler time = new ManualScheduler(1_800_000_000_000L);
    @TempDir
    Path dir;
    private ShadowExecutor shadow;
    private OrderRouter router;
    private Emergency emergency;

    private final MarketData market = new MarketData() {
        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT", "ETHUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            boolean btc = symbol.equals("BTCUSDT");
            List<PriceLevel> bids = List.of(new PriceLevel(new BigDecimal(btc ? "99.90" : "9.99"),
                    BigDecimal.TEN));
            List<PriceLevel> asks = List.of(new PriceLevel(new BigDecimal(btc ? "100" : "10"),
                    BigDecimal.TEN));
            return Optional.of(new BookView(symbol, true, 1, 0, bids, asks, null, null, null, 0,
                    1, 1));
        }

        @Override
        public boolean connected() {
            return true;
        }
    };

    @BeforeEach
    void start() throws Exception {
        JsonNode info = Json.mapper().readTree("""
                {"symbols":[
                 {"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                  {"filterType":"LOT_SIZE","minQty":"0.001","maxQty":"9000","stepSize":"0.001"}]},
                 {"symbol":"ETHUSDT","baseAsset":"ETH","quoteAsset":"USDT","filters":[]}]}""");
        shadow = new ShadowExecutor(new ShadowConfig(dir.resolve("shadow"), BigDecimal.TEN,
                BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 600_000, 0), market,
                () -> info, null, time.millisClock(), time, Json.mapper());
        router = OrderRouter.shadowOnly(shadow, "test: do-not-send");
        emergency = new Emergency(dir.resolve("emergency"), new ExecutorDesk(null, shadow,
                router, null, market.symbols(), time.millisClock()), time.millisClock(), time,
                Json.mapper());
        shadow.gate(emergency.gate()); // as the wiring does, before start
        router.gate(emergency.gate());
        shadow.start();
        emergency.start();
    }

    @AfterEach
    void stop() throws Exception {
        emergency.stop();
        router.close();
        shadow.stop();
    }

    private ShadowOrderView order(String strategy, String symbol, String side, String type,
                                  String price, String qty, String clientId) {
        return router.submit(OrderRequest.parse(new OrderRequest.Body(symbol, side, type, price,
                qty, strategy, clientId, null, null), null, time.millis(), "http"), false)
                .shadow();
    }

    private ShadowOrderView market(String strategy, String symbol, String side, String qty,
                                   String clientId) {
        return order(strategy, symbol, side, "MARKET", null, qty, clientId);
    }

    @Test
    void reducingAcceptsOnlyOrdersThatShrinkThePositionWithoutCrossingZero() {
        market("alpha", "BTCUSDT", "BUY", "0.003", "a1");
        market("alpha", "BTCUSDT", "SELL", "0.001", "a2"); // alpha long 0.002

        StopResult r = emergency.stop(new StopRequest("reduce only", Scope.of(List.of("alpha"),
                null), TradingMode.REDUCING, false, false), "ops");
        assertThat(r.verification().verified()).isTrue();

        assertThatThrownBy(() -> market("alpha", "BTCUSDT", "BUY", "0.001", "a3"))
                .as("grows the long").isInstanceOf(TradingHalted.class)
                .hasMessageContaining("REDUCING");
        assertThatThrownBy(() -> market("alpha", "BTCUSDT", "SELL", "0.003", "a4"))
                .as("crosses zero").isInstanceOf(TradingHalted.class);
        assertThatThrownBy(() -> market("alpha", "ETHUSDT", "BUY", "1", "a5"))
                .as("no position to reduce").isInstanceOf(TradingHalted.class);
        assertThat(market("alpha", "BTCUSDT", "SELL", "0.001", "a6").executedQty())
                .isEqualByComparingTo("0.001");
        assertThat(market("alpha", "BTCUSDT", "SELL", "0.001", "a7").executedQty())
                .as("down to flat exactly").isEqualByComparingTo("0.001");
        assertThatThrownBy(() -> market("alpha", "BTCUSDT", "SELL", "0.001", "a8"))
                .as("flat: nothing left to reduce").isInstanceOf(TradingHalted.class);
        assertThat(market("beta", "BTCUSDT", "BUY", "0.001", "b1").executedQty())
                .as("out of scope").isEqualByComparingTo("0.001");
        assertThat(shadow.position("alpha", "BTCUSDT")).isEqualByComparingTo("0");
        assertThat(shadow.get("a3")).isEmpty();
        assertThat(shadow.get("a4")).isEmpty();
    }

    @Test
    void aHaltCancelsFlattensVerifiesAndAResumeTradesAgainWithoutARestart() {
        order("alpha", "BTCUSDT", "BUY", "LIMIT", "90", "0.5", "rest-a");
        order("beta", "ETHUSDT", "BUY", "LIMIT", "9", "1", "rest-b");
        market("alpha", "BTCUSDT", "BUY", "0.003", "a1");
        market("alpha", "BTCUSDT", "SELL", "0.001", "a2");
        market("beta", "ETHUSDT", "SELL", "2", "b1");

        StopResult r = emergency.stop(new StopRequest("fat finger", Scope.ALL,
                TradingMode.HALTED, true, false), "ops");

        assertThat(r.cancelled()).extracting(TradingDesk.OpenOrder::clientOrderId)
                .containsExactlyInAnyOrder("rest-a", "rest-b");
        assertThat(r.flattened()).extracting(f -> f.strategy() + " " + f.symbol() + " "
                + f.side() + " " + f.quantity().toPlainString() + " " + f.status())
                .containsExactlyInAnyOrder("alpha BTCUSDT SELL 0.002 FILLED",
                        "beta ETHUSDT BUY 2 FILLED");
        assertThat(r.verification().verified()).as(r.verification().toString()).isTrue();
        assertThat(shadow.openOrders()).isEmpty();
        assertThat(shadow.netPositions()).allSatisfy(n ->
                assertThat(n.quantity()).isEqualByComparingTo("0"));
        assertThatThrownBy(() -> market("alpha", "BTCUSDT", "BUY", "0.001", "after"))
                .isInstanceOf(TradingHalted.class).hasMessageContaining("fat finger");

        emergency.resume(null, "ops");

        assertThat(market("alpha", "BTCUSDT", "BUY", "0.001", "after").executedQty())
                .isEqualByComparingTo("0.001");
    }
}
