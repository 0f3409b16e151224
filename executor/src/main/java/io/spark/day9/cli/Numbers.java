package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How the CLI prints a measured number: rounded, never as binary floating-point noise
 * ({@code 0.358}, not {@code 0.35769999999999996}). A value of at least 1 keeps three decimals;
 * a smaller one three significant digits; trailing zeros go; integers stay as they are.
 */
final class Numbers {
    private static final int DECIMALS = 3;
    private static final MathContext SMALL = new MathContext(3, RoundingMode.HALF_EVEN);

    private Numbers() {
    }

    /** The rounded value as a plain decimal string ({@code NaN} and infinities as Java does). */
    static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return round(v).toPlainString();
    }

    /** The rounded value. */
    static BigDecimal round(double v) {
        BigDecimal d = new BigDecimal(v);
        BigDecimal r = Math.abs(v) >= 1 ? d.setScale(DECIMALS, RoundingMode.HALF_EVEN)
                : d.round(SMALL);
        r = r.stripTrailingZeros();
        return r.scale() < 0 ? r.setScale(0) : r;
    }

    /** A number node rounded as {@link #format}; any other node as its text. */
    static String format(JsonNode n) {
        return n.isFloatingPointNumber() ? format(n.asDouble()) : n.asText();
    }

    /** A copy of {@code n} with every floating-point number in it rounded. */
    static JsonNode rounded(JsonNode n) {
        if (n.isFloatingPointNumber()) {
            double v = n.asDouble();
            return Double.isFinite(v) ? JsonNodeFactory.instance.numberNode(round(v)) : n;
        }
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), rounded(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> a.add(rounded(e)));
            return a;
        }
        return n;
    }
}
