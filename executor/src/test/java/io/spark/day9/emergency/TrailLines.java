package io.spark.day9.emergency;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shadow trail ({@code SHADOW_DIR/orders-YYYY-MM-DD.ndjson}, format in docs/shadow.md) read
 * as a test sees it on disk, every whole line of every segment; a line being written while we
 * read is skipped. {@code order} lines carry {@code createdAt} (when the shadow executor
 * accepted the order, epoch ms), {@code real} lines {@code sentAt} (when the real leg left for
 * the exchange; null when it was never sent).
 */
final class TrailLines {
    private TrailLines() {
    }

    /** Every readable line of every trail segment under {@code shadowDir}. */
    static List<JsonNode> read(Path shadowDir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(shadowDir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(shadowDir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("orders-")).sorted()
                    .toList();
        }
        for (Path f : files) {
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        out.add(Json.mapper().readTree(line));
                    } catch (IOException torn) {
                        // being written, or cut by a kill
                    }
                }
            }
        }
        return out;
    }

    /** The {@code order} lines: orders the shadow executor accepted. */
    static List<JsonNode> orders(List<JsonNode> trail) {
        return trail.stream().filter(r -> r.path("kind").asText().equals("order")).toList();
    }

    /** The {@code real} lines that were sent to the exchange. */
    static List<JsonNode> realSends(List<JsonNode> trail) {
        return trail.stream().filter(r -> r.path("kind").asText().equals("real")
                && r.hasNonNull("sentAt")).toList();
    }

    /**
     * Accepted orders created in {@code (after, before)} and real legs sent then: what must not
     * exist while an acknowledged stop is in force.
     */
    static List<String> placedBetween(List<JsonNode> trail, long after, long before) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : orders(trail)) {
            long at = r.path("createdAt").asLong();
            if (at > after && at < before) {
                out.add("shadow order " + r.path("clientOrderId").asText() + " created at " + at);
            }
        }
        for (JsonNode r : realSends(trail)) {
            long at = r.path("sentAt").asLong();
            if (at > after && at < before) {
                out.add("real leg " + r.path("clientOrderId").asText() + " sent at " + at);
            }
        }
        return out;
    }
}
