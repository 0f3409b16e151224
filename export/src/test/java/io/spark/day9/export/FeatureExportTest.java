package io.spark.day9.export;

import static io.spark.day9.export.Fixtures.DAY0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.spark.day9.shadow.OrderRequest.Side;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export on a constructed dataset where a value observed at or after the decision would
 * change every feature, read back with DuckDB (an independent Parquet reader) and as CSV.
 */
class FeatureExportTest {
    @TempDir
    Path dir;
    Path shadow;
    Path tape;
    static final long T = DAY0 + 20_000; // the decision

    @BeforeEach
    void dataset() throws IOException {
        shadow = dir.resolve("shadow");
        tape = dir.resolve("tape");
        Fixtures.tape(tape, "tape-2026-12-05-000.csv",
                Fixtures.top(DAY0 + 1_000, 100, 102, 1, 1),
                Fixtures.top(DAY0 + 5_000, 104, 106, 1, 1),      // mid 105: as of t-10s
                Fixtures.trade(DAY0 + 9_999, 50),                 // before the window
                Fixtures.trade(DAY0 + 15_000, 2),
                Fixtures.top(DAY0 + 19_990, 109, 111, 3, 1),     // mid 110: the last before t
                Fixtures.trade(DAY0 + 19_999, 3),
                Fixtures.top(T, 199, 201, 9, 1),                  // mid 200 at t: not a feature
                Fixtures.trade(T, 100),                           // at t: not a feature
                Fixtures.top(DAY0 + 20_500, 299, 301, 1, 1),     // mid 300: as of t+1s
                Fixtures.top(DAY0 + 29_000, 119, 121, 1, 1),     // mid 120: as of t+10s
                Fixtures.trade(DAY0 + 35_000, 1));
        // a later segment of the same day, written after a restart
        Fixtures.tape(tape, "tape-2026-12-05-001.csv",
                Fixtures.top(DAY0 + 86_399_000, 500, 502, 1, 1));
        Fixtures.trail(shadow, "2026-12-05",
                Fixtures.order("s1", T, T + 5, Side.BUY, "1", "http"),
                Fixtures.order("s2", T, T + 250, Side.SELL, "2", "queue"),
                Fixtures.fill("s1", T + 100, "111", "0.25"),
                Fixtures.fill("s1", T + 300, "113", "0.25"),
                Fixtures.real("s1", T, T + 40, "112", "1"),
                Fixtures.order("late", DAY0 + 86_399_500, DAY0 + 86_399_501, Side.BUY, "1",
                        "http"));
        Fixtures.trail(shadow, "2026-12-06",
                Fixtures.order("next", DAY0 + 86_400_000 + 5, DAY0 + 86_400_000 + 6, Side.BUY,
                        "1", "http"));
    }

    private FeatureExport.Result export(Path out, FeatureExport.Format format, String from,
                                        String to) throws IOException {
        return new FeatureExport().run(new FeatureExport.Params(
                ExportMain.instant("--from", from, false), ExportMain.instant("--to", to, true),
                out, format, shadow, tape), FeatureExport.Progress.NONE);
    }

