package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.testing.TestExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/openapi.json} documents exactly the routes the running router holds, is a
 * well-formed OpenAPI 3.1 document, and agrees with the README's API, role and error tables.
 */
class OpenApiTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options",
            "head", "patch", "trace");
    private static final Pattern STATUS = Pattern.compile("[1-5][0-9][0-9]");

    @TempDir
    static Path dir;
    static TestExecutor server;
    static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        server = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "QUEUE_WORKER_ENABLED", "false"));
        var r = server.get(OpenApi.PATH);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/json");
        doc = Json.mapper().readTree(r.body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** "GET /path" of every operation in the document. */
    static Set<String> documented(JsonNode document) {
        Set<String> out = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> out.add(m.toUpperCase() + " " + p.getKey())));
        return out;
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() {
        Set<String> registered = new TreeSet<>(server.executor().http().registeredEndpoints());
        assertThat(registered).isNotEmpty();
        assertThat(documented(doc)).isEqualTo(registered);
    }

    @Test
    void theDocumentIsServedWithoutCredentialsAndIsStable() throws Exception {
        assertThat(server.get(OpenApi.PATH).body()).isEqualTo(
                Json.mapper().writeValueAsString(doc));
    }

    @Test
    void theDocumentHasTheStructureOpenApi31Requires() {
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.at("/info/title").asText()).isNotBlank();
        assertThat(doc.at("/info/version").asText()).isNotBlank();
        Set<String> fields = new HashSet<>();
        doc.fieldNames().forEachRemaining(fields::add);
        assertThat(Set.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
                "components", "security", "tags", "externalDocs")).containsAll(fields);
        Set<String> operationIds = new HashSet<>();
        Set<String> problemTypes = new HashSet<>();
        doc.at("/components/schemas/Problem/properties/type/enum")
                .forEach(t -> problemTypes.add(t.asText()));
        assertThat(problemTypes).hasSize(ProblemTypes.all().size());
        doc.get("paths").fields().forEachRemaining(p -> {
            String path = p.getKey();
            assertThat(path).as("path").startsWith("/");
            p.getValue().fields().forEachRemaining(o -> {
                String where = o.getKey() + " " + path;
                assertThat(METHODS).as(where).contains(o.getKey());
                JsonNode op = o.getValue();
                assertThat(operationIds.add(op.get("operationId").asText())).as(where).isTrue();
                assertThat(op.get("summary").asText()).as(where).isNotBlank();
                assertThat(op.get("x-day9-role").asText()).as(where)
                        .isIn("public", "read", "trade", "admin");
                assertThat(op.get("security").isArray()).as(where).isTrue();
                assertThat(op.get("security").isEmpty()).as(where)
                        .isEqualTo(op.get("x-day9-role").asText().equals("public"));
                checkParameters(where, path, op);
                if (op.has("requestBody")) {
                    JsonNode schema = op.at("/requestBody/content/application~1json/schema");
                    assertThat(schema.get("type").asText()).as(where).isEqualTo("object");
                    assertThat(op.at("/requestBody/required").isBoolean()).as(where).isTrue();
                }
                JsonNode responses = op.get("responses");
                assertThat(responses.size()).as(where).isPositive();
                responses.fields().forEachRemaining(r -> {
                    assertThat(r.getKey()).as(where).matches(STATUS);
                    assertThat(r.getValue().get("description").asText()).as(where)
                            .isNotBlank();
                    JsonNode ref = r.getValue()
                            .at("/content/application~1problem+json/schema/$ref");
                    if (!ref.isMissingNode()) {
                        assertThat(ref.asText()).isEqualTo("#/components/schemas/Problem");
                        r.getValue().get("x-day9-problem-types").forEach(t ->
                                assertThat(problemTypes).as(where).contains(t.asText()));
                    }
                });
                assertThat(responses.fieldNames()).toIterable().as(where)
                        .anyMatch(s -> s.startsWith("2"));
            });
        });
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText())
                .isEqualTo("bearer");
    }

    private static void checkParameters(String where, String path, JsonNode op) {
        Set<String> inPath = new HashSet<>();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            inPath.add(m.group(1));
        }
        Set<String> declared = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode p : op.path("parameters")) {
            String in = p.get("in").asText();
            assertThat(in).as(where).isIn("path", "query", "header", "cookie");
            assertThat(seen.add(in + ":" + p.get("name").asText())).as(where).isTrue();
            assertThat(p.get("schema").get("type").asText()).as(where).isNotBlank();
            if (in.equals("path")) {
                assertThat(p.get("required").asBoolean()).as(where).isTrue();
                declared.add(p.get("name").asText());
            }
        }
        assertThat(declared).as(where).isEqualTo(inPath);
    }

    @Test
    void everyPrivateRouteNeedsARoleAndEveryPublicOneIsOutsideThePrivatePrefix() {
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().forEach(op ->
                assertThat(op.get("x-day9-role").asText().equals("public"))
                        .as(p.getKey()).isEqualTo(!p.getKey().startsWith("/api/private"))));
    }

    /** The README's route rows: "METHOD path" to the role column (null when it has none). */
    static Map<String, String> readmeRoutes(String readme) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `(GET|HEAD|POST|DELETE|PUT) ([^`?\\[ ]+)[^`]*` \\| "
                + "([^|]*)\\|").matcher(readme);
        while (m.find()) {
            out.put(m.group(1) + " " + m.group(2), m.group(3).strip());
        }
        return out;
    }

    @Test
    void theReadmeApiTablesListExactlyTheDocumentedRoutesWithTheirRoles() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Map<String, String> rows = readmeRoutes(readme);
        Map<String, String> roles = new LinkedHashMap<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields()
                .forEachRemaining(o -> roles.put(o.getKey().toUpperCase() + " "
                        // the README documents the named-queue twins once, in prose
                        + p.getKey().replace("/queue/{queue}/", "/queue/"),
                        o.getValue().get("x-day9-role").asText())));
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(roles.keySet());
        rows.forEach((route, role) -> assertThat(role).as(route)
                .isEqualTo(roles.get(route)));
    }

    @Test
    void theReadmeErrorTableListsEveryProblemTypeWithItsStatuses() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `urn:day9:problem:([a-z0-9-]+)` \\| ([^|]+)\\|")
                .matcher(readme);
        while (m.find()) {
            rows.put(m.group(1), m.group(2).strip());
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (ProblemTypes.Type t : ProblemTypes.all()) {
            expected.put(t.slug(), String.join(", ", t.statuses().stream()
                    .map(String::valueOf).toList()));
        }
        assertThat(rows).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void everyProblemTypeTheCodeNamesIsCatalogued() throws Exception {
        Pattern named = Pattern.compile("(?:Problem\\.of|problem|conflict)\\(\"([a-z0-9-]+)\"");
        Set<String> slugs = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = named.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    slugs.add(m.group(1));
                }
            }
        }
        assertThat(slugs).contains("validation", "queue-full", "order-rejected");
        List<String> unknown = new ArrayList<>();
        for (String s : slugs) {
            try {
                ProblemTypes.of(s);
            } catch (IllegalArgumentException e) {
                unknown.add(s);
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void aRouteAddedLaterIsInTheDocumentAndTheRouterAlike(@TempDir Path other) throws Exception {
        try (TestExecutor s = TestExecutor.start(other, Map.of("QUEUE_WORKER_ENABLED", "false"),
                r -> r.add(RouteSpec.post("/api/private/later/{thing}", Role.TRADE)
                        .summary("A route a later subsystem adds.")
                        .body(Schema.of(Later.class))
                        .query("n", Schema.integer(), "a number")
                        .answer(200, "nothing"), ctx -> ctx.result("ok")))) {
            JsonNode later = Json.mapper().readTree(s.get(OpenApi.PATH).body());
            assertThat(documented(later)).contains("POST /api/private/later/{thing}")
                    .isEqualTo(new TreeSet<>(s.executor().http().registeredEndpoints()));
            JsonNode op = later.at("/paths/~1api~1private~1later~1{thing}/post");
            assertThat(op.get("x-day9-role").asText()).isEqualTo("trade");
            assertThat(op.at("/requestBody/content/application~1json/schema/properties/count"
                    + "/type").asText()).isEqualTo("integer");
            assertThat(op.at("/responses/400/x-day9-problem-types").toString())
                    .contains("urn:day9:problem:validation");
        }
    }

    /** The body of the later route. */
    record Later(String name, Integer count, List<String> tags) {
    }

    @Test
    void everyRouteDeclaresItsRoleOnceBesideItsDefinition() {
        List<RouteSpec> specs = server.executor().http().routeSpecs();
        Set<String> seen = new HashSet<>();
        for (RouteSpec s : specs) {
            assertThat(seen.add(s.method() + " " + s.path())).as(s.path()).isTrue();
        }
        Iterator<String> it = doc.get("paths").fieldNames();
        assertThat(it.hasNext()).isTrue();
        assertThat(specs).hasSize(documented(doc).size());
    }
}
