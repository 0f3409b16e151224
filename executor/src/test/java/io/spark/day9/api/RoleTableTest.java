package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every documented route × no token, a wrong token and each role's token: the answer matches
 * the role table (401 without or with a wrong token on private routes, 403 for a role that
 * does not cover the route, neither for one that does). The routes come from the OpenAPI
 * document, so a route added later is walked too.
 */
class RoleTableTest {
    static final String READ = "read-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";

    @TempDir
    static Path dir;
    static TestExecutor server;

    /** Who calls: the header value, and the role it carries (null: not authenticated). */
    enum Credential {
        NONE(null, null),
        WRONG("Bearer wrong-token-0123456789abcdef", null),
        READ_TOKEN("Bearer " + READ, Role.READ),
        TRADE_TOKEN("Bearer " + TestExecutor.TOKEN, Role.TRADE),
        ADMIN_TOKEN("Bearer " + ADMIN, Role.ADMIN);

        final String header;
        final Role role;

        Credential(String header, Role role) {
            this.header = header;
            this.role = role;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "ADMIN_TOKEN", ADMIN, "READ_TOKEN", READ, "QUEUE_WORKER_ENABLED", "false",
                // this test presents a wrong token on every route: no lockout here
                "AUTH_MAX_FAILURES", "1000000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> routes() throws Exception {
        JsonNode doc = Json.mapper().readTree(server.get(OpenApi.PATH).body());
        List<Arguments> all = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields()
                .forEachRemaining(o -> {
                    for (Credential c : Credential.values()) {
                        all.add(Arguments.of(o.getKey().toUpperCase(), p.getKey(),
                                Role.valueOf(o.getValue().get("x-day9-role").asText()
                                        .toUpperCase()), c));
                    }
                }));
        assertThat(all).hasSizeGreaterThan(5 * 30);
        return all.stream();
    }

    /** A concrete path for a template: every parameter gets a harmless value. */
    static String concrete(String template) {
        return template.replace("{queue}", "roles").replace("{id}", "no-such-order")
                .replace("{name}", "ROOT");
    }

    @ParameterizedTest(name = "{0} {1} ({2}) as {3}")
    @MethodSource("routes")
    void everyRouteAnswersEveryCallerAsTheRoleTableSays(String method, String path, Role needed,
                                                         Credential who) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(concrete(path)))
                .method(method, method.equals("GET") || method.equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody()
                        // a body no route accepts: an admitted caller gets a 400, never a change
                        : HttpRequest.BodyPublishers.ofString("[]"))
                .header("Content-Type", "application/json");
        if (who.header != null) {
            b.header("Authorization", who.header);
        }
        HttpResponse<String> r = server.send(b);
        int status = r.statusCode();
        if (needed == Role.PUBLIC) {
            assertThat(status).as(r.body()).isNotIn(401, 403);
        } else if (who.role == null) {
            assertThat(status).as(r.body()).isEqualTo(401);
            assertThat(r.body()).contains("urn:day9:problem:unauthorized");
        } else if (who.role.covers(needed)) {
            assertThat(status).as(r.body()).isNotIn(401, 403).isLessThan(500);
        } else {
            assertThat(status).as(r.body()).isEqualTo(403);
            assertThat(r.body()).contains("urn:day9:problem:forbidden")
                    .contains(needed.tokenVariable());
        }
    }

    @Test
    void onlyATradeCallerMayEnqueueAnOrderJob() throws Exception {
        String job = "{\"job\":\"order\",\"data\":{\"symbol\":\"BTCUSDT\"}}";
        var read = server.post("/api/private/queue/enqueue", job, "Authorization",
                "Bearer " + READ);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(read.body()).contains("urn:day9:problem:forbidden");
        var trade = server.post("/api/private/queue/enqueue", job, "Authorization",
                "Bearer " + TestExecutor.TOKEN);
        assertThat(trade.statusCode()).isEqualTo(200);
    }

    @Test
    void aTradeCallerMayPlaceAShadowOrderButNotTouchChaos() throws Exception {
        String[] trade = {"Authorization", "Bearer " + TestExecutor.TOKEN};
        var order = server.post("/api/private/order/shadow", "{\"symbol\":\"BTCUSDT\","
                + "\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1\",\"quantity\":\"0.001\"}",
                trade);
        assertThat(order.statusCode()).as(order.body()).isNotIn(401, 403);
        assertThat(server.post("/api/private/chaos/off", "", trade).statusCode())
                .isEqualTo(403);
        assertThat(server.get("/api/private/health", "Authorization", "Bearer " + READ)
                .statusCode()).isEqualTo(200);
    }
}
