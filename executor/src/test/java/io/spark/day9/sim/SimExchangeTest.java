package io.spark.day9.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's logic without any socket: calls and subscribers in memory. */
class SimExchangeTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final SimExchange sim = SimExchange.start(SimConfig.of(List.of("BTCUSDT"), 3)
            .withUpdateIntervalMs(3_600_000), clock::get);

    @AfterEach
    void stop() {
        sim.close();
    }

    /** A call with query parameters that records the answer headers. */
    private static final class Call implements SimCall {
        final Map<String, String> query = new LinkedHashMap<>();
        final Map<String, String> answerHeaders = new LinkedHashMap<>();

        Call with(String name, String value) {
            query.put(name, value);
            return this;
        }

        @Override
        public String query(String name) {
            return query.get(name);
        }

        @Override
        public String queryString() {
            return null;
        }

        @Override
        public String body() {
            return "";
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public void answerHeader(String name, String value) {
            answerHeaders.put(name, value);
        }
    }

    /** A subscriber that keeps what it was sent. */
    private static final class Inbox implements SimSubscriber {
        final List<String> frames = new ArrayList<>();
        boolean disconnected;

        @Override
        public void send(String text) {
            frames.add(text);
        }

        @Override
        public void close(int statusCode, String reason) {
        }

        @Override
        public void disconnect() {
            disconnected = true;
        }
    }

    private Object call(SimRoute.Method method, String path, SimCall call) {
        return sim.routes().stream()
                .filter(r -> r.method() == method && r.path().equals(path))
                .findFirst().orElseThrow().handler().answer(call);
    }

    @Test
    void listsEveryBinanceEndpointItServes() {
        assertThat(sim.routes()).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /api/v3/ping", "GET /api/v3/time", "GET /api/v3/exchangeInfo",
                "GET /api/v3/depth", "POST /api/v3/order/test", "POST /api/v3/order",
                "GET /api/v3/order", "DELETE /api/v3/order",
                // market data and start-up compatibility (simmd)
                "GET /api/v3/trades", "GET /api/v3/aggTrades", "GET /api/v3/klines",
                "GET /api/v3/ticker/24hr", "GET /api/v3/ticker/price",
                "GET /api/v3/ticker/bookTicker", "GET /api/v3/avgPrice",
                "GET /sapi/v1/capital/config/getall",
                // accounts, order lists and the user data stream (issue 19)
                "GET /api/v3/openOrders", "DELETE /api/v3/openOrders", "GET /api/v3/allOrders",
                "GET /api/v3/myTrades", "GET /api/v3/account", "POST /api/v3/userDataStream",
                "PUT /api/v3/userDataStream", "DELETE /api/v3/userDataStream",
                "GET /sapi/v1/margin/allPairs", "GET /sapi/v1/margin/isolated/allPairs");
    }

    @Test
    void depthAnswersTheBookAndCountsItsWeight() {
        Call c = new Call().with("symbol", "btcusdt").with("limit", "5");
        String body = (String) call(SimRoute.Method.GET, "/api/v3/depth", c);
        assertThat(body).startsWith("{\"lastUpdateId\":").contains("\"bids\":[[")
                .contains("\"asks\":[[");
        assertThat(c.answerHeaders).containsEntry("X-MBX-USED-WEIGHT-1M", "5");
    }

    @Test
    void badCallsAreBinanceErrorsWithStatusAndCode() {
        assertThatThrownBy(() -> call(SimRoute.Method.GET, "/api/v3/depth",
                new Call().with("symbol", "NOPE")))
                .isInstanceOfSatisfying(SimError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(-1121);
                    assertThat(e.body()).isEqualTo("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
                });
        assertThatThrownBy(() -> call(SimRoute.Method.GET, "/api/v3/depth",
                new Call().with("symbol", "BTCUSDT").with("limit", "0")))
                .isInstanceOfSatisfying(SimError.class, e -> assertThat(e.code()).isEqualTo(-1100));
    }

    @Test
    void theRateLimitHookRefusesCallsWithRetryAfterUntilItEnds() {
        sim.faults().rateLimit(418, 7, 1_000);
        Call c = new Call();
        assertThatThrownBy(() -> sim.checkLimits(c)).isInstanceOfSatisfying(SimError.class,
                e -> assertThat(e.status()).isEqualTo(418));
        assertThat(c.answerHeaders).containsEntry("Retry-After", "7");
        clock.addAndGet(1_001);
        sim.checkLimits(new Call()); // over: no refusal
    }

    @Test
    void droppingConnectionsDisconnectsEverySubscriberAndForgetsThem() {
        Inbox a = new Inbox();
        Inbox b = new Inbox();
        sim.subscribe(a, List.of("btcusdt@trade"), List.of());
        sim.subscribe(b, List.of(), List.of("BTCUSDT@depth@100ms"));
        assertThat(sim.connections()).isEqualTo(2);

        assertThat(sim.faults().dropConnections()).isEqualTo(2);

        assertThat(a.disconnected).isTrue();
        assertThat(b.disconnected).isTrue();
        assertThat(sim.connections()).isZero();
        sim.subscribe(a, List.of("btcusdt@trade"), List.of());
        sim.unsubscribe(a);
        assertThat(sim.connections()).isZero();
    }

    @Test
    void theLogicImportsNoWebFramework() throws Exception {
        Path dir = Path.of("src/main/java/io/spark/day9/sim");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                assertThat(Files.readString(f)).as(f.toString())
                        .doesNotContain("import io.javalin").doesNotContain("import org.eclipse");
            }
        }
    }
}
