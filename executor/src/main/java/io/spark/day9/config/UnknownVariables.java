package io.spark.day9.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Finds variables that look like Day9's but are not one of its {@link Setting}s, such as the
 * typo {@code QUEUE_VISIBILTY_MS}, and names the nearest known one.
 *
 * <p>"Looks like ours" means: the name starts with a prefix one of our names has
 * ({@link #PREFIXES}, e.g. {@code QUEUE_}, {@code CHAOS_}, {@code SHADOW_}), or it is within
 * {@link #maxDistance(String)} edits ({@link #distance}) of a known name. A few common variables of
 * other programs that share a prefix ({@link #FOREIGN}, e.g. {@code HTTP_PROXY}) are never
 * reported. Nothing is rejected: these are warnings for the operator.
 */
final class UnknownVariables {
    /** Prefixes of Day9's variables (and of those announced for it, e.g. {@code READ_}). */
    static final Set<String> PREFIXES = Set.of("DAY9_", "API_", "ADMIN_", "READ_", "TRADE_",
            "LIVE_", "RUNTIME_", "LOG_", "HTTP_", "SHUTDOWN_", "AUDIT_", "CHAOS_", "QUEUE_",
            "MARKET_", "SIM_", "SNAPSHOT_", "SHADOW_", "PROBE_");
    /** Known variables read outside {@link Setting#ALL} (the {@code day9} launcher's). */
    static final Set<String> ALSO_KNOWN = Set.of("DAY9_JAVA_OPTS");
    /** Other programs' variables that share one of our prefixes. */
    static final Set<String> FOREIGN = Set.of("HTTP_PROXY", "HTTPS_PROXY", "HTTP_PROXY_HOST",
            "HTTP_PROXY_PORT", "HTTP_USER_AGENT");

    private UnknownVariables() {
    }

    /**
     * One warning per unknown variable that looks like ours, sorted by name, e.g.
     * {@code QUEUE_VISIBILTY_MS is not a Day9 variable and is ignored; did you mean
     * QUEUE_VISIBILITY_MS?}.
     */
    static List<String> warnings(Collection<String> environment, Collection<String> dotEnv) {
        Set<String> names = new TreeSet<>(environment);
        names.addAll(dotEnv);
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (known(name) || FOREIGN.contains(name)) {
                continue;
            }
            String nearest = nearest(name);
            boolean close = distance(name, nearest) <= maxDistance(name);
            if (!close && PREFIXES.stream().noneMatch(name::startsWith)) {
                continue;
            }
            String source = dotEnv.contains(name) && !environment.contains(name) ? " (in .env)"
                    : "";
            out.add(name + source + " is not a Day9 variable and is ignored; did you mean "
                    + nearest + "?");
        }
        return out;
    }

    private static boolean known(String name) {
        return ALSO_KNOWN.contains(name)
                || Setting.ALL.stream().anyMatch(s -> s.name().equals(name));
    }

    /**
     * The known name with the fewest edits from {@code name}, among the names that share its
     * prefix when there are such (so {@code CHAOS_MODE} suggests a {@code CHAOS_} name); the first
     * in {@link Setting#ALL} order on ties.
     */
    static String nearest(String name) {
        List<String> candidates = knownNames().stream()
                .filter(known -> PREFIXES.stream()
                        .anyMatch(p -> name.startsWith(p) && known.startsWith(p)))
                .toList();
        if (candidates.isEmpty()) {
            candidates = knownNames();
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Edits that still count as a typo: 1 for short names (HOME is not HOST), else 2. */
    static int maxDistance(String name) {
        return name.length() < 8 ? 1 : 2;
    }

    private static List<String> knownNames() {
        List<String> names = Setting.ALL.stream().map(Setting::name)
                .collect(Collectors.toCollection(ArrayList::new));
        names.addAll(ALSO_KNOWN);
        return names;
    }

    /**
     * Edit distance with adjacent transpositions (optimal string alignment): insert, delete,
     * substitute and swap two neighbours each cost 1, so {@code PROT} is 1 from {@code PORT}.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost,
                        Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
