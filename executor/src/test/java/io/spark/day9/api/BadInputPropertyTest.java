package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.testing.TestExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes as the body of every route that reads one (taken from the OpenAPI document):
 * never a 5xx, every refusal a problem+json that leaves the disk as it was.
 */
class BadInputPropertyTest {
    static Path dir;
    static TestExecutor server;
    static List<BadInputSweep.Route> bodyRoutes;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("day9-bad-input");
        server = TestExecutor.start(dir, Map.of("QUEUE_WORKER_ENABLED", "false"));
        bodyRoutes = BadInputSweep.routes(server).stream()
                .filter(BadInputSweep.Route::hasBody).toList();
    }

    @AfterContainer
    static void stop() throws Exception {
        server.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        // random bytes inside an object's braces reach further into the parser
        Arbitrary<byte[]> braced = random.map(b -> {
            byte[] out = new byte[b.length + 2];
            out[0] = '{';
            System.arraycopy(b, 0, out, 1, b.length);
            out[out.length - 1] = '}';
            return out;
        });
        return Arbitraries.oneOf(random, braced);
    }

    @Property(tries = 300)
    void randomBytesNeverCauseA5xxOrADiskChange(@ForAll("bodies") byte[] body,
                                                @ForAll int which) throws Exception {
        assertThat(bodyRoutes).isNotEmpty();
        BadInputSweep.Route route = bodyRoutes.get(Math.floorMod(which, bodyRoutes.size()));
        Path runtime = dir.resolve("runtime");
        String before = BadInputSweep.diskState(runtime);
        var r = BadInputSweep.send(server, route.method(), route.concrete(), body,
                "application/json");
        BadInputSweep.checkAnswer(route + " with " + body.length + " random bytes", r);
        if (r.statusCode() >= 400) {
            assertThat(BadInputSweep.diskState(runtime)).as(route + " changed the disk")
                    .isEqualTo(before);
        }
    }
}
