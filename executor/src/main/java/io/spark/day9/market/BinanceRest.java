package io.spark.day9.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.market.MarketMessages.DepthSnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Binance Spot REST client for the endpoints the executor uses: ping, time, exchangeInfo,
 * depth, and the signed {@code order/test}. It cannot place, query or cancel orders: that is
 * {@link BinanceOrders}, which only the order router of a sending mode holds, so code given a
 * {@code BinanceRest} (market data, the shadow executor's round-trip probe) has no way to send
 * an order.
 *
 * <p>Signed calls carry {@code timestamp} (local clock plus the measured server-time offset,
 * see {@link #syncTime()}), {@code recvWindow} and an HMAC-SHA256 {@code signature} of the
 * whole parameter string, with the key in {@code X-MBX-APIKEY}. After a 429 or 418 the client
 * sends nothing until {@code Retry-After} has passed and fails fast meanwhile, as Binance asks
 * (ignoring it gets the IP banned).
 *
 * <h2>Retries and circuit breaking</h2>
 * <ul>
 *   <li>A call that got no answer or a 5xx is retried (3 attempts, 100 ms then 200 ms, with
 *       jitter) when repeating it cannot do harm: every GET, {@code order/test}, and
 *       {@code POST /api/v3/order} only when it carries a {@code newClientOrderId}. A retried
 *       order that the exchange answers with {@code -2010} "Duplicate order sent" had already
 *       been placed: it is looked up by that id and returned, so one order is placed at most
 *       once. An order without a client order id, and a cancel, are never retried.</li>
 *   <li>{@code -1021} (timestamp outside recvWindow): the clock offset is measured again and
 *       the signed call is sent once more.</li>
 *   <li>A circuit breaker opens when at least half of the last 50 attempts (20 at least) failed
 *       with no answer or a 5xx; while open (5 s), calls fail at once with status 503 and no
 *       request is sent; then 3 trial calls decide.</li>
 *   <li>An {@link Interceptor} runs before every attempt: the chaos engine's outbound faults
 *       enter there, so they exercise exactly the retries and breaker above.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class BinanceRest {
    private final URI base;
    private final String apiKey;
    private final byte[] secret;
    private final long recvWindowMs;
    private final LongSupplier clock;
    private final ObjectMapper json;
    private final MessageParser parser = new MessageParser();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong timeOffsetMs = new AtomicLong();
    private final AtomicLong blockedUntil = new AtomicLong();
    private final AtomicLong usedWeight = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong clockResyncs = new AtomicLong();
    private final CircuitBreaker breaker = CircuitBreaker.of("exchange-rest",
            CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(50).minimumNumberOfCalls(20).failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofSeconds(5))
                    .permittedNumberOfCallsInHalfOpenState(3)
                    .recordException(BinanceRest::transientFailure)
                    .build());
    private final RetryConfig retryConfig = RetryConfig.custom()
            .maxAttempts(3)
            .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(100, 2.0, 0.5))
            .retryOnException(BinanceRest::transientFailure)
            .failAfterMaxAttempts(false)
            .build();
    private volatile Interceptor interceptor = (method, path) -> { };
    /** Every call this client and {@link BinanceOrders} make, as the interceptor names them. */
    public static final java.util.List<String> ENDPOINTS = java.util.List.of(
            "GET /api/v3/ping", "GET /api/v3/time", "GET /api/v3/exchangeInfo",
            "GET /api/v3/depth", "POST /api/v3/order/test", "POST /api/v3/order",
            "GET /api/v3/order", "DELETE /api/v3/order");

    /**
     * Runs before every attempt of every call; may wait, or throw an {@link ExchangeException}
     * as if the exchange had answered so. The chaos engine's outbound faults use it.
     */
    @FunctionalInterface
    public interface Interceptor {
        void before(String method, String path);
    }

    /**
     * @param baseUrl      e.g. {@code https://api.binance.com} or the simulator's URL
     * @param apiKey       API key for signed calls ("" when none)
     * @param secret       API secret for signed calls ("" when none)
     * @param recvWindowMs how long a signed request stays valid
     * @param clock        epoch milliseconds
     */
    public BinanceRest(String baseUrl, String apiKey, String secret, long recvWindowMs,
                       LongSupplier clock, ObjectMapper json) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1)
                : baseUrl);
        this.apiKey = apiKey;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.recvWindowMs = recvWindowMs;
        this.clock = clock;
        this.json = json;
    }

    public URI base() {
        return base;
    }

    /** Installs the interceptor (replacing the previous one). */
    public void intercept(Interceptor i) {
        this.interceptor = i == null ? (method, path) -> { } : i;
    }

    /** Attempts repeated after a transient failure, ever. */
    public long retries() {
        return retries.get();
    }

    /** Times the clock offset was measured again after {@code -1021}. */
    public long clockResyncs() {
        return clockResyncs.get();
    }

    /** {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN} (and resilience4j's other states). */
    public String circuitState() {
        return breaker.getState().name();
    }

    /** An injected or real failure worth retrying: no answer, or a 5xx. */
    static boolean transientFailure(Throwable t) {
        return t instanceof ExchangeException e && (e.httpStatus() == 0 || e.httpStatus() >= 500);
    }

    /** {@code GET /api/v3/ping}. */
    public void ping() {
        call("GET", "/api/v3/ping", Map.of(), false);
    }

    /** {@code GET /api/v3/time}: the exchange's clock in epoch ms. */
    public long serverTime() {
        return call("GET", "/api/v3/time", Map.of(), false).path("serverTime").asLong();
    }

    /**
     * Measures the exchange clock against ours (midpoint of the round trip) and uses the
     * difference for every signed call. Returns the offset in ms.
     */
    public long syncTime() {
        long t0 = clock.getAsLong();
        long server = serverTime();
        long t1 = clock.getAsLong();
        long offset = server - (t0 + t1) / 2;
        timeOffsetMs.set(offset);
        return offset;
    }

    public long timeOffsetMs() {
        return timeOffsetMs.get();
    }

    /** Weight used in the current minute, from {@code X-MBX-USED-WEIGHT-1M}. */
    public long usedWeight() {
        return usedWeight.get();
    }

    /** {@code GET /api/v3/exchangeInfo}. */
    public JsonNode exchangeInfo() {
        return call("GET", "/api/v3/exchangeInfo", Map.of(), false);
    }

    /** {@code GET /api/v3/depth}. */
    public DepthSnapshot depth(String symbol, int limit) {
        String body = withRetry(() -> guarded("GET", "/api/v3/depth", Map.of("symbol", symbol,
                "limit", Integer.toString(limit)), false));
        try {
            return parser.parseSnapshot(body);
        } catch (IOException e) {
            throw new ExchangeException(200, 0, "unreadable depth snapshot: " + e.getMessage(), 0,
                    e);
        }
    }

    /** {@code POST /api/v3/order/test} (signed): validates an order without placing it. */
    public JsonNode testOrder(Map<String, String> params) {
        return call("POST", "/api/v3/order/test", params, true);
    }

    JsonNode call(String method, String path, Map<String, String> params,
                  boolean signed) {
        boolean idempotent = method.equals("GET") || path.equals("/api/v3/order/test");
        return idempotent ? withRetry(() -> call(method, path, params, signed, false))
                : call(method, path, params, signed, false);
    }

    <T> T withRetry(Supplier<T> attempt) {
        Retry retry = Retry.of("exchange-rest", retryConfig);
        retry.getEventPublisher().onRetry(e -> retries.incrementAndGet());
        return retry.executeSupplier(attempt);
    }

    JsonNode call(String method, String path, Map<String, String> params,
                  boolean signed, boolean resynced) {
        String body;
        try {
            body = guarded(method, path, params, signed);
        } catch (ExchangeException e) {
            if (signed && !resynced && e.code() == -1021) {
                clockResyncs.incrementAndGet();
                syncTime();
                return call(method, path, params, true, true);
            }
            throw e;
        }
        try {
            return json.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            throw new ExchangeException(200, 0, "unreadable answer from " + path, 0, e);
        }
    }

    /** One attempt through the circuit breaker. */
    private String guarded(String method, String path, Map<String, String> params,
                           boolean signed) {
        try {
            return breaker.executeSupplier(() -> send(method, path, params, signed));
        } catch (CallNotPermittedException e) {
            throw new ExchangeException(503, 0, "circuit open: exchange calls fail fast after "
                    + "repeated failures (" + method + " " + path + " not sent)", 0, e);
        }
    }

    private String send(String method, String path, Map<String, String> params, boolean signed) {
        interceptor.before(method, path);
        long now = clock.getAsLong();
        long blocked = blockedUntil.get();
        if (now < blocked) {
            throw new ExchangeException(429, -1003, "backing off after a rate limit for another "
                    + (blocked - now) + " ms", blocked - now, null);
        }
        Map<String, String> all = new LinkedHashMap<>(params);
        if (signed) {
            all.put("recvWindow", Long.toString(recvWindowMs));
            all.put("timestamp", Long.toString(now + timeOffsetMs.get()));
        }
        String query = encode(all);
        if (signed) {
            query = query + (query.isEmpty() ? "" : "&") + "signature=" + sign(query);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path
                + (query.isEmpty() ? "" : "?" + query))).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (signed || !apiKey.isEmpty()) {
            b.header("X-MBX-APIKEY", apiKey);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ExchangeException(0, 0, "exchange unreachable at " + base + ": " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException(0, 0, "interrupted", 0, e);
        }
        r.headers().firstValueAsLong("X-MBX-USED-WEIGHT-1M").ifPresent(usedWeight::set);
        if (r.statusCode() / 100 == 2) {
            return r.body();
        }
        long retryAfterMs = r.headers().firstValueAsLong("Retry-After").orElse(0) * 1000;
        if (r.statusCode() == 429 || r.statusCode() == 418) {
            long wait = retryAfterMs > 0 ? retryAfterMs : 1000;
            blockedUntil.accumulateAndGet(clock.getAsLong() + wait, Math::max);
        }
        int code = 0;
        String msg = r.body();
        try {
            JsonNode err = json.readTree(r.body());
            code = err.path("code").asInt(0);
            msg = err.path("msg").asText(msg);
        } catch (IOException e) {
            // not Binance's error shape; keep the raw body
        }
        throw new ExchangeException(r.statusCode(), code, method + " " + path + " -> HTTP "
                + r.statusCode() + (code != 0 ? " code " + code : "") + ": " + msg,
                retryAfterMs, null);
    }

    private static String encode(Map<String, String> params) {
        StringJoiner q = new StringJoiner("&");
        params.forEach((k, v) -> q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
