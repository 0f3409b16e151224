package io.spark.day9.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Writes feature rows as RFC 4180 CSV: a header of the column names, then one line per row,
 * {@code \n} line ends, UTF-8. Absent values are empty cells; timestamps are epoch
 * milliseconds; doubles are Java's shortest round-trip form ({@link Double#toString}); text
 * containing a comma, quote or line break is quoted with quotes doubled.
 */
final class CsvSink {
    private CsvSink() {
    }

    /** The writer as the manifest describes it. */
    static Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("library", "day9 CsvSink");
        m.put("dialect", "RFC 4180, LF line ends, UTF-8");
        return m;
    }

    static void write(Path file, List<FeatureRow> rows, LongConsumer progress)
            throws IOException {
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            StringBuilder line = new StringBuilder(256);
            for (Column c : Column.ALL) {
                line.append(line.isEmpty() ? "" : ",").append(c.name());
            }
            w.write(line.append('\n').toString());
            int n = 0;
            for (FeatureRow r : rows) {
                line.setLength(0);
                boolean first = true;
                for (Column c : Column.ALL) {
                    if (!first) {
                        line.append(',');
                    }
                    first = false;
                    switch (c.type()) {
                        case STRING -> quote(line, r.strings[c.slot()]);
                        case LONG, TIMESTAMP_MS -> {
                            long v = r.longs[c.slot()];
                            if (v != FeatureRow.NO_LONG) {
                                line.append(v);
                            }
                        }
                        case DOUBLE -> {
                            double v = r.doubles[c.slot()];
                            if (!Double.isNaN(v)) {
                                line.append(v);
                            }
                        }
                        default -> throw new IllegalStateException("unknown type " + c.type());
                    }
                }
                w.write(line.append('\n').toString());
                if (++n == 4096) {
                    progress.accept(n);
                    n = 0;
                }
            }
            progress.accept(n);
        }
    }

    private static void quote(StringBuilder line, String v) {
        if (v == null) {
            return;
        }
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0
                && v.indexOf('\r') < 0) {
            line.append(v);
            return;
        }
        line.append('"').append(v.replace("\"", "\"\"")).append('"');
    }
}
