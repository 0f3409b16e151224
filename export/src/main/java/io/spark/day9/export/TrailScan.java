package io.spark.day9.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        /** The kind under which a lean parse skipped a string, or null. */
        String leanKind;

        void clear() {
            leanKind = null;
            kind = ts = orderId = clientOrderId = strategy = symbol = side = type = source = null;
            quantity = price = qty = executedQty = Double.NaN;
            decisionAt = createdAt = 0;
            fillAt = ackAt = Long.MIN_VALUE;
            fillsNotional = 0;
        }

        /** Copies {@code o}, sharing repeated small strings through {@code shared}. */
        void copyFrom(Line o, Map<String, String> shared) {
            kind = share(o.kind, shared);
            ts = o.ts;
            orderId = o.orderId;
            clientOrderId = o.clientOrderId;
            strategy = share(o.strategy, shared);
            symbol = share(o.symbol, shared);
            side = share(o.side, shared);
            type = share(o.type, shared);
            source = share(o.source, shared);
            quantity = o.quantity;
            decisionAt = o.decisionAt;
            createdAt = o.createdAt;
            price = o.price;
            qty = o.qty;
            fillAt = o.fillAt;
            executedQty = o.executedQty;
            ackAt = o.ackAt;
            fillsNotional = o.fillsNotional;
        }

        private static String share(String s, Map<String, String> shared) {
            return s == null ? null : shared.computeIfAbsent(s, x -> x);
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
        return read(all, 0, all.length, sink);
    }

    /**
     * Reads the lines of {@code all[from..to)} (a range that starts at a line start and ends
     * after a newline or at the end of the file) into one reused {@link Line}; returns the
     * number of lines skipped as unreadable.
     */
    static long read(byte[] all, int from, int to, Sink sink) {
        Line line = new Line();
        long skipped = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && all[i] != '\n') {
                continue;
            }
            if (i > start && !blank(all, start, i)) {
                line.clear();
                if (parseLean(all, start, i - start, line)) {
                    sink.accept(line);
                } else {
                    skipped++;
                }
            }
            start = i + 1;
        }
        return skipped;
    }

    /** The lines of a range parsed ahead (on another thread), in order, and the skipped count. */
    record Parsed(List<Line> lines, long skipped) {
    }

    /**
     * Parses {@code all[from..to)} like {@link #read(byte[], int, int, Sink)} but into a list of
     * fresh {@link Line}s, so a worker thread can parse while the caller consumes an earlier
     * range: the caller then hands them to its sink in order, and the result is the same as one
     * sequential read. Low-cardinality strings (kind, strategy, symbol, side, type, source) are
     * shared within the range.
     */
    static Parsed parse(byte[] all, int from, int to) {
        List<Line> lines = new ArrayList<>();
        Map<String, String> shared = new HashMap<>();
        long skipped = read(all, from, to, l -> {
            Line copy = new Line();
            copy.copyFrom(l, shared);
            lines.add(copy);
        });
        return new Parsed(lines, skipped);
    }

    /**
     * Cuts {@code all} into {@code parts} ranges at line boundaries: element k is where range k
     * starts (just after a newline, or 0), the last element is {@code all.length}.
     */
    static int[] cuts(byte[] all, int parts) {
        int[] cuts = new int[parts + 1];
        cuts[parts] = all.length;
        for (int k = 1; k < parts; k++) {
            int at = Math.max(cuts[k - 1], (int) ((long) all.length * k / parts));
            while (at < all.length && at > 0 && all[at - 1] != '\n') {
                at++;
            }
            cuts[k] = at;
        }
        return cuts;
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses one line, materialising only the strings its kind uses once the kind is known
     * (an order or real leg skips {@code ts}; a fill skips its client order id, strategy and
     * symbol). Should the kind change after a skip (a repeated {@code kind} key), the line is
     * parsed again in full: the result is always that of {@link #parse(byte[], int, int, Line,
     * boolean) a full parse}.
     */
    private static boolean parseLean(byte[] b, int off, int len, Line l) {
        boolean ok = parse(b, off, len, l, true);
        if (ok && l.leanKind != null && !l.leanKind.equals(l.kind)) {
            l.clear();
            ok = parse(b, off, len, l, false);
        }
        return ok;
    }

    private static boolean parse(byte[] b, int off, int len, Line l, boolean lean) {
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
                    case "ts" -> {
                        if (lean && l.kind != null && !"fill".equals(l.kind)) {
                            l.leanKind = l.kind; // only a fill without fillAt reads ts
                        } else {
                            l.ts = p.getValueAsString();
                        }
                    }
                    case "orderId" -> l.orderId = p.getValueAsString();
                    case "clientOrderId" -> {
                        if (lean && "fill".equals(l.kind)) {
                            l.leanKind = l.kind; // a fill joins its order by orderId only
                        } else {
                            l.clientOrderId = p.getValueAsString();
                        }
                    }
                    case "strategy" -> {
                        if (lean && "fill".equals(l.kind)) {
                            l.leanKind = l.kind; // a fill joins its order by orderId only
                        } else {
                            l.strategy = p.getValueAsString();
                        }
                    }
                    case "symbol" -> {
                        if (lean && "fill".equals(l.kind)) {
                            l.leanKind = l.kind; // a fill joins its order by orderId only
                        } else {
                            l.symbol = p.getValueAsString();
                        }
                    }
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
