package io.spark.day9.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.shadow.OrderRequest.Side;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-identical output across JVMs, not only within one: parquet-java orders a column chunk's
 * encodings by identity hash codes, which differ from one JVM to the next.
 */
class ReproducibleAcrossJvmsTest {
    @TempDir
    Path dir;

    private void dataset() throws IOException {
        List<io.spark.day9.shadow.TrailRecord> records = new ArrayList<>();
        List<io.spark.day9.tape.TapeRecord> tape = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long t = Fixtures.DAY0 + 1_000 + i * 100L;
            records.add(Fixtures.order("o" + i, t, t + 3, i % 2 == 0 ? Side.BUY : Side.SELL,
                    "1", i % 3 == 0 ? "queue" : "http"));
            if (i % 2 == 0) {
                records.add(Fixtures.fill("o" + i, t + 20, "100.5", "0.5"));
            }
            tape.add(Fixtures.top(t - 50, 100 + i % 7, 101 + i % 7, 1 + i % 3, 2));
        }
        Fixtures.trail(dir.resolve("shadow"), "2026-12-05",
                records.toArray(new io.spark.day9.shadow.TrailRecord[0]));
        Fixtures.tape(dir.resolve("tape"), "tape-2026-12-05-000.csv",
                tape.toArray(new io.spark.day9.tape.TapeRecord[0]));
    }

    private void exportInChildJvm(Path out) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"),
                ExportMain.class.getName(), "export", "features", "--from", "2026-12-05",
                "--to", "2026-12-05", "--out", out.toString(), "--shadow-dir",
                dir.resolve("shadow").toString(), "--tape-dir", dir.resolve("tape").toString(),
                "--progress", "never").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(0);
    }

    @Test
    void twoJvmsWriteByteIdenticalFiles() throws Exception {
        dataset();
        exportInChildJvm(dir.resolve("a"));
        exportInChildJvm(dir.resolve("b"));
        for (String f : List.of("date=2026-12-05/part-0.parquet", "schema.json",
                "manifest.json")) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }
    }

    @Test
    void theFooterIsCanonicalWhateverOrderTheWriterChose() throws Exception {
        dataset();
        Path out = dir.resolve("o");
        new FeatureExport().run(new FeatureExport.Params(
                ExportMain.instant("--from", "2026-12-05", false),
                ExportMain.instant("--to", "2026-12-05", true), out,
                FeatureExport.Format.PARQUET, dir.resolve("shadow"), dir.resolve("tape")),
                FeatureExport.Progress.NONE);
        Path file = out.resolve("date=2026-12-05/part-0.parquet");
        byte[] canonical = Files.readAllBytes(file);
        // reverse every encodings list, as another JVM's hash codes might have ordered them
        int len = ByteBuffer.wrap(canonical, canonical.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = canonical.length - 8 - len;
        FileMetaData md = Util.readFileMetaData(new java.io.ByteArrayInputStream(canonical,
                start, len));
        boolean changed = false;
        for (RowGroup rg : md.getRow_groups()) {
            for (ColumnChunk cc : rg.getColumns()) {
                List<Encoding> e = new ArrayList<>(cc.getMeta_data().getEncodings());
                changed |= e.size() > 1;
                Collections.reverse(e);
                cc.getMeta_data().setEncodings(e);
            }
        }
        assertThat(changed).as("some chunk has two encodings").isTrue();
        java.io.ByteArrayOutputStream footer = new java.io.ByteArrayOutputStream();
        Util.writeFileMetaData(md, footer);
        byte[] scrambled = canonical.clone();
        System.arraycopy(footer.toByteArray(), 0, scrambled, start, len);
        assertThat(scrambled).isNotEqualTo(canonical);
        Files.write(file, scrambled);
        ParquetSink.canonicalFooter(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(canonical);
    }
}
