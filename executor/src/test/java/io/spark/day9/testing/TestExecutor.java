package io.spark.day9.testing;

import io.spark.day9.Executor;
import io.spark.day9.api.ApiRoutes;
import io.spark.day9.config.ConfigLoader;
import io.spark.day9.config.Day9Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A real executor on an ephemeral loopback port, with its runtime in a temp directory. */
public final class TestExecutor implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789abcdef";
    private final Executor executor;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestExecutor(Executor executor) {
        this.executor = executor;
    }

    /** Starts with the given extra environment (PORT=0 and temp dirs are set for you). */
    public static TestExecutor start(Path dir, Map<String, String> env, ApiRoutes... routes)
            throws Exception {
        return new TestExecutor(Executor.start(config(dir, env), Clock.systemUTC(),
                List.of(routes)));
    }

    /**
     * Starts on {@code time}'s manual clock and scheduler: every timer of the executor (chaos,
     * shadow, market, worker heartbeats, the embedded simulator's market) moves only when the
     * test advances {@code time}. Start-up itself waits for real sockets (the first books), so
     * while it runs the clock is advanced in 10 ms steps, each once the start has had 2 ms to
     * finish; afterwards only the test moves it.
     */
    public static TestExecutor start(Path dir, Map<String, String> env, ManualScheduler time,
                                     ApiRoutes... routes) throws Exception {
        Day9Config config = config(dir, env);
        CompletableFuture<Executor> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                started.complete(Executor.start(config, time.clock(), time, List.of(routes)));
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "test-executor-start");
        starter.start();
        while (true) {
            try {
                return new TestExecutor(started.get(2, TimeUnit.MILLISECONDS));
            } catch (TimeoutException notYet) {
                time.advance(Duration.ofMillis(10));
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }
    }

    /** A validated configuration rooted in {@code dir}. */
    public static Day9Config config(Path dir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("PORT", "0");
        all.put("RUNTIME_DIR", dir.resolve("runtime").toString());
        all.put("LOG_DIR", dir.resolve("logs").toString());
        // the market tape writes on its own schedule; tests about it turn it on
        all.put("TAPE_ENABLED", "false");
        all.putAll(env);
        return ConfigLoader.load(all, dir.resolve(".env"));
    }

    public Executor executor() {
        return executor;
    }

    public int port() {
        return executor.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Sends a request built on {@code uri(path)}. */
    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    public HttpResponse<String> post(String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    /**
     * Sends bytes exactly as given over a raw socket (no client-side path normalisation) and
     * returns the whole response text.
     */
    public String raw(String requestHead) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Status code of a raw response. */
    public static int status(String rawResponse) {
        String[] first = rawResponse.split("\r\n", 2)[0].split(" ");
        return first.length > 1 ? Integer.parseInt(first[1]) : -1;
    }

    @Override
    public void close() {
        executor.close();
    }
}
