package io.spark.day9.tape;

import io.spark.day9.fs.SecureFiles;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.time.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market tape: a compact, bounded record of the market over time (top of book and trades,
 * each with the time the executor observed it), so that an offline reader (the feature export)
 * can ask "what did the executor know at instant t?" without looking into the future.
 *
 * <h2>On-disk format</h2>
 * Segments {@code TAPE_DIR/tape-YYYY-MM-DD-NNN.csv}: the UTC day of the records inside and a
 * sequence number from 000 within the day. Plain ASCII, one record a line, fields separated by
 * commas, no header, every line ended by {@code \n}:
 * <pre>{@code
 *   B,<atMs>,<symbol>,<bid>,<bidQty>,<ask>,<askQty>         top of book
 *   T,<atMs>,<symbol>,<price>,<qty>,<S|B>,<tradeTimeMs>    trade
 * }</pre>
 * {@code atMs} is the executor's clock at observation (epoch ms, UTC); numbers are plain
 * decimals without exponent; {@code S} marks a trade whose seller was the taker (buyer maker),
 * {@code B} one whose buyer was; {@code tradeTimeMs} is the exchange's own time, kept for the
 * record only. A typical line is 40 to 60 bytes.
 *
 * <h2>Commit rule and crash safety</h2>
 * Each sampling period's lines are written with one {@code write} (so they reach the page cache
 * together); a segment is forced when it is rolled and at stop. A crash can therefore lose the
 * last unforced periods, and can leave a torn last line: {@link #read} skips a last line that
 * has no {@code \n} (and any malformed line) and counts it. A restart never appends to an
 * existing segment: it opens the next sequence number, so a torn tail stays at a file's end.
 *
 * <h2>Bounds</h2>
 * <ul>
 *   <li>Write rate: every {@code TAPE_MIN_INTERVAL_MS} the tape samples each symbol's synced
 *       book and writes a top-of-book line only when price or quantity changed since the last
 *       one; so at most {@code 1000 / TAPE_MIN_INTERVAL_MS} top lines per symbol per second.
 *       Trades are buffered between samples up to {@link TapeConfig#maxTradesPerTick()} per
 *       period; more are dropped and counted ({@link #dropped()}).</li>
 *   <li>Size: a segment rolls at the UTC day's end or past {@code TAPE_SEGMENT_BYTES}.</li>
 *   <li>Age: {@link #retainedKind()} hands the segments to the shared retention with their own
 *       policy ({@code TAPE_RETENTION_DAYS}, {@code TAPE_KEEP_LAST}); a segment's age is taken
 *       from the end of the UTC day in its name (never its mtime), and the segment being
 *       written is never deleted.</li>
 * </ul>
 *
 * <p>Threading: {@link #onMarketEvent} may be called from any thread (it only queues);
 * sampling and every write run on the tape's scheduler lane, one at a time.
 */
public final class MarketTape implements Component {
    private static final Logger log = LoggerFactory.getLogger(MarketTape.class);
    /** The segment file name: day and sequence. */
    static final Pattern FILE_NAME = Pattern.compile("tape-(\\d{4}-\\d{2}-\\d{2})-(\\d{3,})\\.csv");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);
    /** Powers of ten exactly representable as doubles (the line parser's fast path). */
    static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** The retention kind's name. */
    public static final String KIND = "tape";

    private final TapeConfig config;
    private final MarketData market;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private final ConcurrentLinkedQueue<TapeRecord.Trade> trades = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, TapeRecord.Top> lastTop = new HashMap<>();
    private Scheduler.Lane lane;
    // the open segment (lane only, and stop after the lane ended)
    private FileChannel channel;
    private String day;
    private long segmentSize;
    private volatile Path current;
    private volatile String failure;

    public MarketTape(TapeConfig config, MarketData market, LongSupplier clock,
                      Scheduler scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.market = Objects.requireNonNull(market, "market");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public String name() {
        return "tape";
    }

    @Override
    public void start() throws IOException {
        if (!config.enabled()) {
            return;
        }
        SecureFiles.ensureDirectory(config.dir());
        lane = scheduler.lane("tape");
        Duration period = Duration.ofMillis(config.minIntervalMs());
        lane.every(period, period, this::tick);
    }

    @Override
    public void stop() throws Exception {
        Scheduler.Lane l = lane;
        if (l == null) {
            return;
        }
        l.close();
        l.awaitTermination(Duration.ofSeconds(5));
        synchronized (this) {
            closeSegment();
        }
    }

    @Override
    public Health health() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("enabled", config.enabled());
        d.put("records", records.get());
        d.put("bytes", bytes.get());
        d.put("droppedTrades", dropped.get());
        String f = failure;
        if (f != null) {
            d.put("lastError", f);
            return Health.degraded(d);
        }
        return Health.up(d);
    }

    /** Queues a trade print for the next sample (other events are ignored). Any thread. */
    public void onMarketEvent(MarketEvent e) {
        if (!(e instanceof MarketEvent.TradePrint t) || lane == null) {
            return;
        }
        if (queued.incrementAndGet() > config.maxTradesPerTick()) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        trades.add(new TapeRecord.Trade(clock.getAsLong(), t.symbol(), t.price().doubleValue(),
                t.qty().doubleValue(), t.buyerMaker(), t.time()));
    }

    /** Records written since start. */
    public long records() {
        return records.get();
    }

    /** Bytes written since start. */
    public long bytes() {
        return bytes.get();
    }

    /** Trades dropped by the per-period cap since start. */
    public long dropped() {
        return dropped.get();
    }

    /** One sampling period: queued trades, then each changed top of book, in one write. */
    synchronized void tick() {
        StringBuilder out = new StringBuilder(256);
        long first = -1;
        TapeRecord.Trade t;
        while ((t = trades.poll()) != null) {
            queued.decrementAndGet();
            first = first < 0 ? t.at() : first;
            out.append(t.line()).append('\n');
            records.incrementAndGet();
        }
        long now = clock.getAsLong();
        for (String symbol : market.symbols()) {
            BookView v = market.book(symbol, 1).orElse(null);
            if (v == null || !v.synced() || v.bids().isEmpty() || v.asks().isEmpty()) {
                continue;
            }
            PriceLevel b = v.bids().get(0);
            PriceLevel a = v.asks().get(0);
            TapeRecord.Top top = new TapeRecord.Top(now, symbol, b.price().doubleValue(),
                    b.qty().doubleValue(), a.price().doubleValue(), a.qty().doubleValue());
            TapeRecord.Top last = lastTop.get(symbol);
            if (last != null && last.bid() == top.bid() && last.ask() == top.ask()
                    && last.bidQty() == top.bidQty() && last.askQty() == top.askQty()) {
                continue; // unchanged: nothing to write
            }
            lastTop.put(symbol, top);
            first = first < 0 ? now : first;
            out.append(top.line()).append('\n');
            records.incrementAndGet();
        }
        if (out.isEmpty()) {
            return;
        }
        try {
            append(first, out.toString().getBytes(StandardCharsets.US_ASCII));
            failure = null;
        } catch (IOException e) {
            failure = e.toString();
            log.warn("market tape: write failed in {}: {}", config.dir(), e.toString());
            closeSegment();
        }
    }

    /** Writes one period's lines to the segment of {@code at}'s UTC day, rolling as needed. */
    private void append(long at, byte[] lines) throws IOException {
        String d = DAY.format(Instant.ofEpochMilli(at));
        if (channel == null || !d.equals(day) || segmentSize + lines.length
                > config.segmentBytes() && segmentSize > 0) {
            roll(d);
        }
        ByteBuffer buf = ByteBuffer.wrap(lines);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        segmentSize += lines.length;
        bytes.addAndGet(lines.length);
    }

    /** Forces and closes the open segment and opens the day's next sequence number. */
    private void roll(String d) throws IOException {
        closeSegment();
        int seq = 0;
        for (Path p : segments(config.dir())) {
            Matcher m = FILE_NAME.matcher(p.getFileName().toString());
            if (m.matches() && m.group(1).equals(d)) {
                seq = Math.max(seq, Integer.parseInt(m.group(2)) + 1);
            }
        }
        Path file = config.dir().resolve(String.format("tape-%s-%03d.csv", d, seq));
        SecureFiles.ensureFile(file);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        SecureFiles.fsyncDirectory(config.dir());
        day = d;
        segmentSize = 0;
        current = file;
    }

    private void closeSegment() {
        FileChannel c = channel;
        channel = null;
        day = null;
        current = null;
        if (c == null) {
            return;
        }
        try {
            c.force(false);
        } catch (IOException e) {
            log.warn("market tape: force failed: {}", e.toString());
        } finally {
            try {
                c.close();
            } catch (IOException e) {
                log.warn("market tape: close failed: {}", e.toString());
            }
        }
    }

    /** The segment being written, or null. */
    public Path currentSegment() {
        return current;
    }

    /**
     * The tape's {@link RetainedKind} for the shared retention: every segment in {@code TAPE_DIR},
     * dated (segments carry no header) at the end of the UTC day in its name, the latest time a
     * record inside may have, so a segment goes only once all of its records are older than
     * {@code TAPE_RETENTION_DAYS}; the open segment pinned; one group, so the newest segment is
     * always kept.
     */
    public RetainedKind retainedKind() {
        return retainedKind(config.dir(), config.retention(), this::currentSegment);
    }

    /** A tape retained kind for {@code dir} ({@code open} names the segment in use, or null). */
    public static RetainedKind retainedKind(Path dir, RetentionPolicy policy,
                                            java.util.function.Supplier<Path> open) {
        return new RetainedKind() {
            @Override
            public String kind() {
                return KIND;
            }

            @Override
            public RetentionPolicy policy() {
                return policy;
            }

            @Override
            public List<RetainedFile> candidates() throws IOException {
                List<RetainedFile> out = new ArrayList<>();
                Path pinned = open.get();
                for (Path p : segments(dir)) {
                    Matcher m = FILE_NAME.matcher(p.getFileName().toString());
                    m.matches();
                    // the end of its UTC day: the latest time a record inside may have
                    Instant created = LocalDate.parse(m.group(1)).plusDays(1)
                            .atStartOfDay(ZoneOffset.UTC).toInstant();
                    out.add(new RetainedFile(p, new RetentionPolicy.Candidate(
                            p.getFileName().toString(), KIND, created, true,
                            p.equals(pinned))));
                }
                return out;
            }
        };
    }

    /** Every segment in {@code dir}, in time order (day, then sequence); none when absent. */
    public static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches())
                    .forEach(out::add);
        }
        out.sort((a, b) -> {
            Matcher ma = FILE_NAME.matcher(a.getFileName().toString());
            Matcher mb = FILE_NAME.matcher(b.getFileName().toString());
            ma.matches();
            mb.matches();
            int c = ma.group(1).compareTo(mb.group(1));
            return c != 0 ? c : Integer.compare(Integer.parseInt(ma.group(2)),
                    Integer.parseInt(mb.group(2)));
        });
        return out;
    }

    /** What {@link #read} found. */
    public record ReadResult(int files, long records, long skippedLines) {
    }

    /**
     * Reads every segment of {@code dir} in time order, handing each record to {@code sink}. A
     * last line without {@code \n} (torn by a crash) and malformed lines are skipped and
     * counted. An absent directory reads as empty.
     */
    public static ReadResult read(Path dir, Consumer<TapeRecord> sink) throws IOException {
        List<Path> files = segments(dir);
        Map<String, String> symbols = new HashMap<>();
        long n = 0;
        long skipped = 0;
        for (Path f : files) {
            byte[] all = Files.readAllBytes(f);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] != '\n') {
                    continue;
                }
                if (i > start) {
                    TapeRecord r = TapeRecord.parse(all, start, i, symbols);
                    if (r == null) {
                        skipped++;
                    } else {
                        sink.accept(r);
                        n++;
                    }
                }
                start = i + 1;
            }
            if (start < all.length) {
                skipped++; // torn tail: no newline
                log.warn("market tape {}: skipping a torn last line", f.getFileName());
            }
        }
        return new ReadResult(files.size(), n, skipped);
    }
}
