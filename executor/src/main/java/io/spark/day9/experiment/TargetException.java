package io.spark.day9.experiment;

/** The executor answered an error (a problem's status and detail) or did not answer (0). */
public final class TargetException extends RuntimeException {
    private final int status;

    public TargetException(int status, String message) {
        super(message);
        this.status = status;
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }
}
