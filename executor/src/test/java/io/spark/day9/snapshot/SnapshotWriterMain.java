package io.spark.day9.snapshot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A child process for the kill -9 test: writes large state snapshots into {@code args[0]} in a
 * loop until it is killed, printing "wrote" after each one.
 */
public final class SnapshotWriterMain {
    private SnapshotWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        SnapshotStore store = new SnapshotStore(Path.of(args[0]), SnapshotIo.FILES,
                Json.mapper());
        ObjectNode data = Json.mapper().createObjectNode();
        ArrayNode orders = data.putArray("orders");
        for (int i = 0; i < 20_000; i++) {
            orders.addObject().put("id", i).put("symbol", "BTCUSDT").put("price", "65000.5")
                    .put("qty", "0.001").put("side", i % 2 == 0 ? "BUY" : "SELL");
        }
        byte[] bytes = store.canonical(data);
        Instant at = Instant.parse("2024-01-01T00:00:00Z");
        for (long n = 0; ; n++) {
            store.write("state", SnapshotKind.STATE, at.plusSeconds(n), bytes);
            System.out.println("wrote " + n);
            System.out.flush();
        }
    }
}
