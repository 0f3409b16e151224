package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trail positions: known at write time, equal to where the reader finds the lines. */
class ShadowTrailPositionTest {
    @TempDir
    Path dir;

    private static Map<String, Object> line(String ts, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "order");
        m.put("ts", ts);
        m.put("orderId", id);
        return m;
    }

    /** Every line the reader finds from {@code from}, as "file@offset=orderId". */
    private List<String> walk(ShadowTrail.Position from) throws Exception {
        List<String> out = new ArrayList<>();
        ShadowTrail.walk(dir, from, (at, bytes, len) -> {
            var node = ShadowTrail.parseLine(Json.mapper(), bytes, len);
            out.add(at.segment() + "@" + at.offset() + "="
                    + (node == null ? "torn" : node.path("orderId").asText()));
            return true;
        });
        return out;
    }

    private static String at(ShadowTrail.Position p, String id) {
        return p.segment() + "@" + p.offset() + "=" + id;
    }

    @Test
    void positionsGivenAtWriteTimeAreWhereTheReaderFindsTheLinesAcrossDaysAndRestarts()
            throws Exception {
        List<String> expected = new ArrayList<>();
        ShadowTrail.Position markAfterA;
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            assertThat(trail.mark()).isEqualTo(ShadowTrail.Position.START);
            ShadowTrail.Ticket a = trail.write(List.of(line("2026-12-01T10:00:00Z", "a")));
            markAfterA = trail.mark();
            ShadowTrail.Ticket b = trail.write(List.of(line("2026-12-01T11:00:00Z", "b"),
                    line("2026-12-01T11:00:00Z", "b2")));
            ShadowTrail.Ticket c = trail.write(List.of(line("2026-12-02T00:00:01Z", "c")));
            trail.awaitDurable(c);
            expected.add(at(a.first(), "a"));
            expected.add(at(b.first(), "b"));
            expected.add(at(c.first(), "c"));
        }
        assertThat(walk(ShadowTrail.Position.START)).filteredOn(s -> !s.endsWith("b2"))
                .containsExactlyElementsOf(expected);
        assertThat(walk(markAfterA)).first().isEqualTo(expected.get(1));
        // a torn last line from a crash: the next line starts after a newline, where promised
        Path day2 = dir.resolve("orders-2026-12-02.ndjson");
        Files.writeString(day2, "{\"kind\":\"order\",\"ts", StandardOpenOption.APPEND);
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            ShadowTrail.Position before = trail.mark();
            assertThat(before.segment()).isEqualTo("orders-2026-12-02.ndjson");
            ShadowTrail.Ticket d = trail.write(List.of(line("2026-12-02T01:00:00Z", "d")));
            trail.awaitDurable(d);
            assertThat(d.first()).isEqualTo(before);
            assertThat(walk(before)).containsExactly(at(d.first(), "d"));
        }
        assertThat(walk(ShadowTrail.Position.START)).contains(expected.get(2),
                "orders-2026-12-02.ndjson@59=torn");
    }

    @Test
    void aPositionBeyondItsFileOrInsideALineIsReported() throws Exception {
        try (ShadowTrail trail = new ShadowTrail(dir, Json.mapper())) {
            trail.append(List.of(line("2026-12-01T10:00:00Z", "a"),
                    line("2026-12-01T10:00:00Z", "b")));
        }
        String file = "orders-2026-12-01.ndjson";
        long size = Files.size(dir.resolve(file));
        ShadowTrail.Walk beyond = ShadowTrail.walk(dir, new ShadowTrail.Position(file,
                size + 100), (at, l, n) -> true);
        assertThat(beyond.fromBeyondEnd()).isTrue();
        List<String> ids = new ArrayList<>();
        ShadowTrail.Walk mid = ShadowTrail.walk(dir, new ShadowTrail.Position(file, 3),
                (at, l, n) -> ids.add(ShadowTrail.parseLine(Json.mapper(), l, n)
                        .path("orderId").asText()));
        assertThat(mid.fromMidLine()).isTrue();
        assertThat(ids).containsExactly("b");
        ShadowTrail.Walk gone = ShadowTrail.walk(dir,
                new ShadowTrail.Position("orders-2026-11-30.ndjson", 5), (at, l, n) -> true);
        assertThat(gone.fromFound()).isFalse();
        assertThat(gone.files()).isEqualTo(1);
        assertThatThrownBy(() -> new ShadowTrail.Position("../x", 0))
                .hasMessageContaining("segment=../x");
    }
}
