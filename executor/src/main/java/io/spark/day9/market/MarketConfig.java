package io.spark.day9.market;

import java.util.List;
import java.util.Objects;

/**
 * How the market stream connects.
 *
 * @param wsUrl              WebSocket base, e.g. {@code wss://stream.binance.com:9443}; the
 *                           client appends {@code /stream?streams=…}
 * @param symbols            upper-case symbols, e.g. BTCUSDT
 * @param staleMs            no message for this long on an open socket = a silent stream:
 *                           reconnect ({@code MARKET_STALE_MS})
 * @param reconnectBaseMs    first reconnect delay; doubles per failed attempt, with jitter
 * @param reconnectMaxMs     cap of the reconnect delay
 * @param maxConnectionAgeMs replace a connection older than this with a planned reconnect
 *                           (Binance closes connections at 24 h)
 * @param depthLimit         levels asked for in the REST depth snapshot
 */
public record MarketConfig(String wsUrl, List<String> symbols, long staleMs, long reconnectBaseMs,
                           long reconnectMaxMs, long maxConnectionAgeMs, int depthLimit) {
    public static final long DEFAULT_STALE_MS = 5_000;
    public static final long DEFAULT_RECONNECT_BASE_MS = 50;
    public static final long DEFAULT_RECONNECT_MAX_MS = 10_000;
    /** 23 h 50 min: ten minutes before Binance's 24-hour cut. */
    public static final long DEFAULT_MAX_CONNECTION_AGE_MS = (23 * 60 + 50) * 60_000L;
    public static final int DEFAULT_DEPTH_LIMIT = 1000;

    public MarketConfig {
        Objects.requireNonNull(wsUrl, "wsUrl");
        symbols = List.copyOf(symbols);
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("at least one symbol is needed");
        }
        if (staleMs < 100 || reconnectBaseMs < 1 || reconnectMaxMs < reconnectBaseMs
                || maxConnectionAgeMs < 1000 || depthLimit < 1 || depthLimit > 5000) {
            throw new IllegalArgumentException("bad market config: staleMs " + staleMs
                    + ", reconnect " + reconnectBaseMs + ".." + reconnectMaxMs + " ms, max age "
                    + maxConnectionAgeMs + " ms, depth limit " + depthLimit);
        }
    }

    /** Defaults for everything but the URL and symbols. */
    public static MarketConfig of(String wsUrl, List<String> symbols) {
        return new MarketConfig(wsUrl, symbols, DEFAULT_STALE_MS, DEFAULT_RECONNECT_BASE_MS,
                DEFAULT_RECONNECT_MAX_MS, DEFAULT_MAX_CONNECTION_AGE_MS, DEFAULT_DEPTH_LIMIT);
    }
}
