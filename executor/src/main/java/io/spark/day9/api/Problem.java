package io.spark.day9.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem detail, the body of every error response
 * ({@code Content-Type: application/problem+json}).
 *
 * @param type       stable URI naming the kind of problem: {@code urn:day9:problem:<slug>}
 * @param title      short, fixed per type
 * @param status     the HTTP status
 * @param detail     what happened this time, for people
 * @param instance   the request path
 * @param requestId  the request id (also in the {@code X-Request-Id} header and the logs)
 * @param errors     for validation problems, each offending field and what is wrong with it
 * @param extensions further members (e.g. {@code retryAfterSeconds}, component health)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
                      String requestId, List<FieldError> errors,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    /** The media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:day9:problem:";

    /**
     * One field at fault.
     *
     * @param field   JSON pointer-ish path ({@code price}, {@code legs[1].qty}) or parameter name
     * @param message what is wrong and what is allowed
     */
    public record FieldError(String field, String message) {
    }

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        errors = errors == null ? List.of() : List.copyOf(errors);
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** A problem of kind {@code slug}. */
    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, null, List.of(),
                Map.of());
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, requestId, fieldErrors,
                extensions);
    }

    public Problem with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(key, value);
        return new Problem(type, title, status, detail, instance, requestId, errors, more);
    }

    Problem at(String path, String id) {
        return new Problem(type, title, status, detail, path, id, errors, extensions);
    }

    @JsonAnyGetter
    Map<String, Object> extensionMembers() {
        return extensions;
    }
}
