package io.spark.day9.sim;

import java.util.List;
import java.util.Objects;

/**
 * The embedded simulated exchange's settings.
 *
 * @param port               TCP port on 127.0.0.1 (0 = a free one)
 * @param seed               seed of the random-walk market (same seed, same market)
 * @param symbols            upper-case symbols it lists and streams
 * @param updateIntervalMs   how often each symbol's book changes and a depthUpdate is sent
 *                           (Binance's {@code @depth@100ms}: 100)
 * @param apiKey             the API key signed calls must carry
 * @param apiSecret          its HMAC-SHA256 secret
 * @param weightPerMinute    request-weight budget per minute before 429 (Binance: 6000)
 * @param pingIntervalMs     WebSocket ping frame period (Binance: 20 s)
 * @param maxConnectionAgeMs connections older than this are closed (Binance: 24 h)
 * @param account            start balances, commission rate and history bound of each
 *                           API key's account
 */
public record SimConfig(int port, long seed, List<String> symbols, long updateIntervalMs,
                        String apiKey, String apiSecret, int weightPerMinute,
                        long pingIntervalMs, long maxConnectionAgeMs,
                        SimAccountConfig account) {
    public static final long DEFAULT_UPDATE_INTERVAL_MS = 100;
    public static final String DEFAULT_API_KEY = "day9-sim-key";
    public static final String DEFAULT_API_SECRET = "day9-sim-secret";
    public static final int DEFAULT_WEIGHT_PER_MINUTE = 6000;
    public static final long DEFAULT_PING_INTERVAL_MS = 20_000;
    public static final long DEFAULT_MAX_CONNECTION_AGE_MS = 24L * 3600 * 1000;

    public SimConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiSecret, "apiSecret");
        Objects.requireNonNull(account, "account");
        symbols = List.copyOf(symbols);
        if (symbols.isEmpty() || port < 0 || port > 65_535 || updateIntervalMs < 1
                || weightPerMinute < 1 || pingIntervalMs < 1 || maxConnectionAgeMs < 1) {
            throw new IllegalArgumentException("bad simulator config: port " + port
                    + ", symbols " + symbols + ", update " + updateIntervalMs + " ms");
        }
    }

    /** Defaults on a free port. */
    public static SimConfig of(List<String> symbols, long seed) {
        return new SimConfig(0, seed, symbols, DEFAULT_UPDATE_INTERVAL_MS, DEFAULT_API_KEY,
                DEFAULT_API_SECRET, DEFAULT_WEIGHT_PER_MINUTE, DEFAULT_PING_INTERVAL_MS,
                DEFAULT_MAX_CONNECTION_AGE_MS,
                SimAccountConfig.defaults());
    }

    public SimConfig withPort(int p) {
        return new SimConfig(p, seed, symbols, updateIntervalMs, apiKey, apiSecret,
                weightPerMinute, pingIntervalMs, maxConnectionAgeMs, account);
    }

    public SimConfig withUpdateIntervalMs(long ms) {
        return new SimConfig(port, seed, symbols, ms, apiKey, apiSecret, weightPerMinute,
                pingIntervalMs, maxConnectionAgeMs, account);
    }

    public SimConfig withPingIntervalMs(long ms) {
        return new SimConfig(port, seed, symbols, updateIntervalMs, apiKey, apiSecret,
                weightPerMinute, ms, maxConnectionAgeMs, account);
    }

    public SimConfig withWeightPerMinute(int weight) {
        return new SimConfig(port, seed, symbols, updateIntervalMs, apiKey, apiSecret, weight,
                pingIntervalMs, maxConnectionAgeMs, account);
    }

    public SimConfig withMaxConnectionAgeMs(long ms) {
        return new SimConfig(port, seed, symbols, updateIntervalMs, apiKey, apiSecret,
                weightPerMinute, pingIntervalMs, ms, account);
    }

    /** The same with another account model (start balances, fee rate, history bound). */
    public SimConfig withAccount(SimAccountConfig a) {
        return new SimConfig(port, seed, symbols, updateIntervalMs, apiKey, apiSecret,
                weightPerMinute, pingIntervalMs, maxConnectionAgeMs, a);
    }
}
