package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.experiment.ChaosTarget;
import io.spark.day9.experiment.TargetException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

/** {@link ChaosTarget} over HTTP through {@link ApiClient}: what {@code day9 chaos run} uses. */
final class HttpChaosTarget implements ChaosTarget {
    private final ApiClient api;

    HttpChaosTarget(ApiClient api) {
        this.api = api;
    }

    @FunctionalInterface
    private interface Call {
        ApiClient.Answer send() throws IOException, InterruptedException;
    }

    private static JsonNode json(Call call) {
        ApiClient.Answer a;
        try {
            a = call.send();
        } catch (IOException e) {
            throw new TargetException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted", e);
        }
        if (!a.ok()) {
            throw new TargetException(a.status(), a.error());
        }
        return a.body();
    }

    @Override
    public JsonNode state() {
        return json(() -> api.get("/api/private/chaos"));
    }

    @Override
    public JsonNode toggle(Map<String, Object> patch) {
        return json(() -> api.post("/api/private/chaos/toggle",
                Json.mapper().writeValueAsString(patch)));
    }

    @Override
    public JsonNode off() {
        return json(() -> api.post("/api/private/chaos/off", "{}"));
    }

    @Override
    public JsonNode flap() {
        return json(() -> api.post("/api/private/chaos/flap", "{}"));
    }

    @Override
    public JsonNode inject(String fault) {
        return json(() -> api.post("/api/private/chaos/inject",
                Json.mapper().writeValueAsString(Map.of("fault", fault))));
    }

    @Override
    public String metrics() {
        try {
            HttpResponse<String> r = api.getText("/metrics");
            if (r.statusCode() != 200) {
                throw new TargetException(r.statusCode(), "GET /metrics answered "
                        + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new TargetException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted", e);
        }
    }

    @Override
    public JsonNode getJson(String path) {
        return json(() -> api.get(path));
    }

    @Override
    public int load(String path) {
        try {
            return api.getText(path).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
