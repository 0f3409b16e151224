package io.spark.day9.tape;

import java.util.Objects;

/**
 * One line of the market tape, typed: top of book ({@link Top}) or a trade ({@link Trade}).
 * {@link #at()} is the executor's clock when the record was observed (epoch ms, UTC): the time
 * that decides what a point-in-time reader may see, never the exchange's own timestamp.
 * The text form is documented in {@link MarketTape}.
 */
public sealed interface TapeRecord {

    /** When the executor observed it, epoch ms. */
    long at();

    /** The symbol, e.g. {@code BTCUSDT}. */
    String symbol();

    /** The record as one line, without the newline. */
    String line();

    /**
     * Top of book: best bid and best ask with their quantities.
     *
     * @param at     observed at, epoch ms
     * @param symbol the symbol
     * @param bid    best bid price
     * @param bidQty quantity at the best bid
     * @param ask    best ask price
     * @param askQty quantity at the best ask
     */
    record Top(long at, String symbol, double bid, double bidQty, double ask, double askQty)
            implements TapeRecord {
        public Top {
            Objects.requireNonNull(symbol, "symbol");
        }

        /** (bid + ask) / 2. */
        public double mid() {
            return (bid + ask) / 2;
        }

        @Override
        public String line() {
            return "B," + at + "," + symbol + "," + num(bid) + "," + num(bidQty) + ","
                    + num(ask) + "," + num(askQty);
        }
    }

    /**
     * A trade print.
     *
     * @param at         observed at, epoch ms
     * @param symbol     the symbol
     * @param price      trade price
     * @param qty        trade quantity
     * @param buyerMaker true when the seller was the taker (written {@code S}, else {@code B})
     * @param tradeTime  the exchange's trade time, epoch ms (for the record; readers use at)
     */
    record Trade(long at, String symbol, double price, double qty, boolean buyerMaker,
                 long tradeTime) implements TapeRecord {
        public Trade {
            Objects.requireNonNull(symbol, "symbol");
        }

        @Override
        public String line() {
            return "T," + at + "," + symbol + "," + num(price) + "," + num(qty) + ","
                    + (buyerMaker ? "S" : "B") + "," + tradeTime;
        }
    }

    /**
     * Parses one line (without its newline); null when it is not a well-formed record (a torn
     * or foreign line).
     */
    static TapeRecord parse(String line) {
        String[] f = line.split(",", -1);
        try {
            if (f.length == 7 && f[0].equals("B") && !f[2].isEmpty()) {
                return new Top(Long.parseLong(f[1]), f[2], Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]));
            }
            if (f.length == 7 && f[0].equals("T") && !f[2].isEmpty()
                    && (f[5].equals("S") || f[5].equals("B"))) {
                return new Trade(Long.parseLong(f[1]), f[2], Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), f[5].equals("S"), Long.parseLong(f[6]));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /**
     * Parses the line {@code b[from, to)} (without its newline) like {@link #parse(String)},
     * without making a string per line: the reader's fast path. {@code symbols} caches symbol
     * strings by their bytes.
     */
    static TapeRecord parse(byte[] b, int from, int to, java.util.Map<String, String> symbols) {
        int[] comma = new int[6];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == ',') {
                if (n == 6) {
                    return null;
                }
                comma[n++] = i;
            }
        }
        if (n != 6 || comma[0] != from + 1 || comma[2] == comma[1] + 1) {
            return null;
        }
        byte k = b[from];
        try {
            long at = parseLong(b, comma[0] + 1, comma[1]);
            String symbol = symbol(b, comma[1] + 1, comma[2], symbols);
            double a = parseDecimal(b, comma[2] + 1, comma[3]);
            double c = parseDecimal(b, comma[3] + 1, comma[4]);
            if (k == 'B') {
                return new Top(at, symbol, a, c, parseDecimal(b, comma[4] + 1, comma[5]),
                        parseDecimal(b, comma[5] + 1, to));
            }
            if (k == 'T' && comma[5] == comma[4] + 2
                    && (b[comma[4] + 1] == 'S' || b[comma[4] + 1] == 'B')) {
                return new Trade(at, symbol, a, c, b[comma[4] + 1] == 'S',
                        parseLong(b, comma[5] + 1, to));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static String symbol(byte[] b, int from, int to, java.util.Map<String, String> cache) {
        String s = new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
        return cache.computeIfAbsent(s, x -> x);
    }

    private static long parseLong(byte[] b, int from, int to) {
        if (from >= to || to - from > 18) {
            return Long.parseLong(new String(b, from, to - from,
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        boolean neg = b[from] == '-';
        long v = 0;
        for (int i = neg ? from + 1 : from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || neg && to - from == 1) {
                throw new NumberFormatException("not a number");
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    /**
     * A plain decimal ({@code -?digits[.digits]}): with at most 15 significant digits the
     * result is {@code mantissa / 10^scale}, one correctly rounded division of two exact
     * doubles, hence the same double as {@link Double#parseDouble}, which handles the rest.
     */
    private static double parseDecimal(byte[] b, int from, int to) {
        long m = 0;
        int digits = 0;
        int scale = -1;
        boolean neg = from < to && b[from] == '-';
        for (int i = neg ? from + 1 : from; i < to; i++) {
            byte c = b[i];
            if (c == '.' && scale < 0) {
                scale = 0;
                continue;
            }
            int d = c - '0';
            if (d < 0 || d > 9 || digits >= 15) {
                return Double.parseDouble(new String(b, from, to - from,
                        java.nio.charset.StandardCharsets.US_ASCII));
            }
            m = m * 10 + d;
            if (m != 0) {
                digits++;
            }
            if (scale >= 0) {
                scale++;
            }
        }
        if (to == from || (neg && to == from + 1) || scale == 0) {
            return Double.parseDouble(new String(b, from, to - from,
                    java.nio.charset.StandardCharsets.US_ASCII)); // throws for "", "-", "1."
        }
        if (scale >= MarketTape.POW10.length) {
            return Double.parseDouble(new String(b, from, to - from,
                    java.nio.charset.StandardCharsets.US_ASCII));
        }
        double v = scale <= 0 ? m : m / MarketTape.POW10[scale];
        return neg ? -v : v;
    }

    /** A number in its shortest exact decimal form (no exponent, no trailing zeros). */
    private static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
