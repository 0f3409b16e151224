package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The shared parts of the generated bad-input sweep ({@link BadInputSweepTest},
 * {@link BadInputPropertyTest}): the routes, read from the served OpenAPI document (so a route
 * added later is swept without anyone remembering to), the corpus of bad bodies built from
 * each route's declared body schema, and the checks.
 *
 * <p><b>"Nothing changed on disk"</b> covers every file under {@code RUNTIME_DIR} except the
 * audit directory: queue journals, cursors and quarantine, queue directories (a rejected
 * request must not even create one), the shadow trail, snapshots and the probe file. The audit
 * log and {@code LOG_DIR} may legitimately record a rejected request, so they are left out.
 */
final class BadInputSweep {
    /** Value for each path parameter while bodies are swept: valid, so the body is at fault. */
    static final Map<String, String> GOOD_PATH_VALUES = Map.of("queue", "sweep", "id",
            "no-such-order", "name", "ROOT");

    private BadInputSweep() {
    }

    /** One documented operation. */
    record Route(String method, String path, JsonNode operation) {
        JsonNode bodySchema() {
            return operation.at("/requestBody/content/application~1json/schema");
        }

        boolean hasBody() {
            return !bodySchema().isMissingNode();
        }

        boolean bodyRequired() {
            return operation.at("/requestBody/required").asBoolean(false);
        }

        List<JsonNode> queryParams() {
            List<JsonNode> out = new ArrayList<>();
            operation.path("parameters").forEach(p -> {
                if (p.get("in").asText().equals("query")) {
                    out.add(p);
                }
            });
            return out;
        }

        List<String> pathParams() {
            List<String> out = new ArrayList<>();
            operation.path("parameters").forEach(p -> {
                if (p.get("in").asText().equals("path")) {
                    out.add(p.get("name").asText());
                }
            });
            return out;
        }

        /** The path with every parameter given its harmless value. */
        String concrete() {
            String p = path;
            for (Map.Entry<String, String> e : GOOD_PATH_VALUES.entrySet()) {
                p = p.replace("{" + e.getKey() + "}", e.getValue());
            }
            return p;
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every route of the served document. */
    static List<Route> routes(TestExecutor server) throws Exception {
        JsonNode doc = Json.mapper().readTree(server.get(OpenApi.PATH).body());
        List<Route> out = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields()
                .forEachRemaining(o -> out.add(new Route(o.getKey().toUpperCase(), p.getKey(),
                        o.getValue()))));
        return out;
    }

    /** A named bad body. */
    record Body(String what, byte[] bytes) {
        static Body of(String what, String json) {
            return new Body(what, json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return what;
        }
    }

