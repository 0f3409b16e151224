package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real child JVM running {@code serve}, stopped with real signals. */
class GracefulShutdownTest {
    @TempDir
    Path dir;
    Process child;
    int port;
    final HttpClient client = HttpClient.newHttpClient();

    private void startChild(Map<String, String> env) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SlowServeMain.class.getName(), dir.resolve("slow-started").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.out").toFile());
        pb.environment().remove("API_TOKEN");
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().putAll(env);
        child = pb.start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> get("/readyz").statusCode() == 200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void signal(String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(child.pid())).start().waitFor();
    }

    @AfterEach
    void killChild() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
    }

    @Test
    void sigtermFinishesInFlightRequestsClosesInReverseOrderAndExitsZero() throws Exception {
        startChild(Map.of("LOG_FORMAT", "json"));
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/slow?ms=1500");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("slow-started")));
        signal("TERM");

        HttpResponse<String> answer = slow.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("done");
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(isRefused()).isTrue();

        List<String> log = Files.readAllLines(dir.resolve("logs/executor.log"),
                StandardCharsets.UTF_8);
        int http = indexOf(log, "stopped http");
        int audit = indexOf(log, "stopped audit");
        assertThat(http).isPositive();
        assertThat(audit).isGreaterThan(http);
        // LOG_FORMAT=json: every line is a JSON object, and request lines carry the request id
        for (String line : log) {
            JsonNode node = Json.mapper().readTree(line);
            assertThat(node.has("formattedMessage")).as(line).isTrue();
        }
        assertThat(log).anySatisfy(l -> assertThat(l).contains("slow request started")
                .contains("\"requestId\""));
    }

    @Test
    void aSecondSignalExitsAtOnce() throws Exception {
        startChild(Map.of("SHUTDOWN_TIMEOUT_MS", "120000"));
        CompletableFuture.runAsync(() -> {
            try {
                get("/slow?ms=60000");
            } catch (Exception e) {
                // the process is killed under it
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("slow-started")));
        signal("TERM");
        assertThat(child.waitFor(1, TimeUnit.SECONDS)).as("still draining after one signal")
                .isFalse();
        signal("TERM");
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(130);
    }

    @Test
    void aBadConfigurationRefusesToStartNamingTheVariable() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Day9Command.class.getName(), "serve").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("CHAOS_HTTP_ERROR_PCT", "150");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out.strip()).isEqualTo(
                "day9: CHAOS_HTTP_ERROR_PCT=150 is invalid: must be an integer from 0 to 100");
    }

    private boolean isRefused() {
        try {
            get("/healthz");
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return e.getCause() instanceof ConnectException;
        } catch (Exception e) {
            return false;
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
