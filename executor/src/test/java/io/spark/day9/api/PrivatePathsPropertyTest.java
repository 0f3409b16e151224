package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever an attacker does to the spelling, a private path stays private. */
class PrivatePathsPropertyTest {

    @Provide
    Arbitrary<List<String>> tails() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz-_").ofMinLength(1)
                .ofMaxLength(8).list().ofMaxSize(3);
    }

    @Property(tries = 2000)
    void obfuscatedPrivatePathsAreStillPrivate(@ForAll("tails") List<String> tail,
                                               @ForAll long seed) {
        Random random = new Random(seed);
        StringBuilder raw = new StringBuilder();
        for (String segment : concat(List.of("api", "private"), tail)) {
            raw.append(separator(random));
            if (random.nextInt(4) == 0) {
                raw.append(noise(random)); // "./", "x/../", ";p=1/../" and friends
            }
            raw.append(obfuscate(segment, random));
        }
        String path = raw.toString();
        assertThat(PrivatePaths.isPrivate(path)).as(path).isTrue();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static String separator(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "//";
            case 1 -> "%2F";
            case 2 -> "%252f";
            case 3 -> "\\";
            default -> "/";
        };
    }

    private static String noise(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> "./";
            case 1 -> "zz/../";
            case 2 -> "%2e/";
            default -> "q%2F%2E%2E/";
        };
    }

    private static String obfuscate(String segment, Random r) {
        StringBuilder sb = new StringBuilder();
        for (char c : segment.toCharArray()) {
            switch (r.nextInt(5)) {
                case 0 -> sb.append('%').append(String.format("%02X", (int) c));
                case 1 -> sb.append("%25").append(String.format("%02x", (int) c));
                case 2 -> sb.append(Character.toUpperCase(c));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
