package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.ManualScheduler;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos control plane and inbound filter, over real HTTP against a real executor. */
class ChaosApiTest {
    private static final String PING = "/api/private/test/ping";
    private static final String OTHER = "/api/private/test/other";
    /** The executor's clock and timers: time moves only when a test advances it. */
    private static final ManualScheduler time = new ManualScheduler();
    private static TestExecutor server;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        server = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED", "false"), time,
                r -> {
                    r.add(RouteSpec.get(PING, Role.READ).summary("A test route."),
                            ctx -> ctx.result("pong"));
                    r.add(RouteSpec.get(OTHER, Role.READ).summary("A test route."),
                            ctx -> ctx.result("other"));
                });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void allOff() throws Exception {
        assertThat(server.post("/api/private/chaos/toggle", "{\"enabled\":false,\"routes\":[],"
                + "\"exclude\":[],\"rampSec\":0,\"errorStatus\":503,\"ttlSec\":900,"
                + "\"latencyJitterMs\":0}").statusCode()).isEqualTo(200);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    /**
     * Sends {@code GET path} on another thread and returns once the request waits on an
     * injected-latency timer of the manual clock (or has already been answered).
     */
    /**
     * Sends a GET that chaos delays by {@code delayMs} and returns once the request waits on
     * its timer (or was answered), so the test can move the clock past it.
     */
    private static CompletableFuture<HttpResponse<String>> delayedGet(String path, long delayMs) {
        long due = time.millis() + delayMs;
        int before = time.pendingOnceDueAt(due);
        CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return server.get(path);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> answer.isDone() || time.pendingOnceDueAt(due) > before);
        return answer;
    }

    @Test
    void theGuidesToggleAnswersTheFullStateAndGetAgrees() throws Exception {
        var r = server.post("/api/private/chaos/toggle",
                "{\"httpErrorPct\":15,\"latencyMs\":200,\"wsFlapSec\":10}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = json(r);
        assertThat(s.get("enabled").asBoolean()).isTrue();
        assertThat(s.get("httpErrorPct").asInt()).isEqualTo(15);
        assertThat(s.get("latencyMs").asInt()).isEqualTo(200);
        assertThat(s.get("wsFlapSec").asInt()).isEqualTo(10);
        assertThat(s.get("ttlSec").asInt()).isEqualTo(900);
        assertThat(s.get("expiresAt").isNull()).isFalse();
        assertThat(s.has("outbound")).isTrue();
        assertThat(s.get("exchangeFaultsAvailable").asBoolean()).isTrue();
        JsonNode got = json(server.get("/api/private/chaos"));
        assertThat(got.get("httpErrorPct")).isEqualTo(s.get("httpErrorPct"));
        // the guide's emergency curl works while chaos is on (the control plane is exempt)
        var off = server.post("/api/private/chaos/toggle",
                "{\"httpErrorPct\":0,\"latencyMs\":0,\"wsFlapSec\":0}");
        assertThat(json(off).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void badValuesAreProblemsNamingTheField() throws Exception {
        for (String[] c : new String[][] {
                {"{\"httpErrorPct\":150}", "httpErrorPct"},
                {"{\"latencyMs\":-5}", "latencyMs"},
                {"{\"wsFlapSec\":-1}", "wsFlapSec"},
                {"{\"httpErrorPct\":\"lots\"}", "httpErrorPct"},
                {"{\"errorStatus\":418}", "errorStatus"},
                {"{\"bogus\":1}", "bogus"}}) {
            var r = server.post("/api/private/chaos/toggle", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("application/problem+json");
            assertThat(json(r).get("errors").get(0).get("field").asText()).as(c[0])
                    .isEqualTo(c[1]);
        }
        assertThat(json(server.get("/api/private/chaos")).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void fifteenPercentOverTenThousandRequestsIsInsideTheBinomialInterval() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":15,\"routes\":[\"" + PING
                + "\"]}");
        int n = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> parts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                parts.add(pool.submit(() -> {
                    int[] counts = new int[2];
                    for (int i = 0; i < n / 4; i++) {
                        var r = server.get(PING);
                        if (r.statusCode() == 503) {
                            assertThat(r.headers().firstValue(ChaosRoutes.MARKER))
                                    .contains("injected");
                            counts[1]++;
                        } else {
                            assertThat(r.statusCode()).isEqualTo(200);
                            counts[0]++;
                        }
                    }
                    return counts;
                }));
            }
            int errors = 0;
            for (Future<int[]> f : parts) {
                errors += f.get()[1];
            }
            // 99.9 % interval of Binomial(10 000, 0.15): 1500 ± 3.29·√(10 000·0.15·0.85)
            assertThat(errors).isBetween(1383, 1617);
            String metrics = server.get("/metrics").body();
            assertThat(metrics).contains("spark_chaos_http_errors_total{route=\"" + PING + "\"} "
                    + (double) errors);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void excludedRoutesAndTheControlPlaneNeverFail() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":100,\"exclude\":[\"" + OTHER
                + "\"]}");
        for (int i = 0; i < 50; i++) {
            assertThat(server.get(PING).statusCode()).isEqualTo(503);
            assertThat(server.get(OTHER).statusCode()).isEqualTo(200);
            assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(server.get("/api/private/chaos").statusCode()).isEqualTo(200);
        }
        var injected = server.get(PING);
        assertThat(injected.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/problem+json");
        assertThat(json(injected).get("type").asText()).isEqualTo("urn:day9:problem:chaos-injected");
    }

    @Test
    void aFourTwentyNineCarriesRetryAfter() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":100,\"errorStatus\":429,"
                + "\"routes\":[\"" + PING + "\"]}");
        var r = server.get(PING);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
    }

    @Test
    void injectedErrorsCountUnderTheRouteTemplateAndAMissingRouteStaysA404() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":100,\"errorStatus\":502,"
                + "\"routes\":[\"/api/private/order/shadow/**\",\"/api/private/nowhere\"]}");
        var r = server.get("/api/private/order/shadow/SOME-ORDER-17");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue(ChaosRoutes.MARKER)).contains("injected");
        // a path no endpoint serves is out of scope even when a pattern matches it
        assertThat(server.get("/api/private/nowhere").statusCode()).isEqualTo(404);
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("spark_http_requests_total{method=\"GET\","
                + "route=\"/api/private/order/shadow/{id}\",status=\"502\"}");
        assertThat(metrics).contains("spark_chaos_http_errors_total{route="
                + "\"/api/private/order/shadow/{id}\"}");
        assertThat(metrics).doesNotContain("SOME-ORDER-17");
    }

    @Test
    void addedLatencyIsWithinTolerance() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"latencyMs\":100,\"routes\":[\"" + PING
                + "\"]}");
        long total = 0;
        int n = 20;
        for (int i = 0; i < n; i++) {
            long t0 = time.millis();
            CompletableFuture<HttpResponse<String>> r = delayedGet(PING, 100);
            time.advance(Duration.ofMillis(99));
            assertThat(r).as("answered before the injected latency").isNotDone();
            time.advance(Duration.ofMillis(1));
            HttpResponse<String> answer = r.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue(ChaosRoutes.MARKER)).contains("latency=100");
            long ms = time.millis() - t0;
            assertThat(ms).isGreaterThanOrEqualTo(100);
            total += ms;
        }
        // on the manual clock the delay is exact: every request waits the setting, no more
        assertThat(total / n).isEqualTo(100);
        // a route out of scope is answered with the clock standing still
        long t0 = time.millis();
        assertThat(server.get(OTHER).statusCode()).isEqualTo(200);
        assertThat(time.millis() - t0).isZero();
    }

    @Test
    void theTtlSwitchesChaosOffAndSaysSoInTheAuditLog() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":100,\"ttlSec\":1,"
                + "\"routes\":[\"" + PING + "\"]}");
        assertThat(server.get(PING).statusCode()).isEqualTo(503);
        time.advance(Duration.ofMillis(999));
        assertThat(json(server.get("/api/private/chaos")).get("enabled").asBoolean()).isTrue();
        time.advance(Duration.ofMillis(1)); // exactly ttlSec after the change
        assertThat(json(server.get("/api/private/chaos")).get("enabled").asBoolean()).isFalse();
        assertThat(server.get(PING).statusCode()).isEqualTo(200);
        JsonNode entry = json(server.get("/api/private/audit?limit=1")).get("entries").get(0);
        assertThat(entry.get("action").asText()).isEqualTo("chaos.expire");
        assertThat(entry.get("actor").asText()).isEqualTo("chaos-ttl");
        assertThat(entry.get("before").get("httpErrorPct").asInt()).isEqualTo(100);
        assertThat(entry.get("after").get("enabled").asBoolean()).isFalse();
    }

    @Test
    void theRampStartsSmall() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":100,\"rampSec\":3600,"
                + "\"routes\":[\"" + PING + "\"]}");
        int errors = 0;
        for (int i = 0; i < 200; i++) {
            if (server.get(PING).statusCode() == 503) {
                errors++;
            }
        }
        // within the first seconds of an hour-long ramp, the rate is a fraction of a percent
        assertThat(errors).isLessThan(10);
        assertThat(json(server.get("/api/private/chaos")).get("effectiveErrorPct").asDouble())
                .isLessThan(1.0);
        // and it grows linearly on the clock: 36 s of 3 600 s is 1 % of 100 %
        time.advance(Duration.ofSeconds(36));
        assertThat(json(server.get("/api/private/chaos")).get("effectiveErrorPct").asDouble())
                .isEqualTo(1.0);
    }

    @Test
    void afterChaosOffTheGuidesBodyFaultsEveryRouteAtTheFullRateAtOnce() throws Exception {
        // the sequence an operator ran: `chaos on --ramp-sec 300 --routes
        // '/api/private/queue/**'` (the CLI's body), `chaos off`, then the guide's toggle body
        var on = server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":15,"
                + "\"latencyMs\":200,\"routes\":[\"/api/private/queue/**\"],\"rampSec\":300,"
                + "\"seed\":5,\"outbound\":{\"latencyMs\":9},\"ttlSec\":60}");
        assertThat(on.statusCode()).isEqualTo(200);
        JsonNode off = json(server.post("/api/private/chaos/off", "{}"));
        assertThat(off.get("enabled").asBoolean()).isFalse();
        assertThat(off.get("routes")).isEmpty();
        assertThat(off.get("rampSec").asInt()).isZero();
        assertThat(off.get("seed").isNull()).isTrue();
        assertThat(off.get("outbound").get("latencyMs").asInt()).isZero();
        assertThat(off.get("ttlSec").asInt()).isEqualTo(900);
        JsonNode s = json(server.post("/api/private/chaos/toggle",
                "{\"httpErrorPct\":15,\"latencyMs\":200,\"wsFlapSec\":10}"));
        assertThat(s.get("routes")).isEmpty();
        assertThat(s.get("rampSec").asInt()).isZero();
        // the full rate at once, with the clock standing still
        assertThat(s.get("effectiveErrorPct").asDouble()).isEqualTo(15.0);
        // a route outside the earlier scope is in scope now: it waits the 200 ms
        CompletableFuture<HttpResponse<String>> other = delayedGet(OTHER, 200);
        time.advance(Duration.ofMillis(199));
        assertThat(other).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(other.get(10, TimeUnit.SECONDS).headers().firstValue(ChaosRoutes.MARKER))
                .hasValueSatisfying(v -> assertThat(v).isIn("latency=200", "injected"));
        // `{"enabled":false}` is the same off
        server.post("/api/private/chaos/toggle", "{\"httpErrorPct\":15,\"rampSec\":300,"
                + "\"routes\":[\"/api/private/queue/**\"]}");
        JsonNode disabled = json(server.post("/api/private/chaos/toggle",
                "{\"enabled\":false}"));
        assertThat(disabled.get("routes")).isEmpty();
        assertThat(disabled.get("rampSec").asInt()).isZero();
    }

    @Test
    void everyChangeIsAuditedWithWhoBeforeAndAfter() throws Exception {
        server.post("/api/private/chaos/toggle", "{\"latencyMs\":7}");
        // the read is in scope too: it is answered once the clock has moved 7 ms
        CompletableFuture<HttpResponse<String>> audit =
                delayedGet("/api/private/audit?limit=1", 7);
        time.advance(Duration.ofMillis(7));
        JsonNode entry = json(audit.get(10, TimeUnit.SECONDS)).get("entries").get(0);
        assertThat(entry.get("action").asText()).isEqualTo("chaos.toggle");
        assertThat(entry.get("actor").asText()).startsWith("loopback@");
        assertThat(entry.get("before").get("latencyMs").asInt()).isZero();
        assertThat(entry.get("after").get("latencyMs").asInt()).isEqualTo(7);
    }

    @Test
    void chaosIsAdminOnlyWhenAnAdminTokenIsSet(@TempDir Path dir) throws Exception {
        String admin = "admin-token-abcdef0123456789";
        try (TestExecutor s = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "ADMIN_TOKEN", admin, "QUEUE_WORKER_ENABLED", "false"))) {
            assertThat(s.get("/api/private/chaos").statusCode()).isEqualTo(401);
            var user = s.post("/api/private/chaos/toggle", "{\"httpErrorPct\":5}",
                    "Authorization", "Bearer " + TestExecutor.TOKEN);
            assertThat(user.statusCode()).isEqualTo(403);
            assertThat(s.get("/api/private/health", "Authorization",
                    "Bearer " + TestExecutor.TOKEN).statusCode()).isEqualTo(200);
            // scoped to a route nobody calls, so the audit read below is never failed
            var ok = s.post("/api/private/chaos/toggle", "{\"httpErrorPct\":5,"
                    + "\"routes\":[\"/nothing\"]}", "Authorization", "Bearer " + admin);
            assertThat(ok.statusCode()).isEqualTo(200);
            JsonNode entry = json(s.get("/api/private/audit?limit=1", "Authorization",
                    "Bearer " + admin)).get("entries").get(0);
            assertThat(entry.get("actor").asText()).startsWith("admin@");
        }
    }

    @Test
    void productionRefusesChaosUnlessAllowed(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "DAY9_ENV", "production", "QUEUE_WORKER_ENABLED", "false"))) {
            String[] auth = {"Authorization", "Bearer " + TestExecutor.TOKEN};
            var r = s.post("/api/private/chaos/toggle", "{\"httpErrorPct\":15}", auth);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(json(r).get("detail").asText()).contains("CHAOS_ALLOW_PRODUCTION");
            assertThat(s.post("/api/private/chaos/flap", "", auth).statusCode()).isEqualTo(403);
            assertThat(s.post("/api/private/chaos/inject", "{\"fault\":\"gap\"}", auth)
                    .statusCode()).isEqualTo(403);
            assertThat(s.post("/api/private/chaos/toggle",
                    "{\"httpErrorPct\":0,\"latencyMs\":0,\"wsFlapSec\":0}", auth).statusCode())
                    .isEqualTo(200);
        }
        try (TestExecutor s = TestExecutor.start(dir.resolve("allowed"), Map.of("API_TOKEN",
                TestExecutor.TOKEN, "DAY9_ENV", "production", "CHAOS_ALLOW_PRODUCTION", "true",
                "QUEUE_WORKER_ENABLED", "false"))) {
            assertThat(s.post("/api/private/chaos/toggle", "{\"httpErrorPct\":15}",
                    "Authorization", "Bearer " + TestExecutor.TOKEN).statusCode()).isEqualTo(200);
        }
    }
}
