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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Binance Spot REST client for the endpoints the executor uses: ping, time, exchangeInfo,
 * depth, and the signed order endpoints (test, place, query, cancel).
 *
 * <p>Signed calls carry {@code timestamp} (local clock plus the measured server-time offset,
 * see {@link #syncTime()}), {@code recvWindow} and an HMAC-SHA256 {@code signature} of the
 * whole parameter string, with the key in {@code X-MBX-APIKEY}. After a 429 or 418 the client
 * sends nothing until {@code Retry-After} has passed and fails fast meanwhile, as Binance asks
 * (ignoring it gets the IP banned).
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
        String body = send("GET", "/api/v3/depth", Map.of("symbol", symbol,
                "limit", Integer.toString(limit)), false);
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

    /** {@code POST /api/v3/order} (signed): places an order. */
    public JsonNode placeOrder(Map<String, String> params) {
        return call("POST", "/api/v3/order", params, true);
    }

    /** {@code GET /api/v3/order} (signed) by client order id. */
    public JsonNode queryOrder(String symbol, String origClientOrderId) {
        return call("GET", "/api/v3/order", Map.of("symbol", symbol,
                "origClientOrderId", origClientOrderId), true);
    }

    /** {@code DELETE /api/v3/order} (signed) by client order id. */
    public JsonNode cancelOrder(String symbol, String origClientOrderId) {
        return call("DELETE", "/api/v3/order", Map.of("symbol", symbol,
                "origClientOrderId", origClientOrderId), true);
    }

    private JsonNode call(String method, String path, Map<String, String> params,
                          boolean signed) {
        String body = send(method, path, params, signed);
        try {
            return json.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            throw new ExchangeException(200, 0, "unreadable answer from " + path, 0, e);
        }
    }

    private String send(String method, String path, Map<String, String> params, boolean signed) {
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