    @Test
    void featuresUseOnlyTheTapeStrictlyBeforeTheDecisionAndLabelsOnlyLaterData()
            throws Exception {
        Path out = dir.resolve("out");
        FeatureExport.Result r = export(out, FeatureExport.Format.PARQUET, "2026-12-05",
                "2026-12-05");
        assertThat(r.rows()).isEqualTo(4); // s1 shadow + real, s2, late; "next" is out of range
        List<Map<String, Object>> rows = duckdb(
                "SELECT * FROM read_parquet('" + out + "/*/*.parquet', hive_partitioning=true)"
                        + " ORDER BY decision_at, order_id, leg");
        Map<String, Object> s1 = rows.get(0);
        assertThat(s1.get("order_id")).isEqualTo("s1");
        assertThat(s1.get("leg")).isEqualTo("real");
        Map<String, Object> s1shadow = rows.get(1);
        assertThat(s1shadow.get("leg")).isEqualTo("shadow");
        for (Map<String, Object> row : List.of(s1, s1shadow)) {
            // the top at 19 990 (mid 110), never the one at t (mid 200) or after
            assertThat((Double) row.get("mid")).isEqualTo(110.0);
            assertThat((Double) row.get("spread")).isEqualTo(2.0);
            assertThat((Double) row.get("imbalance")).isEqualTo(0.5);
            assertThat(row.get("book_age_ms")).isEqualTo(10L);
            assertThat((Double) row.get("ret_10s")).isCloseTo(110.0 / 105 - 1, within(1e-12));
            assertThat((Double) row.get("vol_10s"))
                    .isCloseTo(Math.abs(Math.log(110.0 / 105)), within(1e-12));
            assertThat(row.get("trades_10s")).isEqualTo(2L); // 15 000 and 19 999
            assertThat((Double) row.get("trade_qty_10s")).isEqualTo(5.0);
            assertThat((Double) row.get("mtm_ret_1s")).isCloseTo(300.0 / 110 - 1, within(1e-12));
            assertThat((Double) row.get("mtm_ret_10s"))
                    .isCloseTo(120.0 / 110 - 1, within(1e-12));
            // nothing new by t + 60 s: the top as of then is still the one at 29 000
            assertThat((Double) row.get("mtm_ret_60s"))
                    .isCloseTo(120.0 / 110 - 1, within(1e-12));
            assertThat(row.get("date").toString()).isEqualTo("2026-12-05");
            assertThat(row.get("strategy")).isEqualTo("alpha");
            assertThat(row.get("side")).isEqualTo("BUY");
            assertThat(row.get("type")).isEqualTo("LIMIT");
            assertThat(row.get("queue_wait_ms")).isEqualTo(0L);
        }
        assertThat((Double) s1shadow.get("fill_ratio")).isEqualTo(0.5);
        assertThat(s1shadow.get("fill_latency_ms")).isEqualTo(100L);
        assertThat((Double) s1shadow.get("avg_fill_price")).isEqualTo(112.0);
        assertThat((Double) s1shadow.get("slippage_bps"))
                .isCloseTo((112.0 - 110) / 110 * 1e4, within(1e-9));
        assertThat((Double) s1.get("fill_ratio")).isEqualTo(1.0);
        assertThat(s1.get("fill_latency_ms")).isEqualTo(40L);

        Map<String, Object> s2 = rows.get(2);
        assertThat(s2.get("order_id")).isEqualTo("s2");
        assertThat(s2.get("source")).isEqualTo("queue");
        assertThat(s2.get("queue_wait_ms")).isEqualTo(250L);
        assertThat((Double) s2.get("fill_ratio")).isEqualTo(0.0);
        assertThat(s2.get("fill_latency_ms")).isNull();
        assertThat(s2.get("slippage_bps")).isNull();
        // a sell gains when the mid falls: the sign follows the side
        assertThat((Double) s2.get("mtm_ret_1s")).isCloseTo(-(300.0 / 110 - 1), within(1e-12));
        assertThat(((java.time.OffsetDateTime) s2.get("decision_at")).toInstant())
                .isEqualTo(Instant.ofEpochMilli(T));

        Map<String, Object> late = rows.get(3);
        assertThat(late.get("order_id")).isEqualTo("late");
        assertThat((Double) late.get("mid")).isEqualTo(501.0); // the restart's segment
        // the tape ends at 86 399 000, before late's t + 1 s: unknown, not zero
        assertThat(late.get("mtm_ret_1s")).isNull();
        assertThat(late.get("mtm_ret_60s")).isNull();
    }

