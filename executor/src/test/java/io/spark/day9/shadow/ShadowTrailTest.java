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

    @Test
    void aWriteOnlyAcceptsItsLinesAndTheLeaderPutsThemOnDisk(@TempDir Path dir) throws Exception {
        // write() runs under the shadow executor's lock: it must not touch the file, or an
        // append waiting on the file system's journal would stall every order behind that lock
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            ShadowTrail.Ticket first = trail.write(List.of(record("a")));
            ShadowTrail.Ticket second = trail.write(List.of(record("b"), record("c")));
            assertThat(ids(dir)).isEmpty();
            trail.awaitDurable(first); // one force covers everything accepted so far
            assertThat(ids(dir)).containsExactly("a", "b", "c");
            trail.awaitDurable(second);
            assertThat(ids(dir)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void closeWritesWhatIsStillPending(@TempDir Path dir) throws Exception {
        ShadowTrail trail = new ShadowTrail(dir, Json.mapper());
        trail.write(List.of(record("a")));
        trail.close();
        assertThat(ids(dir)).containsExactly("a");
    }

    @Test
    void aTornLastLineFromACrashIsSkippedAndNotGluedOnto(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("orders-2026-12-01.ndjson"),
                "{\"kind\":\"order\",\"ts\":\"2026-12-01T10:00:00Z\",\"orderId\":\"old\"}\n"
                        + "{\"kind\":\"ord");
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            trail.append(List.of(record("new")));
        }
        List<String> seen = new java.util.ArrayList<>();
        ShadowTrail.ReadResult r = ShadowTrail.read(dir, Json.mapper(),
                n -> seen.add(n.path("orderId").asText()));
        assertThat(seen).containsExactly("old", "new");
        assertThat(r.skippedLines()).isEqualTo(1);
    }

    private static Map<String, Object> record(String id) {
        return Map.of("kind", "order", "ts", "2026-12-01T12:00:00Z", "orderId", id);
    }

    private static List<String> ids(Path dir) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        ShadowTrail.read(dir, Json.mapper(), n -> out.add(n.path("orderId").asText()));
        return out;
    }
}
