package io.spark.day9.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every problem type the service answers with: {@code urn:day9:problem:<slug>}, its statuses
 * and when it happens. The OpenAPI document lists them, the README's error table is checked
 * against them, and a test checks that every {@code Problem.of} slug in the code is here.
 */
public final class ProblemTypes {

    /**
     * One problem type.
     *
     * @param slug     the last part of the type URI
     * @param title    the fixed title
     * @param statuses the HTTP statuses it is answered with
     * @param when     when it happens, for people
     */
    public record Type(String slug, String title, List<Integer> statuses, String when) {
        public Type {
            Objects.requireNonNull(slug, "slug");
            Objects.requireNonNull(title, "title");
            statuses = List.copyOf(statuses);
            Objects.requireNonNull(when, "when");
        }

        /** The full type URI. */
        public String uri() {
            return Problem.TYPE_PREFIX + slug;
        }
    }

    private static final Map<String, Type> ALL = build(
            t("validation", "Invalid request", "a field or parameter is missing, of the wrong "
                    + "type, unknown or out of range, or the body is not the expected shape "
                    + "(named in errors)", 400),
            t("malformed-json", "Malformed JSON", "the body is not JSON", 400),
            t("bad-request", "Bad request", "a request Jetty refuses outright", 400),
            t("unauthorized", "Authentication required", "missing or wrong bearer token", 401),
            t("forbidden", "Forbidden", "the caller's role does not cover the route, or chaos "
                    + "in production", 403),
            t("too-many-auth-failures", "Too many failed authentications", "too many wrong "
                    + "tokens from this address within the window; Retry-After says when", 429),
            t("chaos-injected", "Injected fault", "an error injected by chaos on purpose",
                    500, 502, 503, 504, 429),
            t("chaos-unavailable", "Fault not available", "an exchange fault asked of an "
                    + "executor that follows a real exchange", 409),
            t("not-found", "Not found", "no such route or resource", 404),
            t("method-not-allowed", "Method not allowed", "the route exists for other methods",
                    405),
            t("payload-too-large", "Payload too large", "body over HTTP_MAX_BODY_BYTES", 413),
            t("http-431", "Request Header Fields Too Large", "request headers too large", 431),
            t("queue-full", "Queue full", "the queue is at QUEUE_MAX_PENDING or "
                    + "QUEUE_MAX_BYTES; retry later", 429),
            t("job-too-large", "Job too large", "the job is over QUEUE_MAX_JOB_BYTES", 413),
            t("stale-receipt", "Stale receipt", "the receipt no longer owns the job", 409),
            t("unknown-job", "Unknown job", "no pending job with that id", 404),
            t("queue-storage", "Queue storage unavailable", "the journal cannot be written "
                    + "(disk full, I/O error)", 503),
            t("queue-closed", "Queue closed", "the queue is stopping or stopped", 503),
            t("queue", "Queue error", "any other queue refusal", 409),
            t("too-many-queues", "Too many queues", "a new queue over the queue-count limit",
                    409),
            t("order-rejected", "Order rejected", "an invalid order, with Binance's code and "
                    + "the field", 400),
            t("market-unavailable", "Market unavailable", "the book is not synced; retry later",
                    503),
            t("order-in-progress", "Order in progress", "the same clientOrderId is being "
                    + "placed right now; retry later", 409),
            t("trading-disabled", "Trading disabled", "live and shadow trading are both off",
                    409),
            t("trading-halted", "Trading halted", "an emergency stop covers the order (mode, "
                    + "scope, reason and since in the body); in REDUCING mode only an order that "
                    + "reduces a position passes", 409),
            t("not-stopped", "Not stopped", "a resume named a scope no stop in force has "
                    + "(the detail lists the scopes in force)", 409),
            t("emergency-not-durable", "Emergency state not durable", "the emergency state "
                    + "could not be written (disk full, I/O error); a stop still refuses orders "
                    + "in memory", 503),
            t("shadow-switch-refused", "Shadow switch refused", "shadow execution cannot be "
                    + "switched in this trade mode or state (the detail says why)", 409),
            t("overloaded", "Overloaded", "every ordinary request slot is busy (the slots "
                    + "reserved for the control plane stay free); retry after Retry-After", 503),
            t("snapshot-too-large", "Snapshot too large", "a snapshot's data over "
                    + "SNAPSHOT_MAX_BYTES (named in errors); nothing was written", 413),
            t("snapshot-failed", "Snapshot failed", "the snapshot could not be written (disk "
                    + "full, permission denied, read-only directory, I/O error) or the state "
                    + "could not be captured; nothing that verifies was left behind", 503),
            t("not-ready", "Not ready", "/readyz while starting, stopping or with a component "
                    + "down", 503),
            t("internal", "Internal error", "a bug; the log has the stack trace under the "
                    + "request id", 500));

    private ProblemTypes() {
    }

    /** Every type, in the README's order. */
    public static List<Type> all() {
        return List.copyOf(ALL.values());
    }

    /**
     * The type of {@code slug}.
     *
     * @throws IllegalArgumentException for a slug that is not catalogued
     */
    public static Type of(String slug) {
        Type t = ALL.get(slug);
        if (t == null) {
            throw new IllegalArgumentException("unknown problem type '" + slug + "'; known: "
                    + ALL.keySet());
        }
        return t;
    }

    private static Type t(String slug, String title, String when, int... statuses) {
        return new Type(slug, title, java.util.Arrays.stream(statuses).boxed().toList(), when);
    }

    private static Map<String, Type> build(Type... types) {
        Map<String, Type> m = new LinkedHashMap<>();
        for (Type t : types) {
            m.put(t.slug(), t);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
