package io.spark.day9.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Decides whether a raw request target is under {@code /api/private}, the way an attacker would
 * hope the router sees it: percent-decoded (repeatedly, for double encoding), backslashes as
 * slashes, {@code ;params} stripped, empty and {@code .} segments dropped, {@code ..} resolved,
 * case folded. The auth filter protects everything that canonicalises to the private prefix,
 * a superset of what the router can reach, so no spelling of a path gets past it.
 */
final class PrivatePaths {
    private static final int MAX_DECODE_ROUNDS = 4;

    private PrivatePaths() {
    }

    /** True when {@code rawPath} (undecoded request path) canonicalises to /api/private/… */
    static boolean isPrivate(String rawPath) {
        String canonical = canonical(rawPath);
        return canonical.equals("/api/private") || canonical.startsWith("/api/private/");
    }

    static String canonical(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        for (int i = 0; i < MAX_DECODE_ROUNDS && path.indexOf('%') >= 0; i++) {
            path = percentDecode(path);
        }
        path = path.replace('\\', '/').toLowerCase(Locale.ROOT);
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            int semicolon = segment.indexOf(';');
            if (semicolon >= 0) {
                segment = segment.substring(0, semicolon);
            }
            segment = segment.strip();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(segment);
        }
        return "/" + String.join("/", segments);
    }

    /** Lenient decoding: a malformed escape is kept as is rather than rejected. */
    private static String percentDecode(String s) {
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c < 0x80) {
                out[n++] = (byte) c;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (n + utf8.length > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2 + utf8.length);
                }
                System.arraycopy(utf8, 0, out, n, utf8.length);
                n += utf8.length;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
