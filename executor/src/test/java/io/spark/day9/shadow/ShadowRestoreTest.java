package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.MarketEvent;
import io.spark.day9.market.PriceLevel;
import io.spark.day9.testing.ManualScheduler;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow state section and the bounded window: a captured section restored into a new
 * executor brings back positions, open orders and idempotency; the trail after the section's
 * mark is replayed and the trail before it is not (positions would double); a bad section is
 * refused whole; orders that left the window are still found and still duplicates.
 */
class ShadowRestoreTest {
    @TempDir
    Path dir;
    private final ManualScheduler time = new ManualScheduler(1_800_000_000_000L);
    private final Map<String, BookView> books = new ConcurrentHashMap<>();
    private final List<ShadowExecutor> started = new ArrayList<>();

    private final MarketData market = new MarketData() {
        @Override
        public List<String> symbols() {
            return List.of("BTCUSDT");
        }

        @Override
        public Optional<BookView> book(String symbol, int limit) {
            return Optional.ofNullable(books.get(symbol));
        }

        @Override
        public boolean connected() {
            return true;
        }
    };

    private static PriceLevel l(String p, String q) {
        return new PriceLevel(new BigDecimal(p), new BigDecimal(q));
    }

    // bids 99.90 x 1, 99.80 x 2 | asks 100.00 x 1, 100.50 x 2
    private void standardBook() {
        List<PriceLevel> bids = List.of(l("99.90", "1"), l("99.80", "2"));
        List<PriceLevel> asks = List.of(l("100.00", "1"), l("100.50", "2"));
        books.put("BTCUSDT", new BookView("BTCUSDT", true, 1, 0, bids, asks, null, null, null, 0,
                bids.size(), asks.size()));
    }

    private static JsonNode info() throws Exception {
        return Json.mapper().readTree("""
                {"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT","filters":[
                 {"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"1000000","tickSize":"0.01"},
                 {"filterType":"LOT_SIZE","minQty":"0.00001","maxQty":"9000","stepSize":"0.00001"},
                 {"filterType":"NOTIONAL","minNotional":"5"}]}]}""");
    }

    /** A new executor on the test's trail, not started. */
    private ShadowExecutor create(int window) throws Exception {
        JsonNode info = info();
        ShadowExecutor s = new ShadowExecutor(new ShadowConfig(dir, BigDecimal.TEN,
                BigDecimal.valueOf(20), ShadowConfig.LatencyModel.NONE, 0, 3_600_000, 0, window),
                market, () -> info, null, time.millisClock(), time, Json.mapper());
        started.add(s);
        return s;
    }

    /** A new executor that restores {@code section} (when not null) and starts. */
    private ShadowExecutor start(int window, JsonNode section) throws Exception {
        ShadowExecutor s = create(window);
        if (section != null) {
            assertThat(s.stateSection().restorable()).isTrue();
            s.stateSection().restore(section);
        }
        s.start();
        return s;
    }

    /** Stops everything started so far (the trail is durable before each answer anyway). */
    private void stopAll() throws Exception {
        for (ShadowExecutor s : started) {
            s.stop();
        }
        started.clear();
    }

    @AfterEach
    void stop() throws Exception {
        stopAll();
    }

    private OrderRequest order(String side, String type, String price, String qty,
                               String clientId) {
        return OrderRequest.parse(new OrderRequest.Body("BTCUSDT", side, type, price, qty,
                "alpha", clientId, null, null), null, time.millis(), "http");
    }

    private void trade(ShadowExecutor s, String price, String qty, boolean buyerMaker) {
        s.onMarketEvent(new MarketEvent.TradePrint("BTCUSDT", new BigDecimal(price),
                new BigDecimal(qty), buyerMaker, time.millis()));
        time.runDue(); // trades are handled on the shadow lane
    }

    /** The section as it would come back from a snapshot file: through its text. */
    private static JsonNode throughText(JsonNode section) throws Exception {
        return Json.mapper().readTree(Json.mapper().writeValueAsString(section));
    }

    private static int inMemory(ShadowExecutor s) {
        return (Integer) s.health().details().get("orders");
    }

