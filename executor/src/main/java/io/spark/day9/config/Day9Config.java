package io.spark.day9.config;

import io.spark.day9.market.MarketConfig;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.shadow.ShadowConfig.LatencyModel;
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
 * @param retention retention of the retained file kinds other than snapshots
 * @param tape      the market tape ({@code TAPE_*})
 * @param effective every setting's effective value and where it came from, in {@link Setting#ALL}
 *                  order (for {@code day9 config}; secrets are masked by {@link Effective#shown()})
 */
public record Day9Config(Server server, Paths paths, Logging logging, Chaos chaos, Queue queue,
                         Market market, Snapshots snapshots, Trading trading,
                         Retention retention,
                         io.spark.day9.tape.TapeConfig tape,
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
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(tape, "tape");
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

    /**
     * Initial chaos settings (the chaos engine may change them at run time), checked as the
     * record is built; errors name the variable.
     *
     * @param httpErrorPct       {@code CHAOS_HTTP_ERROR_PCT}, 0..100
     * @param httpLatencyMs      {@code CHAOS_HTTP_LATENCY_MS}, 0..60000
     * @param wsFlapSec          {@code CHAOS_WS_FLAP_SEC}, 0 (off) or a period in seconds
     * @param ttlSec             {@code CHAOS_TTL_SEC}, at least 1
     * @param allowProduction    {@code CHAOS_ALLOW_PRODUCTION}
     * @param recoveryDeadlineMs {@code CHAOS_RECOVERY_DEADLINE_MS}
     */
    public record Chaos(int httpErrorPct, int httpLatencyMs, int wsFlapSec, int ttlSec,
                        boolean allowProduction, long recoveryDeadlineMs) {
        public Chaos {
            range("CHAOS_HTTP_ERROR_PCT", httpErrorPct, 0, 100);
            range("CHAOS_HTTP_LATENCY_MS", httpLatencyMs, 0, 60_000);
            range("CHAOS_WS_FLAP_SEC", wsFlapSec, 0, 86_400);
            range("CHAOS_TTL_SEC", ttlSec, 1, 604_800);
            range("CHAOS_RECOVERY_DEADLINE_MS", recoveryDeadlineMs, 100, 600_000);
        }

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
     * @param parkMax       {@code QUEUE_PARK_MAX}: the most jobs the worker holds parked (an
     *                      emergency stop parks order jobs); when full it stops claiming
     */
    public record Queue(QueueConfig journal, boolean workerEnabled, int workerThreads,
                        int parkMax) {
        /** Most parked jobs {@code QUEUE_PARK_MAX} may allow. */
        public static final int MAX_PARK = 1_000_000;

        public Queue {
            Objects.requireNonNull(journal, "journal");
            if (parkMax < 1 || parkMax > MAX_PARK) {
                throw new IllegalArgumentException("QUEUE_PARK_MAX must be 1.." + MAX_PARK
                        + ", got " + parkMax);
            }
        }

        /** With the default {@code QUEUE_PARK_MAX} (10 000). */
        public Queue(QueueConfig journal, boolean workerEnabled, int workerThreads) {
            this(journal, workerEnabled, workerThreads, 10_000);
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
     * Market connectivity: where the exchange is, and the market client's settings (one
     * validated {@link MarketConfig}, handed to the market component as it is).
     *
     * @param source    sim, binance or binance-testnet
     * @param settings  symbols, WebSocket base (empty for the source's default), recvWindow,
     *                  stale threshold, reconnect delays, planned reconnect age, snapshot depth
     * @param restUrl   REST base, empty for the source's default
     * @param apiKey    API key ("" = none, or the simulator's)
     * @param apiSecret API secret
     * @param simPort   embedded simulator port
     * @param simSeed   simulator seed
     * @param simWeightPerMinute the simulator's request-weight budget per minute
     * @param simStartBalances free balance per asset of each simulator account at start
     */
    public record Market(MarketSource source, MarketConfig settings, String restUrl,
                         String apiKey, String apiSecret, int simPort, long simSeed,
                         int simWeightPerMinute,
                         java.util.Map<String, java.math.BigDecimal> simStartBalances) {
        public Market {
            simStartBalances = java.util.Map.copyOf(simStartBalances);
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(restUrl, "restUrl");
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(apiSecret, "apiSecret");
            if (simPort < 0 || simPort > 65_535) {
                throw new IllegalArgumentException("SIM_PORT=" + simPort
                        + " is invalid: must be an integer from 0 to 65535");
            }
            if (simWeightPerMinute < 1) {
                throw new IllegalArgumentException("SIM_WEIGHT_PER_MINUTE=" + simWeightPerMinute
                        + " is invalid: must be at least 1");
            }
        }

        /** {@code MARKET_SYMBOLS}. */
        public java.util.List<String> symbols() {
            return settings.symbols();
        }

        /** {@code MARKET_WS_URL} (empty for the source's default). */
        public String wsUrl() {
            return settings.wsUrl();
        }

        /** {@code MARKET_RECV_WINDOW_MS}. */
        public long recvWindowMs() {
            return settings.recvWindowMs();
        }

        /** {@code MARKET_STALE_MS}. */
        public long staleMs() {
            return settings.staleMs();
        }

        /** {@code MARKET_RECONNECT_BASE_MS}. */
        public long reconnectBaseMs() {
            return settings.reconnectBaseMs();
        }

        /** {@code MARKET_RECONNECT_MAX_MS}. */
        public long reconnectMaxMs() {
            return settings.reconnectMaxMs();
        }

        /** {@code MARKET_WS_MAX_AGE_SEC} in ms. */
        public long maxConnectionAgeMs() {
            return settings.maxConnectionAgeMs();
        }

        /** {@code MARKET_DEPTH_LIMIT}. */
        public int depthLimit() {
            return settings.depthLimit();
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
            if (!wsUrl().isEmpty()) {
                return wsUrl();
            }
            return source == MarketSource.BINANCE_TESTNET ? "wss://stream.testnet.binance.vision"
                    : "wss://stream.binance.com:9443";
        }
    }

    /**
     * Snapshots and their retention: {@code SNAPSHOT_RETENTION_DAYS}, {@code SNAPSHOT_KEEP_LAST},
     * {@code SNAPSHOT_INTERVAL_SEC} (0 = no automatic snapshots), {@code SNAPSHOT_MAX_BYTES}.
     */
    public record Snapshots(int retentionDays, int keepLast, int intervalSec, long maxBytes) {
        /** Default keep-last, interval and size limit. */
        public Snapshots(int retentionDays) {
            this(retentionDays, 3, 60, 64L * 1024 * 1024);
        }

        public Snapshots {
            range("SNAPSHOT_RETENTION_DAYS", retentionDays, 1, 3650);
            range("SNAPSHOT_KEEP_LAST", keepLast, 0, 1000);
            range("SNAPSHOT_INTERVAL_SEC", intervalSec, 0, 86_400);
            range("SNAPSHOT_MAX_BYTES", maxBytes, 1024, 1L << 31);
        }
    }

    /**
     * Retention of the retained file kinds other than snapshots, one policy each (keep-days and
     * keep-last; the rule is {@link RetentionPolicy}'s): the shadow trail's closed segments
     * ({@code SHADOW_TRAIL_*}), chaos experiment reports ({@code CHAOS_REPORT_*}), the probe
     * file ({@code PROBE_*}) and the queues' quarantine files ({@code QUEUE_QUARANTINE_*}).
     * A policy that would keep nothing (both of its variables 0) is refused, naming them.
     * Rolled logs are not here: they keep Logback's own policy
     * ({@code day9-logback-text.xml}, {@code day9-logback-json.xml}).
     *
     * @param shadowTrail     {@code SHADOW_TRAIL_RETENTION_DAYS}, {@code SHADOW_TRAIL_KEEP_LAST}
     * @param chaosReports    {@code CHAOS_REPORT_RETENTION_DAYS}, {@code CHAOS_REPORT_KEEP_LAST}
     * @param probe           {@code PROBE_RETENTION_DAYS}, {@code PROBE_KEEP_LAST}
     * @param queueQuarantine {@code QUEUE_QUARANTINE_RETENTION_DAYS},
     *                        {@code QUEUE_QUARANTINE_KEEP_LAST}
     */
    public record Retention(RetentionPolicy shadowTrail, RetentionPolicy chaosReports,
                            RetentionPolicy probe, RetentionPolicy queueQuarantine) {
        /** The defaults: 30 days / 7 segments, 90 days / 10 reports, 7 days / 1, 90 days / 3. */
        public static final Retention DEFAULTS = new Retention(new RetentionPolicy(30, 7),
                new RetentionPolicy(90, 10), new RetentionPolicy(7, 1),
                new RetentionPolicy(90, 3));
        /** Largest {@code *_RETENTION_DAYS}. */
        public static final int MAX_DAYS = 3650;
        /** Largest {@code *_KEEP_LAST}. */
        public static final int MAX_KEEP_LAST = 100_000;

        public Retention {
            Objects.requireNonNull(shadowTrail, "shadowTrail");
            Objects.requireNonNull(chaosReports, "chaosReports");
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(queueQuarantine, "queueQuarantine");
        }

        /**
         * One kind's policy from its two variables; refuses a policy that keeps nothing with a
         * message naming both.
         */
        public static RetentionPolicy policy(String daysVariable, int days, String lastVariable,
                                             int keepLast) {
            range(daysVariable, days, 0, MAX_DAYS);
            range(lastVariable, keepLast, 0, MAX_KEEP_LAST);
            if (days == 0 && keepLast == 0) {
                throw new IllegalArgumentException(daysVariable + "=0 and " + lastVariable
                        + "=0 would keep nothing: set at least one of them above 0");
            }
            return new RetentionPolicy(days, keepLast);
        }
    }

    /** Throws {@code NAME=value is invalid: must be an integer from min to max} when outside. */
    static void range(String variable, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(variable + "=" + value
                    + " is invalid: must be an integer from " + min + " to " + max);
        }
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
     * @param latencyModel  none, fixed or measured ({@code SHADOW_LATENCY_MODEL})
     * @param latencyMs     delay of the fixed model
     * @param orderTtlSec   resting order expiry
     * @param rttProbeSec   round-trip measurement period (0 = never)
     * @param recentOrders  settled orders kept in memory ({@code SHADOW_RECENT_ORDERS})
     */
    public record Shadow(double abFraction, java.util.Map<String, Double> abOverrides,
                         java.math.BigDecimal makerFeeBps, java.math.BigDecimal takerFeeBps,
                         LatencyModel latencyModel, long latencyMs, long orderTtlSec,
                         long rttProbeSec, int recentOrders) {
        public static final Shadow DEFAULTS = new Shadow(1.0, java.util.Map.of(),
                java.math.BigDecimal.TEN, java.math.BigDecimal.TEN, LatencyModel.NONE, 0, 86_400,
                5);

        /** Settings with the default window of recent orders. */
        public Shadow(double abFraction, java.util.Map<String, Double> abOverrides,
                      java.math.BigDecimal makerFeeBps, java.math.BigDecimal takerFeeBps,
                      LatencyModel latencyModel, long latencyMs, long orderTtlSec,
                      long rttProbeSec) {
            this(abFraction, abOverrides, makerFeeBps, takerFeeBps, latencyModel, latencyMs,
                    orderTtlSec, rttProbeSec,
                    io.spark.day9.shadow.ShadowConfig.DEFAULT_RECENT_ORDERS);
        }

        public Shadow {
            abOverrides = java.util.Map.copyOf(abOverrides);
            Objects.requireNonNull(latencyModel, "latencyModel");
            if (!(abFraction >= 0 && abFraction <= 1)) {
                throw new IllegalArgumentException("SHADOW_AB_FRACTION=" + abFraction
                        + " is invalid: must be a number from 0 to 1");
            }
            abOverrides.forEach((strategy, f) -> {
                if (!(f >= 0 && f <= 1)) {
                    throw new IllegalArgumentException("SHADOW_AB_FRACTIONS: " + strategy + "="
                            + f + " is invalid: must be a number from 0 to 1");
                }
            });
            if (orderTtlSec < 1) {
                throw new IllegalArgumentException("SHADOW_ORDER_TTL_SEC=" + orderTtlSec
                        + " is invalid: must be at least 1");
            }
            if (rttProbeSec < 0) {
                throw new IllegalArgumentException("SHADOW_RTT_PROBE_SEC=" + rttProbeSec
                        + " is invalid: must be at least 0");
            }
            if (recentOrders < 1 || recentOrders
                    > io.spark.day9.shadow.ShadowConfig.MAX_RECENT_ORDERS) {
                throw new IllegalArgumentException("SHADOW_RECENT_ORDERS=" + recentOrders
                        + " is invalid: must be from 1 to "
                        + io.spark.day9.shadow.ShadowConfig.MAX_RECENT_ORDERS);
            }
        }

        /** The A/B fraction of {@code strategy}. */
        public double fractionFor(String strategy) {
            return abOverrides.getOrDefault(strategy, abFraction);
        }
    }
}