    /**
     * Bodies no route with a declared object body may accept: not JSON, truncated, every
     * non-object value, too deep, non-finite numbers, invalid UTF-8, duplicate keys, and for
     * each declared field values of the wrong type.
     */
    static List<Body> badBodies(Route route) {
        List<Body> out = new ArrayList<>(List.of(
                Body.of("not JSON", "logger=a&level=INFO"),
                Body.of("truncated object", "{\"a\":"),
                Body.of("truncated string", "{\"a\":\"abc"),
                Body.of("only an opening brace", "{"),
                Body.of("null", "null"),
                Body.of("true", "true"),
                Body.of("false", "false"),
                Body.of("a number", "42"),
                Body.of("a negative float", "-1.5e3"),
                Body.of("a string", "\"x\""),
                Body.of("an array", "[]"),
                Body.of("an array of objects", "[{}]"),
                Body.of("whitespace only", "   \n "),
                Body.of("deep nesting", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"),
                Body.of("deep objects", "{\"a\":".repeat(200) + "1" + "}".repeat(200)),
                Body.of("NaN", "{\"a\":NaN}"),
                Body.of("Infinity", "{\"a\":Infinity}"),
                Body.of("a number too long", "{\"a\":1" + "0".repeat(500) + "}"),
                Body.of("duplicate keys", "{\"a\":1,\"a\":2}"),
                Body.of("trailing garbage", "{} x"),
                Body.of("two objects", "{}{}"),
                Body.of("a comment", "{/* hi */}"),
                Body.of("single quotes", "{'a':1}"),
                Body.of("unquoted key", "{a:1}"),
                Body.of("a control character", "{\"a\":\"\u0001\"}"),
                new Body("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"',
                    (byte) 0xC3, (byte) 0x28, '"', '}'}),
                new Body("a lone continuation byte", new byte[] {'{', '"', (byte) 0x80, '"',
                    ':', '1', '}'}),
                new Body("a NUL byte", new byte[] {'{', 0, '}'}),
                new Body("UTF-16", "{}".getBytes(StandardCharsets.UTF_16))));
        JsonNode props = route.bodySchema().path("properties");
        props.fields().forEachRemaining(f -> {
            String name = f.getKey();
            String type = f.getValue().get("type").asText();
            for (String wrong : wrongValues(type)) {
                out.add(Body.of(name + " as " + wrong, "{\"" + name + "\":" + wrong + "}"));
            }
            if (type.equals("array")) {
                out.add(Body.of(name + " holding null", "{\"" + name + "\":[null]}"));
                out.add(Body.of(name + " holding an array", "{\"" + name + "\":[[]]}"));
                f.getValue().path("items").path("properties").fieldNames().forEachRemaining(
                        inner -> out.add(Body.of(name + "[0]." + inner + " as an object",
                                "{\"" + name + "\":[{\"" + inner + "\":{\"x\":{}}}]}")));
            }
            if (f.getValue().has("properties")) {
                f.getValue().get("properties").fieldNames().forEachRemaining(inner -> {
                    out.add(Body.of(name + "." + inner + " as an object", "{\"" + name
                            + "\":{\"" + inner + "\":{\"x\":{}}}}"));
                });
            }
        });
        if (!props.isMissingNode() && props.size() > 0) {
            out.add(Body.of("an unknown field", "{\"noSuchField\":1}"));
        } else if (route.bodySchema().path("additionalProperties").asBoolean(false)) {
            return out; // any object is a valid body: every object above is not bad
        }
        if (route.bodyRequired()) {
            out.add(Body.of("empty", ""));
        }
        return out;
    }

    /** JSON values Jackson will not coerce to a field of {@code type}. */
    private static List<String> wrongValues(String type) {
        return switch (type) {
            case "object" -> List.of("\"x\"", "[1]", "7");
            case "array" -> List.of("\"x\"", "{\"x\":1}", "7");
            default -> List.of("{\"x\":1}", "[[1]]");
        };
    }

    /** Sends {@code body} to the route; the content type as given (null: none). */
    static HttpResponse<String> send(TestExecutor server, String method, String path,
                                     byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return server.send(b);
    }

    /** Never a 5xx; every refusal a problem+json. */
    static void checkAnswer(String what, HttpResponse<String> r) {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isBetween(200, 499);
        if (r.statusCode() >= 400) {
            assertThat(r.headers().firstValue("Content-Type")).as(what).get().asString()
                    .startsWith(Problem.MEDIA_TYPE);
            assertThat(r.body()).as(what).contains("\"type\":\"urn:day9:problem:");
        }
    }

    /** A digest of every file (path and content) under the runtime, audit excluded. */
    static String diskState(Path runtime) {
        try (Stream<Path> files = Files.walk(runtime)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Iterator<Path> it = files.sorted().iterator();
            while (it.hasNext()) {
                Path p = it.next();
                Path rel = runtime.relativize(p);
                if (rel.startsWith("audit")) {
                    continue;
                }
                md.update(rel.toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (Files.isRegularFile(p)) {
                    md.update(Files.readAllBytes(p));
                }
                md.update((byte) 1);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