    @Test
    void aRestoredSectionBringsBackPositionsRestingOrdersAndIdempotency() throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        ShadowOrderView m1 = s.place(order("BUY", "MARKET", null, "1", "m1")).order();
        s.place(order("SELL", "MARKET", null, "0.4", "m2"));
        s.place(order("BUY", "LIMIT", "99.80", "2", "r1")); // rests behind 2 displayed
        trade(s, "99.80", "2.5", true); // 2 clear the queue, 0.5 fills r1
        ShadowOrderView r1 = s.get("r1").orElseThrow();
        assertThat(r1.status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
        List<Positions.View> positions = s.positions();
        JsonNode section = throughText(s.stateSection().capture());
        assertThat(section.path("resting")).hasSize(1);
        assertThat(section.path("recent")).hasSize(2);
        stopAll();

        ShadowExecutor t = start(1000, section);
        // the whole trail is before the mark: replaying it again would double every position
        assertThat(t.positions()).isEqualTo(positions);
        assertThat(t.get("r1")).contains(r1);
        assertThat(t.get(r1.orderId())).contains(r1);
        ShadowExecutor.Placement again = t.place(order("BUY", "MARKET", null, "1", "m1"));
        assertThat(again.duplicate()).isTrue();
        assertThat(again.order()).isEqualTo(m1);
        assertThat(t.positions()).isEqualTo(positions);
        // the restored resting order keeps simulating: its queue position came back too
        trade(t, "99.80", "0.5", true);
        assertThat(t.get("r1").orElseThrow().executedQty()).isEqualByComparingTo("1");
        trade(t, "99.70", "1", true); // through our price: the rest fills
        assertThat(t.get("r1").orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
        assertThat(t.positions().get(0).qty()).isEqualByComparingTo("2.6");
        // new ids do not reuse restored ones
        String fresh = t.place(order("BUY", "MARKET", null, "0.1", "m3")).order().orderId();
        assertThat(fresh).isNotIn(m1.orderId(), r1.orderId());
    }

    @Test
    void ordersAfterTheMarkAreReplayedFromTheTrailAndOrdersBeforeItAreNotAppliedTwice()
            throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", "before"));
        s.place(order("BUY", "LIMIT", "99.80", "2", "r1"));
        JsonNode section = throughText(s.stateSection().capture());
        // after the snapshot, before the crash: a new order and a fill of the resting one
        ShadowOrderView after = s.place(order("SELL", "MARKET", null, "0.5", "after")).order();
        trade(s, "99.70", "1", true);
        ShadowOrderView r1 = s.get("r1").orElseThrow();
        assertThat(r1.status()).isEqualTo(OrderStatus.FILLED);
        List<Positions.View> positions = s.positions();
        stopAll();

        ShadowExecutor t = start(1000, section);
        assertThat(t.positions()).isEqualTo(positions);
        assertThat(t.positions().get(0).qty()).isEqualByComparingTo("2.5"); // 1 - 0.5 + 2
        assertThat(t.positions().get(0).fills()).isEqualTo(positions.get(0).fills());
        same(t.get("after"), after); // read back from the trail
        same(t.get("r1"), r1);
        assertThat(t.place(order("SELL", "MARKET", null, "0.5", "after")).duplicate()).isTrue();
        assertThat((Map<String, Object>) t.health().details()).containsEntry("resting", 0);
    }

    @Test
    void aSectionWithABadMemberIsRefusedWholeAndLeavesTheExecutorEmpty() throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", "m1"));
        s.place(order("SELL", "MARKET", null, "0.5", "m2"));
        s.place(order("BUY", "LIMIT", "99.80", "2", "r1"));
        List<Positions.View> positions = s.positions();
        JsonNode good = throughText(s.stateSection().capture());
        stopAll();

