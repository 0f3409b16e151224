package io.spark.day9.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The running executor, as an experiment sees it: its chaos control plane, its metrics and its
 * JSON endpoints. The CLI implements it over HTTP; tests use a fake. Every method may throw
 * {@link TargetException} (an error answer or no answer).
 */
public interface ChaosTarget {
    /** {@code GET /api/private/chaos}: the chaos state. */
    JsonNode state();

    /** {@code POST /api/private/chaos/toggle} with {@code patch}: the new state. */
    JsonNode toggle(Map<String, Object> patch);

    /** {@code POST /api/private/chaos/off}: every fault off. */
    JsonNode off();

    /** {@code POST /api/private/chaos/flap}: one flap now. */
    JsonNode flap();

    /** {@code POST /api/private/chaos/inject} {@code {"fault": fault}}. */
    JsonNode inject(String fault);

    /** {@code GET /metrics}: the Prometheus text exposition. */
    String metrics();

    /** A GET answered with JSON (a probe). */
    JsonNode getJson(String path);

    /**
     * One GET of load: the status, or 0 when no answer came. Must be safe to call from several
     * threads at once; never throws.
     */
    int load(String path);
}
