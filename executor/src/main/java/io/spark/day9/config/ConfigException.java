package io.spark.day9.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Configuration values that cannot be used. For one bad value the message is one line naming
 * the variable, the value that was given and what is allowed, e.g.
 * {@code CHAOS_HTTP_ERROR_PCT=150 is invalid: must be an integer from 0 to 100}. When several
 * values are bad, one exception lists them all, one per line after a count
 * ({@link #problems()} has each of them).
 */
public final class ConfigException extends RuntimeException {
    private final String variable;
    private final List<ConfigException> problems;

    ConfigException(String variable, String message) {
        super(message);
        this.variable = variable;
        this.problems = List.of(this);
    }

    private ConfigException(List<ConfigException> problems) {
        super(problems.size() + " settings are invalid:\n  " + problems.stream()
                .map(Throwable::getMessage).collect(Collectors.joining("\n  ")));
        this.variable = problems.get(0).variable;
        this.problems = List.copyOf(problems);
    }

    /** One exception for {@code problems}: the problem itself when there is only one. */
    static ConfigException all(List<ConfigException> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no configuration problems to report");
        }
        return problems.size() == 1 ? problems.get(0) : new ConfigException(problems);
    }

    static ConfigException invalid(String variable, String value, String allowed) {
        return new ConfigException(variable, variable + "=" + value + " is invalid: " + allowed);
    }

    static ConfigException conflict(String variable, String message) {
        return new ConfigException(variable, variable + ": " + message);
    }

    /** The environment variable at fault (the first one when several are). */
    public String variable() {
        return variable;
    }

    /** Every problem reported, in the order the settings were read; this one alone if single. */
    public List<ConfigException> problems() {
        return problems;
    }
}
