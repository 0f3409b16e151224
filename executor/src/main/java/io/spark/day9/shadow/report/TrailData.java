package io.spark.day9.shadow.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.shadow.ShadowTrail;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shadow trail ({@code orders-YYYY-MM-DD.ndjson}, format in docs/shadow.md) read back and
 * joined per order: the {@code order} record, its {@code fill}s, its {@code cancel} or
 * {@code expire}, and the {@code real} leg of an A/B pair (joined by the shadow {@code orderId}
 * the real record carries). {@code reject} records stand alone.
 *
 * <p>Read-only and tolerant: files are read in day order; a line that is not a JSON object (a
 * torn last line from a crash, or a line being written right now) is skipped and counted; a
 * record referring to an order the files do not have is ignored. Cost: one pass, everything in
 * memory (a trail is one line per order event).
 */
final class TrailData {

    /** One fill of a shadow order. */
    record Fill(BigDecimal price, BigDecimal qty, long fillAt) {
    }

    /** The real leg of an A/B pair, as the exchange answered it. */
    record Real(String orderId, String pairId, String strategy, long decisionAt, String status,
                BigDecimal executedQty, BigDecimal avgPrice, Double latencyMs) {
        boolean answered() {
            return !"ERROR".equals(status);
        }
    }

    /** A rejected order (no shadow order id). */
    record Reject(String strategy, long at) {
    }

    /** One shadow order and everything recorded about it. */
    static final class Order {
        final String orderId;
        final String clientOrderId;
        final String strategy;
        final String symbol;
        final boolean buy;
        final BigDecimal quantity;
        final long decisionAt;
        final long ackAt;
        final double latencyMs;
        final BigDecimal arrivalMid;
        final List<Fill> fills = new ArrayList<>();
        String end; // "cancel" or "expire"
        Real real;

        Order(JsonNode r) {
            orderId = r.path("orderId").asText();
            clientOrderId = r.path("clientOrderId").asText(null);
            strategy = r.path("strategy").asText("default");
            symbol = r.path("symbol").asText();
            buy = !"SELL".equals(r.path("side").asText());
            quantity = dec(r, "quantity");
            decisionAt = r.path("decisionAt").asLong();
            ackAt = r.path("ackAt").asLong();
            latencyMs = r.hasNonNull("latencyMs") ? r.path("latencyMs").asDouble()
                    : Math.max(0, ackAt - decisionAt);
            arrivalMid = dec(r, "arrivalMid");
        }

        BigDecimal executed() {
            return fills.stream().map(Fill::qty).reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        /** Final status as the trail knows it. */
        String result() {
            if ("cancel".equals(end)) {
                return "CANCELED";
            }
            if ("expire".equals(end)) {
                return "EXPIRED";
            }
            int c = quantity == null ? 1 : executed().compareTo(quantity);
            if (c >= 0 && !fills.isEmpty()) {
                return "FILLED";
            }
            return fills.isEmpty() ? "NEW" : "PARTIALLY_FILLED";
        }

        /** Fills at or before the ack: what it got at once, comparable with a real answer. */
        List<Fill> immediateFills() {
            return fills.stream().filter(f -> f.fillAt() <= ackAt).toList();
        }

        /** Volume-weighted average price of {@code fills}; null when there are none. */
        static BigDecimal vwap(List<Fill> fills) {
            BigDecimal q = BigDecimal.ZERO;
            BigDecimal quote = BigDecimal.ZERO;
            for (Fill f : fills) {
                q = q.add(f.qty());
                quote = quote.add(f.price().multiply(f.qty()));
            }
            return q.signum() == 0 ? null : quote.divide(q, MathContext.DECIMAL64);
        }
    }

    final Map<String, Order> orders = new LinkedHashMap<>();
    final List<Reject> rejects = new ArrayList<>();
    final List<Real> unmatchedReal = new ArrayList<>();
    int files;
    int skippedLines;

    private TrailData() {
    }

    /** Reads every {@code orders-*.ndjson} file of {@code dir}; an absent directory is empty. */
    static TrailData read(Path dir, ObjectMapper json) throws IOException {
        TrailData d = new TrailData();
        Map<String, Real> realsByOrder = new LinkedHashMap<>();
        ShadowTrail.ReadResult read = ShadowTrail.read(dir, json,
                node -> d.accept(node, realsByOrder));
        d.files = read.files();
        d.skippedLines = read.skippedLines();
        for (Real real : realsByOrder.values()) {
            Order o = d.orders.get(real.orderId());
            if (o != null) {
                o.real = real;
            } else {
                d.unmatchedReal.add(real);
            }
        }
        return d;
    }

    private void accept(JsonNode r, Map<String, Real> realsByOrder) {
        String id = r.path("orderId").asText(null);
        switch (r.path("kind").asText()) {
            case "order" -> {
                if (id != null && !orders.containsKey(id)) {
                    orders.put(id, new Order(r));
                }
            }
            case "fill" -> {
                Order o = id == null ? null : orders.get(id);
                BigDecimal price = dec(r, "price");
                BigDecimal qty = dec(r, "qty");
                if (o != null && price != null && qty != null) {
                    o.fills.add(new Fill(price, qty, r.hasNonNull("fillAt")
                            ? r.path("fillAt").asLong() : epochMs(r)));
                }
            }
            case "cancel", "expire" -> {
                Order o = id == null ? null : orders.get(id);
                if (o != null) {
                    o.end = r.path("kind").asText();
                }
            }
            case "reject" -> rejects.add(new Reject(r.path("strategy").asText("default"),
                    epochMs(r)));
            case "real" -> {
                Double latency = r.hasNonNull("decisionToAckMs")
                        ? r.path("decisionToAckMs").asDouble()
                        : r.hasNonNull("rttMs") ? r.path("rttMs").asDouble() : null;
                realsByOrder.put(String.valueOf(id), new Real(id, r.path("pairId").asText(id),
                        r.path("strategy").asText("default"), r.path("decisionAt").asLong(),
                        r.path("status").asText("ERROR"), orZero(dec(r, "executedQty")),
                        dec(r, "avgPrice"), latency));
            }
            default -> {
                // a kind this reader does not know: newer writer, ignore
            }
        }
    }

    private static long epochMs(JsonNode r) {
        try {
            return Instant.parse(r.path("ts").asText()).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static BigDecimal orZero(BigDecimal d) {
        return d == null ? BigDecimal.ZERO : d;
    }

    static BigDecimal dec(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
