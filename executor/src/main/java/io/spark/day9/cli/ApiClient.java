package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.config.Day9Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's way to a running executor: {@code http://HOST:PORT} from the configuration (a
 * wildcard bind is reached on loopback) unless {@code --url} says otherwise, with
 * {@code ADMIN_TOKEN} as the bearer token when set, else {@code API_TOKEN} (the admin role
 * covers every route, so every command works with it).
 */
final class ApiClient {
    private final URI base;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    static ApiClient of(Day9Config config, String url) {
        if (url != null) {
            return new ApiClient(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1)
                    : url), token(config));
        }
        String host = config.server().host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return new ApiClient(URI.create("http://" + host + ":" + config.server().port()),
                token(config));
    }

    private static Optional<String> token(Day9Config config) {
        return config.server().adminToken().or(() -> config.server().apiToken());
    }

    /** An answer: status and parsed JSON body. */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * The problem for an error message, naming the fields at fault when it lists them:
         * {@code HTTP 400 Invalid request: httpErrorPct: must be from 0 to 100, got 150};
         * otherwise its detail, or the body.
         */
        String error() {
            StringBuilder s = new StringBuilder("HTTP " + status);
            if (body.hasNonNull("title")) {
                s.append(" ").append(body.get("title").asText());
            }
            JsonNode errors = body.path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> each = new ArrayList<>();
                errors.forEach(e -> each.add(e.path("field").asText() + ": "
                        + e.path("message").asText()));
                s.append(": ").append(String.join("; ", each));
            } else if (body.hasNonNull("detail")) {
                s.append(": ").append(body.get("detail").asText());
            } else if (!body.isEmpty()) {
                s.append(": ").append(body);
            }
            return s.toString();
        }
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    /** A GET whose body is kept as text (the metrics exposition, load requests). */
    HttpResponse<String> getText(String path) throws IOException, InterruptedException {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("no executor answers at " + base + " (is 'day9 serve' running? "
                    + "use --url to point elsewhere)", e);
        }
    }

    /** The raw text of a GET that must answer 200 (for {@code /metrics}). */
    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = getText(path);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    URI base() {
        return base;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("no executor answers at " + base + " (is 'day9 serve' running? "
                    + "use --url to point elsewhere)", e);
        }
        JsonNode body = r.body().isEmpty() ? Json.mapper().createObjectNode()
                : Json.mapper().readTree(r.body());
        return new Answer(r.statusCode(), body);
    }
}
