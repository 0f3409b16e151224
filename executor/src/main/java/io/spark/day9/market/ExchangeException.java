package io.spark.day9.market;

/**
 * The exchange refused a request (or could not be reached). Carries Binance's error code and
 * message, the HTTP status, and how long to wait before retrying when the exchange said so.
 */
public final class ExchangeException extends RuntimeException {
    private final int httpStatus;
    private final int code;
    private final long retryAfterMs;

    ExchangeException(int httpStatus, int code, String message, long retryAfterMs,
                      Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    /**
     * A failure made up on purpose (the chaos engine's outbound faults): the call behaves as if
     * the exchange had answered {@code httpStatus}.
     */
    public static ExchangeException injected(int httpStatus, String message, long retryAfterMs) {
        return new ExchangeException(httpStatus, 0, message, retryAfterMs, null);
    }

    /** HTTP status, 0 when no answer came back. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Binance error code ({@code -1013}, {@code -1021}…), 0 when the answer had none. */
    public int code() {
        return code;
    }

    /** Milliseconds to wait before retrying (from {@code Retry-After}), 0 when unknown. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** True for 429 and 418: the exchange is rate limiting us. */
    public boolean rateLimited() {
        return httpStatus == 429 || httpStatus == 418;
    }
}
