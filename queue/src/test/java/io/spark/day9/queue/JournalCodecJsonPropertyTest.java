package io.spark.day9.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link JournalCodec#isEmbeddableJson}'s hand-written JSON syntax check accepts and rejects
 * exactly what Jackson (strict, one value, no trailing tokens) does, on random JSON and on
 * random mutations of it. Inputs hold no CR or LF (those are never embedded: a journal line
 * cannot hold them) and are valid UTF-8 (invalid UTF-8 is never embedded either).
 */
class JournalCodecJsonPropertyTest {
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Characters the mutations insert: JSON's syntax, some of its near misses, non-ASCII. */
    private static final String ALPHABET = "{}[],:\"\\/-+.eE0123456789 \ttrufalsenbx\u0001\u001f"
            + "\u007f\u00e9\u20ac\ud83d\ude00'#";

    static boolean jacksonAccepts(String text) {
        try {
            JsonNode n = JACKSON.readTree(text);
            return n != null && !n.isMissingNode();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static void sameVerdict(String text) {
        byte[] b = text.getBytes(UTF_8);
        assertThat(JournalCodec.isEmbeddableJson(b)).as("embeddable: %s", text)
                .isEqualTo(jacksonAccepts(text));
    }

    /**
     * Random RFC 8259 JSON. Jackson refuses a lone escaped surrogate in a member name (and
     * accepts it in a value); the check found that difference and now does the same.
     */
    @Property(tries = 300)
    void agreesWithJacksonOnRandomJson(@ForAll("json") String text) {
        sameVerdict(text);
    }

    @Example
    void refusesALoneEscapedSurrogateInAMemberNameButNotInAValue() {
        for (String text : List.of("{\"\\ud800\":0}", "{\"\\udc00\":0}", "{\"a\\ud800b\":0}",
                "[\"\\ud800\"]", "{\"\\ud83d\\ude00\":\"\\udc00\"}")) {
            sameVerdict(text);
        }
        assertThat(JournalCodec.isEmbeddableJson("{\"\\ud800\":0}".getBytes(UTF_8))).isFalse();
        assertThat(JournalCodec.isEmbeddableJson("[\"\\ud800\"]".getBytes(UTF_8))).isTrue();
    }

    @Property(tries = 1500)
    void agreesWithJacksonOnMutatedJson(@ForAll("mutated") String text) {
        sameVerdict(text);
    }

    @Property(tries = 500)
    void agreesWithJacksonOnShortRandomText(@ForAll("noise") String text) {
        sameVerdict(text);
    }

    @Property(tries = 100)
    void neverEmbedsLineBreaks(@ForAll("json") String text, @ForAll @IntRange(max = 50) int at,
                               @ForAll boolean cr) {
        int i = Math.min(at, text.length());
        String broken = text.substring(0, i) + (cr ? "\r" : "\n") + text.substring(i);
        assertThat(JournalCodec.isEmbeddableJson(broken.getBytes(UTF_8))).isFalse();
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> json() {
        return value(4);
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(1)
                .ofMaxLength(12).filter(JournalCodecJsonPropertyTest::validUtf16);
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<Tuple.Tuple3<Integer, Integer, Character>> edit = Combinators.combine(
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 10_000),
                Arbitraries.of(ALPHABET.chars().mapToObj(c -> (char) c).toList()))
                .as(Tuple::of);
        return Combinators.combine(value(3), edit.list().ofMinSize(1).ofMaxSize(3))
                .as(JournalCodecJsonPropertyTest::mutate)
                .filter(JournalCodecJsonPropertyTest::validUtf16);
    }

    private static String mutate(String text, List<Tuple.Tuple3<Integer, Integer, Character>> es) {
        StringBuilder sb = new StringBuilder(text);
        for (Tuple.Tuple3<Integer, Integer, Character> e : es) {
            int at = sb.isEmpty() ? 0 : e.get2() % (sb.length() + 1);
            switch (e.get1()) {
                case 0 -> sb.insert(at, e.get3().charValue());
                case 1 -> {
                    if (at < sb.length()) {
                        sb.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < sb.length()) {
                        sb.setCharAt(at, e.get3());
                    }
                }
            }
        }
        return sb.toString();
    }

    /** No lone surrogate (a mutation may split a pair): the bytes are then valid UTF-8. */
    private static boolean validUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static Arbitrary<String> ws() {
        return Arbitraries.of("", "", "", " ", "\t", "  ");
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(number(), string(),
                Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<String> array = Combinators.combine(inner.list().ofMaxSize(4), ws(), ws())
                .as((items, a, b) -> "[" + a + String.join(b + "," + a, items) + b + "]");
        Arbitrary<String> member = Combinators.combine(string(), ws(), inner)
                .as((k, w, v) -> k + w + ":" + w + v);
        Arbitrary<String> object = Combinators.combine(member.list().ofMaxSize(4), ws())
                .as((ms, w) -> "{" + w + String.join("," + w, ms) + w + "}");
        return Combinators.combine(Arbitraries.frequencyOf(Tuple.of(3, scalar),
                Tuple.of(2, array), Tuple.of(2, object)), ws(), ws()).as((v, a, b) -> a + v + b);
    }

    private static Arbitrary<String> number() {
        Arbitrary<String> intPart = Arbitraries.oneOf(Arbitraries.just("0"),
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(n -> Long.toString(n)));
        Arbitrary<String> frac = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(6).map(d -> "." + d));
        Arbitrary<String> exp = Arbitraries.oneOf(Arbitraries.just(""),
                Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"),
                        Arbitraries.integers().between(0, 300)).as((e, s, n) -> e + s + n));
        return Combinators.combine(Arbitraries.of("", "-"), intPart, frac, exp)
                .as((s, i, f, e) -> s + i + f + e);
    }

    private static Arbitrary<String> string() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange(' ', '~')
                .withChars('\u00e9', '\u20ac', '\u007f').ofMaxLength(8)
                .map(s -> s.replace("\\", "\\\\").replace("\"", "\\\""));
        Arbitrary<String> escape = Arbitraries.oneOf(
                Arbitraries.of("\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r"),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF".toCharArray())
                        .ofLength(4).map(h -> "\\u" + h));
        return Combinators.combine(plain, escape.list().ofMaxSize(2), plain)
                .as((a, es, b) -> "\"" + a + String.join("", es) + b + "\"");
    }
}
