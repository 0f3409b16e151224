package io.spark.day9.api;

import java.util.List;
import java.util.Map;

/**
 * Thrown by handlers and filters to answer with a {@link Problem}. One exception mapper turns it
 * into the response; nothing else writes error bodies. Factories name the stable problem types.
 */
public final class ProblemException extends RuntimeException {
    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    /** Extra response headers ({@code WWW-Authenticate}, {@code Allow}, {@code Retry-After}). */
    public Map<String, String> headers() {
        return headers;
    }

    /** 400: fields failed validation. */
    public static ProblemException validation(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ProblemException(Problem.of("validation", "Invalid request", 400, detail)
                .withErrors(errors));
    }

    /** 400: one field failed validation. */
    public static ProblemException invalidField(String field, String message) {
        return validation(List.of(new Problem.FieldError(field, message)));
    }

    /** 400: the body is not JSON at all. */
    public static ProblemException malformedJson(String detail) {
        return new ProblemException(Problem.of("malformed-json", "Malformed JSON", 400, detail));
    }

    /** 401: no or wrong credentials. */
    public static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of("unauthorized", "Authentication required", 401,
                detail), Map.of("WWW-Authenticate", "Bearer realm=\"day9\""));
    }

    /** 403: authenticated, or not, but not allowed. */
    public static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of("forbidden", "Forbidden", 403, detail));
    }

    /** 404: no such resource or route. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of("not-found", "Not found", 404, detail));
    }

    /** 405: the route exists for other methods. */
    public static ProblemException methodNotAllowed(String detail, String allow) {
        return new ProblemException(Problem.of("method-not-allowed", "Method not allowed", 405,
                detail), allow.isEmpty() ? Map.of() : Map.of("Allow", allow));
    }

    /** 409: the request conflicts with the current state (stale receipt, duplicate). */
    public static ProblemException conflict(String slug, String title, String detail) {
        return new ProblemException(Problem.of(slug, title, 409, detail));
    }

    /** 413: the body is larger than allowed. */
    public static ProblemException payloadTooLarge(long limit) {
        return new ProblemException(Problem.of("payload-too-large", "Payload too large", 413,
                "request body exceeds the limit of " + limit + " bytes").with("limitBytes", limit));
    }
}
