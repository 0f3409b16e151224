package io.spark.day9.queue;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes job keys: 128 random bits in unpadded base64url, 22 characters of
 * {@code [A-Za-z0-9_-]} (so a key is also a legal exchange {@code clientOrderId}). The bits
 * come from {@link ThreadLocalRandom}: no lock and no blocking entropy read on the enqueue
 * path; the chance that two keys of one installation ever collide is negligible (about
 * n²/2¹²⁹ for n keys).
 */
final class JobKeys {
    /** Length of every key, in characters. */
    static final int LENGTH = 22;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private JobKeys() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return B64.encodeToString(b);
    }
}
