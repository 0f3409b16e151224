package io.spark.day9.sim;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable configuration of a {@link SimExchange}. Every field has a named default
 * ({@code DEFAULT_*}); the compact constructor checks each value and the cross-field rules, so an
 * instance that exists is valid. Build one with {@link #builder()} or take {@link #defaults()}.
 *
 * @param host               address to bind; loopback by default
 * @param port               TCP port; {@code 0} picks an ephemeral port
 * @param symbols            the listed symbols and their filters, in exchangeInfo order
 * @param seed               seed of the random walk (same seed, same market)
 * @param updateInterval     market step and depth-stream period; {@link Duration#ZERO} means
 *                           manual stepping through {@link SimExchange#advance(int)}
 * @param tickFile           {@code null} for the random walk; otherwise a tick file to replay,
 *                           either a filesystem path or {@code classpath:/resource}
 *                           (format in {@link TickReplay})
 * @param apiKeys            API key to HMAC secret
 * @param weightLimitPerMinute REQUEST_WEIGHT per minute before 429
 * @param violationsBeforeBan requests answered 429 in one minute before the IP is banned (418)
 * @param banDuration        how long a 418 ban lasts
 * @param pingInterval       period of server WebSocket ping frames
 * @param pongTimeout        a connection with no pong for this long is dropped
 * @param maxConnectionAge   a WebSocket connection is closed at this age
 * @param makerFeeRate       commission rate for resting (maker) fills, e.g. 0.001 = 0.1 %
 * @param takerFeeRate       commission rate for fills that take book liquidity
 * @param startingBalances   free balance per asset given to every API key at start
 * @param depthLevels        price levels the random walk keeps on each side (at least 20)
 */
public record SimConfig(
    String host,
    int port,
    List<SymbolSpec> symbols,
    long seed,
    Duration updateInterval,
    String tickFile,
    Map<String, String> apiKeys,
    int weightLimitPerMinute,
    int violationsBeforeBan,
    Duration banDuration,
    Duration pingInterval,
    Duration pongTimeout,
    Duration maxConnectionAge,
    BigDecimal makerFeeRate,
    BigDecimal takerFeeRate,
    Map<String, BigDecimal> startingBalances,
    int depthLevels) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 0;
  public static final long DEFAULT_SEED = 9L;
  /** Binance's {@code @depth@100ms} period. */
  public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMillis(100);
  /** The bundled sample tick file (not used unless configured). */
  public static final String SAMPLE_TICK_FILE = "classpath:/io/spark/day9/sim/sample-ticks.txt";
  public static final String DEFAULT_API_KEY = "day9-sim-key";
  public static final String DEFAULT_API_SECRET = "day9-sim-secret";
  /** Binance Spot's REQUEST_WEIGHT limit per minute. */
  public static final int DEFAULT_WEIGHT_LIMIT_PER_MINUTE = 6000;
  public static final int DEFAULT_VIOLATIONS_BEFORE_BAN = 3;
  /** Binance's shortest automated IP ban. */
  public static final Duration DEFAULT_BAN_DURATION = Duration.ofMinutes(2);
  /** Binance pings every 20 seconds. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
  /** Binance drops a connection that has not answered a ping within a minute. */
  public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofMinutes(1);
  /** Binance closes every WebSocket connection at 24 hours. */
  public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofHours(24);
  /** Binance's base spot commission, 0.1 %. */
  public static final BigDecimal DEFAULT_MAKER_FEE_RATE = new BigDecimal("0.001");
  public static final BigDecimal DEFAULT_TAKER_FEE_RATE = new BigDecimal("0.001");
  public static final int DEFAULT_DEPTH_LEVELS = 25;
  public static final List<SymbolSpec> DEFAULT_SYMBOLS = List.of(
      new SymbolSpec("BTCUSDT", "BTC", "USDT", new BigDecimal("65000"), new BigDecimal("0.01"),
          new BigDecimal("0.00001"), new BigDecimal("0.00001"), new BigDecimal("9000"),
          new BigDecimal("0.01"), new BigDecimal("1000000"), new BigDecimal("5"),
          new BigDecimal("0.5")),
      new SymbolSpec("ETHUSDT", "ETH", "USDT", new BigDecimal("3500"), new BigDecimal("0.01"),
          new BigDecimal("0.0001"), new BigDecimal("0.0001"), new BigDecimal("9000"),
          new BigDecimal("0.01"), new BigDecimal("1000000"), new BigDecimal("5"),
          new BigDecimal("5")));
  public static final Map<String, BigDecimal> DEFAULT_STARTING_BALANCES = Map.of(
      "USDT", new BigDecimal("10000000"), "BTC", new BigDecimal("100"),
      "ETH", new BigDecimal("1000"));

  public SimConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    symbols = List.copyOf(Objects.requireNonNull(symbols, "symbols"));
    if (symbols.isEmpty()) {
      throw new IllegalArgumentException("at least one symbol is required");
    }
    if (symbols.stream().map(SymbolSpec::symbol).distinct().count() != symbols.size()) {
      throw new IllegalArgumentException("duplicate symbol in " + symbols);
    }
    requireNonNegative("updateInterval", updateInterval);
    apiKeys = Map.copyOf(Objects.requireNonNull(apiKeys, "apiKeys"));
    if (weightLimitPerMinute < 1) {
      throw new IllegalArgumentException("weightLimitPerMinute must be >= 1, got "
          + weightLimitPerMinute);
    }
    if (violationsBeforeBan < 1) {
      throw new IllegalArgumentException("violationsBeforeBan must be >= 1, got "
          + violationsBeforeBan);
    }
    requirePositive("banDuration", banDuration);
    requirePositive("pingInterval", pingInterval);
    requirePositive("pongTimeout", pongTimeout);
    requirePositive("maxConnectionAge", maxConnectionAge);
    requireRate("makerFeeRate", makerFeeRate);
    requireRate("takerFeeRate", takerFeeRate);
    startingBalances = Map.copyOf(Objects.requireNonNull(startingBalances, "startingBalances"));
    if (depthLevels < 20 || depthLevels > 1000) {
      throw new IllegalArgumentException("depthLevels must be 20..1000, got " + depthLevels);
    }
  }

  /** The defaults: BTCUSDT and ETHUSDT random walks on an ephemeral loopback port. */
  public static SimConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.symbols = symbols;
    b.seed = seed;
    b.updateInterval = updateInterval;
    b.tickFile = tickFile;
    b.apiKeys = new LinkedHashMap<>(apiKeys);
    b.weightLimitPerMinute = weightLimitPerMinute;
    b.violationsBeforeBan = violationsBeforeBan;
    b.banDuration = banDuration;
    b.pingInterval = pingInterval;
    b.pongTimeout = pongTimeout;
    b.maxConnectionAge = maxConnectionAge;
    b.makerFeeRate = makerFeeRate;
    b.takerFeeRate = takerFeeRate;
    b.startingBalances = startingBalances;
    b.depthLevels = depthLevels;
    return b;
  }

  /** The spec of a listed symbol, or {@code null}. */
  SymbolSpec spec(String symbol) {
    for (SymbolSpec s : symbols) {
      if (s.symbol().equals(symbol)) {
        return s;
      }
    }
    return null;
  }

  private static void requireNonNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + d);
    }
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
  }

  private static void requireRate(String name, BigDecimal r) {
    Objects.requireNonNull(r, name);
    if (r.signum() < 0 || r.compareTo(BigDecimal.ONE) >= 0) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + r);
    }
  }

  /**
   * One listed symbol: its assets, the filters exchangeInfo publishes and the sim enforces, where
   * the random walk starts, and the typical quantity of a book level.
   */
  public record SymbolSpec(
      String symbol, String baseAsset, String quoteAsset, BigDecimal startPrice,
      BigDecimal tickSize, BigDecimal stepSize, BigDecimal minQty, BigDecimal maxQty,
      BigDecimal minPrice, BigDecimal maxPrice, BigDecimal minNotional, BigDecimal levelQty) {

    public SymbolSpec {
      Objects.requireNonNull(symbol, "symbol");
      if (!symbol.matches("[A-Z0-9]{2,20}")) {
        throw new IllegalArgumentException("symbol must match [A-Z0-9]{2,20}, got " + symbol);
      }
      Objects.requireNonNull(baseAsset, "baseAsset");
      Objects.requireNonNull(quoteAsset, "quoteAsset");
      for (BigDecimal v : new BigDecimal[] {startPrice, tickSize, stepSize, minQty, maxQty,
          minPrice, maxPrice, minNotional, levelQty}) {
        if (v == null || v.signum() <= 0) {
          throw new IllegalArgumentException(symbol + ": every price and quantity must be > 0");
        }
        if (v.stripTrailingZeros().scale() > 8) {
          throw new IllegalArgumentException(symbol + ": more than 8 decimals in " + v);
        }
      }
      if (startPrice.remainder(tickSize).signum() != 0) {
        throw new IllegalArgumentException(symbol + ": startPrice " + startPrice
            + " is not a multiple of tickSize " + tickSize);
      }
      if (minQty.remainder(stepSize).signum() != 0 || minPrice.remainder(tickSize).signum() != 0) {
        throw new IllegalArgumentException(symbol + ": minQty/minPrice must be multiples of "
            + "stepSize/tickSize");
      }
    }
  }

  /** Mutable builder; {@link #build()} validates through the record's constructor. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private List<SymbolSpec> symbols = DEFAULT_SYMBOLS;
    private long seed = DEFAULT_SEED;
    private Duration updateInterval = DEFAULT_UPDATE_INTERVAL;
    private String tickFile;
    private Map<String, String> apiKeys =
        new LinkedHashMap<>(Map.of(DEFAULT_API_KEY, DEFAULT_API_SECRET));
    private int weightLimitPerMinute = DEFAULT_WEIGHT_LIMIT_PER_MINUTE;
    private int violationsBeforeBan = DEFAULT_VIOLATIONS_BEFORE_BAN;
    private Duration banDuration = DEFAULT_BAN_DURATION;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
    private Duration maxConnectionAge = DEFAULT_MAX_CONNECTION_AGE;
    private BigDecimal makerFeeRate = DEFAULT_MAKER_FEE_RATE;
    private BigDecimal takerFeeRate = DEFAULT_TAKER_FEE_RATE;
    private Map<String, BigDecimal> startingBalances = DEFAULT_STARTING_BALANCES;
    private int depthLevels = DEFAULT_DEPTH_LEVELS;

    private Builder() {
    }

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder symbols(List<SymbolSpec> v) { symbols = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder updateInterval(Duration v) { updateInterval = v; return this; }
    /** Manual stepping: the market moves only through {@link SimExchange#advance(int)}. */
    public Builder manualStepping() { updateInterval = Duration.ZERO; return this; }
    public Builder tickFile(String v) { tickFile = v; return this; }
    public Builder apiKeys(Map<String, String> v) { apiKeys = new LinkedHashMap<>(v); return this; }
    public Builder apiKey(String key, String secret) { apiKeys.put(key, secret); return this; }
    public Builder weightLimitPerMinute(int v) { weightLimitPerMinute = v; return this; }
    public Builder violationsBeforeBan(int v) { violationsBeforeBan = v; return this; }
    public Builder banDuration(Duration v) { banDuration = v; return this; }
    public Builder pingInterval(Duration v) { pingInterval = v; return this; }
    public Builder pongTimeout(Duration v) { pongTimeout = v; return this; }
    public Builder maxConnectionAge(Duration v) { maxConnectionAge = v; return this; }
    public Builder makerFeeRate(BigDecimal v) { makerFeeRate = v; return this; }
    public Builder takerFeeRate(BigDecimal v) { takerFeeRate = v; return this; }
    public Builder startingBalances(Map<String, BigDecimal> v) { startingBalances = v; return this; }
    public Builder depthLevels(int v) { depthLevels = v; return this; }

    public SimConfig build() {
      return new SimConfig(host, port, symbols, seed, updateInterval, tickFile, apiKeys,
          weightLimitPerMinute, violationsBeforeBan, banDuration, pingInterval, pongTimeout,
          maxConnectionAge, makerFeeRate, takerFeeRate, startingBalances, depthLevels);
    }
  }
}