        Map<String, java.util.function.Consumer<ObjectNode>> breakages = Map.of(
                "shadow.resting[0].order", n -> ((ObjectNode) n.path("resting").get(0))
                        .put("order", "[\"not an order\""),
                "shadow.recent[0].order", n -> ((ObjectNode) n.path("recent").get(0))
                        .put("order", ((ObjectNode) n.path("resting").get(0)).get("order")
                                .asText()), // a resting order is not a settled one
                "shadow.recent[1].order", n -> ((ObjectNode) n.path("recent").get(1))
                        .put("order", n.path("recent").get(1).path("order").asText()
                                .substring(0, 40)), // cut short
                "shadow.mark", n -> ((ObjectNode) n.path("mark")).put("segment", "../etc"),
                "shadow.positions[0].qty", n -> ((ObjectNode) n.path("positions").get(0))
                        .put("qty", "lots"),
                "shadow.version", n -> n.put("version", 2),
                "shadow.seq", n -> n.put("seq", -1));
        for (var e : breakages.entrySet()) {
            ObjectNode bad = good.deepCopy();
            e.getValue().accept(bad);
            ShadowExecutor t = create(1000);
            assertThatThrownBy(() -> t.stateSection().restore(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(e.getKey());
            assertThat(t.positions()).as(e.getKey()).isEmpty();
            assertThat(t.recent(null, 10)).as(e.getKey()).isEmpty();
            assertThat(inMemory(t)).as(e.getKey()).isZero();
        }
        // refused, it restores nothing: start replays the whole trail as without a snapshot
        ShadowExecutor t = create(1000);
        ObjectNode bad = good.deepCopy();
        bad.put("seq", "x");
        assertThatThrownBy(() -> t.stateSection().restore(bad))
                .hasMessageStartingWith("shadow.seq");
        t.start();
        assertThat(t.positions()).isEqualTo(positions);
        assertThat(t.get("r1").orElseThrow().status()).isEqualTo(OrderStatus.NEW);
    }

    @Test
    void ordersThatLeftTheWindowAreStillFoundAndStillDuplicates() throws Exception {
        ShadowExecutor s = start(2, null);
        standardBook();
        List<ShadowOrderView> placed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            placed.add(s.place(order(i % 2 == 0 ? "BUY" : "SELL", "MARKET", null, "0.1",
                    "c" + i)).order());
        }
        s.place(order("BUY", "LIMIT", "99.00", "0.2", "rest")); // open: never evicted
        assertThat(inMemory(s)).isEqualTo(3); // the window of 2 and the open order
        assertThat(s.recent(null, 10)).hasSize(3);
        List<Positions.View> positions = s.positions();
        checkOld(s, placed);
        assertThat(s.positions()).isEqualTo(positions);
        JsonNode section = throughText(s.stateSection().capture());
        assertThat(section.path("recent")).hasSize(2);
        stopAll();

        // a restart replaying the whole trail keeps the window and indexes the rest
        ShadowExecutor full = start(2, null);
        assertThat(inMemory(full)).isEqualTo(3);
        checkOld(full, placed);
        assertThat(full.positions()).isEqualTo(positions);
        stopAll();
        // a restart from the section indexes the trail before the mark without replaying it
        ShadowExecutor restored = start(2, section);
        assertThat(inMemory(restored)).isEqualTo(3);
        checkOld(restored, placed);
        assertThat(restored.positions()).isEqualTo(positions);
        assertThat(restored.get("rest").orElseThrow().status()).isEqualTo(OrderStatus.NEW);
    }

    @Test
    void theSectionCarriesTheOrderIndexAndASectionWithoutItStillRestoresByScanningTheTrail()
            throws Exception {
        ShadowExecutor s = start(2, null);
        standardBook();
        List<ShadowOrderView> placed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            placed.add(s.place(order(i % 2 == 0 ? "BUY" : "SELL", "MARKET", null, "0.1",
                    "c" + i)).order());
        }
        s.place(order("BUY", "LIMIT", "99.00", "0.2", "rest"));
        List<Positions.View> positions = s.positions();
        JsonNode section = throughText(s.stateSection().capture());
        assertThat(section.path("index").path("orders").asInt()).isEqualTo(7);
        assertThat(section.path("index").path("segments")).hasSize(1);
        // two slots (orderId and clientOrderId) of 16 bytes for each of the 7 orders
        assertThat(java.util.Base64.getDecoder().decode(section.path("index").path("entries")
                .get(0).asText())).hasSize(7 * 2 * 16);
        stopAll();

