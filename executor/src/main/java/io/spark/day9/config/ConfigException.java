package io.spark.day9.config;

/**
 * A configuration value that cannot be used. The message is one line naming the variable, the
 * value that was given and what is allowed, e.g.
 * {@code CHAOS_HTTP_ERROR_PCT=150 is invalid: must be an integer from 0 to 100}.
 */
public final class ConfigException extends RuntimeException {
    private final String variable;

    ConfigException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    static ConfigException invalid(String variable, String value, String allowed) {
        return new ConfigException(variable, variable + "=" + value + " is invalid: " + allowed);
    }

    static ConfigException conflict(String variable, String message) {
        return new ConfigException(variable, variable + ": " + message);
    }

    /** The environment variable at fault. */
    public String variable() {
        return variable;
    }
}
