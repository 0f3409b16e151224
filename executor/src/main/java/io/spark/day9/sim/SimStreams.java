package io.spark.day9.sim;

import java.util.Locale;
import java.util.Optional;

/**
 * Binance stream names as the simulator matches them. A name is {@code <symbol>@<type>}; the
 * symbol is case-insensitive and the type is matched case-insensitively against Binance's
 * spelling ({@code bookTicker}, {@code aggTrade}, {@code miniTicker}, …), except the kline
 * interval, where {@code 1m} (minute) and {@code 1M} (month) differ. The canonical name is the
 * lower-case symbol and Binance's spelling of the type: {@code btcusdt@bookTicker}; it is what
 * subscriptions hold, what events are published under, and what combined envelopes carry.
 *
 * <p>Types: {@code depth} (1000 ms), {@code depth@100ms}, {@code trade}, {@code aggTrade},
 * {@code bookTicker}, {@code kline_<interval>}, {@code ticker}, {@code miniTicker}.
 */
final class SimStreams {
    private static final String[] TYPES = {"depth", "depth@100ms", "trade", "aggTrade",
        "bookTicker", "ticker", "miniTicker"};

    private SimStreams() {
    }

    /** The canonical name of {@code name}, or empty when it is not a stream Binance serves. */
    static Optional<String> canonical(String name) {
        int at = name.indexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        String symbol = name.substring(0, at).toLowerCase(Locale.ROOT);
        String type = name.substring(at + 1);
        for (String t : TYPES) {
            if (t.equalsIgnoreCase(type)) {
                return Optional.of(symbol + "@" + t);
            }
        }
        if (type.regionMatches(true, 0, "kline_", 0, 6)) {
            return KlineInterval.of(type.substring(6))
                    .map(i -> symbol + "@kline_" + i.code);
        }
        return Optional.empty();
    }

    /**
     * The key a subscription holds for a requested name: the canonical name, or the lower-cased
     * name when Binance serves no such stream (it is kept, and never sends).
     */
    static String key(String name) {
        return canonical(name).orElse(name.toLowerCase(Locale.ROOT));
    }

    /** The upper-case symbol of a canonical name. */
    static String symbol(String canonical) {
        return canonical.substring(0, canonical.indexOf('@')).toUpperCase(Locale.ROOT);
    }

    /** The type part of a canonical name, e.g. {@code kline_1m}. */
    static String type(String canonical) {
        return canonical.substring(canonical.indexOf('@') + 1);
    }
}
