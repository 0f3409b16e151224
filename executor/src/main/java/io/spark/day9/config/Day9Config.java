package io.spark.day9.config;

import io.spark.day9.queue.QueueConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The executor's whole configuration: immutable, built and validated once at start-up by
 * {@link ConfigLoader}. Sections mirror the subsystems; each later subsystem takes its own
 * section, never the whole object.
 *
 * @param server    HTTP binding, environment and security
 * @param paths     where runtime data and logs go
 * @param logging   log format and level
 * @param chaos     initial chaos settings
 * @param queue     the durable queue the worker consumes
 * @param market    market connectivity
 * @param snapshots snapshot retention
 * @param trading   trade mode and the do-not-send switches
 * @param effective every setting's effective value and where it came from, in {@link Setting#ALL}
 *                  order (for {@code day9 config}; secrets are masked by {@link Effective#shown()})
 */
public record Day9Config(Server server, Paths paths, Logging logging, Chaos chaos, Queue queue,
                         Market market, Snapshots snapshots, Trading trading,
                         Map<String, Effective> effective) {

    public Day9Config {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(chaos, "chaos");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(trading, "trading");
        effective = Map.copyOf(effective);
    }

    /** Where a value came from. The environment wins over {@code .env}, which wins over defaults. */
    public enum Source { ENVIRONMENT, DOTENV, DEFAULT }

    /** A setting's effective value and source. */
    public record Effective(Setting setting, String value, Source source) {
        /** The value as it may be printed: secrets show only whether they are set. */
        public String shown() {
            if (setting.secret()) {
                return value.isEmpty() ? "(not set)" : "****** (set, " + value.length() + " chars)";
            }
            return value;
        }
    }

    /**
     * HTTP server and security.
     *
     * @param host            bind address
     * @param port            TCP port, 0 for an ephemeral one
     * @param env             deployment environment
     * @param apiToken        bearer token for {@code /api/private/*} (the trade role), if any
     * @param adminToken      bearer token of the admin role, if any
     * @param readToken       bearer token of the read role, if any
     * @param maxBodyBytes    largest request body accepted
     * @param shutdownTimeout grace period for in-flight requests on SIGTERM
     * @param authMaxFailures wrong tokens one address may present within the window
     * @param authFailureWindow the window of {@code authMaxFailures}
     */
    public record Server(String host, int port, DeployEnv env, Optional<String> apiToken,
                         Optional<String> adminToken, Optional<String> readToken,
                         long maxBodyBytes, Duration shutdownTimeout, int authMaxFailures,
                         Duration authFailureWindow) {
        public Server {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(apiToken, "apiToken");
            Objects.requireNonNull(adminToken, "adminToken");
            Objects.requireNonNull(readToken, "readToken");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            Objects.requireNonNull(authFailureWindow, "authFailureWindow");
            if (authMaxFailures < 1) {
                throw new IllegalArgumentException("authMaxFailures must be at least 1, got "
                        + authMaxFailures);
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
        }

        /** True when {@link #host} resolves to a loopback address. */
        public boolean loopbackBind() {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    /** Directories. Relative paths resolve against the working directory. */
    public record Paths(Path runtimeDir, Path logDir, Path auditDir, Path queueDir,
                        Path snapshotDir, Path shadowDir) {
    }

    /** Logging. */
    public record Logging(LogFormat format, String level) {
    }

    /** Initial chaos settings (the chaos engine may change them at run time). */
    public record Chaos(int httpErrorPct, int httpLatencyMs, int wsFlapSec, int ttlSec,
                        boolean allowProduction, long recoveryDeadlineMs) {
        /** The guide's three settings with the defaults for the rest. */
        public Chaos(int httpErrorPct, int httpLatencyMs, int wsFlapSec) {
            this(httpErrorPct, httpLatencyMs, wsFlapSec, 900, false, 10_000);
        }

        /** True when any fault is configured on at start. */
        public boolean active() {
            return httpErrorPct > 0 || httpLatencyMs > 0 || wsFlapSec > 0;
        }
    }

    /**
     * The durable queues.
     *
     * @param journal       configuration of {@code QUEUE_NAME}; other queues (named in API paths)
     *                      get the same settings under their own name
     * @param workerEnabled run the built-in worker on {@code QUEUE_NAME}
     * @param workerThreads its concurrency
     */
    public record Queue(QueueConfig journal, boolean workerEnabled, int workerThreads) {
        public Queue {
            Objects.requireNonNull(journal, "journal");
        }

        /** {@code QUEUE_NAME}. */
        public String name() {
            return journal.name();
        }

        /** {@code QUEUE_VISIBILITY_MS}. */
        public Duration visibility() {
            return Duration.ofMillis(journal.visibilityMs());
        }
    }

    /** Where market data comes from. */
    public enum MarketSource {
        SIM, BINANCE, BINANCE_TESTNET;

        /** The name used in {@code MARKET_SOURCE}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Market connectivity.
     *
     * @param source             sim, binance or binance-testnet
     * @param symbols            upper-case symbols
     * @param restUrl            REST base, empty for the source's default
     * @param wsUrl              WebSocket base, empty for the source's default
     * @param apiKey             API key ("" = none, or the simulator's)
     * @param apiSecret          API secret
     * @param recvWindowMs       signed-request validity
     * @param staleMs            silent-stream threshold
     * @param reconnectBaseMs    first reconnect delay
     * @param reconnectMaxMs     reconnect cap
     * @param maxConnectionAgeMs planned reconnect age
     * @param depthLimit         snapshot depth
     * @param simPort            embedded simulator port
     * @param simSeed            simulator seed
     */
    public record Market(MarketSource source, java.util.List<String> symbols, String restUrl,
                         String wsUrl, String apiKey, String apiSecret, long recvWindowMs,
                         long staleMs, long reconnectBaseMs, long reconnectMaxMs,
                         long maxConnectionAgeMs, int depthLimit, int simPort, long simSeed) {
        public Market {
            symbols = java.util.List.copyOf(symbols);
        }

        /** The REST base URL for a non-simulated source. */
        public String restUrlOrDefault() {
            if (!restUrl.isEmpty()) {
                return restUrl;
            }
            return source == MarketSource.BINANCE_TESTNET ? "https://testnet.binance.vision"
                    : "https://api.binance.com";
        }

        /** The WebSocket base URL for a non-simulated source. */
        public String wsUrlOrDefault() {
            if (!wsUrl.isEmpty()) {
                return wsUrl;
            }
            return source == MarketSource.BINANCE_TESTNET ? "wss://stream.testnet.binance.vision"
                    : "wss://stream.binance.com:9443";
        }
    }

    /** Snapshot retention. */
    public record Snapshots(int retentionDays) {
    }

    /** Trade mode and the do-not-send switches. */
    public record Trading(TradeMode mode, boolean liveEnabled, boolean shadowLiveEnabled,
                          Shadow shadow) {
        /** The three mode settings with the shadow defaults. */
        public Trading(TradeMode mode, boolean liveEnabled, boolean shadowLiveEnabled) {
            this(mode, liveEnabled, shadowLiveEnabled, Shadow.DEFAULTS);
        }

        /**
         * True when orders may reach an exchange's order endpoint: {@code testnet}, or
         * {@code live} with {@code LIVE_ENABLED=true}. Everything else is do-not-send.
         */
        public boolean sends() {
            return mode == TradeMode.TESTNET || mode == TradeMode.LIVE && liveEnabled;
        }

        /** True when orders are simulated only (paper, or live with shadow-live on). */
        public boolean shadowOnly() {
            return mode == TradeMode.PAPER
                    || mode == TradeMode.LIVE && !liveEnabled && shadowLiveEnabled;
        }
    }

    /**
     * Shadow execution settings ({@code SHADOW_*}).
     *
     * @param abFraction    share of signals also executed for real when the mode sends
     * @param abOverrides   per-strategy fractions
     * @param makerFeeBps   fee of resting fills
     * @param takerFeeBps   fee of crossing fills
     * @param latencyModel  none, fixed or measured
     * @param latencyMs     delay of the fixed model
     * @param orderTtlSec   resting order expiry
     * @param rttProbeSec   round-trip measurement period (0 = never)
     */
    public record Shadow(double abFraction, java.util.Map<String, Double> abOverrides,
                         java.math.BigDecimal makerFeeBps, java.math.BigDecimal takerFeeBps,
                         String latencyModel, long latencyMs, long orderTtlSec,
                         long rttProbeSec) {
        public static final Shadow DEFAULTS = new Shadow(1.0, java.util.Map.of(),
                java.math.BigDecimal.TEN, java.math.BigDecimal.TEN, "none", 0, 86_400, 5);

        public Shadow {
            abOverrides = java.util.Map.copyOf(abOverrides);
        }

        /** The A/B fraction of {@code strategy}. */
        public double fractionFor(String strategy) {
            return abOverrides.getOrDefault(strategy, abFraction);
        }
    }
}
