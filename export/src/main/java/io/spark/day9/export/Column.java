package io.spark.day9.export;

import java.util.List;

/**
 * One column of the feature table: the single definition that the Parquet schema, the CSV
 * header and {@code schema.json} are all written from, so the three never disagree.
 *
 * @param name        the column name
 * @param type        its value type
 * @param nullable    whether it may be empty (Parquet {@code optional}, CSV empty cell)
 * @param role        key, feature or label
 * @param slot        its index among the columns of its type in a {@link FeatureRow}
 * @param description what it holds and its exact time rule
 */
record Column(String name, Type type, boolean nullable, Role role, int slot,
              String description) {

    /** Value types. */
    enum Type {
        /** UTF-8 text (Parquet {@code binary (STRING)}). */
        STRING,
        /** 64-bit integer (Parquet {@code int64}). */
        LONG,
        /** Epoch milliseconds, UTC (Parquet {@code int64 (TIMESTAMP(MILLIS,true))}). */
        TIMESTAMP_MS,
        /** IEEE double (Parquet {@code double}). */
        DOUBLE
    }

    /** What a column is for. */
    enum Role { KEY, FEATURE, LABEL }

    // string slots
    static final int ORDER_ID = 0;
    static final int CLIENT_ORDER_ID = 1;
    static final int LEG = 2;
    static final int SOURCE = 3;
    static final int STRATEGY = 4;
    static final int SYMBOL = 5;
    static final int SIDE = 6;
    static final int ORDER_TYPE = 7;
    static final int STRINGS = 8;
    // long slots (TIMESTAMP_MS included)
    static final int DECISION_AT = 0;
    static final int QUEUE_WAIT_MS = 1;
    static final int BOOK_AGE_MS = 2;
    static final int TRADES_10S = 3;
    static final int FILL_LATENCY_MS = 4;
    static final int LONGS = 5;
    // double slots
    static final int MID = 0;
    static final int SPREAD = 1;
    static final int SPREAD_BPS = 2;
    static final int IMBALANCE = 3;
    static final int RET_10S = 4;
    static final int VOL_10S = 5;
    static final int TRADE_QTY_10S = 6;
    static final int QUANTITY = 7;
    static final int FILLED_QTY = 8;
    static final int FILL_RATIO = 9;
    static final int AVG_FILL_PRICE = 10;
    static final int SLIPPAGE_BPS = 11;
    static final int MTM_RET_1S = 12;
    static final int MTM_RET_10S = 13;
    static final int MTM_RET_60S = 14;
    static final int DOUBLES = 15;

    /** Every column, in file order. */
    static final List<Column> ALL = List.of(
            key("order_id", Type.STRING, false, ORDER_ID,
                    "the shadow order id (the real leg carries its shadow twin's id)"),
            key("client_order_id", Type.STRING, true, CLIENT_ORDER_ID, "the caller's order id"),
            key("leg", Type.STRING, false, LEG, "shadow (simulated) or real (the A/B real leg)"),
            key("source", Type.STRING, true, SOURCE, "http or queue: how the signal arrived"),
            key("decision_at", Type.TIMESTAMP_MS, false, DECISION_AT,
                    "the decision time t: the HTTP arrival, or the queued job's enqueue time"),
            feature("strategy", Type.STRING, false, STRATEGY, "the strategy tag"),
            feature("symbol", Type.STRING, false, SYMBOL, "the symbol"),
            feature("side", Type.STRING, true, SIDE, "BUY or SELL"),
            feature("type", Type.STRING, true, ORDER_TYPE, "LIMIT, MARKET, ..."),
            feature("queue_wait_ms", Type.LONG, false, QUEUE_WAIT_MS,
                    "queued signals: ms from enqueue (t) to the executor taking the order; "
                            + "0 for HTTP"),
            feature("mid", Type.DOUBLE, true, MID,
                    "(bid+ask)/2 of the last tape top of book observed strictly before t"),
            feature("spread", Type.DOUBLE, true, SPREAD, "ask-bid of that same top of book"),
            feature("spread_bps", Type.DOUBLE, true, SPREAD_BPS, "spread / mid * 1e4"),
            feature("imbalance", Type.DOUBLE, true, IMBALANCE,
                    "(bidQty-askQty)/(bidQty+askQty) of that same top of book, in [-1, 1]"),
            feature("book_age_ms", Type.LONG, true, BOOK_AGE_MS,
                    "t minus the observation time of that top of book (> 0)"),
            feature("ret_10s", Type.DOUBLE, true, RET_10S,
                    "mid / mid(as of t-10s) - 1; both observed strictly before t"),
            feature("vol_10s", Type.DOUBLE, true, VOL_10S,
                    "sqrt of the sum of squared log returns of the mid from the top as of "
                            + "t-10s to the last one before t"),
            feature("trades_10s", Type.LONG, false, TRADES_10S,
                    "tape trades observed in [t-10s, t)"),
            feature("trade_qty_10s", Type.DOUBLE, false, TRADE_QTY_10S,
                    "their summed quantity"),
            label("quantity", Type.DOUBLE, true, QUANTITY, "ordered quantity"),
            label("filled_qty", Type.DOUBLE, false, FILLED_QTY,
                    "quantity filled over the order's life (shadow fills, or the real "
                            + "leg's executedQty)"),
            label("fill_ratio", Type.DOUBLE, true, FILL_RATIO, "filled_qty / quantity"),
            label("fill_latency_ms", Type.LONG, true, FILL_LATENCY_MS,
                    "first fill time minus t (real leg: its ack minus t); empty without a fill"),
            label("avg_fill_price", Type.DOUBLE, true, AVG_FILL_PRICE,
                    "volume-weighted fill price"),
            label("slippage_bps", Type.DOUBLE, true, SLIPPAGE_BPS,
                    "side * (avg_fill_price - mid) / mid * 1e4 against the arrival mid "
                            + "(positive = worse than mid)"),
            label("mtm_ret_1s", Type.DOUBLE, true, MTM_RET_1S,
                    "side * (mid as of t+1s / mid - 1); empty when the tape ends before t+1s"),
            label("mtm_ret_10s", Type.DOUBLE, true, MTM_RET_10S, "the same at t+10s"),
            label("mtm_ret_60s", Type.DOUBLE, true, MTM_RET_60S, "the same at t+60s"));

    private static Column key(String n, Type t, boolean nullable, int slot, String d) {
        return new Column(n, t, nullable, Role.KEY, slot, d);
    }

    private static Column feature(String n, Type t, boolean nullable, int slot, String d) {
        return new Column(n, t, nullable, Role.FEATURE, slot, d);
    }

    private static Column label(String n, Type t, boolean nullable, int slot, String d) {
        return new Column(n, t, nullable, Role.LABEL, slot, d);
    }
}
