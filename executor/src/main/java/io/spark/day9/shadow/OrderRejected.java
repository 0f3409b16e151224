package io.spark.day9.shadow;

/**
 * An order refused before it reached the (simulated or real) book, with Binance's error code
 * and message, and the request field at fault.
 */
public final class OrderRejected extends RuntimeException {
    private final int code;
    private final String field;

    public OrderRejected(int code, String field, String message) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    /** Binance's error code: {@code -1013}, {@code -1121}, {@code -1102}… */
    public int code() {
        return code;
    }

    /** The request field at fault. */
    public String field() {
        return field;
    }

    static OrderRejected missing(String field) {
        return new OrderRejected(-1102, field, "Mandatory parameter '" + field
                + "' was not sent, was empty/null, or malformed.");
    }

    static OrderRejected filter(String field, String filter, String detail) {
        return new OrderRejected(-1013, field, "Filter failure: " + filter + " (" + detail + ")");
    }
}
