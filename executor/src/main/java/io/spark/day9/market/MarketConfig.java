package io.spark.day9.market;

import java.util.List;
import java.util.Objects;

/**
 * The market client's settings, validated as the record is built (at configuration load, not
 * at start): the one record of the market subsystem. Errors name the environment variable, the
 * value and the allowed range.
 *
 * @param wsUrl              WebSocket base, e.g. {@code wss://stream.binance.com:9443}; the
 *                           client appends {@code /stream?streams=…}. Empty = the source's
 *                           default, resolved when the component starts ({@link #withWsUrl})
 *                           ({@code MARKET_WS_URL})
 * @param symbols            upper-case symbols, e.g. BTCUSDT ({@code MARKET_SYMBOLS})
 * @param recvWindowMs       how long a signed request stays valid, ms
 *                           ({@code MARKET_RECV_WINDOW_MS})
 * @param staleMs            no message for this long on an open socket = a silent stream:
 *                           reconnect, ms ({@code MARKET_STALE_MS})
 * @param reconnectBaseMs    first reconnect delay, ms; doubles per failed attempt, with jitter
 *                           ({@code MARKET_RECONNECT_BASE_MS})
 * @param reconnectMaxMs     cap of the reconnect delay, ms ({@code MARKET_RECONNECT_MAX_MS})
 * @param maxConnectionAgeMs replace a connection older than this with a planned reconnect, ms
 *                           (Binance closes connections at 24 h; {@code MARKET_WS_MAX_AGE_SEC})
 * @param depthLimit         levels asked for in the REST depth snapshot
 *                           ({@code MARKET_DEPTH_LIMIT})
 */
public record MarketConfig(String wsUrl, List<String> symbols, long recvWindowMs, long staleMs,
                           long reconnectBaseMs, long reconnectMaxMs, long maxConnectionAgeMs,
                           int depthLimit) {
    /** Binance's default {@code recvWindow}, ms. */
    public static final long DEFAULT_RECV_WINDOW_MS = 5_000;
    public static final long DEFAULT_STALE_MS = 5_000;
    public static final long DEFAULT_RECONNECT_BASE_MS = 50;
    public static final long DEFAULT_RECONNECT_MAX_MS = 10_000;
    /** 23 h 50 min: ten minutes before Binance's 24-hour cut. */
    public static final long DEFAULT_MAX_CONNECTION_AGE_MS = (23 * 60 + 50) * 60_000L;
    public static final int DEFAULT_DEPTH_LIMIT = 1000;
    /** Binance's largest depth snapshot. */
    public static final int MAX_DEPTH_LIMIT = 5000;
    /** Binance's largest {@code recvWindow}, ms. */
    public static final long MAX_RECV_WINDOW_MS = 60_000;

    public MarketConfig {
        Objects.requireNonNull(wsUrl, "wsUrl");
        symbols = List.copyOf(symbols);
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("MARKET_SYMBOLS: at least one symbol is needed");
        }
        check("MARKET_RECV_WINDOW_MS", recvWindowMs, 1, MAX_RECV_WINDOW_MS);
        check("MARKET_STALE_MS", staleMs, 100, Long.MAX_VALUE);
        check("MARKET_RECONNECT_BASE_MS", reconnectBaseMs, 1, Long.MAX_VALUE);
        check("MARKET_RECONNECT_MAX_MS", reconnectMaxMs, reconnectBaseMs, Long.MAX_VALUE);
        check("MARKET_WS_MAX_AGE_SEC (as ms)", maxConnectionAgeMs, 1000, Long.MAX_VALUE);
        check("MARKET_DEPTH_LIMIT", depthLimit, 1, MAX_DEPTH_LIMIT);
    }

    private static void check(String variable, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(variable + "=" + value + " is invalid: must be "
                    + (max == Long.MAX_VALUE ? "at least " + min : "from " + min + " to " + max));
        }
    }

    /** Defaults for everything but the URL and symbols. */
    public static MarketConfig of(String wsUrl, List<String> symbols) {
        return new MarketConfig(wsUrl, symbols, DEFAULT_RECV_WINDOW_MS, DEFAULT_STALE_MS,
                DEFAULT_RECONNECT_BASE_MS, DEFAULT_RECONNECT_MAX_MS,
                DEFAULT_MAX_CONNECTION_AGE_MS, DEFAULT_DEPTH_LIMIT);
    }

    /** The same settings with the WebSocket base resolved. */
    public MarketConfig withWsUrl(String url) {
        return new MarketConfig(url, symbols, recvWindowMs, staleMs, reconnectBaseMs,
                reconnectMaxMs, maxConnectionAgeMs, depthLimit);
    }
}
