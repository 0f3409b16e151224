package io.spark.day9.shadow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code "shadow"} member of a state snapshot, in memory and on disk: what a restart needs
 * before it replays the trail after {@link #mark}.
 *
 * <pre>{@code
 * {"version": 1,
 *  "mark": {"segment": "orders-2026-12-05.ndjson", "offset": 123456},
 *  "seq": 812,
 *  "positions": [{"strategy": "alpha", "symbol": "BTCUSDT", "qty": "0.5", "avg": "100.1",
 *                 "realized": "0", "fees": "0.1", "bought": "0.5", "sold": "0", "fills": 3}],
 *  "resting": [{"createdAt": 1700000000000, "queueAhead": "1.5", "feeAsset": "USDT",
 *               "order": "[\"S1-7\",\"c-7\",…]"}],
 *  "recent":  [{"createdAt": 1700000000000, "order": "[\"S1-6\",\"c-6\",…]"}],
 *  "index":   {"orders": 110000, "segments": ["orders-2026-12-05.ndjson"],
 *              "entries": ["<base64>", …]},
 *  "real":    [{"strategy": "alpha", "symbol": "BTCUSDT", "qty": "0.002"}],
 *  "realFlattens": ["flatr-s1-0a1b2c3d"]}
 * }</pre>
 * {@code mark}: the trail position up to which the state includes every line (lines from it on
 * are replayed at start). {@code seq}: the id sequence. {@code positions}: exact decimals as
 * strings. {@code resting}: open orders, with what their view lacks to keep simulating them.
 * {@code recent}: the in-memory window of settled orders, oldest first. {@code order} is the
 * order's view in {@link SettledOrder}'s compact array encoding, kept as a string so that its
 * decimals survive any JSON reader byte for byte.
 *
 * <p>{@code index} (optional, written since the restore-time work of issue 13; a section
 * without it still restores, and a reader that predates it ignores it): the {@link OrderIndex}
 * of every order before the mark, so that a start after a restore does not scan the trail
 * before the mark to rebuild it. {@code entries} is the base64 of its used slots, 16 bytes
 * each, in strings of at most {@value #INDEX_CHUNK} bytes (a JSON reader's string limit): the key's 64-bit hash and the packed position (segment number in {@code segments} in
 * the top {@value OrderIndex#SEGMENT_BITS} bits, byte offset in the rest), big-endian.
 *
 * <p>{@code real} and {@code realFlattens} (optional, since issue 14; absent reads as empty):
 * the net real position per strategy and symbol summed from the {@code real} lines before the
 * mark (exact decimal strings), and the client order ids of the emergency flatten orders among
 * them, so that a restart from a snapshot still knows what a flatten must close.
 *
 * @param mark      trail position the state includes every line before
 * @param seq       the id sequence's value
 * @param positions every position
 * @param resting   open orders
 * @param recent    recently settled orders, oldest first
 * @param index     the order index of the trail before the mark, or null (the start scans it)
 * @param real      net real position by {@code strategy NUL symbol}
 * @param realFlattens client order ids of the real flatten orders recorded
 */
record ShadowState(ShadowTrail.Position mark, long seq, List<Positions.State> positions,
                   List<Resting> resting, List<SettledOrder> recent, OrderIndex.Image index,
                   java.util.Map<String, BigDecimal> real, List<String> realFlattens) {
    /** The section format's version. */
    static final int VERSION = 1;

    ShadowState {
        positions = List.copyOf(positions);
        resting = List.copyOf(resting);
        recent = List.copyOf(recent);
        real = java.util.Map.copyOf(real);
        realFlattens = List.copyOf(realFlattens);
    }

    /** A state without real legs (the do-not-send modes, and sections before issue 14). */
    ShadowState(ShadowTrail.Position mark, long seq, List<Positions.State> positions,
                List<Resting> resting, List<SettledOrder> recent, OrderIndex.Image index) {
        this(mark, seq, positions, resting, recent, index, java.util.Map.of(), List.of());
    }

    /**
     * An open order as captured.
     *
     * @param view       the order's view (status NEW or PARTIALLY_FILLED)
     * @param createdAt  when it was accepted, epoch ms
     * @param queueAhead displayed quantity still ahead of it at its price
     * @param feeAsset   the asset its fees are charged in
     */
    record Resting(ShadowOrderView view, long createdAt, BigDecimal queueAhead, String feeAsset) {
    }

    /** The section as JSON. */
    JsonNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", VERSION);
        ObjectNode m = root.putObject("mark");
        m.put("segment", mark.segment());
        m.put("offset", mark.offset());
        root.put("seq", seq);
        ArrayNode ps = root.putArray("positions");
        for (Positions.State p : positions) {
            ObjectNode o = ps.addObject();
            o.put("strategy", p.strategy());
            o.put("symbol", p.symbol());
            o.put("qty", p.qty().toPlainString());
            o.put("avg", p.avg().toPlainString());
            o.put("realized", p.realized().toPlainString());
            o.put("fees", p.fees().toPlainString());
            o.put("bought", p.bought().toPlainString());
            o.put("sold", p.sold().toPlainString());
            o.put("fills", p.fills());
        }
        ArrayNode rs = root.putArray("resting");
        for (Resting r : resting) {
            ObjectNode o = rs.addObject();
            o.put("createdAt", r.createdAt());
            o.put("queueAhead", r.queueAhead().toPlainString());
            o.put("feeAsset", r.feeAsset());
            o.put("order", new String(SettledOrder.encode(r.view()), StandardCharsets.UTF_8));
        }
        ArrayNode rc = root.putArray("recent");
        for (SettledOrder s : recent) {
            ObjectNode o = rc.addObject();
            o.put("createdAt", s.createdAt());
            o.put("order", new String(s.encoded(), StandardCharsets.UTF_8));
        }
        if (index != null) {
            ObjectNode ix = root.putObject("index");
            ix.put("orders", index.orders());
            ArrayNode segs = ix.putArray("segments");
            index.segments().forEach(segs::add);
            ArrayNode chunks = ix.putArray("entries");
            byte[] e = index.entries();
            for (int from = 0; from < e.length; from += INDEX_CHUNK) {
                chunks.add(java.util.Base64.getEncoder().encodeToString(
                        java.util.Arrays.copyOfRange(e, from, Math.min(e.length,
                                from + INDEX_CHUNK))));
            }
        }
        if (!real.isEmpty()) {
            ArrayNode rl = root.putArray("real");
            new java.util.TreeMap<>(real).forEach((k, q) -> {
                int nul = k.indexOf('\u0000');
                rl.addObject().put("strategy", k.substring(0, nul))
                        .put("symbol", k.substring(nul + 1)).put("qty", q.toPlainString());
            });
        }
        if (!realFlattens.isEmpty()) {
            ArrayNode fl = root.putArray("realFlattens");
            realFlattens.stream().sorted().forEach(fl::add);
        }
        return root;
    }

    /**
     * Reads and checks a whole section.
     *
     * @throws IllegalArgumentException naming the member at fault ({@code shadow.resting[3].order})
     */
    static ShadowState parse(JsonNode s) {
        if (s == null || !s.isObject()) {
            throw bad("shadow", "must be an object");
        }
        JsonNode v = s.get("version");
        if (v == null || !v.canConvertToInt() || v.asInt() != VERSION) {
            throw bad("shadow.version", "must be " + VERSION + ", got " + v);
        }
        JsonNode m = object(s, "mark", "shadow.mark");
        ShadowTrail.Position mark;
        try {
            mark = new ShadowTrail.Position(text(m, "segment", "shadow.mark.segment"),
                    longValue(m, "offset", "shadow.mark.offset"));
        } catch (IllegalArgumentException e) {
            throw bad("shadow.mark", e.getMessage());
        }
        long seq = longValue(s, "seq", "shadow.seq");
        if (seq < 0) {
            throw bad("shadow.seq", "must be 0 or more, got " + seq);
        }
        List<Positions.State> positions = new ArrayList<>();
        JsonNode ps = array(s, "positions", "shadow.positions");
        for (int i = 0; i < ps.size(); i++) {
            String at = "shadow.positions[" + i + "]";
            JsonNode p = ps.get(i);
            if (!p.isObject()) {
                throw bad(at, "must be an object");
            }
            long fills = longValue(p, "fills", at + ".fills");
            if (fills < 0) {
                throw bad(at + ".fills", "must be 0 or more, got " + fills);
            }
            positions.add(new Positions.State(text(p, "strategy", at + ".strategy"),
                    text(p, "symbol", at + ".symbol"), decimal(p, "qty", at),
                    decimal(p, "avg", at), decimal(p, "realized", at), decimal(p, "fees", at),
                    decimal(p, "bought", at), decimal(p, "sold", at), fills));
        }
        List<Resting> resting = new ArrayList<>();
        JsonNode rs = array(s, "resting", "shadow.resting");
        for (int i = 0; i < rs.size(); i++) {
            String at = "shadow.resting[" + i + "]";
            JsonNode r = rs.get(i);
            if (!r.isObject()) {
                throw bad(at, "must be an object");
            }
            ShadowOrderView view = order(r, at);
            if (!view.status().resting() || !"LIMIT".equals(view.type())
                    || !"GTC".equals(view.timeInForce())) {
                throw bad(at + ".order", "a resting order is a GTC LIMIT order with status NEW "
                        + "or PARTIALLY_FILLED, got " + view.type() + " " + view.timeInForce()
                        + " " + view.status());
            }
            if (view.price() == null) {
                throw bad(at + ".order", "a resting order needs its price");
            }
            BigDecimal queueAhead = decimal(r, "queueAhead", at);
            if (queueAhead.signum() < 0) {
                throw bad(at + ".queueAhead", "must be 0 or more, got " + queueAhead);
            }
            resting.add(new Resting(view, longValue(r, "createdAt", at + ".createdAt"),
                    queueAhead, text(r, "feeAsset", at + ".feeAsset")));
        }
        List<SettledOrder> recent = new ArrayList<>();
        JsonNode rc = array(s, "recent", "shadow.recent");
        for (int i = 0; i < rc.size(); i++) {
            String at = "shadow.recent[" + i + "]";
            JsonNode r = rc.get(i);
            if (!r.isObject()) {
                throw bad(at, "must be an object");
            }
            String text = text(r, "order", at + ".order");
            String[] head = settledHead(text, at + ".order");
            long createdAt = longValue(r, "createdAt", at + ".createdAt");
            recent.add(new SettledOrder(head[0], head[1], head[2], createdAt,
                    text.getBytes(StandardCharsets.UTF_8)));
        }
        java.util.Map<String, BigDecimal> real = new java.util.HashMap<>();
        JsonNode rl = s.get("real");
        if (rl != null && !rl.isNull()) {
            rl = array(s, "real", "shadow.real");
            for (int i = 0; i < rl.size(); i++) {
                String at = "shadow.real[" + i + "]";
                JsonNode r = rl.get(i);
                if (!r.isObject()) {
                    throw bad(at, "must be an object");
                }
                real.put(text(r, "strategy", at + ".strategy") + "\u0000"
                        + text(r, "symbol", at + ".symbol"), decimal(r, "qty", at));
            }
        }
        List<String> flattens = new ArrayList<>();
        JsonNode fl = s.get("realFlattens");
        if (fl != null && !fl.isNull()) {
            fl = array(s, "realFlattens", "shadow.realFlattens");
            for (int i = 0; i < fl.size(); i++) {
                if (!fl.get(i).isTextual()) {
                    throw bad("shadow.realFlattens[" + i + "]", "must be a string");
                }
                flattens.add(fl.get(i).asText());
            }
        }
        return new ShadowState(mark, seq, positions, resting, recent, index(s.get("index")),
                real, flattens);
    }

    private static OrderIndex.Image index(JsonNode ix) {
        if (ix == null || ix.isNull()) {
            return null; // a section written before the index was kept: start scans the trail
        }
        if (!ix.isObject()) {
            throw bad("shadow.index", "must be an object");
        }
        long orders = longValue(ix, "orders", "shadow.index.orders");
        JsonNode segs = array(ix, "segments", "shadow.index.segments");
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < segs.size(); i++) {
            String at = "shadow.index.segments[" + i + "]";
            if (!segs.get(i).isTextual()) {
                throw bad(at, "must be a string");
            }
            try {
                segments.add(new ShadowTrail.Position(segs.get(i).asText(), 0).segment());
            } catch (IllegalArgumentException e) {
                throw bad(at, e.getMessage());
            }
        }
        JsonNode chunks = array(ix, "entries", "shadow.index.entries");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < chunks.size(); i++) {
            String at = "shadow.index.entries[" + i + "]";
            if (!chunks.get(i).isTextual()) {
                throw bad(at, "must be a string");
            }
            try {
                all.writeBytes(java.util.Base64.getDecoder().decode(chunks.get(i).asText()));
            } catch (IllegalArgumentException e) {
                throw bad(at, "is not base64: " + e.getMessage());
            }
        }
        byte[] entries = all.toByteArray();
        if (orders < 0 || orders > Integer.MAX_VALUE) {
            throw bad("shadow.index.orders", "must be 0 to " + Integer.MAX_VALUE + ", got "
                    + orders);
        }
        try {
            return new OrderIndex.Image((int) orders, segments, entries);
        } catch (IllegalArgumentException e) {
            throw bad("shadow.index", e.getMessage());
        }
    }

    /**
     * Bytes of index entries per base64 string (the JSON reader refuses strings over 1 MiB).
     */
    static final int INDEX_CHUNK = 16 * 32_768;

    /** Components of {@link ShadowOrderView} in its array encoding. */
    private static final int COMPONENTS = ShadowOrderView.class.getRecordComponents().length;
    private static final int STATUS = 12;
    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * Checks a settled order's encoding without decoding it (a restore checks up to the whole
     * window, 100 000 orders by default: a full decode each took seconds): well-formed JSON, an
     * array of the view's components, the identity strings present, a final status. Returns
     * orderId, clientOrderId, strategy.
     */
    private static String[] settledHead(String text, String at) {
        String[] fast = quickHead(text);
        return fast != null ? checkHead(fast, COMPONENTS, at) : parsedHead(text, at);
    }

    /**
     * The same check by one pass over the characters, without a JSON parser (the parser took
     * most of a restore's CPU): top-level components counted by their commas, strings closed,
     * brackets balanced, nothing after the array; the scalars' spelling is not checked (the file
     * passed its SHA-256, and a decode reports a bad one at the lookup). Null when the text holds a backslash (an
     * escape: {@link #parsedHead} decides) or is not such an array (the parser says why).
     */
    private static String[] quickHead(String text) {
        int n = text.length();
        if (n < 2 || text.charAt(0) != '[' || text.charAt(n - 1) != ']'
                || text.indexOf('\\') >= 0) {
            return null;
        }
        String[] head = new String[STATUS + 2]; // the last slot carries the component count
        int depth = 1;
        int component = 0;
        boolean empty = true;
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = text.indexOf('"', i + 1);
                if (end < 0) {
                    return null;
                }
                if (depth == 1 && component <= STATUS) {
                    head[component] = text.substring(i + 1, end);
                }
                empty = false;
                i = end;
            } else if (c == '[' || c == '{') {
                depth++;
                empty = false;
            } else if (c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    if (i != n - 1) {
                        return null;
                    }
                } else if (depth < 0) {
                    return null;
                }
            } else if (c == ',' && depth == 1) {
                component++;
            } else if (c != ' ') {
                empty = false;
            }
        }
        if (depth != 0) {
            return null;
        }
        head[STATUS + 1] = Integer.toString(empty ? 0 : component + 1);
        return head;
    }

    private static String[] checkHead(String[] head, int expected, String at) {
        int i = Integer.parseInt(head[STATUS + 1]);
        if (i != expected || head[0] == null || head[1] == null || head[2] == null
                || head[3] == null || head[STATUS] == null) {
            throw bad(at, "is not an encoded order: needs " + COMPONENTS + " components with "
                    + "orderId, clientOrderId, strategy, symbol and status, got " + i);
        }
        OrderStatus status;
        try {
            status = OrderStatus.valueOf(head[STATUS]);
        } catch (IllegalArgumentException e) {
            throw bad(at, "status " + head[STATUS] + " is unknown");
        }
        if (status.resting()) {
            throw bad(at, "a settled order is FILLED, CANCELED or EXPIRED, got " + status);
        }
        return head;
    }

    private static String[] parsedHead(String text, String at) {
        String[] head = new String[STATUS + 2];
        int i = 0;
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw bad(at, "is not an encoded order: not a JSON array");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    throw bad(at, "is not an encoded order: it ends early");
                }
                if (i <= STATUS && t == JsonToken.VALUE_STRING) {
                    head[i] = p.getText();
                }
                p.skipChildren();
                i++;
            }
            if (p.nextToken() != null) {
                throw bad(at, "is not an encoded order: text after the array");
            }
        } catch (java.io.IOException e) {
            throw bad(at, "is not an encoded order: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        head[STATUS + 1] = Integer.toString(i);
        return checkHead(head, COMPONENTS, at);
    }

    private static ShadowOrderView order(JsonNode r, String at) {
        String text = text(r, "order", at + ".order");
        ShadowOrderView view;
        try {
            view = SettledOrder.decode(text);
        } catch (IllegalArgumentException e) {
            throw bad(at + ".order", "is not an encoded order: " + e.getMessage());
        }
        try {
            OrderRequest.Side.valueOf(String.valueOf(view.side()));
            OrderRequest.Type.valueOf(String.valueOf(view.type()));
        } catch (IllegalArgumentException e) {
            throw bad(at + ".order", "side " + view.side() + " or type " + view.type()
                    + " is unknown");
        }
        if (view.orderId() == null || view.clientOrderId() == null || view.strategy() == null
                || view.symbol() == null || view.status() == null || view.origQty() == null
                || view.origQty().signum() <= 0 || view.executedQty() == null
                || view.cummulativeQuoteQty() == null || view.fills() == null) {
            throw bad(at + ".order", "needs orderId, clientOrderId, strategy, symbol, status, "
                    + "a positive origQty, executedQty, cummulativeQuoteQty and fills");
        }
        return view;
    }

    private static JsonNode object(JsonNode s, String field, String at) {
        JsonNode n = s.get(field);
        if (n == null || !n.isObject()) {
            throw bad(at, "must be an object");
        }
        return n;
    }

    private static JsonNode array(JsonNode s, String field, String at) {
        JsonNode n = s.get(field);
        if (n == null || !n.isArray()) {
            throw bad(at, "must be an array");
        }
        return n;
    }

    private static String text(JsonNode s, String field, String at) {
        JsonNode n = s.get(field);
        if (n == null || !n.isTextual()) {
            throw bad(at, "must be a string");
        }
        return n.asText();
    }

    private static long longValue(JsonNode s, String field, String at) {
        JsonNode n = s.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw bad(at, "must be an integer, got " + n);
        }
        return n.asLong();
    }

    private static BigDecimal decimal(JsonNode s, String field, String parent) {
        String at = parent + "." + field;
        try {
            return new BigDecimal(text(s, field, at));
        } catch (NumberFormatException e) {
            throw bad(at, "must be a decimal string, got " + s.get(field));
        }
    }

    private static IllegalArgumentException bad(String member, String why) {
        return new IllegalArgumentException(member + " " + why);
    }
}
