package io.spark.day9.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.market.MarketMessages.DepthSnapshot;
import io.spark.day9.market.MarketMessages.DepthUpdate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Binance's local-book procedure, step by step, and under arbitrary faults. */
class BookSyncTest {

    private static PriceLevel l(String p, String q) {
        return new PriceLevel(new BigDecimal(p), new BigDecimal(q));
    }

    private static DepthUpdate d(long first, long last, List<PriceLevel> bids,
                                 List<PriceLevel> asks) {
        return new DepthUpdate("BTCUSDT", 0, first, last, bids, asks);
    }

    @Test
    void buffersUntilTheSnapshotThenDropsOldEventsAndAppliesTheRest() {
        BookSync s = new BookSync("BTCUSDT");
        assertThat(s.onDepth(d(95, 99, List.of(l("99", "1")), List.of()), 0))
                .isEqualTo(BookSync.Step.FETCH_SNAPSHOT);
        assertThat(s.onDepth(d(100, 104, List.of(l("100", "2")), List.of()), 0))
                .isEqualTo(BookSync.Step.NONE);
        assertThat(s.onDepth(d(105, 110, List.of(), List.of(l("101", "3"))), 0))
                .isEqualTo(BookSync.Step.NONE);
        DepthSnapshot snap = new DepthSnapshot(102, List.of(l("100", "1"), l("98", "5")),
                List.of(l("101", "1")));
        assertThat(s.onSnapshot(snap, 0)).isEqualTo(BookSync.Step.SYNCED);
        BookView v = s.view(10, 0);
        assertThat(v.synced()).isTrue();
        assertThat(v.lastUpdateId()).isEqualTo(110);
        // event 95-99 was dropped (older than the snapshot); 100-104 spans 103 and applies
        assertThat(v.bids()).containsExactly(l("100", "2"), l("98", "5"));
        assertThat(v.asks()).containsExactly(l("101", "3"));
    }

    @Test
    void aSnapshotOlderThanTheStreamIsFetchedAgain() {
        BookSync s = new BookSync("BTCUSDT");
        s.onDepth(d(200, 205, List.of(), List.of()), 0);
        assertThat(s.onSnapshot(new DepthSnapshot(150, List.of(), List.of()), 0))
                .isEqualTo(BookSync.Step.FETCH_SNAPSHOT);
        assertThat(s.synced()).isFalse();
        assertThat(s.onSnapshot(new DepthSnapshot(202, List.of(), List.of()), 0))
                .isEqualTo(BookSync.Step.SYNCED);
    }

    @Test
    void aSnapshotAheadOfTheBufferWaitsForTheNextEvent() {
        BookSync s = new BookSync("BTCUSDT");
        s.onDepth(d(1, 5, List.of(), List.of()), 0);
        assertThat(s.onSnapshot(new DepthSnapshot(7, List.of(l("1", "1")), List.of()), 0))
                .isEqualTo(BookSync.Step.NONE);
        assertThat(s.onDepth(d(6, 9, List.of(l("2", "1")), List.of()), 0))
                .isEqualTo(BookSync.Step.SYNCED);
        assertThat(s.view(5, 0).bids()).containsExactly(l("2", "1"), l("1", "1"));
    }

    @Test
    void duplicatesAreIgnoredAndAGapDiscardsTheBook() {
        BookSync s = new BookSync("BTCUSDT");
        s.onDepth(d(11, 11, List.of(), List.of()), 0);
        s.onSnapshot(new DepthSnapshot(10, List.of(l("5", "1")), List.of()), 0);
        assertThat(s.synced()).isTrue();
        assertThat(s.onDepth(d(11, 11, List.of(l("5", "9")), List.of()), 0))
                .isEqualTo(BookSync.Step.DUPLICATE);
        assertThat(s.view(1, 0).bids()).containsExactly(l("5", "1"));
        assertThat(s.duplicatesIgnored()).isEqualTo(1);
        assertThat(s.onDepth(d(14, 15, List.of(), List.of()), 0)).isEqualTo(BookSync.Step.GAP);
        assertThat(s.synced()).isFalse();
        assertThat(s.view(5, 0).bids()).isEmpty();
        assertThat(s.onSnapshot(new DepthSnapshot(14, List.of(l("6", "1")), List.of()), 0))
                .isEqualTo(BookSync.Step.SYNCED);
        assertThat(s.view(5, 0).lastUpdateId()).isEqualTo(15);
    }

