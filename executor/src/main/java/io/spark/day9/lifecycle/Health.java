package io.spark.day9.lifecycle;

import java.util.Map;
import java.util.Objects;

/**
 * One component's health contribution.
 *
 * @param status  UP, DEGRADED (working, but an operator should look) or DOWN
 * @param details small JSON-friendly facts (counts, ages, last error)
 */
public record Health(Status status, Map<String, Object> details) {

    /** Health states, from best to worst. */
    public enum Status {
        UP, DEGRADED, DOWN;

        /** The worse of two states. */
        public Status worst(Status other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    public Health {
        Objects.requireNonNull(status, "status");
        details = Map.copyOf(details);
    }

    public static Health up(Map<String, Object> details) {
        return new Health(Status.UP, details);
    }

    public static Health up() {
        return up(Map.of());
    }

    public static Health degraded(Map<String, Object> details) {
        return new Health(Status.DEGRADED, details);
    }

    public static Health down(Map<String, Object> details) {
        return new Health(Status.DOWN, details);
    }
}
