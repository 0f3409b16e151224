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

    /** A number in its shortest exact decimal form (no exponent, no trailing zeros). */
    private static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
