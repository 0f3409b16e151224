package io.spark.day9.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.config.Day9Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's way to a running executor: {@code http://HOST:PORT} from the configuration (a
 * wildcard bind is reached on loopback) unless {@code --url} says otherwise.
 *
 * <p><b>Token.</b> Each call carries the token its route needs ({@link Tokens}):
 * {@code ADMIN_TOKEN} when set (it is accepted on every route), else {@code API_TOKEN}; a
 * read-only call ({@code GET}) falls back to {@code READ_TOKEN} when that is the only one set.
 *
 * <p><b>No answer.</b> When nothing answers (connection refused, connect timeout, no reply in
 * time) a call throws {@link Unreachable}, whose message is one line naming the URL;
 * {@link Day9Command} prints it and exits 1.
 */
final class ApiClient {
    private final URI base;
    private final Tokens tokens;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(URI base, Tokens tokens) {
        this.base = base;
        this.tokens = tokens;
    }

    /** A client whose every call carries {@code token} (or none). */
    ApiClient(URI base, Optional<String> token) {
        this(base, new Tokens(Optional.empty(), token, Optional.empty()));
    }

    static ApiClient of(Day9Config config, String url) {
        return new ApiClient(baseUri(config, url), Tokens.of(config));
    }

    /** {@code url} without a trailing slash, or {@code http://HOST:PORT} of the configuration. */
    static URI baseUri(Day9Config config, String url) {
        if (url != null) {
            return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        }
        String host = config.server().host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + config.server().port());
    }

    /**
     * The tokens the configuration holds, and which one a call presents.
     *
     * @param admin {@code ADMIN_TOKEN}: admin role, accepted on every route
     * @param trade {@code API_TOKEN}: the trade role
     * @param read  {@code READ_TOKEN}: the read role (GET routes only)
     */
    record Tokens(Optional<String> admin, Optional<String> trade, Optional<String> read) {
        static final Tokens NONE = new Tokens(Optional.empty(), Optional.empty(),
                Optional.empty());

        /**
         * The tokens of a configuration.
         */
        static Tokens of(Day9Config config) {
            return new Tokens(config.server().adminToken(), config.server().apiToken(),
                    config.server().readToken());
        }

        /** The token for a call: admin, else trade, else (read-only calls) read. */
        Optional<String> pick(boolean readOnly) {
            Optional<String> writer = admin.or(() -> trade);
            return readOnly ? writer.or(() -> read) : writer;
        }

        /** Which tokens are set, for messages: {@code set: API_TOKEN} or {@code none set}. */
        String describe() {
            List<String> set = new ArrayList<>();
            admin.ifPresent(t -> set.add("ADMIN_TOKEN"));
            trade.ifPresent(t -> set.add("API_TOKEN"));
            read.ifPresent(t -> set.add("READ_TOKEN"));
            return set.isEmpty() ? "none is set" : "set: " + String.join(", ", set);
        }
    }

    /** Nothing answered at the base URL: the message is the one line to print. */
    static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An answer: status and parsed JSON body. */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * The problem for an error message, at most two lines: status, title, problem type and
         * detail; then the fields at fault when it lists them, e.g.
         * {@code HTTP 400 Invalid request (validation): …} and
         * {@code   httpErrorPct: must be from 0 to 100, got 150}.
         */
        String error() {
            StringBuilder s = new StringBuilder("HTTP " + status);
            if (body.hasNonNull("title")) {
                s.append(" ").append(body.get("title").asText());
            }
            String type = body.path("type").asText("");
            if (!type.isEmpty() && !type.equals("about:blank")) {
                // urn:day9:problem:validation or …/problems/validation: the last segment
                int cut = Math.max(type.lastIndexOf('/'), type.lastIndexOf(':'));
                s.append(" (").append(type.substring(cut + 1)).append(")");
            }
            if (body.hasNonNull("detail")) {
                s.append(": ").append(oneLine(body.get("detail").asText()));
            } else if (!body.isEmpty() && !body.has("title")) {
                s.append(": ").append(oneLine(body.toString()));
            }
            JsonNode errors = body.path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> each = new ArrayList<>();
                errors.forEach(e -> each.add(e.path("field").asText() + ": "
                        + oneLine(e.path("message").asText())));
                String fields = String.join("; ", each);
                if (!s.toString().endsWith(": " + fields)) { // the detail often is that line
                    s.append("\n  ").append(fields);
                }
            }
            return s.toString();
        }

        private static String oneLine(String text) {
            return text.replaceAll("\\s*\\R\\s*", " ").strip();
        }
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path, true).GET());
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        return send(request(path, false).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(request(path, false).DELETE());
    }

    /** A GET whose body is kept as text (the metrics exposition, load requests). */
    HttpResponse<String> getText(String path) throws IOException, InterruptedException {
        return exchange(request(path, true).GET().build());
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

    Tokens tokens() {
        return tokens;
    }

    private HttpRequest.Builder request(String path, boolean readOnly) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30));
        tokens.pick(readOnly).ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private HttpResponse<String> exchange(HttpRequest request)
            throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Unreachable("no executor answers at " + base + " (is 'day9 serve' "
                    + "running? use --url to point elsewhere)", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the executor at " + base + " did not answer "
                    + request.method() + " " + request.uri().getPath() + " within "
                    + request.timeout().map(Duration::toSeconds).orElse(0L) + " s", e);
        } catch (IOException e) {
            if (e instanceof Unreachable) {
                throw e;
            }
            throw new Unreachable("no answer from " + base + " (" + request.method() + " "
                    + request.uri().getPath() + "): " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = exchange(b.build());
        JsonNode body;
        try {
            body = r.body().isEmpty() ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(r.body());
        } catch (JsonProcessingException e) {
            body = Json.mapper().createObjectNode().put("detail", r.body().length() > 200
                    ? r.body().substring(0, 200) + "…" : r.body());
        }
        return new Answer(r.statusCode(), body);
    }
}
