package io.spark.day9.config;

import java.util.List;

/**
 * One environment variable the executor reads: its name, default and meaning. {@link #ALL} is
 * the single list that drives parsing order, {@code day9 config} and the README's table (a test
 * checks the README names every one).
 *
 * @param name          the environment variable
 * @param defaultValue  the embedded default, as text ("" when unset by default)
 * @param meaning       one line for operators
 * @param secret        masked wherever the value would be shown
 */
public record Setting(String name, String defaultValue, String meaning, boolean secret) {

    public static final List<Setting> ALL = List.of(
            s("HOST", "127.0.0.1", "address the HTTP server binds; non-loopback needs API_TOKEN"),
            s("PORT", "4001", "HTTP port (0 = pick a free port)"),
            s("DAY9_ENV", "dev", "dev | staging | production; production requires API_TOKEN"),
            new Setting("API_TOKEN", "",
                    "bearer token for /api/private/* (at least 16 characters)", true),
            new Setting("ADMIN_TOKEN", "", "bearer token for admin-only routes (chaos); unset = "
                    + "every admitted caller is admin; needs API_TOKEN", true),
            new Setting("READ_TOKEN", "", "bearer token of the read role (health, stats, books, "
                    + "reports); needs API_TOKEN", true),
            s("AUTH_MAX_FAILURES", "10", "wrong tokens one address may present within "
                    + "AUTH_FAILURE_WINDOW_SEC before it gets 429"),
            s("AUTH_FAILURE_WINDOW_SEC", "60", "the window of AUTH_MAX_FAILURES, in seconds"),
            s("RUNTIME_DIR", "runtime", "parent of the queue, snapshot, shadow and audit dirs"),
            s("LOG_DIR", "logs", "directory of executor.log (rolled by size and day)"),
            s("LOG_FORMAT", "text", "text | json (one JSON object a line)"),
            s("LOG_LEVEL", "INFO", "TRACE | DEBUG | INFO | WARN | ERROR for io.spark.day9"),
            s("HTTP_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)"),
            s("SHUTDOWN_TIMEOUT_MS", "10000", "how long SIGTERM waits for in-flight requests"),
            s("AUDIT_DIR", "${RUNTIME_DIR}/audit", "directory of the hash-chained audit.ndjson"),
            s("CHAOS_HTTP_ERROR_PCT", "0", "0..100, share of requests answered with an injected error"),
            s("CHAOS_HTTP_LATENCY_MS", "0", "0..60000, latency added to each request"),
            s("CHAOS_WS_FLAP_SEC", "0", "0 = off, else drop the market WebSocket every N seconds"),
            s("CHAOS_TTL_SEC", "900", "chaos switches itself off this long after the last change"),
            s("CHAOS_ALLOW_PRODUCTION", "false",
                    "true lets chaos be turned on when DAY9_ENV=production"),
            s("CHAOS_RECOVERY_DEADLINE_MS", "10000",
                    "a flap or exchange fault not recovered within this counts as failed"),
            s("CHAOS_REPORT_RETENTION_DAYS", "90", "experiment reports in RUNTIME_DIR/chaos/"
                    + "reports older than this are deleted (0..3650; 0 = by count only)"),
            s("CHAOS_REPORT_KEEP_LAST", "10",
                    "newest experiment reports kept per experiment, whatever their age"),
            s("QUEUE_DIR", "${RUNTIME_DIR}/queue", "durable queue directory"),
            s("QUEUE_NAME", "signals", "queue the built-in worker consumes"),
            s("QUEUE_VISIBILITY_MS", "10000", "a claimed job not acked within this is delivered again"),
            s("QUEUE_FSYNC", "batch", "always | batch | none: when enqueues are forced to disk"),
            s("QUEUE_FSYNC_BATCH_WINDOW_US", "500",
                    "batch mode: longest wait for more producers before one shared fsync"),
            s("QUEUE_MAX_DELIVERIES", "5", "deliveries before a job goes to the dead-letter queue"),
            s("QUEUE_DEDUP_WINDOW_MS", "120000", "how long a dedup key binds to a pending job"),
            s("QUEUE_MAX_PENDING", "1000000", "pending jobs per queue before enqueue says full"),
            s("QUEUE_MAX_BYTES", "1073741824", "journal bytes per queue before enqueue says full"),
            s("QUEUE_MAX_JOB_BYTES", "262144", "largest job payload (a JSON object)"),
            s("QUEUE_BACKOFF_BASE_MS", "1000", "nack backoff of the first delivery; doubles after"),
            s("QUEUE_BACKOFF_MAX_MS", "300000", "cap of the nack backoff"),
            s("QUEUE_COMPACT_MIN_BYTES", "67108864",
                    "journal size before compaction is considered"),
            s("QUEUE_WORKER_ENABLED", "true", "run the built-in worker on QUEUE_NAME"),
            s("QUEUE_WORKER_THREADS", "2", "built-in worker concurrency"),
            s("QUEUE_PARK_MAX", "10000", "most jobs the worker holds parked during an emergency "
                    + "stop; when full it claims nothing until a resume"),
            s("QUEUE_QUARANTINE_RETENTION_DAYS", "90", "quarantine files not written to for "
                    + "this long are deleted (0..3650; 0 = by count only)"),
            s("QUEUE_QUARANTINE_KEEP_LAST", "3",
                    "most recently written quarantine files kept, whatever their age"),
            s("PROBE_RETENTION_DAYS", "7",
                    "the rolled probe file is deleted once its newest record is older than this "
                            + "(0..3650; 0 = by count only)"),
            s("PROBE_KEEP_LAST", "1",
                    "probe files kept whatever their age: 1 = the live one, 2 = both"),
            s("MARKET_SOURCE", "sim", "sim (embedded simulated exchange) | binance | binance-testnet"),
            s("MARKET_SYMBOLS", "BTCUSDT,ETHUSDT", "symbols whose books are kept, comma-separated"),
            s("MARKET_REST_URL", "", "REST base URL; empty = the source's (sim, "
                    + "https://api.binance.com, https://testnet.binance.vision)"),
            s("MARKET_WS_URL", "", "WebSocket base URL; empty = the source's (sim, "
                    + "wss://stream.binance.com:9443, wss://stream.testnet.binance.vision)"),
            s("MARKET_API_KEY", "", "exchange API key for signed calls (sim: its built-in key)"),
            new Setting("MARKET_API_SECRET", "", "exchange API secret (sim: its built-in secret)",
                    true),
            s("MARKET_RECV_WINDOW_MS", "5000", "how long a signed request stays valid (1..60000)"),
            s("MARKET_STALE_MS", "5000", "no market message for this long = silent stream: reconnect"),
            s("MARKET_RECONNECT_BASE_MS", "50", "first reconnect delay; doubles with jitter"),
            s("MARKET_RECONNECT_MAX_MS", "10000", "cap of the reconnect delay"),
            s("MARKET_WS_MAX_AGE_SEC", "85800",
                    "planned reconnect age (Binance cuts connections at 24 h)"),
            s("MARKET_DEPTH_LIMIT", "1000", "levels in the REST depth snapshot (1..5000)"),
            s("SIM_PORT", "0", "port of the embedded simulator (0 = a free loopback port)"),
            s("SIM_SEED", "42", "seed of the simulator's random-walk market"),
            s("SIM_WEIGHT_PER_MINUTE", "6000", "simulator's request-weight budget per minute "
                    + "(1..1000000); past it REST answers 429 code -1003 with Retry-After"),
            s("SIM_START_BALANCES", io.spark.day9.sim.SimAccountConfig.DEFAULT_START_BALANCES,
                    "free balances of each "
                    + "simulator account at start: ASSET=amount pairs separated by commas"),
            s("SNAPSHOT_DIR", "${RUNTIME_DIR}/snapshots", "snapshot directory"),
            s("SNAPSHOT_RETENTION_DAYS", "7", "snapshots older than this many days (UTC, from "
                    + "their created-at) are deleted, except the newest valid and keep-last ones"),
            s("SNAPSHOT_KEEP_LAST", "3", "newest valid snapshots kept per name and kind, "
                    + "however old (0..1000)"),
            s("SNAPSHOT_INTERVAL_SEC", "60", "automatic state snapshot every N seconds (0 = off; "
                    + "one is still taken at graceful shutdown)"),
            s("SNAPSHOT_MAX_BYTES", "67108864", "largest snapshot data in bytes (64 MiB); "
                    + "manual data is also bounded by HTTP_MAX_BODY_BYTES"),
            s("SHADOW_DIR", "${RUNTIME_DIR}/shadow", "shadow order audit trail directory"),
            s("SHADOW_TRAIL_RETENTION_DAYS", "30", "closed trail segments whose newest record "
                    + "is older than this are deleted, unless a restart would replay them "
                    + "(0..3650; 0 = by count only)"),
            s("SHADOW_TRAIL_KEEP_LAST", "7", "newest closed trail segments (days) kept, "
                    + "whatever their age"),
            s("SHADOW_AB_FRACTION", "1",
                    "testnet/live: share of order signals also executed for real (0..1)"),
            s("SHADOW_AB_FRACTIONS", "",
                    "per-strategy overrides of SHADOW_AB_FRACTION, e.g. alpha=0.1,beta=0.5"),
            s("SHADOW_MAKER_FEE_BPS", "10", "shadow fee of resting (maker) fills, basis points"),
            s("SHADOW_TAKER_FEE_BPS", "10", "shadow fee of fills that cross the book, basis points"),
            s("SHADOW_LATENCY_MODEL", "none",
                    "none | fixed | measured: delay before a shadow order reaches the book"),
            s("SHADOW_LATENCY_MS", "0", "the delay of SHADOW_LATENCY_MODEL=fixed (0..10000)"),
            s("SHADOW_ORDER_TTL_SEC", "86400", "a resting shadow order expires after this"),
            s("SHADOW_RTT_PROBE_SEC", "5",
                    "how often the exchange round trip is measured with order/test (0 = never)"),
            s("SHADOW_RECENT_ORDERS", "100000",
                    "settled shadow orders kept in memory; older ones are read from the trail"),
            s("TAPE_ENABLED", "true", "record the market tape (top of book and trades) for the "
                    + "feature export"),
            s("TAPE_DIR", "${RUNTIME_DIR}/tape", "market tape directory"),
            s("TAPE_MIN_INTERVAL_MS", "100", "tape sampling period (10..60000): top of book is "
                    + "written at most once per period per symbol, only when it changed"),
            s("TAPE_SEGMENT_BYTES", "67108864", "a tape segment rolls past this size "
                    + "(4096..17179869184), and at the UTC day's end"),
            s("TAPE_RETENTION_DAYS", "7", "tape segments older than this many days are deleted "
                    + "(0..3650; the newest is always kept)"),
            s("TAPE_KEEP_LAST", "3", "newest tape segments kept whatever their age (0..100000)"),
            s("TRADE_MODE", "paper", "paper | testnet | live"),
            s("LIVE_ENABLED", "false", "true lets TRADE_MODE=live send real orders"),
            s("SHADOW_LIVE_ENABLED", "true",
                    "shadow execution while TRADE_MODE=live && LIVE_ENABLED=false"));

    /**
     * Settings that are validated but have no effect yet (a later issue gives them meaning);
     * {@code day9 config} and the README say so.
     */
    public static final java.util.Set<String> NOT_USED_YET =
            java.util.Set.of();

    /** False for a setting that is accepted and validated but not used yet. */
    public boolean usedYet() {
        return !NOT_USED_YET.contains(name);
    }

    private static Setting s(String name, String defaultValue, String meaning) {
        return new Setting(name, defaultValue, meaning, false);
    }

    /** The setting called {@code name}. */
    public static Setting named(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no setting named " + name));
    }
}
