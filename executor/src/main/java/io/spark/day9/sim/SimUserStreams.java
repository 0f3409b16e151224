package io.spark.day9.sim;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The user data stream's listen keys, as Binance Spot keeps them: one per API key (asking again
 * returns the same key and extends it), valid for {@value #VALIDITY_MS} ms after it was made or
 * last kept alive, then gone ({@link #expire}). A listen key is 60 lower-case letters and
 * digits, so it is its own stream name at {@code /ws/<listenKey>}.
 *
 * <p>Time is the exchange clock passed in; thread-safe (one monitor).
 */
final class SimUserStreams {
    /** Binance: a listen key lives 60 minutes without a keepalive. */
    static final long VALIDITY_MS = 60L * 60 * 1000;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private record Entry(String apiKey, long expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> keys = new HashMap<>();

    /** {@code POST}: the API key's listen key, new or extended. */
    synchronized String open(String apiKey, long now) {
        for (Map.Entry<String, Entry> e : keys.entrySet()) {
            if (e.getValue().apiKey().equals(apiKey) && e.getValue().expiresAt() > now) {
                e.setValue(new Entry(apiKey, now + VALIDITY_MS));
                return e.getKey();
            }
        }
        StringBuilder key = new StringBuilder(60);
        for (int i = 0; i < 60; i++) {
            key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        keys.put(key.toString(), new Entry(apiKey, now + VALIDITY_MS));
        return key.toString();
    }

    /**
     * {@code PUT}: extends {@code listenKey} by {@value #VALIDITY_MS} ms.
     *
     * @throws SimError -1125 when the key does not exist (or expired, or is another API key's)
     */
    synchronized void keepAlive(String apiKey, String listenKey, long now) {
        Entry e = live(apiKey, listenKey, now);
        keys.put(listenKey, new Entry(e.apiKey(), now + VALIDITY_MS));
    }

    /**
     * {@code DELETE}: closes {@code listenKey}.
     *
     * @throws SimError -1125 when the key does not exist
     */
    synchronized void close(String apiKey, String listenKey, long now) {
        live(apiKey, listenKey, now);
        keys.remove(listenKey);
    }

    private Entry live(String apiKey, String listenKey, long now) {
        Entry e = listenKey == null ? null : keys.get(listenKey);
        if (e == null || !e.apiKey().equals(apiKey) || e.expiresAt() <= now) {
            throw new SimError(400, -1125, "This listenKey does not exist.");
        }
        return e;
    }

    /** The live listen keys of {@code apiKey}. */
    synchronized List<String> listenKeys(String apiKey, long now) {
        List<String> out = new ArrayList<>();
        keys.forEach((key, e) -> {
            if (e.apiKey().equals(apiKey) && e.expiresAt() > now) {
                out.add(key);
            }
        });
        return out;
    }

    /** Forgets and returns the listen keys that expired by {@code now}. */
    synchronized List<String> expire(long now) {
        List<String> gone = new ArrayList<>();
        for (Iterator<Map.Entry<String, Entry>> it = keys.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Entry> e = it.next();
            if (e.getValue().expiresAt() <= now) {
                gone.add(e.getKey());
                it.remove();
            }
        }
        return gone;
    }
}
