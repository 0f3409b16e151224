package io.spark.day9.export;

/**
 * An expected export failure (bad arguments, a missing input directory, an output directory
 * that is not empty): printed as one line, exit code 2, no stack trace.
 */
public final class ExportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExportException(String message) {
        super(message);
    }
}
