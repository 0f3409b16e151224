package io.spark.day9.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the shadow trail's lines for the export with Jackson's streaming parser, taking only
 * the fields the export needs: about ten times cheaper than building a JSON tree and a typed
 * {@code shadow.TrailRecord} per line, which dominated the export's time. The schema's owner
 * stays {@code shadow.TrailRecord} (docs/shadow.md); the field names and defaults here follow
 * it: a missing strategy is {@code default}, a fill without {@code fillAt} uses its {@code ts},
 * a real leg without {@code executedQty} filled nothing. Lines are whole or torn: a line that
 * does not parse (a torn tail) is skipped and counted, like {@code ShadowTrail.read}.
 */
final class TrailScan {
    private static final JsonFactory JSON = new JsonFactory();

    /** The fields of one line the export uses (kinds: order, fill, real; others ignored). */
    static final class Line {
        String kind;
        String ts;
        String orderId;
        String clientOrderId;
        String strategy;
        String symbol;
        String side;
        String type;
        String source;
        double quantity = Double.NaN;
        long decisionAt;
        long createdAt;
        double price = Double.NaN;
        double qty = Double.NaN;
        long fillAt = Long.MIN_VALUE;
        double executedQty = Double.NaN;
        long ackAt = Long.MIN_VALUE;
        double fillsNotional;

        void clear() {
            kind = ts = orderId = clientOrderId = strategy = symbol = side = type = source = null;
            quantity = price = qty = executedQty = Double.NaN;
            decisionAt = createdAt = 0;
            fillAt = ackAt = Long.MIN_VALUE;
            fillsNotional = 0;
        }

        /** {@code fillAt}, else the line's {@code ts}. */
        long fillTime() {
            if (fillAt != Long.MIN_VALUE) {
                return fillAt;
            }
            try {
                return Instant.parse(ts).toEpochMilli();
            } catch (RuntimeException e) {
                return 0;
            }
        }
    }

    /** A line consumer. */
    interface Sink {
        void accept(Line line);
    }

    private TrailScan() {
    }

    /** The trail files of {@code dir} in day order. */
    static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(f -> f.getFileName().toString()
                    .matches("orders-\\d{4}-\\d{2}-\\d{2}\\.ndjson")).sorted().forEach(out::add);
        }
        return out;
    }

    /** Reads one file; returns the number of lines skipped as unreadable. */
    static long read(Path file, Sink sink) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Line line = new Line();
        long skipped = 0;
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i < all.length && all[i] != '\n') {
                continue;
            }
            if (i > start && !blank(all, start, i)) {
                line.clear();
                if (parse(all, start, i - start, line)) {
                    sink.accept(line);
                } else {
                    skipped++;
                }
            }
            start = i + 1;
        }
        return skipped;
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean parse(byte[] b, int off, int len, Line l) {
        try (JsonParser p = JSON.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "kind" -> l.kind = p.getValueAsString();
                    case "ts" -> l.ts = p.getValueAsString();
                    case "orderId" -> l.orderId = p.getValueAsString();
                    case "clientOrderId" -> l.clientOrderId = p.getValueAsString();
                    case "strategy" -> l.strategy = p.getValueAsString();
                    case "symbol" -> l.symbol = p.getValueAsString();
                    case "side" -> l.side = p.getValueAsString();
                    case "type" -> l.type = p.getValueAsString();
                    case "source" -> l.source = p.getValueAsString();
                    case "quantity" -> l.quantity = number(p, v);
                    case "decisionAt" -> l.decisionAt = p.getValueAsLong();
                    case "createdAt" -> l.createdAt = p.getValueAsLong();
                    case "price" -> l.price = number(p, v);
                    case "qty" -> l.qty = number(p, v);
                    case "fillAt" -> l.fillAt = v == JsonToken.VALUE_NULL ? Long.MIN_VALUE
                            : p.getValueAsLong();
                    case "executedQty" -> l.executedQty = number(p, v);
                    case "ackAt" -> l.ackAt = v == JsonToken.VALUE_NULL ? Long.MIN_VALUE
                            : p.getValueAsLong();
                    case "fills" -> l.fillsNotional = fills(p, v);
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A decimal field written as a string or a number; NaN when null, empty or malformed. */
    private static double number(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            String s = p.getText();
            try {
                return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        p.skipChildren();
        return Double.NaN;
    }

    /** A real leg's {@code fills}: the sum of price * qty (NaN when one is malformed). */
    private static double fills(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return 0;
        }
        double sum = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            double price = Double.NaN;
            double qty = Double.NaN;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "price" -> price = number(p, t);
                    case "qty" -> qty = number(p, t);
                    default -> p.skipChildren();
                }
            }
            sum += price * qty;
        }
        return sum;
    }
}
