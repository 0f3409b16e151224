package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.metrics.HttpMetrics;
import io.spark.day9.testing.TestExecutor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Never starved": with every ordinary request slot held by a slow request, an ordinary request
 * is shed at once (503 overloaded) and a control-plane request is still served.
 */
class ControlPlaneReserveTest {
    private static final String SLOW = "/api/private/test/slow";
    private static final String CONTROL = "/api/private/emergency/test";

    @Test
    void controlPlaneIsServedWhileEveryOrdinarySlotIsBusy(@TempDir Path dir) throws Exception {
        HttpServer.Threads threads = new HttpServer.Threads(24, 8);
        Semaphore entered = new Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        ApiRoutes routes = r -> {
            r.add(RouteSpec.get(SLOW, Role.READ).summary("Blocks until released."), ctx -> {
                entered.release();
                release.await(30, TimeUnit.SECONDS);
                ctx.result("done");
            });
            r.add(RouteSpec.get(CONTROL, Role.READ).summary("A control-plane path."),
                    ctx -> ctx.result("served"));
        };
        HttpServer server = new HttpServer(TestExecutor.config(dir, Map.of()).server(),
                new AuthPolicy(Optional.of(TestExecutor.TOKEN)), List.of(routes),
                new HttpMetrics(new PrometheusRegistry()), threads);
        server.start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .build();
        try {
            int slots = threads.max() - threads.reserved();
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                slow.add(client.sendAsync(get(server, SLOW), HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(entered.tryAcquire(slots, 30, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> shed = client.send(get(server, SLOW),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
            assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(shed.body()).contains("urn:day9:problem:overloaded");

            HttpResponse<String> control = client.send(get(server, CONTROL),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(control.statusCode()).isEqualTo(200);
            assertThat(control.body()).isEqualTo("served");

            release.countDown();
            for (CompletableFuture<HttpResponse<String>> f : slow) {
                assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            // the slots are given back: an ordinary request passes again
            assertThat(client.send(get(server, SLOW), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            assertThat(server.health().details()).containsEntry("shedOverloaded", 1L);
        } finally {
            release.countDown();
            server.stop();
        }
    }

    private static HttpRequest get(HttpServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + TestExecutor.TOKEN)
                .timeout(Duration.ofSeconds(30)).GET().build();
    }
}
