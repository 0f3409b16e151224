package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad request gets a 4xx problem+json naming what is wrong, never a 500 or a trace. */
class ProblemResponsesTest {
    @TempDir
    static Path dir;
    static TestExecutor server;

    @BeforeAll
    static void start() throws Exception {
        server = TestExecutor.start(dir, Map.of("HTTP_MAX_BODY_BYTES", "4096"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"logger\":\"" + "x".repeat(5000) + "\",\"level\":\"INFO\"}";
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "/api/private/loggers",
                        "{\"logger\":\"a\",", 400, "malformed-json", null),
                Arguments.of("not JSON at all", "POST", "/api/private/loggers",
                        "logger=a&level=INFO", 400, "malformed-json", null),
                Arguments.of("wrong type", "POST", "/api/private/loggers",
                        "{\"logger\":[1,2],\"level\":\"INFO\"}", 400, "validation", "logger"),
                Arguments.of("unknown field", "POST", "/api/private/loggers",
                        "{\"logger\":\"a\",\"lvl\":\"INFO\"}", 400, "validation", "lvl"),
                Arguments.of("invalid value", "POST", "/api/private/loggers",
                        "{\"logger\":\"a\",\"level\":\"LOUD\"}", 400, "validation", "level"),
                Arguments.of("missing fields", "POST", "/api/private/loggers", "{}", 400,
                        "validation", "logger"),
                Arguments.of("array body", "POST", "/api/private/loggers", "[]", 400,
                        "validation", "body"),
                Arguments.of("empty body", "POST", "/api/private/loggers", "", 400,
                        "validation", "body"),
                Arguments.of("trailing garbage", "POST", "/api/private/loggers",
                        "{\"logger\":\"a\",\"level\":\"INFO\"} x", 400, "malformed-json", null),
                Arguments.of("deep nesting", "POST", "/api/private/loggers",
                        "[".repeat(2000) + "]".repeat(2000), 400, null, null),
                Arguments.of("oversized body", "POST", "/api/private/loggers", big, 413,
                        "payload-too-large", null),
                Arguments.of("unknown route", "GET", "/no/such/route", null, 404, "not-found",
                        null),
                Arguments.of("unknown private route", "GET", "/api/private/nope", null, 404,
                        "not-found", null),
                Arguments.of("wrong method", "DELETE", "/healthz", null, 405,
                        "method-not-allowed", null),
                Arguments.of("wrong method on private", "PUT", "/api/private/health", "{}", 405,
                        "method-not-allowed", null),
                Arguments.of("bad query parameter", "GET", "/api/private/audit?limit=abc", null,
                        400, "validation", "limit"),
                Arguments.of("out of range parameter", "GET", "/api/private/audit?limit=0",
                        null, 400, "validation", "limit"),
                Arguments.of("bad path parameter", "GET", "/api/private/loggers/a%20b", null,
                        400, "validation", "name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetAProblem(String what, String method, String path, String body,
                                int status, String slug, String field) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(server.uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = server.send(req);
        assertProblem(r, status);
        JsonNode p = Json.mapper().readTree(r.body());
        if (slug != null) {
            assertThat(p.get("type").asText()).isEqualTo("urn:day9:problem:" + slug);
        }
        if (field != null) {
            assertThat(p.get("errors").findValuesAsText("field")).contains(field);
        }
    }

    @Test
    void aChunkedBodyPastTheLimitIs413() throws Exception {
        String head = "POST /api/private/loggers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        String chunk = "a".repeat(3000);
        String chunked = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n";
        String response = server.raw(head + chunked + chunked + "0\r\n\r\n");
        assertThat(TestExecutor.status(response)).isEqualTo(413);
        assertThat(response).contains("application/problem+json");
    }

    @Test
    void aRequestIdIsAcceptedOrGeneratedAndAppearsInTheProblem() throws Exception {
        var given = server.get("/no/such", "X-Request-Id", "abc-123");
        assertThat(given.headers().firstValue("X-Request-Id")).contains("abc-123");
        assertThat(Json.mapper().readTree(given.body()).get("requestId").asText())
                .isEqualTo("abc-123");

        var generated = server.get("/no/such");
        String id = generated.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(Json.mapper().readTree(generated.body()).get("requestId").asText())
                .isEqualTo(id);

        var hostile = server.get("/no/such", "X-Request-Id", "bad id\"<script>");
        assertThat(hostile.headers().firstValue("X-Request-Id").orElseThrow())
                .doesNotContain("<script>");
    }

    @Test
    void generatedRequestIdsAreVersion4UuidsAndDistinct() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = HttpServer.newRequestId();
            java.util.UUID u = java.util.UUID.fromString(id);
            assertThat(u.version()).isEqualTo(4);
            assertThat(u.variant()).isEqualTo(2);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void jettyLevelRefusalsAreProblemsToo() throws Exception {
        String response = server.raw("GET /api/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(TestExecutor.status(response)).isBetween(400, 499);
        String headers = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n";
        String tooBig = server.raw(headers);
        assertThat(TestExecutor.status(tooBig)).isBetween(400, 499);
        assertThat(tooBig).contains("application/problem+json").doesNotContain("<html");
    }

    @Test
    void aValidChangeIsAppliedAndAudited() throws Exception {
        var r = server.post("/api/private/loggers",
                "{\"logger\":\"io.spark.day9.test\",\"level\":\"debug\"}",
                "X-Request-Id", "audit-me");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"effectiveLevel\":\"DEBUG\"");
        var tail = Json.mapper().readTree(server.get("/api/private/audit?limit=1").body());
        JsonNode entry = tail.get("entries").get(0);
        assertThat(entry.get("action").asText()).isEqualTo("log.level");
        assertThat(entry.get("actor").asText()).isEqualTo("loopback@127.0.0.1");
        assertThat(entry.get("before").get("effectiveLevel").asText()).isNotEqualTo("DEBUG");
        assertThat(entry.get("after").get("level").asText()).isEqualTo("DEBUG");
    }

    @Test
    void anUnknownLevelIsCalledUnknownAndAMissingOneRequired() throws Exception {
        var unknown = server.post("/api/private/loggers", "{\"logger\":\"a\",\"level\":\"LOUD\"}");
        assertProblem(unknown, 400);
        JsonNode error = Json.mapper().readTree(unknown.body()).get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("level");
        assertThat(error.get("message").asText()).contains("unknown level 'LOUD'")
                .doesNotContain("required");
        var missing = server.post("/api/private/loggers", "{\"logger\":\"a\"}");
        assertThat(Json.mapper().readTree(missing.body()).get("errors").get(0).get("message")
                .asText()).startsWith("required");
    }

    static void assertProblem(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).get().asString()
                .startsWith(Problem.MEDIA_TYPE);
        if (r.request().method().equals("HEAD")) {
            return;
        }
        JsonNode p = Json.mapper().readTree(r.body());
        assertThat(p.get("type").asText()).startsWith("urn:day9:problem:");
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContainPattern("io\\.spark\\.day9\\.[a-z.]*[A-Z]");
    }
}