        // the format before the index: start indexes the trail before the mark itself
        ObjectNode old = section.deepCopy();
        old.remove("index");
        ShadowExecutor restored = start(2, old);
        assertThat(inMemory(restored)).isEqualTo(3);
        checkOld(restored, placed);
        assertThat(restored.positions()).isEqualTo(positions);
        assertThat(restored.health().details()).containsEntry("indexedOrders", 7);
    }

    @Test
    void withTheSnapshotsIndexOrdersBeforeTheMarkAreFoundWithoutScanningTheTrail()
            throws Exception {
        ShadowExecutor s = start(2, null);
        standardBook();
        List<ShadowOrderView> placed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            placed.add(s.place(order("BUY", "MARKET", null, "0.1", "c" + i)).order());
        }
        JsonNode section = throughText(s.stateSection().capture());
        stopAll();
        // an index that misses c0: with the snapshot's index start does not scan the trail, so
        // c0 (out of the window) is not found; without it, the scan finds it
        ObjectNode partial = section.deepCopy();
        byte[] entries = java.util.Base64.getDecoder().decode(partial.path("index")
                .path("entries").get(0).asText());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(entries);
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i += 16) {
            long h = b.getLong(i);
            if (h != OrderIndex.hash("c0") && h != OrderIndex.hash(placed.get(0).orderId())) {
                kept.write(entries, i, 16);
            }
        }
        ((ObjectNode) partial.path("index")).putArray("entries")
                .add(java.util.Base64.getEncoder().encodeToString(kept.toByteArray()));
        ShadowExecutor fromIndex = start(2, partial);
        assertThat(fromIndex.get("c0")).isEmpty();
        same(fromIndex.get("c1"), placed.get(1));
        assertThat(fromIndex.place(order("BUY", "MARKET", null, "5", "c1")).duplicate())
                .isTrue();
        stopAll();
        ObjectNode none = section.deepCopy();
        none.remove("index");
        same(start(2, none).get("c0"), placed.get(0));
    }

    @Test
    void aBadIndexIsRefusedWhole() throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", "m1"));
        JsonNode good = throughText(s.stateSection().capture());
        stopAll();
        Map<String, java.util.function.Consumer<ObjectNode>> breakages = Map.of(
                "shadow.index.entries[0]", n -> ((ObjectNode) n.path("index"))
                        .putArray("entries").add("not base64!"),
                "shadow.index.entries", n -> ((ObjectNode) n.path("index"))
                        .put("entries", "AAAA"),
                "shadow.index.segments[0]", n -> ((ObjectNode) n.path("index"))
                        .putArray("segments").add("../etc"),
                "shadow.index entries must be 16-byte pairs", n -> ((ObjectNode) n.path("index"))
                        .putArray("entries").add("AAAA"),
                "shadow.index entry 0", n -> ((ObjectNode) n.path("index"))
                        .putArray("entries").add(java.util.Base64.getEncoder().encodeToString(
                                new byte[16])), // hash 0 is the empty slot
                "shadow.index.orders", n -> ((ObjectNode) n.path("index")).put("orders", -1));
        for (var e : breakages.entrySet()) {
            ObjectNode bad = good.deepCopy();
            e.getValue().accept(bad);
            ShadowExecutor t = create(1000);
            assertThatThrownBy(() -> t.stateSection().restore(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(e.getKey());
            assertThat(t.positions()).as(e.getKey()).isEmpty();
            assertThat(inMemory(t)).as(e.getKey()).isZero();
        }
    }

    private void checkOld(ShadowExecutor s, List<ShadowOrderView> placed) {
        for (ShadowOrderView v : placed) {
            same(s.get(v.clientOrderId()), v);
            same(s.get(v.orderId()), v);
            ShadowExecutor.Placement again = s.place(order("BUY", "MARKET", null, "5",
                    v.clientOrderId()));
            assertThat(again.duplicate()).as(v.clientOrderId()).isTrue();
            same(Optional.of(again.order()), v);
        }
        assertThatThrownBy(() -> s.cancel(placed.get(0).orderId()))
                .isInstanceOf(OrderRejected.class).hasMessageContaining("not open");
        assertThat(s.get("never-placed")).isEmpty();
    }

    @Test
    void aMarkWhoseFileRetentionDeletedKeepsTheSnapshotAndReplaysTheLaterFiles()
            throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", "day1"));
        JsonNode section = throughText(s.stateSection().capture());
        Path day1 = trailFiles().get(0);
        time.advance(Duration.ofDays(1));
        ShadowOrderView day2 = s.place(order("SELL", "MARKET", null, "0.25", "day2")).order();
        List<Positions.View> positions = s.positions();
        stopAll();
        assertThat(trailFiles()).hasSize(2);
        Files.delete(day1);

        ShadowExecutor t = start(1000, section);
        assertThat(t.positions()).isEqualTo(positions);
        assertThat(t.get("day1")).isPresent(); // from the snapshot's recent window
        same(t.get("day2"), day2);
    }

    @Test
    void aTrailBehindTheMarkKeepsTheSnapshotsState() throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", "m1"));
        s.place(order("BUY", "LIMIT", "99.80", "2", "r1"));
        List<Positions.View> positions = s.positions();
        JsonNode section = throughText(s.stateSection().capture());
        stopAll();
        Path file = trailFiles().get(0);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2); // e.g. the trail restored from an older backup
        }
        ShadowExecutor t = start(1000, section);
        assertThat(t.positions()).isEqualTo(positions);
        assertThat(t.get("r1").orElseThrow().status()).isEqualTo(OrderStatus.NEW);
        assertThat(t.get("m1")).isPresent();
        ShadowOrderView next = t.place(order("BUY", "MARKET", null, "0.1", "m2")).order();
        assertThat(t.get(next.orderId())).contains(next);
    }

    @Test
    void aCaptureBeforeTheReplayReturnsWhatTheReplayStartsFrom() throws Exception {
        ShadowExecutor s = start(1000, null);
        standardBook();
        s.place(order("BUY", "MARKET", null, "1", "m1"));
        JsonNode section = throughText(s.stateSection().capture());
        s.place(order("BUY", "MARKET", null, "1", "m2"));
        stopAll();
        // not started: no trail is replayed yet, so a capture must not claim the trail's end
        ShadowExecutor fresh = create(1000);
        JsonNode empty = fresh.stateSection().capture();
        assertThat(empty.path("mark").path("segment").asText()).isEmpty();
        assertThat(empty.path("recent")).isEmpty();
        ShadowExecutor restored = create(1000);
        restored.stateSection().restore(section);
        assertThat(restored.stateSection().capture()).isEqualTo(section);
        restored.start();
        assertThat(restored.stateSection().capture().path("mark"))
                .isNotEqualTo(section.path("mark"));
        assertThat(restored.positions().get(0).qty()).isEqualByComparingTo("2");
    }

    @Test
    void aSectionIsRestoredOnlyBeforeStart() throws Exception {
        ShadowExecutor s = start(1000, null);
        JsonNode section = s.stateSection().capture();
        assertThat(section.path("mark").path("segment").asText()).isEmpty();
        assertThatThrownBy(() -> s.stateSection().restore(section))
                .isInstanceOf(IllegalStateException.class);
        assertThat(s.stateSection().name()).isEqualTo("shadow");
    }

    /**
     * The same order, every number equal (an order read back from the trail has its arrival
     * prices as the trail writes them, without trailing zeros: 99.9 for 99.90).
     */
    private static void same(Optional<ShadowOrderView> actual, ShadowOrderView expected) {
        assertThat(actual).as(expected.clientOrderId()).isPresent();
        assertThat(actual.get()).usingRecursiveComparison()
                .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .isEqualTo(expected);
    }

    private List<Path> trailFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("orders-")).sorted()
                    .toList();
        }
    }
}
