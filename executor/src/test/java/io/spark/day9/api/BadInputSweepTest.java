package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.testing.TestExecutor;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated bad-input sweep: every route of the OpenAPI document (so of the router, which
 * {@link OpenApiTest} checks both ways) gets bad bodies built from its declared schema, bad
 * query values, bad path parameters and wrong content types. Never a 5xx, every refusal a
 * problem+json, nothing on disk changed by a refused request (see {@link BadInputSweep} for
 * what that covers), and the service healthy afterwards.
 */
class BadInputSweepTest {
    /** Refused for an integer parameter. ({@code %ZZ} is not here: the router drops a value
     *  it cannot percent-decode, as if it were absent; it is in {@link #BAD_STRINGS}.) */
    private static final List<String> BAD_INTEGERS = List.of("abc", "-1", "1.5", "1e3", "0x10",
            "99999999999999999999999", "%00", "1%20", "%C3%28", "%EF%BC%91");
    private static final List<String> BAD_STRINGS = List.of("", "%00", "%ZZ", "%C3%28",
            "%FF%FE", "a".repeat(4000), "%22%7B%7D", "..%2F..%2F");
    private static final List<String> BAD_PATH_VALUES = List.of("..", "%2e%2e", "a%20b", "%00",
            "x".repeat(300), "%ff", "%C3%28", "%2F", "*", "a;b=1");
    private static final List<String> WRONG_TYPES = List.of("text/plain",
            "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json; charset=latin1");

    @TempDir
    static Path dir;
    static TestExecutor server;
    static Path runtime;

    @BeforeAll
    static void start() throws Exception {
        // no token on a loopback bind: the sweep calls every route with every role
        server = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED", "false",
                "HTTP_MAX_BODY_BYTES", "65536"));
        runtime = dir.resolve("runtime");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @TestFactory
    Stream<DynamicTest> everyRouteRefusesBadInputWithAProblemAndChangesNothing()
            throws Exception {
        List<BadInputSweep.Route> routes = BadInputSweep.routes(server);
        assertThat(routes).hasSizeGreaterThan(30);
        return routes.stream().map(route -> DynamicTest.dynamicTest(route.toString(), () -> {
            if (route.hasBody()) {
                sweepBodies(route);
            }
            sweepQuery(route);
            sweepPath(route);
        }));
    }

    private static void sweepBodies(BadInputSweep.Route route) throws Exception {
        for (BadInputSweep.Body body : BadInputSweep.badBodies(route)) {
            refused(route + " with " + body, () -> BadInputSweep.send(server, route.method(),
                    route.concrete(), body.bytes(), "application/json"));
        }
        for (String type : WRONG_TYPES) {
            refused(route + " as " + type, () -> BadInputSweep.send(server, route.method(),
                    route.concrete(), "null".getBytes(StandardCharsets.UTF_8), type));
        }
        refused(route + " without a content type", () -> BadInputSweep.send(server,
                route.method(), route.concrete(), "[1]".getBytes(StandardCharsets.UTF_8),
                null));
    }

    private static void sweepQuery(BadInputSweep.Route route) throws Exception {
        for (var p : route.queryParams()) {
            String name = p.get("name").asText();
            boolean integer = p.at("/schema/type").asText().equals("integer");
            boolean choice = p.at("/schema/enum").isArray();
            List<String> values = new java.util.ArrayList<>(BAD_STRINGS);
            if (integer) {
                values.addAll(BAD_INTEGERS);
            }
            for (String value : values) {
                String target = route.concrete() + "?" + name + "=" + value;
                // a bad integer or choice must be refused; a free-text value may be accepted
                // (e.g. a strategy nobody used), but never with a 5xx
                if ((integer || choice) && !value.isEmpty() && !value.equals("%ZZ")) {
                    refusedRaw(route + " ?" + name + "=" + abbreviate(value), route.method(),
                            target);
                } else {
                    RawAnswer a = raw(route.method(), target);
                    a.check(route + " ?" + name + "=" + abbreviate(value));
                }
            }
        }
        // an unknown parameter and a malformed query string never cause a 5xx
        raw(route.method(), route.concrete() + "?%%%=&&=&a[=1").check(route + " bad query");
    }

    private static void sweepPath(BadInputSweep.Route route) throws Exception {
        for (String param : route.pathParams()) {
            for (String value : BAD_PATH_VALUES) {
                String target = route.path();
                for (var e : BadInputSweep.GOOD_PATH_VALUES.entrySet()) {
                    target = target.replace("{" + e.getKey() + "}",
                            e.getKey().equals(param) ? value : e.getValue());
                }
                RawAnswer a = raw(route.method(), target);
                a.check(route + " with " + param + "=" + abbreviate(value));
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…(" + s.length() + ")" : s;
    }

    @FunctionalInterface
    interface Call {
        java.net.http.HttpResponse<String> send() throws Exception;
    }

    /** The request must be refused (4xx problem) and leave the disk as it was. */
    private static void refused(String what, Call call) throws Exception {
        String before = BadInputSweep.diskState(runtime);
        var r = call.send();
        BadInputSweep.checkAnswer(what, r);
        assertThat(r.statusCode()).as(what + ": " + r.body()).isBetween(400, 499);
        assertThat(BadInputSweep.diskState(runtime)).as(what + " changed the disk")
                .isEqualTo(before);
    }

    private static void refusedRaw(String what, String method, String target)
            throws Exception {
        String before = BadInputSweep.diskState(runtime);
        RawAnswer a = raw(method, target);
        a.check(what);
        assertThat(a.status).as(what + ": " + a.text).isBetween(400, 499);
        assertThat(BadInputSweep.diskState(runtime)).as(what + " changed the disk")
                .isEqualTo(before);
    }

    /** A response read off a raw socket (no client-side encoding or normalisation). */
    record RawAnswer(int status, String contentType, String text) {
        void check(String what) {
            assertThat(status).as(what + ": " + text).isBetween(200, 499);
            if (status >= 400) {
                assertThat(contentType).as(what + ": " + text).startsWith(Problem.MEDIA_TYPE);
            }
        }
    }

    private static RawAnswer raw(String method, String target) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String contentType = "";
            for (String line : text.split("\r\n\r\n", 2)[0].split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    contentType = line.substring("content-type:".length()).strip();
                }
            }
            return new RawAnswer(TestExecutor.status(text), contentType, text);
        }
    }

    @Test
    void theServiceIsHealthyAfterTheSweep() throws Exception {
        // runs in any order with the sweep: a short sweep of its own first
        List<BadInputSweep.Route> routes = new ArrayList<>(BadInputSweep.routes(server));
        for (BadInputSweep.Route route : routes) {
            if (route.hasBody()) {
                BadInputSweep.checkAnswer(route.toString(), BadInputSweep.send(server,
                        route.method(), route.concrete(), "null".getBytes(StandardCharsets.UTF_8),
                        "application/json"));
            }
        }
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(server.get("/readyz").statusCode()).isEqualTo(200));
        assertThat(server.get("/api/private/health").body()).doesNotContain("\"DOWN\"");
    }

    @Test
    void theSevenEndpointsThatAnswered500ForNullNowNameTheBody() throws Exception {
        for (String path : List.of("/api/private/queue/claim", "/api/private/queue/ack",
                "/api/private/queue/nack", "/api/private/queue/extend",
                "/api/private/queue/dlq/redrive", "/api/private/order/shadow",
                "/api/private/chaos/toggle")) {
            var r = server.post(path, "null", "Content-Type", "application/json");
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(path).contains("urn:day9:problem:validation")
                    .contains("\"field\":\"body\"");
        }
    }
}
