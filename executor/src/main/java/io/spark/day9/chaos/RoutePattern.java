package io.spark.day9.chaos;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A glob over request paths: {@code *} matches within one path segment, {@code **} matches
 * any number of segments (including none), everything else is literal. A trailing slash is
 * ignored on both sides. Examples: {@code /api/private/queue/**},
 * {@code /api/private/queue/*}{@code /enqueue}, {@code /api/private/market/book}.
 */
final class RoutePattern {
    private static final Pattern ALLOWED = Pattern.compile("/[A-Za-z0-9._~*{}/-]*");

    private final Pattern regex;

    private RoutePattern(String glob) {
        this.regex = Pattern.compile(toRegex(trim(glob)));
    }

    static RoutePattern of(String glob) {
        check("route", glob);
        return new RoutePattern(glob);
    }

    static List<RoutePattern> all(List<String> globs) {
        return globs.stream().map(RoutePattern::of).toList();
    }

    /** Validates a glob, naming {@code field} when it is not acceptable. */
    static void check(String field, String glob) {
        if (glob == null || glob.length() > 200 || !ALLOWED.matcher(glob).matches()) {
            throw new ChaosException.Invalid(field, "must be a path glob starting with '/' "
                    + "(letters, digits, '._~-{}/', '*' and '**'), at most 200 characters, got "
                    + (glob == null ? "null" : "'" + glob + "'"));
        }
    }

    boolean matches(String path) {
        return regex.matcher(trim(path)).matches();
    }

    private static String trim(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1)
                : path;
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                // "/**" also matches the bare prefix: /a/** matches /a
                if (re.length() > 0 && re.charAt(re.length() - 1) == '/') {
                    re.setLength(re.length() - 1);
                    re.append("(/.*)?");
                } else {
                    re.append(".*");
                }
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (Character.isLetterOrDigit(c) || c == '/') {
                re.append(c);
            } else {
                re.append('\\').append(c); // a backslash before punctuation makes it literal
            }
        }
        return re.toString();
    }
}