    @Test
    void outputIsPartitionedByUtcDayWithSchemaAndManifest() throws Exception {
        Path out = dir.resolve("out");
        FeatureExport.Result r = export(out, FeatureExport.Format.PARQUET, "2026-12-05",
                "2026-12-06");
        assertThat(r.rows()).isEqualTo(5);
        assertThat(out.resolve("date=2026-12-05/part-0.parquet")).exists();
        assertThat(out.resolve("date=2026-12-06/part-0.parquet")).exists();
        assertThat(out.resolve("schema.json")).exists();
        String manifest = Files.readString(out.resolve("manifest.json"));
        assertThat(manifest).contains("orders-2026-12-05.ndjson", "orders-2026-12-06.ndjson",
                "tape-2026-12-05-000.csv", "tape-2026-12-05-001.csv",
                FeatureExport.sha256(shadow.resolve("orders-2026-12-05.ndjson")),
                FeatureExport.sha256(tape.resolve("tape-2026-12-05-000.csv")),
                "\"from\" : \"2026-12-05T00:00:00Z\"", "\"to\" : \"2026-12-07T00:00:00Z\"",
                "day9Version", "date=2026-12-06/part-0.parquet");
        List<Map<String, Object>> counts = duckdb("SELECT date, count(*) AS n FROM read_parquet('"
                + out + "/*/*.parquet', hive_partitioning=true) GROUP BY date ORDER BY date");
        assertThat(counts).hasSize(2);
        assertThat(counts.get(0).get("n")).isEqualTo(4L);
        assertThat(counts.get(1).get("n")).isEqualTo(1L);
        // the schema the file declares is the one schema.json describes
        List<Map<String, Object>> cols = duckdb("SELECT name FROM parquet_schema('" + out
                + "/date=2026-12-05/part-0.parquet') WHERE name <> 'day9_features'");
        assertThat(cols.stream().map(m -> m.get("name")).toList()).containsExactlyElementsOf(
                Column.ALL.stream().map(Column::name).toList());
    }

    @Test
    void sameInputsGiveByteIdenticalFiles() throws Exception {
        for (FeatureExport.Format f : FeatureExport.Format.values()) {
            Path a = dir.resolve("a-" + f);
            Path b = dir.resolve("b-" + f);
            export(a, f, "2026-12-05", "2026-12-06");
            export(b, f, "2026-12-05", "2026-12-06");
            Map<String, byte[]> fa = files(a);
            Map<String, byte[]> fb = files(b);
            assertThat(fa.keySet()).hasSize(4).isEqualTo(fb.keySet());
            for (String k : fa.keySet()) {
                assertThat(fb.get(k)).as(k).isEqualTo(fa.get(k));
            }
        }
    }

    @Test
    void csvHoldsTheSameRows() throws Exception {
        Path out = dir.resolve("csv");
        export(out, FeatureExport.Format.CSV, "2026-12-05", "2026-12-05");
        List<String> lines = Files.readAllLines(out.resolve("date=2026-12-05/part-0.csv"));
        assertThat(lines.get(0)).isEqualTo(String.join(",",
                Column.ALL.stream().map(Column::name).toList()));
        assertThat(lines).hasSize(5);
        List<Map<String, Object>> rows = duckdb("SELECT * FROM read_csv('" + out
                + "/date=2026-12-05/part-0.csv', header=true) ORDER BY decision_at, order_id,"
                + " leg");
        assertThat(rows.get(1).get("order_id")).isEqualTo("s1");
        assertThat(((Number) rows.get(1).get("mid")).doubleValue()).isEqualTo(110.0);
        assertThat(((Number) rows.get(2).get("queue_wait_ms")).longValue()).isEqualTo(250L);
        assertThat(rows.get(2).get("fill_latency_ms")).isNull();
        assertThat(((Number) rows.get(0).get("decision_at")).longValue()).isEqualTo(T);
    }

    @Test
    void aTornTapeTailIsSkippedAndCounted() throws Exception {
        Files.writeString(tape.resolve("tape-2026-12-05-001.csv"),
                "B,1,BTCUSDT,1,1,2,1\nB,2,BTCUS", java.nio.file.StandardOpenOption.APPEND);
        FeatureExport.Result r = export(dir.resolve("o"), FeatureExport.Format.CSV,
                "2026-12-05", "2026-12-05");
        assertThat(r.skippedTapeLines()).isEqualTo(1);
        assertThat(r.rows()).isEqualTo(4);
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    static List<Map<String, Object>> duckdb(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<Map<String, Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }
}
