package io.spark.day9.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One scrape of {@code GET /metrics}, parsed from the Prometheus text format: each sample line
 * {@code name{label="value",...} number [timestamp]} becomes a {@link Series}; comments are
 * skipped. Enough for the service's own exposition (client_java), not a full parser: label
 * values may hold escaped quotes, backslashes and newlines. Also used by {@code day9 shadow smoke}.
 */
public record Scrape(List<Series> series) {

    /** One sample. */
    public record Series(String name, Map<String, String> labels, double value) {
    }

    public static Scrape parse(String text) {
        List<Series> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Series s = line(line);
            if (s != null) {
                out.add(s);
            }
        }
        return new Scrape(List.copyOf(out));
    }

    private static Series line(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (i < line.length() && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    return null;
                }
                String key = line.substring(i, eq).strip();
                int j = eq + 1;
                if (j >= line.length() || line.charAt(j) != '"') {
                    return null;
                }
                StringBuilder v = new StringBuilder();
                j++;
                while (j < line.length() && line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                    j++;
                }
                labels.put(key, v.toString());
                i = j + 1;
                while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(Math.min(i, line.length())).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        double value;
        try {
            value = switch (rest[0]) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(rest[0]);
            };
        } catch (NumberFormatException e) {
            return null;
        }
        return new Series(name, Map.copyOf(labels), value);
    }

    /** The series called {@code name} whose labels pass {@code filter}. */
    List<Series> find(String name, Predicate<Map<String, String>> filter) {
        return series.stream().filter(s -> s.name().equals(name) && filter.test(s.labels()))
                .toList();
    }

    /** The sum of the series called {@code name} (0 when there is none). */
    public double sum(String name) {
        return sum(name, l -> true);
    }

    public double sum(String name, Predicate<Map<String, String>> filter) {
        return find(name, filter).stream().mapToDouble(Series::value).sum();
    }

    /** Sums by the value of {@code label}. */
    Map<String, Double> sumBy(String name, String label) {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Series s : find(name, l -> true)) {
            out.merge(s.labels().getOrDefault(label, ""), s.value(), Double::sum);
        }
        return out;
    }
}
