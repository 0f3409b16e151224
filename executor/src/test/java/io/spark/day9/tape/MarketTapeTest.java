package io.spark.day9.tape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.retention.RetainedKind.RetainedFile;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarketTapeTest {
    @TempDir
    Path dir;
    /** 2026-12-05T23:59:59Z: one second before a UTC day ends. */
    static final long START = Instant.parse("2026-12-05T23:59:00Z").toEpochMilli();

    /** Books set by the test. */
    static final class Books implements MarketData {
        final Map<String, BookView> books = new ConcurrentHashMap<>();

        void set(String symbol, String bid, String bidQty, String ask, String askQty) {
            books.put(symbol, new BookView(symbol, true, 1, 0,
                    List.of(new PriceLevel(new BigDecimal(bid), new BigDecimal(bidQty))),
                    List.of(new PriceLevel(new BigDecimal(ask), new BigDecimal(askQty))),
                    null, null, null, 0, 1, 1));
        }

        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT", "ETHUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            return Optional.ofNullable(books.get(symbol));
        }

        @Override
        public boolean connected() {
            return true;
        }
    }

    private TapeConfig config(long segmentBytes) {
        return new TapeConfig(true, dir, new RetentionPolicy(7, 1), 100, segmentBytes, 3);
    }

    private static List<TapeRecord> read(Path dir) throws Exception {
        List<TapeRecord> out = new ArrayList<>();
        MarketTape.read(dir, out::add);
        return out;
    }

    @Test
    void topOfBookIsWrittenOnChangeAtMostOncePerPeriod() throws Exception {
        ManualScheduler s = new ManualScheduler(START);
        Books books = new Books();
        MarketTape tape = new MarketTape(config(1 << 20), books, s.millisClock(), s);
        tape.start();
        books.set("BTCUSDT", "100.5", "2", "101", "3");
        s.advance(Duration.ofMillis(100));
        s.advance(Duration.ofMillis(100)); // unchanged: nothing written
        books.set("BTCUSDT", "100.6", "2", "101", "3");
        books.set("BTCUSDT", "100.7", "2", "101", "3"); // two changes in one period: the last
        s.advance(Duration.ofMillis(100));
        tape.stop();
        assertThat(read(dir)).containsExactly(
                new TapeRecord.Top(START + 100, "BTCUSDT", 100.5, 2, 101, 3),
                new TapeRecord.Top(START + 300, "BTCUSDT", 100.7, 2, 101, 3));
        assertThat(Files.readString(MarketTape.segments(dir).get(0)))
                .isEqualTo("B," + (START + 100) + ",BTCUSDT,100.5,2,101,3\n"
                        + "B," + (START + 300) + ",BTCUSDT,100.7,2,101,3\n");
        assertThat(tape.records()).isEqualTo(2);
    }

    @Test
    void tradesAreStampedWhenObservedAndCappedPerPeriod() throws Exception {
        ManualScheduler s = new ManualScheduler(START);
        MarketTape tape = new MarketTape(config(1 << 20), new Books(), s.millisClock(), s);
        tape.start();
        s.advance(Duration.ofMillis(10));
        for (int i = 0; i < 5; i++) { // the cap is 3 per period
            tape.onMarketEvent(new MarketEvent.TradePrint("ETHUSDT", new BigDecimal("2000.25"),
                    new BigDecimal("0.1"), i % 2 == 0, 42));
        }
        s.advance(Duration.ofMillis(90));
        tape.stop();
        assertThat(read(dir)).containsExactly(
                new TapeRecord.Trade(START + 10, "ETHUSDT", 2000.25, 0.1, true, 42),
                new TapeRecord.Trade(START + 10, "ETHUSDT", 2000.25, 0.1, false, 42),
                new TapeRecord.Trade(START + 10, "ETHUSDT", 2000.25, 0.1, true, 42));
        assertThat(tape.dropped()).isEqualTo(2);
    }

    @Test
    void segmentsRollAtTheUtcDayEndAndBySize() throws Exception {
        ManualScheduler s = new ManualScheduler(START);
        Books books = new Books();
        MarketTape tape = new MarketTape(config(4096), books, s.millisClock(), s);
        tape.start();
        for (int i = 0; i < 1200; i++) { // 2 minutes at 100 ms, across midnight
            books.set("BTCUSDT", "100." + i, "1", "200", "1");
            s.advance(Duration.ofMillis(100));
        }
        tape.stop();
        List<String> names = MarketTape.segments(dir).stream()
                .map(p -> p.getFileName().toString()).toList();
        assertThat(names).contains("tape-2026-12-05-000.csv", "tape-2026-12-05-001.csv",
                "tape-2026-12-06-000.csv", "tape-2026-12-06-001.csv");
        for (Path p : MarketTape.segments(dir)) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(4096);
        }
        List<TapeRecord> all = read(dir);
        assertThat(all).hasSize(1200);
        long day2 = Instant.parse("2026-12-06T00:00:00Z").toEpochMilli();
        for (TapeRecord r : read(dir.resolve("none"))) {
            assertThat(r).isNull();
        }
        List<TapeRecord> firstOfDay2 = new ArrayList<>();
        MarketTape.read(dir, r -> {
            if (r.at() >= day2 && firstOfDay2.isEmpty()) {
                firstOfDay2.add(r);
            }
        });
        assertThat(firstOfDay2.get(0).at()).isEqualTo(day2);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).at()).isGreaterThan(all.get(i - 1).at());
        }
    }

    @Test
    void aTornTailIsSkippedAndARestartNeverAppendsToIt() throws Exception {
        ManualScheduler s = new ManualScheduler(START);
        Books books = new Books();
        MarketTape tape = new MarketTape(config(1 << 20), books, s.millisClock(), s);
        tape.start();
        books.set("BTCUSDT", "1", "1", "2", "1");
        s.advance(Duration.ofMillis(100));
        tape.stop();
        Path first = MarketTape.segments(dir).get(0);
        Files.writeString(first, "B,17,BTCUSDT,1,1,2", StandardCharsets.US_ASCII,
                StandardOpenOption.APPEND); // a crash mid-line
        Files.writeString(first, "", StandardOpenOption.APPEND);
        MarketTape.ReadResult r = MarketTape.read(dir, x -> { });
        assertThat(r.records()).isEqualTo(1);
        assertThat(r.skippedLines()).isEqualTo(1);

        MarketTape again = new MarketTape(config(1 << 20), books, s.millisClock(), s);
        again.start();
        books.set("BTCUSDT", "1", "1", "3", "1");
        s.advance(Duration.ofMillis(100));
        again.stop();
        assertThat(MarketTape.segments(dir)).hasSize(2);
        assertThat(read(dir)).extracting(TapeRecord::at).containsExactly(START + 100,
                START + 200);
        assertThat(MarketTape.read(dir, x -> { }).skippedLines()).isEqualTo(1);
    }

    @Test
    void malformedLinesAreSkipped() throws Exception {
        Files.writeString(dir.resolve("tape-2026-12-05-000.csv"),
                "B,1,BTCUSDT,1,1,2,1\nX,2,foo\nT,3,BTCUSDT,1,1,Q,3\nT,4,BTCUSDT,1,oops,S,4\n"
                        + "T,5,BTCUSDT,1.5,2,S,5\n");
        List<TapeRecord> out = new ArrayList<>();
        MarketTape.ReadResult r = MarketTape.read(dir, out::add);
        assertThat(out).containsExactly(new TapeRecord.Top(1, "BTCUSDT", 1, 1, 2, 1),
                new TapeRecord.Trade(5, "BTCUSDT", 1.5, 2, true, 5));
        assertThat(r.skippedLines()).isEqualTo(3);
    }

    @Test
    void retentionDatesSegmentsByTheirUtcDayAndNeverDeletesTheOpenOne() throws Exception {
        for (String d : List.of("2026-11-01", "2026-11-20", "2026-11-28", "2026-12-01")) {
            Files.writeString(dir.resolve("tape-" + d + "-000.csv"), "B,1,BTCUSDT,1,1,2,1\n");
        }
        ManualScheduler s = new ManualScheduler(
                Instant.parse("2026-12-05T12:00:00Z").toEpochMilli());
        Books books = new Books();
        MarketTape tape = new MarketTape(new TapeConfig(true, dir, new RetentionPolicy(7, 1),
                100, 1 << 20, 10), books, s.millisClock(), s);
        tape.start();
        books.set("BTCUSDT", "1", "1", "2", "1");
        s.advance(Duration.ofMillis(100));
        Path open = tape.currentSegment();
        assertThat(open.getFileName().toString()).isEqualTo("tape-2026-12-05-000.csv");

        List<RetainedFile> candidates = tape.retainedKind().candidates();
        assertThat(candidates).hasSize(5);
        RetainedFile nov20 = candidates.stream()
                .filter(f -> f.path().getFileName().toString().contains("2026-11-20"))
                .findFirst().orElseThrow();
        assertThat(nov20.candidate().createdAt())
                .isEqualTo(Instant.parse("2026-11-21T00:00:00Z")); // the end of its day
        assertThat(candidates.stream().filter(f -> f.candidate().pinned())
                .map(RetainedFile::path)).containsExactly(open);

        Retention retention = new Retention(s.clock());
        retention.register(tape.retainedKind());
        assertThat(retention.kinds()).containsExactly("tape");
        // 11-28 ends 6.5 days before now: kept; 11-20 ends 14.5 days before: deleted
        List<Retention.Planned> deleted = retention.apply();
        assertThat(deleted).extracting(p -> p.path().getFileName().toString())
                .containsExactlyInAnyOrder("tape-2026-11-01-000.csv", "tape-2026-11-20-000.csv");
        assertThat(MarketTape.segments(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("tape-2026-11-28-000.csv", "tape-2026-12-01-000.csv",
                        "tape-2026-12-05-000.csv");
        tape.stop();
    }

    @Test
    void theByteParserReadsEveryLineExactlyAsTheTextParser() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        Map<String, String> symbols = new java.util.HashMap<>();
        List<String> lines = new ArrayList<>(List.of("B,1,X,0.1,0.2,0.3,1e5", "B,1,X,1.,2,3,4",
                "B,-5,X,-0.5,0,0.0000000000000000000000001,99999999999999999.5",
                "T,1,X,1,2,S,3", "T,1,X,1,2,SS,3", "B,1,,1,2,3,4", "B,,X,1,2,3,4",
                "B,1,X,1,2,3", "B,1,X,1,2,3,4,5", "B,1,X,-,2,3,4", "B,1,X,1.2.3,2,3,4"));
        for (int i = 0; i < 20_000; i++) {
            double scale = Math.pow(10, rnd.nextInt(-8, 8));
            double px = Math.round(rnd.nextDouble() * 1e6) / 1e6 * scale;
            lines.add(new TapeRecord.Top(rnd.nextLong(0, Long.MAX_VALUE / 2), "S" + (i % 3), px,
                    rnd.nextDouble() * 100, px * 1.0001, rnd.nextDouble()).line());
            lines.add(new TapeRecord.Trade(i, "S", px, rnd.nextDouble(), i % 2 == 0, i).line());
        }
        for (String line : lines) {
            byte[] b = ("#" + line + "\n").getBytes(StandardCharsets.US_ASCII);
            assertThat(TapeRecord.parse(b, 1, b.length - 1, symbols)).as(line)
                    .isEqualTo(TapeRecord.parse(line));
        }
    }

    @Test
    void disabledWritesNothing() throws Exception {
        ManualScheduler s = new ManualScheduler(START);
        Books books = new Books();
        Path sub = dir.resolve("tape");
        MarketTape tape = new MarketTape(new TapeConfig(false, sub, new RetentionPolicy(7, 1),
                100, 1 << 20, 10), books, s.millisClock(), s);
        tape.start();
        books.set("BTCUSDT", "1", "1", "2", "1");
        tape.onMarketEvent(new MarketEvent.TradePrint("BTCUSDT", BigDecimal.ONE, BigDecimal.ONE,
                true, 1));
        s.advance(Duration.ofSeconds(1));
        tape.stop();
        assertThat(sub).doesNotExist();
    }

    @Test
    void settingsAreCheckedNamingTheVariable() {
        assertThatThrownBy(() -> new TapeConfig(true, dir, new RetentionPolicy(7, 1), 5,
                1 << 20, 10)).hasMessageContaining("TAPE_MIN_INTERVAL_MS=5 is invalid");
        assertThatThrownBy(() -> new TapeConfig(true, dir, new RetentionPolicy(7, 1), 100,
                10, 10)).hasMessageContaining("TAPE_SEGMENT_BYTES=10 is invalid");
    }
}
