package io.spark.day9.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.shadow.OrderRequest.Side;
import io.spark.day9.shadow.OrderRequest.TimeInForce;
import io.spark.day9.shadow.OrderRequest.Type;
import io.spark.day9.shadow.OrderStatus;
import io.spark.day9.shadow.TrailRecord;
import io.spark.day9.tape.TapeRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/** Builds shadow trail and market tape files for export tests, in their on-disk formats. */
final class Fixtures {
    /** 2026-12-05T00:00:00Z. */
    static final long DAY0 = Instant.parse("2026-12-05T00:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static TrailRecord.Order order(String id, long decisionAt, long createdAt, Side side,
                                   String qty, String source) {
        return new TrailRecord.Order(new TrailRecord.Head(createdAt, id, "c-" + id, "alpha",
                "BTCUSDT"), side, Type.LIMIT, TimeInForce.GTC, new BigDecimal("100"),
                new BigDecimal(qty), decisionAt, createdAt, createdAt, null, null, null, 0.0,
                OrderStatus.NEW, null, null, "USDT", source, null);
    }

    static TrailRecord.Fill fill(String id, long at, String price, String qty) {
        return new TrailRecord.Fill(new TrailRecord.Head(at, id, "c-" + id, "alpha", "BTCUSDT"),
                new BigDecimal(price), new BigDecimal(qty), BigDecimal.ZERO, "USDT", "MAKER", at,
                0.0, null, null, null);
    }

    static TrailRecord.Real real(String id, long decisionAt, long ackAt, String price,
                                 String qty) {
        return new TrailRecord.Real(new TrailRecord.Head(ackAt, id, "c-" + id, "alpha",
                "BTCUSDT"), id, decisionAt, 10.0, ackAt - 10, ackAt, (double) (ackAt - decisionAt),
                "FILLED", null, "x-" + id, new BigDecimal(qty), new BigDecimal(price),
                List.of(new TrailRecord.RealFill(price, qty, "0")));
    }

    /** Appends records to the trail file of their day ({@code orders-YYYY-MM-DD.ndjson}). */
    static void trail(Path dir, String day, TrailRecord... records) throws IOException {
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder();
        for (TrailRecord r : records) {
            b.append(JSON.writeValueAsString(r.toMap())).append('\n');
        }
        Files.writeString(dir.resolve("orders-" + day + ".ndjson"), b, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static TapeRecord.Top top(long at, double bid, double ask, double bidQty, double askQty) {
        return new TapeRecord.Top(at, "BTCUSDT", bid, bidQty, ask, askQty);
    }

    static TapeRecord.Trade trade(long at, double qty) {
        return new TapeRecord.Trade(at, "BTCUSDT", 100, qty, false, at);
    }

    /** Writes one tape segment with these records. */
    static void tape(Path dir, String name, TapeRecord... records) throws IOException {
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder();
        for (TapeRecord r : records) {
            b.append(r.line()).append('\n');
        }
        Files.writeString(dir.resolve(name), b, StandardCharsets.US_ASCII);
    }
}
