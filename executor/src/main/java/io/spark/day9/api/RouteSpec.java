package io.spark.day9.api;

import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One route's declaration, written next to its handler: method, path, the role it needs, a
 * summary, its body and query parameters, its answers and the problem types it can answer
 * with. The {@link RouteTable} registers the handler from it (with the role check) and the
 * OpenAPI document ({@link OpenApi}) is generated from the same records, so the document, the
 * router and the role table cannot disagree.
 *
 * @param method   HTTP method
 * @param path     Javalin path template, {@code {name}} for a path parameter
 * @param role     the lowest role that may call it; {@link Role#PUBLIC} only outside
 *                 {@code /api/private}
 * @param summary  one sentence for the document
 * @param body     request body schema, or null for none
 * @param bodyRequired whether an empty body is refused
 * @param query    query parameters in order
 * @param answers  success statuses and what they carry
 * @param problems problem type slugs this route can answer with, beyond the common ones
 */
public record RouteSpec(HandlerType method, String path, Role role, String summary, Schema body,
                        boolean bodyRequired, List<Param> query, Map<Integer, String> answers,
                        Set<String> problems) {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    /**
     * A query or path parameter.
     *
     * @param name        its name
     * @param schema      its value's schema (strings and integers here)
     * @param description what it does
     */
    public record Param(String name, Schema schema, String description) {
        public Param {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(description, "description");
        }
    }

    public RouteSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(summary, "summary");
        query = List.copyOf(query);
        answers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answers));
        problems = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(problems));
        boolean isPrivate = path.equals("/api/private") || path.startsWith("/api/private/");
        if (isPrivate == (role == Role.PUBLIC)) {
            throw new IllegalArgumentException(method + " " + path + ": role " + role.id()
                    + (isPrivate ? " is not allowed under /api/private"
                    : " needs a path under /api/private"));
        }
        if (answers.isEmpty()) {
            throw new IllegalArgumentException(method + " " + path + ": no answer declared");
        }
    }

    /** The names of the path's {@code {parameters}}, in order. */
    public List<String> pathParams() {
        List<String> out = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(path);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** {@code GET path}, needing {@code role}. */
    public static Builder get(String path, Role role) {
        return new Builder(HandlerType.GET, path, role);
    }

    /** {@code POST path}, needing {@code role}. */
    public static Builder post(String path, Role role) {
        return new Builder(HandlerType.POST, path, role);
    }

    /** {@code HEAD path}, needing {@code role}. */
    public static Builder head(String path, Role role) {
        return new Builder(HandlerType.HEAD, path, role);
    }

    /** Any HTTP method ({@code PUT}, {@code PATCH}, …), needing {@code role}. */
    public static Builder of(HandlerType method, String path, Role role) {
        if (!method.isHttpMethod()) {
            throw new IllegalArgumentException(method + " is not an HTTP method");
        }
        return new Builder(method, path, role);
    }

    /** {@code DELETE path}, needing {@code role}. */
    public static Builder delete(String path, Role role) {
        return new Builder(HandlerType.DELETE, path, role);
    }

    /** Collects a declaration; {@link RouteTable#add} builds and checks it. */
    public static final class Builder {
        private final HandlerType method;
        private final String path;
        private final Role role;
        private String summary = "";
        private Schema body;
        private boolean bodyRequired;
        private final List<Param> query = new ArrayList<>();
        private final Map<Integer, String> answers = new LinkedHashMap<>();
        private final Set<String> problems = new LinkedHashSet<>();

        private Builder(HandlerType method, String path, Role role) {
            this.method = method;
            this.path = path;
            this.role = role;
        }

        public Builder summary(String text) {
            this.summary = text;
            return this;
        }

        /** A JSON body that must be present. */
        public Builder body(Schema schema) {
            this.body = schema;
            this.bodyRequired = true;
            return this;
        }

        /** A JSON body that may be left empty (defaults apply). */
        public Builder optionalBody(Schema schema) {
            this.body = schema;
            this.bodyRequired = false;
            return this;
        }

        public Builder query(String name, Schema schema, String description) {
            query.add(new Param(name, schema, description));
            return this;
        }

        public Builder answer(int status, String description) {
            answers.put(status, description);
            return this;
        }

        /** Problem type slugs ({@code queue-full}) this route can answer with. */
        public Builder problems(String... slugs) {
            problems.addAll(List.of(slugs));
            return this;
        }

        /** The checked declaration. */
        public RouteSpec build() {
            Map<Integer, String> a = answers.isEmpty() ? Map.of(200, "OK") : answers;
            return new RouteSpec(method, path, role, summary, body, bodyRequired, query, a,
                    problems);
        }
    }
}
