package io.spark.day9.shadow.report;

/**
 * A report parameter ({@code strategy}, {@code from}, {@code to}) that cannot be used; names the
 * field so the HTTP layer can answer a problem naming it and the CLI can name the option.
 */
public final class InvalidReportParameter extends IllegalArgumentException {
    private final String field;

    public InvalidReportParameter(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The parameter's name: {@code strategy}, {@code from} or {@code to}. */
    public String field() {
        return field;
    }

    /** The message without the field name in front. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
