package io.spark.day9.sim;

/**
 * A Binance error answer: the HTTP status and Binance's {@code {"code":…,"msg":…}} body. Thrown
 * by the simulator's logic; the HTTP adapter turns it into the answer.
 */
public final class SimError extends RuntimeException {
    private final int status;
    private final int code;

    public SimError(int status, int code, String msg) {
        super(msg, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status, e.g. 400, 401, 418 or 429. */
    public int status() {
        return status;
    }

    /** Binance's error code, e.g. -1121. */
    public int code() {
        return code;
    }

    /** The body Binance sends: {@code {"code":-1121,"msg":"Invalid symbol."}}. */
    public String body() {
        return "{\"code\":" + code + ",\"msg\":\"" + getMessage().replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"}";
    }
}
