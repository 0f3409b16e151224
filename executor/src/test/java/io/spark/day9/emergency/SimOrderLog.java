package io.spark.day9.emergency;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads a simulated exchange's orders the way any Binance client would, with signed REST
 * calls: {@code GET /api/v3/openOrders} (every symbol) and {@code GET /api/v3/allOrders} (one
 * symbol, paged by {@code orderId}). Independent of the executor's own market client, so a
 * test checks the exchange's word, not the executor's. Each order is the exchange's JSON
 * ({@code symbol}, {@code orderId}, {@code clientOrderId}, {@code status}, {@code time} = when
 * the exchange created it, epoch ms on the exchange's clock).
 */
final class SimOrderLog {
    private final URI base;
    private final String apiKey;
    private final byte[] secret;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SimOrderLog(URI base, String apiKey, String apiSecret) {
        this.base = base;
        this.apiKey = apiKey;
        this.secret = apiSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** Every open order of the account, all symbols. */
    List<JsonNode> openOrders() throws Exception {
        return list(get("/api/v3/openOrders", ""));
    }

    /** Every order the exchange keeps for the account on {@code symbol}, oldest first. */
    List<JsonNode> allOrders(String symbol) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        long from = 0;
        while (true) {
            List<JsonNode> page = list(get("/api/v3/allOrders", "symbol=" + symbol
                    + "&orderId=" + from + "&limit=1000"));
            out.addAll(page);
            if (page.size() < 1000) {
                return out;
            }
            from = page.get(page.size() - 1).path("orderId").asLong() + 1;
        }
    }

    /** The orders of {@code symbols} created at or after {@code fromMs} (exchange time). */
    List<JsonNode> createdSince(List<String> symbols, long fromMs) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String s : symbols) {
            for (JsonNode o : allOrders(s)) {
                if (o.path("time").asLong() >= fromMs) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    private JsonNode get(String path, String query) throws Exception {
        String q = (query.isEmpty() ? "" : query + "&") + "recvWindow=60000&timestamp="
                + System.currentTimeMillis();
        q = q + "&signature=" + URLEncoder.encode(sign(q), StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path + "?" + q))
                        .header("X-MBX-APIKEY", apiKey).timeout(Duration.ofSeconds(10)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private String sign(String payload) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }
}
