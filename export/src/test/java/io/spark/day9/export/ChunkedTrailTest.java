package io.spark.day9.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.shadow.OrderRequest.Side;
import io.spark.day9.shadow.TrailRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trail parsed in many small chunks (workers parsing ahead of the calling thread) gives
 * the same files, byte for byte, as one chunk: fills before their order, a torn line and
 * real legs joined across chunk boundaries included.
 */
class ChunkedTrailTest {
    @TempDir
    Path dir;

    @Test
    void manySmallChunksWriteTheSameFilesAsOne() throws IOException {
        List<TrailRecord> records = new ArrayList<>();
        List<io.spark.day9.tape.TapeRecord> tape = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long t = Fixtures.DAY0 + 1_000 + i * 100L;
            if (i % 5 == 0) { // a fill written before its order line
                records.add(Fixtures.fill("o" + i, t + 20, "100.5", "0.25"));
            }
            records.add(Fixtures.order("o" + i, t, t + 3, i % 2 == 0 ? Side.BUY : Side.SELL,
                    "1", i % 3 == 0 ? "queue" : "http"));
            if (i % 2 == 0) {
                records.add(Fixtures.fill("o" + i, t + 30, "100.6", "0.5"));
            }
            if (i % 7 == 0) {
                records.add(Fixtures.real("o" + i, t, t + 40, "100.4", "1"));
            }
            tape.add(Fixtures.top(t - 50, 100 + i % 7, 101 + i % 7, 1 + i % 3, 2));
        }
        Path shadow = dir.resolve("shadow");
        Fixtures.trail(shadow, "2026-12-05", records.toArray(new TrailRecord[0]));
        Files.write(shadow.resolve("orders-2026-12-05.ndjson"),
                "{\"kind\":\"order\",\"orderId\":\"torn\n".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        Fixtures.trail(shadow, "2026-12-06", Fixtures.order("late", Fixtures.DAY0 + 86_400_500,
                Fixtures.DAY0 + 86_400_501, Side.BUY, "2", "http"));
        Fixtures.tape(dir.resolve("tape"), "tape-2026-12-05-000.csv",
                tape.toArray(new io.spark.day9.tape.TapeRecord[0]));

        FeatureExport.Result one = export(new FeatureExport(), dir.resolve("one"));
        FeatureExport.Result many = export(new FeatureExport(512), dir.resolve("many"));

        assertThat(one.rows()).isEqualTo(400 + 58 + 1); // orders, real legs (i % 7 == 0), late
        assertThat(one.skippedTrailLines()).isEqualTo(1);
        assertThat(many.rows()).isEqualTo(one.rows());
        assertThat(many.skippedTrailLines()).isEqualTo(one.skippedTrailLines());
        for (String f : List.of("date=2026-12-05/part-0.parquet", "date=2026-12-06/part-0.parquet",
                "schema.json", "manifest.json")) {
            assertThat(Files.readAllBytes(dir.resolve("many").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(f)));
        }
    }

    private FeatureExport.Result export(FeatureExport e, Path out) throws IOException {
        return e.run(new FeatureExport.Params(ExportMain.instant("--from", "2026-12-05", false),
                ExportMain.instant("--to", "2026-12-06", true), out,
                FeatureExport.Format.PARQUET, dir.resolve("shadow"), dir.resolve("tape")),
                FeatureExport.Progress.NONE);
    }
}
