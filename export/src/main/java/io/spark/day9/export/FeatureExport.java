package io.spark.day9.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spark.day9.Version;
import io.spark.day9.tape.MarketTape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The point-in-time feature export: one row per order signal (each shadow order, and each real
 * leg of an A/B pair) with features observed strictly before the decision and labels from what
 * happened after it. Reads the shadow trail and the market tape; writes
 * {@code OUT/date=YYYY-MM-DD/part-0.parquet} (or {@code .csv}) by the UTC day of the decision,
 * {@code OUT/schema.json} and {@code OUT/manifest.json}. Column meanings and time rules are in
 * {@link Column#ALL} and docs/export.md.
 *
 * <p>Reproducible: rows are sorted by (decision time, order id, leg); the manifest holds the
 * parameters, the version and every input file with its SHA-256, never a wall-clock time; the
 * Parquet writer's settings are fixed ({@link ParquetSink}). The same inputs and parameters give
 * byte-identical files.
 *
 * <p>Rejected signals (validation failures, no simulated outcome) are not rows.
 */
public final class FeatureExport {
    /** The export format's version, in the manifest and schema. */
    public static final int FORMAT_VERSION = 1;
    /** The feature window: returns, volatility and trade counts look back this far. */
    public static final long WINDOW_MS = 10_000;
    /** The mark-to-market label horizons. */
    public static final long[] HORIZONS_MS = {1_000, 10_000, 60_000};
    /**
     * Worker threads next to the calling one: they parse parts of the trail while the caller
     * reads the trail, then share the feature computation (one more thread hashes the inputs
     * and reads the tape meanwhile).
     */
    static final int WORKERS = Math.max(1, Math.min(3,
            Runtime.getRuntime().availableProcessors() - 1));
    /** The trail is parsed in chunks of about this many bytes (cut at line boundaries). */
    static final int CHUNK_BYTES = 4 << 20;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);

    /** Output formats. */
    public enum Format { PARQUET, CSV }

    /**
     * What to export.
     *
     * @param from      first decision time included (UTC)
     * @param to        first decision time excluded (UTC)
     * @param out       the output directory (absent or empty)
     * @param format    parquet or csv
     * @param shadowDir the shadow trail directory
     * @param tapeDir   the market tape directory
     */
    public record Params(Instant from, Instant to, Path out, Format format, Path shadowDir,
                         Path tapeDir) {
        public Params {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(shadowDir, "shadowDir");
            Objects.requireNonNull(tapeDir, "tapeDir");
            if (!from.isBefore(to)) {
                throw new ExportException("--from (" + from + ") must be before --to (" + to
                        + ")");
            }
        }
    }

    /** What an export wrote. */
    public record Result(long rows, List<Path> files, long skippedTrailLines,
                         long skippedTapeLines) {
    }

    /** Progress callbacks (the CLI's bar); {@link #NONE} ignores them. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** A phase starts with {@code total} steps. */
        default void phase(String name, long total) {
        }

        /** {@code n} more steps done. */
        default void step(long n) {
        }
    }

    private final ObjectMapper json = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, String> interned = new HashMap<>();

    private final int chunkBytes;

    /** An export with the default trail chunk size. */
    public FeatureExport() {
        this(CHUNK_BYTES);
    }

    /** An export parsing the trail in chunks of about {@code chunkBytes} (tests: tiny ones). */
    FeatureExport(int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive, got " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    /** Runs the export. */
    public Result run(Params p, Progress progress) throws IOException {
        if (!Files.isDirectory(p.shadowDir())) {
            throw new ExportException("shadow trail directory " + p.shadowDir()
                    + " does not exist (set --shadow-dir)");
        }
        if (!Files.isDirectory(p.tapeDir())) {
            throw new ExportException("market tape directory " + p.tapeDir()
                    + " does not exist (set --tape-dir; the tape is written while "
                    + "TAPE_ENABLED=true)");
        }
        if (Files.exists(p.out())) {
            if (!Files.isDirectory(p.out())) {
                throw new ExportException("--out " + p.out() + " is a file, not a directory");
            }
            try (Stream<Path> s = Files.list(p.out())) {
                if (s.findAny().isPresent()) {
                    throw new ExportException("--out " + p.out() + " is not empty: export "
                            + "into a new or empty directory");
                }
            }
        }
        List<Path> trailFiles = TrailScan.files(p.shadowDir());
        List<Path> tapeFiles = MarketTape.segments(p.tapeDir());
        ExecutorService pool = workers(WORKERS, "feature-export-worker");
        ExecutorService inputsThread = workers(1, "feature-export-inputs");
        List<Map<String, Object>> inputs = new ArrayList<>();
        TapeIndex tape;
        Rows rows;
        List<FeatureRow> selected;
        try {
            // The workers hash the inputs and read the tape while this thread reads the trail
            // (with a worker parsing part of each trail file ahead); results are joined in
            // input order, so the output is the same as a sequential run's.
            List<Future<Map<String, Object>>> hashes = new ArrayList<>();
            Future<TapeIndex> tapeLoad = inputsThread.submit(() -> TapeIndex.load(p.tapeDir()));
            for (Path f : trailFiles) {
                hashes.add(inputsThread.submit(() -> input("shadow", f)));
            }
            for (Path f : tapeFiles) {
                hashes.add(inputsThread.submit(() -> input("tape", f)));
            }
            progress.phase("read trail", trailFiles.size());
            rows = readTrail(trailFiles, progress, pool);
            selected = rows.selected(p.from().toEpochMilli(), p.to().toEpochMilli());
            progress.phase("read tape", 1);
            tape = join(tapeLoad);
            progress.step(1);
            progress.phase("hash inputs", hashes.size());
            for (Future<Map<String, Object>> h : hashes) {
                inputs.add(join(h));
                progress.step(1);
            }

            progress.phase("compute", selected.size());
            computeAll(selected, tape, pool, progress);
        } finally {
            pool.shutdownNow();
            inputsThread.shutdownNow();
        }

        Files.createDirectories(p.out());
        Map<String, List<FeatureRow>> byDay = new TreeMap<>();
        long day = Long.MIN_VALUE;
        List<FeatureRow> dayRows = null;
        for (FeatureRow r : selected) { // one date format per UTC day, not per row
            long d = Math.floorDiv(r.decisionAt(), 86_400_000L);
            if (d != day || dayRows == null) {
                day = d;
                dayRows = byDay.computeIfAbsent(DAY.format(Instant.ofEpochMilli(
                        d * 86_400_000L)), k -> new ArrayList<>());
            }
            dayRows.add(r);
        }
        progress.phase("write " + p.format().name().toLowerCase(java.util.Locale.ROOT),
                selected.size());
        List<Map<String, Object>> outputs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        String ext = p.format() == Format.PARQUET ? "parquet" : "csv";
        for (Map.Entry<String, List<FeatureRow>> e : byDay.entrySet()) {
            Path dir = p.out().resolve("date=" + e.getKey());
            Files.createDirectories(dir);
            Path file = dir.resolve("part-0." + ext);
            LongConsumer step = progress::step;
            if (p.format() == Format.PARQUET) {
                ParquetSink.write(file, e.getValue(), step);
            } else {
                CsvSink.write(file, e.getValue(), step);
            }
            files.add(file);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("file", p.out().relativize(file).toString().replace('\\', '/'));
            o.put("rows", e.getValue().size());
            o.put("bytes", Files.size(file));
            o.put("sha256", sha256(file));
            outputs.add(o);
        }
        Path schema = p.out().resolve("schema.json");
        Files.write(schema, json.writeValueAsBytes(schema()));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("kind", "day9-feature-export");
        manifest.put("formatVersion", FORMAT_VERSION);
        manifest.put("day9Version", Version.get());
        manifest.put("writer", p.format() == Format.PARQUET ? ParquetSink.describe()
                : CsvSink.describe());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", p.from().toString());
        params.put("to", p.to().toString());
        params.put("format", ext);
        params.put("windowMs", WINDOW_MS);
        params.put("horizonsMs", HORIZONS_MS);
        manifest.put("parameters", params);
        manifest.put("inputs", inputs);
        Map<String, Object> skipped = new LinkedHashMap<>();
        skipped.put("trailLines", rows.skipped);
        skipped.put("tapeLines", tape.readResult().skippedLines());
        manifest.put("skippedInputLines", skipped);
        manifest.put("rows", selected.size());
        manifest.put("outputs", outputs);
        Map<String, Object> schemaEntry = new LinkedHashMap<>(); // ordered: never Map.of here
        schemaEntry.put("file", "schema.json");
        schemaEntry.put("sha256", sha256(schema));
        manifest.put("schema", schemaEntry);
        Files.write(p.out().resolve("manifest.json"), json.writeValueAsBytes(manifest));
        files.add(schema);
        files.add(p.out().resolve("manifest.json"));
        return new Result(selected.size(), files, rows.skipped,
                tape.readResult().skippedLines());
    }

    /** The schema file's content: every column with its type, role and rule. */
    static Map<String, Object> schema() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", "day9-feature-export-schema");
        s.put("formatVersion", FORMAT_VERSION);
        s.put("partitioning", "date=YYYY-MM-DD (UTC day of decision_at)");
        s.put("parquetSchema", ParquetSink.SCHEMA.toString());
        List<Map<String, Object>> cols = new ArrayList<>();
        for (Column c : Column.ALL) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("type", c.type().name().toLowerCase(java.util.Locale.ROOT));
            m.put("nullable", c.nullable());
            m.put("role", c.role().name().toLowerCase(java.util.Locale.ROOT));
            m.put("description", c.description());
            cols.add(m);
        }
        s.put("columns", cols);
        return s;
    }

    // ---- the trail -----------------------------------------------------------------------

    /** The rows read from the trail, with the fills and real legs joined in. */
    private static final class Rows {
        final Map<String, FeatureRow> shadow = new HashMap<>();
        final List<FeatureRow> real = new ArrayList<>();
        long skipped;

        List<FeatureRow> selected(long from, long to) {
            List<FeatureRow> out = new ArrayList<>();
            for (FeatureRow r : shadow.values()) {
                if (r.decisionAt() >= from && r.decisionAt() < to) {
                    out.add(r);
                }
            }
            for (FeatureRow r : real) {
                FeatureRow twin = shadow.get(r.str(Column.ORDER_ID));
                if (twin != null) {
                    r.strings[Column.SIDE] = twin.strings[Column.SIDE];
                    r.strings[Column.ORDER_TYPE] = twin.strings[Column.ORDER_TYPE];
                    r.strings[Column.SOURCE] = twin.strings[Column.SOURCE];
                    r.doubles[Column.QUANTITY] = twin.doubles[Column.QUANTITY];
                    r.longs[Column.QUEUE_WAIT_MS] = twin.longs[Column.QUEUE_WAIT_MS];
                }
                if (r.decisionAt() >= from && r.decisionAt() < to) {
                    out.add(r);
                }
            }
            out.sort(Comparator.comparingLong(FeatureRow::decisionAt)
                    .thenComparing(r -> r.str(Column.ORDER_ID))
                    .thenComparing(r -> r.str(Column.LEG)));
            return out;
        }
    }

    /**
     * Reads the trail files in order. Each file is cut at line boundaries into chunks of about
     * {@link #CHUNK_BYTES} (or the size given to the constructor); of every {@link #WORKERS} + 1
     * chunks this thread parses and takes the first while the workers parse the others into
     * lists, which this thread then takes in order: the same lines in the same order as a
     * sequential read. At most two rounds of chunks are parsed ahead, so parsed lines die young
     * instead of piling up in the heap.
     */
    private Rows readTrail(List<Path> files, Progress progress, ExecutorService pool)
            throws IOException {
        Rows rows = new Rows();
        int stride = WORKERS + 1;
        for (Path f : files) {
            byte[] all = Files.readAllBytes(f);
            int chunks = all.length < chunkBytes ? 1
                    : (int) Math.min(1 << 16, (all.length + (long) chunkBytes - 1) / chunkBytes);
            int[] cuts = TrailScan.cuts(all, chunks);
            Map<Integer, Future<TrailScan.Parsed>> ahead = new HashMap<>();
            int submitted = 0; // chunks below this were handed out (or are this thread's)
            for (int k = 0; k < chunks; k++) {
                for (; submitted < Math.min(chunks, k + 2 * stride); submitted++) {
                    if (submitted % stride != 0) {
                        int from = cuts[submitted];
                        int to = cuts[submitted + 1];
                        ahead.put(submitted, pool.submit(() -> TrailScan.parse(all, from, to)));
                    }
                }
                if (k % stride == 0) {
                    rows.skipped += TrailScan.read(all, cuts[k], cuts[k + 1],
                            line -> take(rows, line));
                } else {
                    TrailScan.Parsed parsed = join(ahead.remove(k));
                    rows.skipped += parsed.skipped();
                    for (TrailScan.Line line : parsed.lines()) {
                        take(rows, line);
                    }
                }
            }
            progress.step(1);
        }
        return rows;
    }

    /** Computes every row's features and labels, in slices shared with the workers. */
    private static void computeAll(List<FeatureRow> rows, TapeIndex tape, ExecutorService pool,
                                   Progress progress) throws IOException {
        int slices = rows.size() < 10_000 ? 1 : WORKERS + 1;
        List<Future<?>> others = new ArrayList<>();
        for (int k = 1; k < slices; k++) {
            List<FeatureRow> slice = rows.subList(rows.size() * k / slices,
                    rows.size() * (k + 1) / slices);
            others.add(pool.submit(() -> slice.forEach(r -> compute(r, tape))));
        }
        for (FeatureRow r : rows.subList(0, rows.size() / slices)) {
            compute(r, tape);
        }
        for (Future<?> o : others) {
            join(o);
        }
        progress.step(rows.size());
    }

    private static ExecutorService workers(int n, String name) {
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** A worker's result; its failure rethrown as what it was (I/O, export or runtime). */
    private static <T> T join(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("feature export interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    private void take(Rows rows, TrailScan.Line l) {
        if (l.kind == null || l.orderId == null) {
            return;
        }
        switch (l.kind) {
            case "order" -> {
                FeatureRow r = head(l, "shadow", l.decisionAt);
                r.strings[Column.SOURCE] = intern(l.source);
                r.strings[Column.SIDE] = intern(l.side);
                r.strings[Column.ORDER_TYPE] = intern(l.type);
                r.doubles[Column.QUANTITY] = l.quantity;
                r.longs[Column.QUEUE_WAIT_MS] = "queue".equals(l.source)
                        ? Math.max(0, l.createdAt - l.decisionAt) : 0;
                r.doubles[Column.FILLED_QTY] = 0.0;
                FeatureRow earlier = rows.shadow.put(l.orderId, r);
                if (earlier != null) { // fills read before this line, or a repeated line
                    r.doubles[Column.FILLED_QTY] = earlier.doubles[Column.FILLED_QTY];
                    r.notional = earlier.notional;
                    r.firstFillAt = earlier.firstFillAt;
                }
            }
            case "fill" -> {
                FeatureRow r = rows.shadow.computeIfAbsent(l.orderId, id -> {
                    FeatureRow placeholder = new FeatureRow(); // a fill before its order line
                    placeholder.doubles[Column.FILLED_QTY] = 0.0;
                    return placeholder; // no decision time: never selected on its own
                });
                if (Double.isNaN(l.qty) || Double.isNaN(l.price)) {
                    return;
                }
                long at = l.fillTime();
                r.doubles[Column.FILLED_QTY] += l.qty;
                r.notional += l.qty * l.price;
                r.firstFillAt = r.firstFillAt == FeatureRow.NO_LONG ? at
                        : Math.min(r.firstFillAt, at);
            }
            case "real" -> {
                FeatureRow r = head(l, "real", l.decisionAt);
                double filled = Double.isNaN(l.executedQty) ? 0.0 : l.executedQty;
                r.doubles[Column.FILLED_QTY] = filled;
                r.notional = l.fillsNotional;
                if (filled > 0 && l.ackAt != Long.MIN_VALUE) {
                    r.firstFillAt = l.ackAt;
                }
                rows.real.add(r);
            }
            default -> {
            }
        }
    }

    private FeatureRow head(TrailScan.Line l, String leg, long decisionAt) {
        FeatureRow r = new FeatureRow();
        r.strings[Column.ORDER_ID] = l.orderId;
        r.strings[Column.CLIENT_ORDER_ID] = l.clientOrderId;
        r.strings[Column.LEG] = leg;
        r.strings[Column.STRATEGY] = intern(l.strategy == null ? "default" : l.strategy);
        r.strings[Column.SYMBOL] = intern(l.symbol == null ? "" : l.symbol);
        r.longs[Column.DECISION_AT] = decisionAt;
        r.longs[Column.QUEUE_WAIT_MS] = 0;
        return r;
    }

    // ---- features and labels -------------------------------------------------------------

    /**
     * Fills in one row's features (tape strictly before t) and labels (fills, and the tape at
     * t + horizon).
     */
    static void compute(FeatureRow r, TapeIndex tape) {
        long t = r.decisionAt();
        double[] d = r.doubles;
        String symbol = r.str(Column.SYMBOL);
        TapeIndex.Series s = tape.tops(symbol);
        double mid = Double.NaN;
        int i = s == null ? -1 : s.before(t);
        if (i >= 0) {
            mid = s.mid(i);
            d[Column.MID] = mid;
            d[Column.SPREAD] = s.ask[i] - s.bid[i];
            d[Column.SPREAD_BPS] = mid > 0 ? (s.ask[i] - s.bid[i]) / mid * 1e4 : Double.NaN;
            double depth = s.bidQty[i] + s.askQty[i];
            d[Column.IMBALANCE] = depth > 0 ? (s.bidQty[i] - s.askQty[i]) / depth : Double.NaN;
            r.longs[Column.BOOK_AGE_MS] = t - s.at[i];
            int j = s.asOf(t - WINDOW_MS); // at or before t - W, so strictly before t
            if (j >= 0) {
                d[Column.RET_10S] = mid / s.mid(j) - 1;
                d[Column.VOL_10S] = Math.sqrt(Math.max(0, s.cumSq[i] - s.cumSq[j]));
            }
        }
        TapeIndex.Trades tr = tape.trades(symbol);
        r.longs[Column.TRADES_10S] = tr == null ? 0 : tr.count(t - WINDOW_MS, t);
        d[Column.TRADE_QTY_10S] = tr == null ? 0.0 : tr.qty(t - WINDOW_MS, t);

        double sign = "SELL".equals(r.str(Column.SIDE)) ? -1 : 1;
        double filled = d[Column.FILLED_QTY];
        double qty = d[Column.QUANTITY];
        d[Column.FILL_RATIO] = qty > 0 ? filled / qty : Double.NaN;
        if (filled > 0) {
            double avg = r.notional / filled;
            d[Column.AVG_FILL_PRICE] = avg;
            if (!Double.isNaN(mid) && mid > 0 && !Double.isNaN(avg) && avg > 0) {
                d[Column.SLIPPAGE_BPS] = sign * (avg - mid) / mid * 1e4;
            }
            if (r.firstFillAt != FeatureRow.NO_LONG) {
                r.longs[Column.FILL_LATENCY_MS] = Math.max(0, r.firstFillAt - t);
            }
        }
        int[] slots = {Column.MTM_RET_1S, Column.MTM_RET_10S, Column.MTM_RET_60S};
        for (int h = 0; h < HORIZONS_MS.length; h++) {
            long at = t + HORIZONS_MS[h];
            if (s == null || Double.isNaN(mid) || tape.lastAt() < at) {
                continue; // the tape does not reach t + horizon: unknown, not zero
            }
            int k = s.asOf(at);
            d[slots[h]] = sign * (s.mid(k) / mid - 1);
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private String intern(String s) {
        return s == null ? null : interned.computeIfAbsent(s, x -> x);
    }

    private static Map<String, Object> input(String role, Path f) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("file", f.getFileName().toString());
        m.put("bytes", Files.size(f));
        m.put("sha256", sha256(f));
        return m;
    }

    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
