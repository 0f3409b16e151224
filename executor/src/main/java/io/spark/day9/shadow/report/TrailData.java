package io.spark.day9.shadow.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.shadow.OrderStatus;
import io.spark.day9.shadow.ShadowTrail;
import io.spark.day9.shadow.TrailRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shadow trail ({@code orders-YYYY-MM-DD.ndjson}, format in docs/shadow.md; the records are
 * {@link TrailRecord}s, shared with the executor that writes them) read back and joined per
 * order: the {@code order} record, its {@code fill}s, its {@code cancel} or
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
            return !TrailRecord.Real.ERROR.equals(status);
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
        OrderStatus end; // CANCELED or EXPIRED once the trail says so
        Real real;

        Order(TrailRecord.Order r) {
            orderId = r.head().orderId();
            clientOrderId = r.head().clientOrderId();
            strategy = r.head().strategy();
            symbol = r.head().symbol();
            buy = r.side() != io.spark.day9.shadow.OrderRequest.Side.SELL;
            quantity = r.quantity();
            decisionAt = r.decisionAt();
            ackAt = r.ackAt();
            latencyMs = r.latencyMs() != null ? r.latencyMs() : Math.max(0, ackAt - decisionAt);
            arrivalMid = r.arrivalMid();
        }

        BigDecimal executed() {
            return fills.stream().map(Fill::qty).reduce(BigDecimal.ZERO, BigDecimal::add);
        }

        /** Final status as the trail knows it. */
        OrderStatus result() {
            if (end != null) {
                return end;
            }
            int c = quantity == null ? 1 : executed().compareTo(quantity);
            if (c >= 0 && !fills.isEmpty()) {
                return OrderStatus.FILLED;
            }
            return fills.isEmpty() ? OrderStatus.NEW : OrderStatus.PARTIALLY_FILLED;
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
                node -> TrailRecord.parse(node).ifPresent(r -> d.accept(r, realsByOrder)));
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

    private void accept(TrailRecord record, Map<String, Real> realsByOrder) {
        if (record instanceof TrailRecord.Order r) {
            String id = r.head().orderId();
            if (id != null && !orders.containsKey(id)) {
                orders.put(id, new Order(r));
            }
        } else if (record instanceof TrailRecord.Fill r) {
            String id = r.head().orderId();
            Order o = id == null ? null : orders.get(id);
            if (o != null && r.price() != null && r.qty() != null) {
                o.fills.add(new Fill(r.price(), r.qty(), r.fillAt()));
            }
        } else if (record instanceof TrailRecord.End r) {
            String id = r.head().orderId();
            Order o = id == null ? null : orders.get(id);
            if (o != null) {
                o.end = r.status();
            }
        } else if (record instanceof TrailRecord.Reject r) {
            rejects.add(new Reject(r.head().strategy(), r.head().at()));
        } else if (record instanceof TrailRecord.Real r && r.head().orderId() != null) {
            // (a real line without a shadow order is an emergency flatten: no A/B pair)
            String id = r.head().orderId();
            realsByOrder.put(String.valueOf(id), new Real(id, r.pairId() != null ? r.pairId()
                    : id, r.head().strategy(), r.decisionAt(), r.status(),
                    orZero(r.executedQty()), r.avgPrice(), r.latencyMs()));
        }
    }

    private static BigDecimal orZero(BigDecimal d) {
        return d == null ? BigDecimal.ZERO : d;
    }
}
