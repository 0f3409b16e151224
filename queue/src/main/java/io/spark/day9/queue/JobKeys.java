package io.spark.day9.queue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes job keys: 128 random bits in unpadded base64url, 22 characters of
 * {@code [A-Za-z0-9_-]} (so a key is also a legal exchange {@code clientOrderId}). The bits
 * come from {@link ThreadLocalRandom}: no lock and no blocking entropy read on the enqueue
 * path; the chance that two keys of one installation ever collide is negligible (about
 * n²/2¹²⁹ for n keys). Encoding writes straight into a byte array (the journal line buffer):
 * no encoder, no intermediate array.
 */
final class JobKeys {
    /** Length of every key, in characters. */
    static final int LENGTH = 22;
    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                    .getBytes(StandardCharsets.US_ASCII);

    private JobKeys() {
    }

    /** A new key as a String. */
    static String next() {
        byte[] b = new byte[LENGTH];
        encode(b, 0);
        return new String(b, 0, LENGTH, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes a new key's {@link #LENGTH} characters into {@code out} at {@code at}: the 128
     * bits of two random longs, 6 bits a character (the last character holds 2 bits).
     */
    static void encode(byte[] out, int at) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        for (int i = 0; i < 10; i++) { // 60 bits of hi
            out[at + i] = ALPHABET[(int) (hi >>> (58 - 6 * i)) & 63];
        }
        // 4 bits of hi + 2 bits of lo
        out[at + 10] = ALPHABET[(int) ((hi & 0xF) << 2 | (lo >>> 62)) & 63];
        for (int i = 0; i < 10; i++) { // 60 bits of lo
            out[at + 11 + i] = ALPHABET[(int) (lo >>> (56 - 6 * i)) & 63];
        }
        out[at + 21] = ALPHABET[(int) (lo & 0x3) << 4];
    }
}