    @Test
    void zeroQuantityRemovesALevel() {
        BookSync s = new BookSync("BTCUSDT");
        s.onDepth(d(2, 2, List.of(l("5.00", "0")), List.of()), 0);
        s.onSnapshot(new DepthSnapshot(1, List.of(l("5", "1"), l("4", "1")), List.of()), 0);
        assertThat(s.view(5, 0).bids()).containsExactly(l("4", "1"));
    }

    /**
     * An exchange that produces random diffs; the client sees them through random faults
     * (drops = gaps, duplicates, reorders of stale ones) and resyncs from snapshots whenever it
     * asks. After the faults stop and one more snapshot cycle, the books are equal.
     */
    @Property(tries = 200)
    void afterAnyFaultsAndAResyncTheLocalBookEqualsTheExchanges(@ForAll long seed,
            @ForAll @IntRange(min = 10, max = 400) int steps) {
        Random r = new Random(seed);
        TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
        TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        long id = 1000;
        BookSync s = new BookSync("X");
        boolean wantSnapshot = false;
        List<DepthUpdate> sent = new ArrayList<>();
        for (int i = 0; i < steps + 50; i++) {
            boolean faults = i < steps;
            DepthUpdate u = randomDiff(r, bids, asks, id + 1);
            id = u.lastId();
            sent.add(u);
            int fault = faults ? r.nextInt(10) : 9;
            if (fault == 0) {
                continue; // dropped: the client will see a gap
            }
            BookSync.Step step = s.onDepth(u, i);
            if (fault == 1) {
                step = merge(step, s.onDepth(u, i)); // duplicated
            }
            if (fault == 2 && sent.size() > 3) {
                step = merge(step, s.onDepth(sent.get(sent.size() - 3), i)); // stale replay
            }
            wantSnapshot |= step == BookSync.Step.FETCH_SNAPSHOT || step == BookSync.Step.GAP;
            if (wantSnapshot && r.nextInt(3) == 0) { // the snapshot answer arrives later
                wantSnapshot = false;
                BookSync.Step after = s.onSnapshot(snapshot(bids, asks, id), i);
                wantSnapshot = after == BookSync.Step.FETCH_SNAPSHOT || after == BookSync.Step.GAP;
            }
        }
        if (wantSnapshot || !s.synced()) {
            s.onSnapshot(snapshot(bids, asks, id), 0);
            DepthUpdate u = randomDiff(r, bids, asks, id + 1);
            s.onDepth(u, 0);
            id = u.lastId();
        }
        BookView v = s.view(10_000, 0);
        assertThat(v.synced()).isTrue();
        assertThat(v.lastUpdateId()).isEqualTo(id);
        assertThat(toMap(v.bids())).isEqualTo(bids);
        assertThat(toMap(v.asks())).isEqualTo(asks);
    }

    private static BookSync.Step merge(BookSync.Step a, BookSync.Step b) {
        return a == BookSync.Step.NONE ? b : a;
    }

    private static TreeMap<BigDecimal, BigDecimal> toMap(List<PriceLevel> levels) {
        TreeMap<BigDecimal, BigDecimal> m = new TreeMap<>();
        levels.forEach(l -> m.put(l.price(), l.qty()));
        return m;
    }

    private static DepthSnapshot snapshot(TreeMap<BigDecimal, BigDecimal> bids,
                                          TreeMap<BigDecimal, BigDecimal> asks, long id) {
        List<PriceLevel> b = new ArrayList<>();
        bids.descendingMap().forEach((p, q) -> b.add(new PriceLevel(p, q)));
        List<PriceLevel> a = new ArrayList<>();
        asks.forEach((p, q) -> a.add(new PriceLevel(p, q)));
        return new DepthSnapshot(id, b, a);
    }

    private static DepthUpdate randomDiff(Random r, TreeMap<BigDecimal, BigDecimal> bids,
                                          TreeMap<BigDecimal, BigDecimal> asks, long first) {
        List<PriceLevel> b = new ArrayList<>();
        List<PriceLevel> a = new ArrayList<>();
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n; k++) {
            boolean bid = r.nextBoolean();
            BigDecimal price = BigDecimal.valueOf(bid ? 100 - r.nextInt(20) : 101 + r.nextInt(20));
            BigDecimal qty = r.nextInt(4) == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf(1 + r.nextInt(50), 1);
            (bid ? b : a).add(new PriceLevel(price, qty));
            TreeMap<BigDecimal, BigDecimal> side = bid ? bids : asks;
            if (qty.signum() == 0) {
                side.remove(price);
            } else {
                side.put(price, qty);
            }
        }
        long last = first + r.nextInt(3);
        return new DepthUpdate("X", 0, first, last, b, a);
    }
}
