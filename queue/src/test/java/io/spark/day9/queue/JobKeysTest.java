package io.spark.day9.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Job keys: 128 bits as 22 base64url characters, never repeating. */
class JobKeysTest {

    @Test
    void aKeyIs22Base64UrlCharactersThatDecodeTo16Bytes() {
        for (int i = 0; i < 1000; i++) {
            String k = JobKeys.next();
            assertThat(k).matches("[A-Za-z0-9_-]{22}");
            assertThat(Base64.getUrlDecoder().decode(k)).hasSize(16);
        }
    }

    @Test
    void keysDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(JobKeys.next())).isTrue();
        }
    }

    @Test
    void everyBitVaries() {
        byte[] or = new byte[16];
        byte[] and = new byte[16];
        java.util.Arrays.fill(and, (byte) -1);
        for (int i = 0; i < 2000; i++) {
            byte[] b = Base64.getUrlDecoder().decode(JobKeys.next());
            for (int j = 0; j < 16; j++) {
                or[j] |= b[j];
                and[j] &= b[j];
            }
        }
        for (int j = 0; j < 16; j++) {
            assertThat(or[j]).as("byte %d has every bit set somewhere", j).isEqualTo((byte) -1);
            assertThat(and[j]).as("byte %d has every bit clear somewhere", j).isZero();
        }
    }
}
