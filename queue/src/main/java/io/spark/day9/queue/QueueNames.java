package io.spark.day9.queue;

import java.util.regex.Pattern;

/**
 * The one rule for queue names, shared by every backend, the executor's config loader and its
 * HTTP API: 1..64 characters of {@code [A-Za-z0-9_-]}, the first a letter or digit. Such a name
 * is safe as a directory name (no dot, no separator, never hidden) and as a JetStream subject
 * token.
 */
public final class QueueNames {
    /** The rule as a regular expression (whole-string match). */
    public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";
    /** {@link #REGEX}, compiled. */
    public static final Pattern PATTERN = Pattern.compile(REGEX);
    /** The rule in words, for error messages. */
    public static final String RULE =
            "1-64 letters, digits, '_' or '-', starting with a letter or digit";

    private QueueNames() {
    }

    /** Whether {@code name} is a legal queue name. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Returns {@code name} when it is legal.
     *
     * @throws IllegalArgumentException naming the rule and the name when it is not
     */
    public static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("queue name must be " + RULE + ", but got '"
                    + name + "'");
        }
        return name;
    }
}
