package io.spark.day9.config;

import io.spark.day9.config.Day9Config.Effective;
import io.spark.day9.config.Day9Config.MarketSource;
import io.spark.day9.config.Day9Config.Source;
import io.spark.day9.market.MarketConfig;
import io.spark.day9.queue.FsyncMode;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.shadow.ShadowConfig;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds the one {@link Day9Config} from the environment and an optional {@code .env} file (the
 * environment wins). Every value is checked here; bad values stop the start with one
 * {@link ConfigException} that lists each variable at fault, its value and what is allowed (all
 * of them at once, not only the first). Conflicts between valid values are checked after that.
 *
 * <p>{@link #fromProcess()} also says on stderr where it looked for {@code .env} and warns about
 * variables that look like Day9's but are not ({@link UnknownVariables}).
 */
public final class ConfigLoader {
    private static final Pattern QUEUE_NAME = io.spark.day9.queue.QueueNames.PATTERN;
    private static final int MIN_TOKEN_CHARS = 16;
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{2,20}");

    private final Map<String, String> environment;
    private final Map<String, String> dotEnv;
    private final Map<String, Effective> effective = new LinkedHashMap<>();
    private final List<ConfigException> problems = new ArrayList<>();

    private ConfigLoader(Map<String, String> environment, Map<String, String> dotEnv) {
        this.environment = environment;
        this.dotEnv = dotEnv;
    }

    /**
     * The configuration of this process: its environment plus {@code ./.env} if present. Prints
     * to stderr where {@code .env} was looked for (found or not) and a warning for each variable
     * that looks like one of ours but is unknown, with the nearest known name.
     */
    public static Day9Config fromProcess() {
        return fromProcess(System.getenv(), Path.of(".env"), System.err);
    }

    /**
     * As {@link #fromProcess()}, but the notes (the {@code .env} line, then one
     * {@code warning: …} per unknown variable) go to {@code notes}, before validation; the
     * service logs them once its logging is set up.
     */
    public static Day9Config fromProcess(Consumer<String> notes) {
        return load(System.getenv(), Path.of(".env"), notes);
    }

    /** As {@link #fromProcess()} with the environment, file and stream given (for tests). */
    public static Day9Config fromProcess(Map<String, String> environment, Path dotEnvFile,
                                         PrintStream notes) {
        return load(environment, dotEnvFile, note -> notes.println("day9: " + note));
    }

    /**
     * Loads and validates, handing the notes to {@code notes} first (see
     * {@link #fromProcess(Consumer)}).
     */
    public static Day9Config load(Map<String, String> environment, Path dotEnvFile,
                                  Consumer<String> notes) {
        Map<String, String> dotEnv = DotEnv.read(dotEnvFile);
        notes.accept(dotEnvNote(dotEnvFile, dotEnv));
        for (String warning : UnknownVariables.warnings(environment.keySet(), dotEnv.keySet())) {
            notes.accept("warning: " + warning);
        }
        return new ConfigLoader(environment, dotEnv).build();
    }

    /** True for the note that says no {@code .env} file was found (nothing came from one). */
    public static boolean isMissingDotEnvNote(String note) {
        return note.startsWith(MISSING_DOTENV);
    }

    private static final String MISSING_DOTENV = ".env: no file at ";

    /** One line saying where {@code .env} was looked for and what was found there. */
    static String dotEnvNote(Path dotEnvFile, Map<String, String> dotEnv) {
        Path abs = dotEnvFile.toAbsolutePath().normalize();
        return Files.isRegularFile(abs)
                ? ".env: read " + dotEnv.size() + " variable(s) from " + abs
                : MISSING_DOTENV + abs + " (environment and defaults only)";
    }

    /**
     * Loads and validates.
     *
     * @param environment variables (wins over the file)
     * @param dotEnvFile  optional {@code .env}; a missing file is fine
     * @throws ConfigException naming every bad value (or, when all values are valid, the first
     *                         conflict between them)
     */
    public static Day9Config load(Map<String, String> environment, Path dotEnvFile) {
        return new ConfigLoader(environment, DotEnv.read(dotEnvFile)).build();
    }

    private Day9Config build() {
        String host = text("HOST");
        int port = (int) integer("PORT", 0, 65_535);
        DeployEnv env = choice("DAY9_ENV", DeployEnv.class);
        Optional<String> token = token("API_TOKEN");
        Optional<String> adminToken = token("ADMIN_TOKEN");
        Optional<String> readToken = token("READ_TOKEN");
        int authMaxFailures = (int) integer("AUTH_MAX_FAILURES", 1, 1_000_000);
        long authWindowSec = integer("AUTH_FAILURE_WINDOW_SEC", 1, 86_400);
        Path runtime = path("RUNTIME_DIR");
        Path logDir = path("LOG_DIR");
        LogFormat logFormat = choice("LOG_FORMAT", LogFormat.class);
        String level = choice("LOG_LEVEL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR");
        long maxBody = integer("HTTP_MAX_BODY_BYTES", 1024, 64L * 1024 * 1024);
        long shutdownMs = integer("SHUTDOWN_TIMEOUT_MS", 0, 600_000);
        Path audit = path("AUDIT_DIR");
        int errorPct = (int) integer("CHAOS_HTTP_ERROR_PCT", 0, 100);
        int latencyMs = (int) integer("CHAOS_HTTP_LATENCY_MS", 0, 60_000);
        int flapSec = flapSeconds();
        int chaosTtlSec = (int) integer("CHAOS_TTL_SEC", 1, 604_800);
        boolean chaosInProduction = bool("CHAOS_ALLOW_PRODUCTION");
        long recoveryDeadlineMs = integer("CHAOS_RECOVERY_DEADLINE_MS", 100, 600_000);
        Path queueDir = path("QUEUE_DIR");
        String queueName = queueName();
        long visibilityMs = integer("QUEUE_VISIBILITY_MS", 1, QueueConfig.MAX_VISIBILITY_MS);
        FsyncMode fsync = choice("QUEUE_FSYNC", FsyncMode.class);
        int batchWindowUs = (int) integer("QUEUE_FSYNC_BATCH_WINDOW_US", 0, 100_000);
        int maxDeliveries = (int) integer("QUEUE_MAX_DELIVERIES", 1, 1000);
        long dedupWindowMs = integer("QUEUE_DEDUP_WINDOW_MS", 1, 7L * 24 * 3600 * 1000);
        long maxPending = integer("QUEUE_MAX_PENDING", 1, 1_000_000_000);
        long maxBytes = integer("QUEUE_MAX_BYTES", 1 << 20, 1L << 40);
        int maxJobBytes = (int) integer("QUEUE_MAX_JOB_BYTES", 64, QueueConfig.MAX_JOB_BYTES_LIMIT);
        long backoffBaseMs = integer("QUEUE_BACKOFF_BASE_MS", 1, 3_600_000);
        long backoffMaxMs = integer("QUEUE_BACKOFF_MAX_MS", 1, 86_400_000);
        long compactMinBytes = integer("QUEUE_COMPACT_MIN_BYTES", 1 << 16, 1L << 40);
        boolean workerEnabled = bool("QUEUE_WORKER_ENABLED");
        int workerThreads = (int) integer("QUEUE_WORKER_THREADS", 1, 64);
        int parkMax = (int) integer("QUEUE_PARK_MAX", 1, Day9Config.Queue.MAX_PARK);
        MarketValues marketValues = market();
        Path snapshotDir = path("SNAPSHOT_DIR");
        int retentionDays = (int) integer("SNAPSHOT_RETENTION_DAYS", 1, 3650);
        int keepLast = (int) integer("SNAPSHOT_KEEP_LAST", 0, 1000);
        int snapshotIntervalSec = (int) integer("SNAPSHOT_INTERVAL_SEC", 0, 86_400);
        long snapshotMaxBytes = integer("SNAPSHOT_MAX_BYTES", 1024, 1L << 31);
        Path shadowDir = path("SHADOW_DIR");
        boolean tapeEnabled = bool("TAPE_ENABLED");
        Path tapeDir = path("TAPE_DIR");
        long tapeIntervalMs = integer("TAPE_MIN_INTERVAL_MS", 10, 60_000);
        long tapeSegmentBytes = integer("TAPE_SEGMENT_BYTES", 4096, 1L << 34);
        int tapeDays = (int) integer("TAPE_RETENTION_DAYS", 0, 3650);
        int tapeKeepLast = (int) integer("TAPE_KEEP_LAST", 0, 100_000);
        TradeMode mode = choice("TRADE_MODE", TradeMode.class);
        boolean live = bool("LIVE_ENABLED");
        boolean shadow = bool("SHADOW_LIVE_ENABLED");
        Day9Config.Shadow shadowSettings = new Day9Config.Shadow(
                parsed("SHADOW_AB_FRACTION", v -> fraction("SHADOW_AB_FRACTION", v)),
                fractions(),
                feeBps("SHADOW_MAKER_FEE_BPS"), feeBps("SHADOW_TAKER_FEE_BPS"),
                choice("SHADOW_LATENCY_MODEL", ShadowConfig.LatencyModel.class),
                integer("SHADOW_LATENCY_MS", 0, 10_000),
                integer("SHADOW_ORDER_TTL_SEC", 1, 30L * 24 * 3600),
                integer("SHADOW_RTT_PROBE_SEC", 0, 3600),
                (int) integer("SHADOW_RECENT_ORDERS", 1, ShadowConfig.MAX_RECENT_ORDERS));
        Day9Config.Retention retention = new Day9Config.Retention(
                retention("SHADOW_TRAIL_RETENTION_DAYS", "SHADOW_TRAIL_KEEP_LAST"),
                retention("CHAOS_REPORT_RETENTION_DAYS", "CHAOS_REPORT_KEEP_LAST"),
                retention("PROBE_RETENTION_DAYS", "PROBE_KEEP_LAST"),
                retention("QUEUE_QUARANTINE_RETENTION_DAYS", "QUEUE_QUARANTINE_KEEP_LAST"));
        var server = new Day9Config.Server(host, port, env, token, adminToken, readToken,
                maxBody, Duration.ofMillis(shutdownMs), authMaxFailures,
                Duration.ofSeconds(authWindowSec));
        resolvable(server.host());
        if (!problems.isEmpty()) {
            throw ConfigException.all(problems);
        }

        // every value is valid on its own: now the rules between them
        if (adminToken.isPresent() && token.isEmpty()) {
            throw ConfigException.conflict("ADMIN_TOKEN", "ADMIN_TOKEN needs API_TOKEN too: "
                    + "without API_TOKEN every loopback caller is already admitted");
        }
        if (adminToken.isPresent() && adminToken.equals(token)) {
            throw ConfigException.conflict("ADMIN_TOKEN", "ADMIN_TOKEN must differ from "
                    + "API_TOKEN");
        }
        if (readToken.isPresent() && token.isEmpty()) {
            throw ConfigException.conflict("READ_TOKEN", "READ_TOKEN needs API_TOKEN too: "
                    + "without API_TOKEN every loopback caller is already admitted");
        }
        if (readToken.isPresent() && (readToken.equals(token) || readToken.equals(adminToken))) {
            throw ConfigException.conflict("READ_TOKEN", "READ_TOKEN must differ from "
                    + "API_TOKEN and ADMIN_TOKEN");
        }
        if (backoffMaxMs < backoffBaseMs) {
            throw ConfigException.invalid("QUEUE_BACKOFF_MAX_MS", Long.toString(backoffMaxMs),
                    "must be at least QUEUE_BACKOFF_BASE_MS (" + backoffBaseMs + ")");
        }
        if (marketValues.reconnectMaxMs() < marketValues.reconnectBaseMs()) {
            throw ConfigException.invalid("MARKET_RECONNECT_MAX_MS",
                    Long.toString(marketValues.reconnectMaxMs()), "must be at least "
                            + "MARKET_RECONNECT_BASE_MS (" + marketValues.reconnectBaseMs() + ")");
        }
        Day9Config.Market market = subsystem(marketValues::toConfig);
        if (tapeDays == 0 && tapeKeepLast == 0) {
            throw ConfigException.conflict("TAPE_RETENTION_DAYS", "TAPE_RETENTION_DAYS=0 and "
                    + "TAPE_KEEP_LAST=0 would keep no tape segment: set at least one above 0");
        }
        var tape = new io.spark.day9.tape.TapeConfig(tapeEnabled, tapeDir,
                new io.spark.day9.retention.RetentionPolicy(tapeDays, tapeKeepLast),
                tapeIntervalMs, tapeSegmentBytes,
                io.spark.day9.tape.TapeConfig.DEFAULT_MAX_TRADES_PER_TICK);
        QueueConfig journal;
        try {
            journal = new QueueConfig(queueDir, queueName, fsync, visibilityMs, maxDeliveries,
                    dedupWindowMs, maxPending, maxBytes, maxJobBytes, backoffBaseMs, backoffMaxMs,
                    batchWindowUs, compactMinBytes);
        } catch (IllegalArgumentException e) {
            throw ConfigException.conflict("QUEUE_*", e.getMessage());
        }
        checkHost(server);
        var chaos = new Day9Config.Chaos(errorPct, latencyMs, flapSec, chaosTtlSec,
                chaosInProduction, recoveryDeadlineMs);
        if (env == DeployEnv.PRODUCTION && chaos.active() && !chaosInProduction) {
            throw ConfigException.conflict("CHAOS_HTTP_ERROR_PCT",
                    "DAY9_ENV=production refuses chaos at start (CHAOS_HTTP_ERROR_PCT, "
                            + "CHAOS_HTTP_LATENCY_MS, CHAOS_WS_FLAP_SEC must be 0) unless "
                            + "CHAOS_ALLOW_PRODUCTION=true");
        }
        return new Day9Config(server,
                new Day9Config.Paths(runtime, logDir, audit, queueDir, snapshotDir, shadowDir),
                new Day9Config.Logging(logFormat, level),
                chaos,
                new Day9Config.Queue(journal, workerEnabled, workerThreads, parkMax),
                market,
                snapshots(retentionDays, keepLast, snapshotIntervalSec, snapshotMaxBytes),
                new Day9Config.Trading(mode, live, shadow, shadowSettings),
                retention,
                tape,
                effective);
    }

    /**
     * A retained kind's policy from its days and keep-last variables; a bad value or a policy
     * that keeps nothing is recorded (reported with every other problem) and the kind's default
     * policy stands in, so the rest is still checked.
     */
    private RetentionPolicy retention(String daysVariable, String lastVariable) {
        int days = (int) integer(daysVariable, 0, Day9Config.Retention.MAX_DAYS);
        int keepLast = (int) integer(lastVariable, 0, Day9Config.Retention.MAX_KEEP_LAST);
        try {
            return Day9Config.Retention.policy(daysVariable, days, lastVariable, keepLast);
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException(daysVariable, e.getMessage()));
            return new RetentionPolicy(Integer.parseInt(defaultOf(daysVariable)),
                    Integer.parseInt(defaultOf(lastVariable)));
        }
    }

    /**
     * The snapshot settings; a retention policy that would keep nothing is refused naming both
     * variables (with SNAPSHOT_RETENTION_DAYS at least 1 it cannot happen today; the check
     * stays as the policy's own backstop).
     */
    private static Day9Config.Snapshots snapshots(int days, int keepLast, int intervalSec,
                                                  long maxBytes) {
        try {
            new io.spark.day9.retention.RetentionPolicy(days, keepLast);
        } catch (IllegalArgumentException e) {
            throw ConfigException.conflict("SNAPSHOT_RETENTION_DAYS", "SNAPSHOT_RETENTION_DAYS="
                    + days + " and SNAPSHOT_KEEP_LAST=" + keepLast + ": " + e.getMessage());
        }
        return new Day9Config.Snapshots(days, keepLast, intervalSec, maxBytes);
    }

    /** Raw text with its source; {@code ${RUNTIME_DIR}} in a default is expanded. */
    private String raw(String name) {
        Setting setting = Setting.named(name);
        String value;
        Source source;
        if (environment.get(name) != null) {
            value = environment.get(name);
            source = Source.ENVIRONMENT;
        } else if (dotEnv.get(name) != null) {
            value = dotEnv.get(name);
            source = Source.DOTENV;
        } else {
            value = setting.defaultValue();
            if (value.contains("${RUNTIME_DIR}")) {
                value = value.replace("${RUNTIME_DIR}", effective.get("RUNTIME_DIR").value());
            }
            source = Source.DEFAULT;
        }
        value = value.strip();
        effective.put(name, new Effective(setting, value, source));
        return value;
    }

    /**
     * Parses {@code name}'s value; when it is bad, records the problem (all are reported together
     * at the end) and goes on with the parsed default, so later values are still checked.
     */
    private <T> T parsed(String name, Function<String, T> parser) {
        String value = raw(name);
        try {
            return parser.apply(value);
        } catch (ConfigException e) {
            problems.add(e);
            return parser.apply(defaultOf(name));
        }
    }

    /** The setting's default, with {@code ${RUNTIME_DIR}} expanded. */
    private String defaultOf(String name) {
        String value = Setting.named(name).defaultValue();
        Effective runtime = effective.get("RUNTIME_DIR");
        return runtime == null ? value : value.replace("${RUNTIME_DIR}", runtime.value());
    }

    private String text(String name) {
        return parsed(name, value -> {
            if (value.isEmpty()) {
                throw ConfigException.invalid(name, value, "must not be empty");
            }
            return value;
        });
    }

    private long integer(String name, long min, long max) {
        return parsed(name, value -> {
            try {
                long parsed = Long.parseLong(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below with the allowed range
            }
            throw ConfigException.invalid(name, value,
                    "must be an integer from " + min + " to " + max);
        });
    }

    private static double fraction(String name, String value) {
        try {
            double d = Double.parseDouble(value.strip());
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, value, "must be a number from 0 to 1");
    }

    /** {@code alpha=0.1,beta=0.5}: strategy names and fractions. */
    private java.util.Map<String, Double> fractions() {
        return parsed("SHADOW_AB_FRACTIONS", this::fractions);
    }

    private java.util.Map<String, Double> fractions(String text) {
        String value = text.strip();
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        if (value.isEmpty()) {
            return out;
        }
        for (String part : value.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || !kv[0].strip().matches("[A-Za-z0-9._-]{1,64}")) {
                throw ConfigException.invalid("SHADOW_AB_FRACTIONS", value,
                        "must be strategy=fraction pairs separated by commas, e.g. "
                                + "alpha=0.1,beta=0.5");
            }
            out.put(kv[0].strip(), fraction("SHADOW_AB_FRACTIONS", kv[1]));
        }
        return out;
    }

    private java.math.BigDecimal feeBps(String name) {
        return parsed(name, text -> feeBps(name, text.strip()));
    }

    private static java.math.BigDecimal feeBps(String name, String value) {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(value);
            if (d.signum() >= 0 && d.compareTo(java.math.BigDecimal.valueOf(1000)) <= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, value, "must be a number of basis points from 0 "
                + "to 1000");
    }

    private boolean bool(String name) {
        return parsed(name, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigException.invalid(name, text.toLowerCase(Locale.ROOT),
                    "must be true or false");
        });
    }

    private <E extends Enum<E>> E choice(String name, Class<E> type) {
        String[] allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        return Enum.valueOf(type, choice(name, allowed).toUpperCase(Locale.ROOT));
    }

    private String choice(String name, String... allowed) {
        return parsed(name, value -> {
            for (String candidate : allowed) {
                if (candidate.equalsIgnoreCase(value)) {
                    return candidate;
                }
            }
            throw ConfigException.invalid(name, value, "must be one of "
                    + Arrays.stream(allowed).collect(Collectors.joining(" | ")));
        });
    }

    private Path path(String name) {
        return parsed(name, value -> {
            if (value.isEmpty()) {
                throw ConfigException.invalid(name, value, "must not be empty");
            }
            try {
                return Path.of(value);
            } catch (RuntimeException e) {
                throw ConfigException.invalid(name, value, "must be a file system path");
            }
        });
    }

    private Optional<String> token(String name) {
        return parsed(name, value -> {
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (value.length() < MIN_TOKEN_CHARS
                    || value.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw ConfigException.invalid(name, "******", "must be at least "
                        + MIN_TOKEN_CHARS + " printable ASCII characters without spaces");
            }
            return Optional.of(value);
        });
    }

    private int flapSeconds() {
        // 0 turns flapping off; anything else is a period in whole seconds, at least 1
        return (int) integer("CHAOS_WS_FLAP_SEC", 0, 86_400);
    }

    /** The market variables, each valid on its own; {@link #build()} checks the rest. */
    private record MarketValues(MarketSource source, java.util.List<String> symbols,
                                String restUrl, String wsUrl, String apiKey, String apiSecret,
                                long recvWindowMs, long staleMs, long reconnectBaseMs,
                                long reconnectMaxMs, long maxConnectionAgeMs, int depthLimit,
                                int simPort, long simSeed, int simWeightPerMinute,
                                Map<String, java.math.BigDecimal> simStartBalances) {
        Day9Config.Market toConfig() {
            return new Day9Config.Market(source, new MarketConfig(wsUrl, symbols, recvWindowMs,
                    staleMs, reconnectBaseMs, reconnectMaxMs, maxConnectionAgeMs, depthLimit),
                    restUrl, apiKey, apiSecret, simPort, simSeed, simWeightPerMinute,
                    simStartBalances);
        }
    }

    private MarketValues market() {
        MarketSource source = MarketSource.valueOf(choice("MARKET_SOURCE",
                "sim", "binance", "binance-testnet").toUpperCase(Locale.ROOT).replace('-', '_'));
        java.util.List<String> symbols = parsed("MARKET_SYMBOLS", ConfigLoader::symbols);
        String restUrl = url("MARKET_REST_URL", "http", "https");
        String wsUrl = url("MARKET_WS_URL", "ws", "wss");
        String apiKey = raw("MARKET_API_KEY");
        String apiSecret = raw("MARKET_API_SECRET");
        long recvWindow = integer("MARKET_RECV_WINDOW_MS", 1, MarketConfig.MAX_RECV_WINDOW_MS);
        long stale = integer("MARKET_STALE_MS", 500, 600_000);
        long base = integer("MARKET_RECONNECT_BASE_MS", 1, 60_000);
        long max = integer("MARKET_RECONNECT_MAX_MS", 1, 600_000);
        long maxAgeSec = integer("MARKET_WS_MAX_AGE_SEC", 10, 86_400);
        int depthLimit = (int) integer("MARKET_DEPTH_LIMIT", 1, MarketConfig.MAX_DEPTH_LIMIT);
        int simPort = (int) integer("SIM_PORT", 0, 65_535);
        long simSeed = integer("SIM_SEED", Long.MIN_VALUE, Long.MAX_VALUE);
        int simWeight = (int) integer("SIM_WEIGHT_PER_MINUTE", 1, 1_000_000);
        Map<String, java.math.BigDecimal> simStartBalances = parsed("SIM_START_BALANCES",
                ConfigLoader::startBalances);
        return new MarketValues(source, symbols, restUrl, wsUrl, apiKey, apiSecret, recvWindow,
                stale, base, max, maxAgeSec * 1000, depthLimit, simPort, simSeed, simWeight,
                simStartBalances);
    }

    /** {@code SIM_START_BALANCES}: {@code USDT=100000,BTC=1} (see SimAccountConfig). */
    private static Map<String, java.math.BigDecimal> startBalances(String text) {
        try {
            return io.spark.day9.sim.SimAccountConfig.parseBalances(text);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("SIM_START_BALANCES", text, e.getMessage());
        }
    }

    private static java.util.List<String> symbols(String symbolsText) {
        java.util.List<String> symbols = new java.util.ArrayList<>();
        for (String part : symbolsText.split(",")) {
            String symbol = part.strip().toUpperCase(Locale.ROOT);
            if (!SYMBOL.matcher(symbol).matches() || symbols.contains(symbol)) {
                throw ConfigException.invalid("MARKET_SYMBOLS", symbolsText, "must be a "
                        + "comma-separated list of distinct symbols such as BTCUSDT,ETHUSDT");
            }
            symbols.add(symbol);
        }
        if (symbols.size() > 50) {
            throw ConfigException.invalid("MARKET_SYMBOLS", symbolsText, "at most 50 symbols");
        }
        return symbols;
    }

    private String url(String name, String... schemes) {
        return parsed(name, value -> {
            if (value.isEmpty()) {
                return value;
            }
            try {
                java.net.URI uri = new java.net.URI(value);
                if (uri.getHost() != null
                        && java.util.Arrays.asList(schemes).contains(uri.getScheme())) {
                    return value;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            throw ConfigException.invalid(name, value, "must be an absolute "
                    + String.join(" or ", schemes) + " URL");
        });
    }

    private String queueName() {
        return parsed("QUEUE_NAME", value -> {
            if (!QUEUE_NAME.matcher(value).matches()) {
                throw ConfigException.invalid("QUEUE_NAME", value, "must be 1-64 letters, "
                        + "digits, '_' or '-', starting with a letter or digit");
            }
            return value;
        });
    }

    /**
     * Builds a subsystem's record; its own checks are a backstop behind the loader's (their
     * messages name the variable as {@code NAME=value is invalid: …}).
     */
    private static <T> T subsystem(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            int eq = message.indexOf('=');
            throw new ConfigException(eq > 0 ? message.substring(0, eq) : "config", message);
        }
    }

    private void resolvable(String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            problems.add(ConfigException.invalid("HOST", host,
                    "must be an IP address or a resolvable host name"));
        }
    }

    private static void checkHost(Day9Config.Server server) {
        if (server.apiToken().isEmpty() && !server.loopbackBind()) {
            throw ConfigException.conflict("HOST", "binding " + server.host()
                    + " (not loopback) requires API_TOKEN; set API_TOKEN or bind 127.0.0.1");
        }
        if (server.apiToken().isEmpty() && server.env() == DeployEnv.PRODUCTION) {
            throw ConfigException.conflict("API_TOKEN", "DAY9_ENV=production requires API_TOKEN");
        }
    }
}
