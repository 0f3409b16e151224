package io.spark.day9.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.spark.day9.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The OpenAPI 3.1 document of the whole API, generated from the routes' {@link RouteSpec}
 * declarations (no annotations, no reflection over handlers), served at
 * {@value #PATH}. Each operation carries its role ({@code x-day9-role}), its parameters, its
 * body schema, its answers and, per status, the problem types it can answer with
 * ({@code x-day9-problem-types}); {@code components} lists every problem type.
 *
 * <p>Problems every route shares are added here, not declared per route: 401, 403 and 429
 * ({@code too-many-auth-failures}) on private routes; {@code validation},
 * {@code malformed-json} and {@code payload-too-large} on routes with a body;
 * {@code validation} on routes with parameters; {@code chaos-injected} on routes chaos may
 * touch; {@code internal} everywhere.
 */
public final class OpenApi {
    /** Where the document is served. */
    public static final String PATH = "/api/openapi.json";
    private static final String PROBLEM_REF = "#/components/schemas/Problem";

    private OpenApi() {
    }

    /** Adds {@code GET /api/openapi.json}, documenting every route of {@code table}. */
    static void register(RouteTable table) {
        // built on first request, once every route is declared; a race builds it twice, alike
        AtomicReference<byte[]> cached = new AtomicReference<>();
        table.add(RouteSpec.get(PATH, Role.PUBLIC)
                .summary("This document: every route with its role, parameters, body, answers "
                        + "and problem types.")
                .answer(200, "the OpenAPI 3.1 document"), ctx -> {
                    byte[] doc = cached.get();
                    if (doc == null) {
                        doc = Json.mapper().writeValueAsBytes(document(table.specs()));
                        cached.set(doc);
                    }
                    ctx.contentType("application/json").result(doc);
                });
    }

    /** The document for {@code specs}. */
    public static Map<String, Object> document(List<RouteSpec> specs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Day9 executor API", "version", Version.get(),
                "description", "Generated from the route declarations. Roles: public < read < "
                        + "trade < admin; a higher role can call what a lower one can."));
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (RouteSpec spec : specs) {
            paths.computeIfAbsent(spec.path(), p -> new LinkedHashMap<>())
                    .put(spec.method().name().toLowerCase(java.util.Locale.ROOT),
                            operation(spec));
        }
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme",
                "bearer", "description", "READ_TOKEN (read), API_TOKEN (trade) or ADMIN_TOKEN "
                        + "(admin); without API_TOKEN, loopback callers need none")));
        components.put("schemas", Map.of("Problem", problemSchema()));
        doc.put("components", components);
        return doc;
    }

    /** The document as JSON text. */
    public static String json(List<RouteSpec> specs) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(document(specs));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document could not be written", e);
        }
    }

    /** Every problem slug {@code spec} can answer with: its own and the shared ones. */
    public static Set<String> problems(RouteSpec spec) {
        Set<String> out = new LinkedHashSet<>();
        if (spec.body() != null || !spec.query().isEmpty() || !spec.pathParams().isEmpty()) {
            out.add("validation");
        }
        if (spec.body() != null) {
            out.add("malformed-json");
            out.add("payload-too-large");
        }
        out.addAll(spec.problems());
        if (spec.role() != Role.PUBLIC) {
            out.add("unauthorized");
            out.add("too-many-auth-failures");
            out.add("forbidden");
        }
        if (!ChaosRoutes.isControlPlane(spec.path())) {
            out.add("chaos-injected");
        }
        out.add("internal");
        return out;
    }

    private static Map<String, Object> operation(RouteSpec spec) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", operationId(spec));
        op.put("summary", spec.summary());
        op.put("x-day9-role", spec.role().id());
        op.put("security", spec.role() == Role.PUBLIC ? List.of()
                : List.of(Map.of("bearer", List.of())));
        List<Object> params = new ArrayList<>();
        for (String name : spec.pathParams()) {
            params.add(Map.of("name", name, "in", "path", "required", true,
                    "schema", Map.of("type", "string")));
        }
        for (RouteSpec.Param p : spec.query()) {
            params.add(Map.of("name", p.name(), "in", "query", "required", false,
                    "description", p.description(), "schema", p.schema().toJson()));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (spec.body() != null) {
            op.put("requestBody", Map.of("required", spec.bodyRequired(), "content",
                    Map.of("application/json", Map.of("schema", spec.body().toJson()))));
        }
        Map<String, Object> responses = new TreeMap<>();
        spec.answers().forEach((status, what) -> responses.put(String.valueOf(status),
                Map.of("description", what)));
        Map<Integer, List<String>> byStatus = new TreeMap<>();
        for (String slug : problems(spec)) {
            for (int status : ProblemTypes.of(slug).statuses()) {
                byStatus.computeIfAbsent(status, s -> new ArrayList<>())
                        .add(ProblemTypes.of(slug).uri());
            }
        }
        byStatus.forEach((status, types) -> {
            if (responses.containsKey(String.valueOf(status))) {
                return; // a declared answer with this status (e.g. 503 from health) wins
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("description", "a problem: " + String.join(", ", types));
            r.put("content", Map.of(Problem.MEDIA_TYPE, Map.of("schema",
                    Map.of("$ref", PROBLEM_REF))));
            r.put("x-day9-problem-types", types);
            responses.put(String.valueOf(status), r);
        });
        op.put("responses", responses);
        return op;
    }

    private static String operationId(RouteSpec spec) {
        StringBuilder sb = new StringBuilder(spec.method().name().toLowerCase(
                java.util.Locale.ROOT));
        boolean upper = true;
        for (char c : spec.path().toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
                if (c == '{') {
                    sb.append("By");
                }
            }
        }
        return sb.toString();
    }

    private static Map<String, Object> problemSchema() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("type", Map.of("type", "string", "enum", ProblemTypes.all().stream()
                .map(ProblemTypes.Type::uri).toList()));
        props.put("title", Map.of("type", "string"));
        props.put("status", Map.of("type", "integer"));
        props.put("detail", Map.of("type", "string"));
        props.put("instance", Map.of("type", "string"));
        props.put("requestId", Map.of("type", "string"));
        props.put("errors", Map.of("type", "array", "items", Map.of("type", "object",
                "properties", Map.of("field", Map.of("type", "string"),
                        "message", Map.of("type", "string")))));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("description", "RFC 9457 problem detail. Types:\n" + String.join("\n",
                ProblemTypes.all().stream().map(t -> "- " + t.uri() + " (" + t.statuses()
                        .stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                        + "): " + t.when()).toList()));
        schema.put("required", List.of("type", "title", "status"));
        schema.put("properties", props);
        return schema;
    }
}
