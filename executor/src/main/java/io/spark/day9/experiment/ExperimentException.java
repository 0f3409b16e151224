package io.spark.day9.experiment;

/**
 * An experiment file that cannot be run: names the file, the field (a path such as
 * {@code method[2].ramp.over}) and what is wrong with it.
 */
public final class ExperimentException extends IllegalArgumentException {
    private final String field;

    public ExperimentException(String source, String field, String message) {
        super(source + ": " + field + ": " + message);
        this.field = field;
    }

    /** The offending field, as a path into the file. */
    public String field() {
        return field;
    }
}
