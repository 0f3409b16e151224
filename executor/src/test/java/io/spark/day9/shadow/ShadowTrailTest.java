package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.api.Json;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowTrailTest {

    @Test
    void concurrentAppendsAreAllDurableOnceAndWholeAfterGroupCommit(@TempDir Path dir)
            throws Exception {
        int threads = 8;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        // a day roll half-way: the waiters of the old file must not hang
                        String ts = i < each / 2 ? "2026-12-01T23:59:59Z" : "2026-12-02T00:00:01Z";
                        trail.append(List.of(Map.of("kind", "order", "ts", ts,
                                "orderId", thread + "-" + i)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS); // every append returned (durable)
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> seen = new HashSet<>();
        int[] lines = new int[1];
        ShadowTrail.read(dir, Json.mapper(), r -> {
            lines[0]++;
            seen.add(r.path("orderId").asText());
        });
        assertThat(lines[0]).isEqualTo(threads * each);
        assertThat(seen).hasSize(threads * each);
    }
}
