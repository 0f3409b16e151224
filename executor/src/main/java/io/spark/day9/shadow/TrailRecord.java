package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.shadow.OrderRequest.Side;
import io.spark.day9.shadow.OrderRequest.TimeInForce;
import io.spark.day9.shadow.OrderRequest.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One line of the shadow trail ({@code orders-YYYY-MM-DD.ndjson}), typed: the single place that
 * knows the schema. The executor writes these ({@link #toMap()}: the line's fields in their
 * on-disk order, byte for byte as before the types existed), and both its replay and the report
 * read them back with {@link #parse(JsonNode)}.
 *
 * <p>Reading is tolerant, for the report reads trails of any age: a missing or malformed
 * number is null (or 0 for times), a missing strategy is {@code default}, an unknown
 * {@code kind} is no record at all. Field meanings are in docs/shadow.md.
 */
public sealed interface TrailRecord {
    /** The {@code kind} field. */
    Kind kind();

    /** The line as written: field name to value, in on-disk order (nulls included). */
    Map<String, Object> toMap();

    /** The record kinds and their {@code kind} values. */
    enum Kind {
        ORDER, FILL, CANCEL, EXPIRE, REJECT, REAL;

        /** The value written in {@code kind}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> of(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The identity every order-bound line starts with.
     *
     * @param at            the line's time ({@code ts}, ISO-8601 UTC on disk), epoch ms
     * @param orderId       the shadow order id
     * @param clientOrderId the caller's id
     * @param strategy      the strategy tag
     * @param symbol        the symbol
     */
    record Head(long at, String orderId, String clientOrderId, String strategy, String symbol) {
        void writeTo(Kind kind, Map<String, Object> m) {
            m.put("kind", kind.id());
            m.put("ts", Instant.ofEpochMilli(at).toString());
            m.put("orderId", orderId);
            m.put("clientOrderId", clientOrderId);
            m.put("strategy", strategy);
            m.put("symbol", symbol);
        }

        static Head of(JsonNode r) {
            return new Head(epochMs(r), r.path("orderId").asText(null),
                    r.path("clientOrderId").asText(null), r.path("strategy").asText("default"),
                    r.path("symbol").asText());
        }
    }

    /** {@code order}: an accepted order, as it stood at its ack, with the arrival snapshot. */
    record Order(Head head, Side side, Type type, TimeInForce timeInForce, BigDecimal price,
                 BigDecimal quantity, long decisionAt, long createdAt, long ackAt,
                 BigDecimal arrivalMid, BigDecimal arrivalBestBid, BigDecimal arrivalBestAsk,
                 Double latencyMs, OrderStatus status, BigDecimal queueAhead, Long expiresAt,
                 String feeAsset, String source, String pairId) implements TrailRecord {
        @Override
        public Kind kind() {
            return Kind.ORDER;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> r = new LinkedHashMap<>();
            head.writeTo(kind(), r);
            r.put("side", side == null ? null : side.name());
            r.put("type", type == null ? null : type.name());
            r.put("timeInForce", timeInForce == null ? null : timeInForce.name());
            r.put("price", plain(price));
            r.put("quantity", quantity == null ? null : quantity.toPlainString());
            r.put("decisionAt", decisionAt);
            r.put("createdAt", createdAt);
            r.put("ackAt", ackAt);
            r.put("arrivalMid", plain(arrivalMid));
            r.put("arrivalBestBid", plain(arrivalBestBid));
            r.put("arrivalBestAsk", plain(arrivalBestAsk));
            r.put("latencyMs", latencyMs);
            r.put("status", status == null ? null : status.name());
            r.put("queueAhead", plain(queueAhead));
            r.put("expiresAt", expiresAt);
            r.put("feeAsset", feeAsset);
            r.put("source", source);
            r.put("pairId", pairId);
            return r;
        }

        static Order of(JsonNode r) {
            return new Order(Head.of(r), named(Side.class, r, "side"),
                    named(Type.class, r, "type"), named(TimeInForce.class, r, "timeInForce"),
                    dec(r, "price"), dec(r, "quantity"), r.path("decisionAt").asLong(),
                    r.path("createdAt").asLong(), r.path("ackAt").asLong(), dec(r, "arrivalMid"),
                    dec(r, "arrivalBestBid"), dec(r, "arrivalBestAsk"),
                    r.hasNonNull("latencyMs") ? r.path("latencyMs").asDouble() : null,
                    named(OrderStatus.class, r, "status"), dec(r, "queueAhead"),
                    r.hasNonNull("expiresAt") ? r.path("expiresAt").asLong() : null,
                    r.path("feeAsset").asText(null), r.path("source").asText(null),
                    r.path("pairId").asText(null));
        }
    }

    /**
     * {@code fill}: one fill of a shadow order.
     *
     * @param fillAt epoch ms; lines without it use their {@code ts}
     */
    record Fill(Head head, BigDecimal price, BigDecimal qty, BigDecimal fee, String feeAsset,
                String liquidity, long fillAt, double decisionToFillMs, Double slippageBpsVsMid,
                Double slippageBpsVsBest, Double priceImprovementBps) implements TrailRecord {
        @Override
        public Kind kind() {
            return Kind.FILL;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> r = new LinkedHashMap<>();
            head.writeTo(kind(), r);
            r.put("price", price.toPlainString());
            r.put("qty", qty.toPlainString());
            r.put("fee", fee == null ? null : fee.toPlainString());
            r.put("feeAsset", feeAsset);
            r.put("liquidity", liquidity);
            r.put("fillAt", fillAt);
            r.put("decisionToFillMs", decisionToFillMs);
            r.put("slippageBpsVsMid", slippageBpsVsMid);
            r.put("slippageBpsVsBest", slippageBpsVsBest);
            r.put("priceImprovementBps", priceImprovementBps);
            return r;
        }

        static Fill of(JsonNode r) {
            Head head = Head.of(r);
            return new Fill(head, dec(r, "price"), dec(r, "qty"), dec(r, "fee"),
                    r.path("feeAsset").asText(), r.path("liquidity").asText(),
                    r.hasNonNull("fillAt") ? r.path("fillAt").asLong() : head.at(),
                    r.path("decisionToFillMs").asDouble(), number(r, "slippageBpsVsMid"),
                    number(r, "slippageBpsVsBest"), number(r, "priceImprovementBps"));
        }
    }

    /** {@code cancel} or {@code expire}: the order's end, with what was left unfilled. */
    record End(Kind kind, Head head, String reason, BigDecimal remainingQty)
            implements TrailRecord {
        public End {
            if (kind != Kind.CANCEL && kind != Kind.EXPIRE) {
                throw new IllegalArgumentException("an end record is cancel or expire, got "
                        + kind);
            }
        }

        /** The order's status after this record. */
        public OrderStatus status() {
            return kind == Kind.CANCEL ? OrderStatus.CANCELED : OrderStatus.EXPIRED;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> r = new LinkedHashMap<>();
            head.writeTo(kind, r);
            r.put("reason", reason);
            r.put("remainingQty", remainingQty == null ? null : remainingQty.toPlainString());
            return r;
        }

        static End of(Kind kind, JsonNode r) {
            return new End(kind, Head.of(r), r.path("reason").asText(null),
                    dec(r, "remainingQty"));
        }
    }

    /** {@code reject}: an order refused by validation (no shadow order id, nothing simulated). */
    record Reject(Head head, String side, String type, int code, String msg, String field)
            implements TrailRecord {
        @Override
        public Kind kind() {
            return Kind.REJECT;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> r = new LinkedHashMap<>();
            head.writeTo(kind(), r);
            r.put("side", side);
            r.put("type", type);
            r.put("code", code);
            r.put("msg", msg);
            r.put("field", field);
            return r;
        }

        static Reject of(JsonNode r) {
            return new Reject(Head.of(r), r.path("side").asText(null),
                    r.path("type").asText(null), r.path("code").asInt(),
                    r.path("msg").asText(null), r.path("field").asText(null));
        }
    }

    /**
     * {@code real}: the real leg of an A/B pair, as the exchange answered it.
     *
     * @param head            identity; {@code orderId} is the shadow twin's id
     * @param pairId          the pair's id (readers default it to the twin's id)
     * @param decisionAt      the decision's time, epoch ms
     * @param rttMs           the exchange round trip
     * @param sentAt          when the order was sent, epoch ms (null in older trails, which then
 *                        have no {@code ackAt} and {@code decisionToAckMs} either)
     * @param ackAt           {@code sentAt + rttMs}
     * @param decisionToAckMs comparable with the twin's {@code latencyMs}
     * @param status          the exchange's status, or {@code ERROR} when it did not answer
     * @param error           why it did not answer (null when it did)
     * @param exchangeOrderId the exchange's order id (null on error)
     * @param executedQty     what filled ("0" on error)
     * @param avgPrice        volume-weighted fill price (written as is), null without fills
     * @param fills           the exchange's fills
     */
    record Real(Head head, String pairId, long decisionAt, Double rttMs, Long sentAt, Long ackAt,
                Double decisionToAckMs, String status, String error, String exchangeOrderId,
                BigDecimal executedQty, BigDecimal avgPrice, List<RealFill> fills, Side side)
            implements TrailRecord {
        /** The status written when the exchange did not answer. */
        public static final String ERROR = "ERROR";

        public Real {
            fills = fills == null ? List.of() : List.copyOf(fills);
        }

        /** A line without its side (written before issue 14; the twin's side is the leg's). */
        public Real(Head head, String pairId, long decisionAt, Double rttMs, Long sentAt,
                    Long ackAt, Double decisionToAckMs, String status, String error,
                    String exchangeOrderId, BigDecimal executedQty, BigDecimal avgPrice,
                    List<RealFill> fills) {
            this(head, pairId, decisionAt, rttMs, sentAt, ackAt, decisionToAckMs, status, error,
                    exchangeOrderId, executedQty, avgPrice, fills, null);
        }

        @Override
        public Kind kind() {
            return Kind.REAL;
        }

        /** True when the exchange answered (the status is not {@link #ERROR}). */
        public boolean answered() {
            return !ERROR.equals(status);
        }

        /** {@code decisionToAckMs}, else {@code rttMs} (older lines), else null. */
        public Double latencyMs() {
            return decisionToAckMs != null ? decisionToAckMs : rttMs;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind().id());
            m.put("ts", Instant.ofEpochMilli(head.at()).toString());
            m.put("orderId", head.orderId());
            m.put("clientOrderId", head.clientOrderId());
            m.put("strategy", head.strategy());
            m.put("symbol", head.symbol());
            m.put("pairId", pairId);
            m.put("decisionAt", decisionAt);
            m.put("rttMs", rttMs);
            if (sentAt != null) { // older trails have none of these three
                m.put("sentAt", sentAt);
                m.put("ackAt", ackAt);
                m.put("decisionToAckMs", decisionToAckMs);
            }
            List<Map<String, Object>> fillMaps = new ArrayList<>();
            for (RealFill f : fills) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("price", f.price());
                fm.put("qty", f.qty());
                fm.put("commission", f.commission());
                fillMaps.add(fm);
            }
            if (!answered()) {
                m.put("status", status);
                m.put("error", error);
                m.put("exchangeOrderId", exchangeOrderId);
                m.put("executedQty", plainOr(executedQty, "0"));
                m.put("avgPrice", avgPrice == null ? null : avgPrice.toPlainString());
                m.put("fills", fillMaps);
                if (side != null) {
                    m.put("side", side.name());
                }
                return m;
            }
            m.put("exchangeOrderId", exchangeOrderId);
            m.put("status", status);
            m.put("executedQty", plainOr(executedQty, "0"));
            m.put("avgPrice", avgPrice == null ? null : avgPrice.toPlainString());
            m.put("fills", fillMaps);
            if (side != null) { // since issue 14: the real position is summed from these lines
                m.put("side", side.name());
            }
            return m;
        }

        static Real of(JsonNode r) {
            List<RealFill> fills = new ArrayList<>();
            for (JsonNode f : r.path("fills")) {
                fills.add(new RealFill(f.path("price").asText(), f.path("qty").asText(),
                        f.path("commission").asText("0")));
            }
            return new Real(Head.of(r), r.path("pairId").asText(null),
                    r.path("decisionAt").asLong(), number(r, "rttMs"),
                    r.hasNonNull("sentAt") ? r.path("sentAt").asLong() : null,
                    r.hasNonNull("ackAt") ? r.path("ackAt").asLong() : null,
                    number(r, "decisionToAckMs"), r.path("status").asText(ERROR),
                    r.path("error").asText(null), r.path("exchangeOrderId").asText(null),
                    dec(r, "executedQty"), dec(r, "avgPrice"), fills, side(r));
        }

        private static Side side(JsonNode r) {
            String s = r.path("side").asText("");
            return s.equals("BUY") ? Side.BUY : s.equals("SELL") ? Side.SELL : null;
        }
    }

    /** One fill of a real order, as the exchange reported it (decimal strings). */
    record RealFill(String price, String qty, String commission) {
    }

    /**
     * The typed record of one trail line, or empty for a kind this reader does not know (a
     * newer writer's). Tolerant of missing and malformed fields (see the type's doc).
     */
    static Optional<TrailRecord> parse(JsonNode r) {
        return Kind.of(r.path("kind").asText()).map(kind -> switch (kind) {
            case ORDER -> Order.of(r);
            case FILL -> Fill.of(r);
            case CANCEL, EXPIRE -> End.of(kind, r);
            case REJECT -> Reject.of(r);
            case REAL -> Real.of(r);
        });
    }

    /** The line's {@code ts} as epoch ms, 0 when missing or malformed. */
    private static long epochMs(JsonNode r) {
        try {
            return Instant.parse(r.path("ts").asText()).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** A decimal field (string or number), null when missing, empty or malformed. */
    private static BigDecimal dec(JsonNode r, String field) {
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

    private static Double number(JsonNode r, String field) {
        return r.hasNonNull(field) ? r.path(field).asDouble() : null;
    }

    private static <E extends Enum<E>> E named(Class<E> type, JsonNode r, String field) {
        if (!r.hasNonNull(field)) {
            return null;
        }
        try {
            return Enum.valueOf(type, r.path(field).asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String plain(BigDecimal d) {
        return d == null ? null : d.stripTrailingZeros().toPlainString();
    }

    private static String plainOr(BigDecimal d, String absent) {
        return d == null ? absent : d.toPlainString();
    }
}
