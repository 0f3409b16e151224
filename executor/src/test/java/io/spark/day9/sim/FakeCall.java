package io.spark.day9.sim;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A REST call in memory: query parameters and headers in, answer headers out. */
final class FakeCall implements SimCall {
    final Map<String, String> query = new LinkedHashMap<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    final Map<String, String> answerHeaders = new LinkedHashMap<>();
    private String queryString;

    FakeCall with(String name, String value) {
        query.put(name, value);
        return this;
    }

    /** Signs the parameters as a client does (HMAC-SHA256 of the query string) with the key. */
    FakeCall signed(String apiKey, String secret) {
        String q = String.join("&", query.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal(q.getBytes(StandardCharsets.UTF_8)));
            queryString = q + "&signature=" + sig;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        headers.put("X-MBX-APIKEY", apiKey);
        return this;
    }

    int usedWeight() {
        return Integer.parseInt(answerHeaders.get("X-MBX-USED-WEIGHT-1M"));
    }

    @Override
    public String query(String name) {
        return query.get(name);
    }

    @Override
    public String queryString() {
        return queryString;
    }

    @Override
    public String body() {
        return "";
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public void answerHeader(String name, String value) {
        answerHeaders.put(name, value);
    }
}
