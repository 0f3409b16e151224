package io.spark.day9.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .env} file: {@code KEY=VALUE} lines, {@code #} comments (also after an unquoted
 * value, so the operations guide's annotated block can be pasted as is), an optional
 * {@code export } prefix, and single or double quotes around a value.
 */
final class DotEnv {
    private DotEnv() {
    }

    /** The file's variables, or an empty map when the file does not exist. */
    static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(".env", source + ":" + lineNo
                        + " is not KEY=VALUE: " + raw);
            }
            String key = line.substring(0, eq).strip();
            values.put(key, value(line.substring(eq + 1).strip()));
        }
        return values;
    }

    private static String value(String text) {
        if (text.length() >= 2) {
            char first = text.charAt(0);
            int close = text.indexOf(first, 1);
            if ((first == '"' || first == '\'') && close > 0) {
                return text.substring(1, close);
            }
        }
        int comment = text.indexOf(" #");
        int tab = text.indexOf("\t#");
        int cut = comment < 0 ? tab : (tab < 0 ? comment : Math.min(comment, tab));
        return (cut < 0 ? text : text.substring(0, cut)).strip();
    }
}
