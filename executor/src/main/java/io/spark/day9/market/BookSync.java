package io.spark.day9.market;

import io.spark.day9.market.MarketMessages.BookTicker;
import io.spark.day9.market.MarketMessages.DepthSnapshot;
import io.spark.day9.market.MarketMessages.DepthUpdate;
import io.spark.day9.market.MarketMessages.Trade;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Keeps one symbol's local book correct, exactly as Binance documents in "How to manage a local
 * order book correctly":
 * <ol>
 *   <li>Buffer the stream's diff events; ask for a REST depth snapshot on the first one.</li>
 *   <li>If the snapshot's {@code lastUpdateId} is older than the first buffered event
 *       ({@code lastUpdateId + 1 < U}), ask for another snapshot.</li>
 *   <li>Drop buffered events with {@code u <= lastUpdateId}; the first one left must span
 *       {@code lastUpdateId + 1}.</li>
 *   <li>Apply the rest in order. Live, an event with {@code u <= lastUpdateId} is old (a
 *       duplicate) and ignored; one with {@code U > lastUpdateId + 1} means updates were lost:
 *       the local book is discarded and the process starts again (a resync).</li>
 * </ol>
 * The caller (the stream) does the I/O: when a method returns {@link Step#FETCH_SNAPSHOT} or
 * {@link Step#GAP} it fetches a snapshot and hands it to {@link #onSnapshot}.
 *
 * <p>Thread safety: every method is synchronized; the stream thread writes and HTTP threads
 * read views. Cost: O(log levels) per changed level; the buffer is bounded
 * ({@value #MAX_BUFFER} events), past which the sync starts over.
 */
final class BookSync {
    static final int MAX_BUFFER = 10_000;

    /** What the caller must do next. */
    enum Step {
        /** Nothing. */
        NONE,
        /** Fetch a depth snapshot and pass it to {@link #onSnapshot}. */
        FETCH_SNAPSHOT,
        /** The book just became synced. */
        SYNCED,
        /** A sequence gap: the book was discarded; fetch a snapshot. */
        GAP,
        /** An update already applied arrived again and was ignored. */
        DUPLICATE
    }

    private final String symbol;
    private final OrderBook book = new OrderBook();
    private final Deque<DepthUpdate> buffer = new ArrayDeque<>();
    private DepthSnapshot pending;
    private boolean live;
    private boolean snapshotRequested;
    private long lastUpdateId;
    private long lastAppliedAt;
    private long duplicatesIgnored;
    private BookTicker ticker;
    private Trade lastTrade;

    BookSync(String symbol) {
        this.symbol = symbol;
    }

    String symbol() {
        return symbol;
    }

    synchronized Step onDepth(DepthUpdate d, long now) {
        if (live) {
            if (d.lastId() <= lastUpdateId) {
                duplicatesIgnored++;
                return Step.DUPLICATE;
            }
            if (d.firstId() > lastUpdateId + 1) {
                return gap(d);
            }
            book.apply(d.bids(), d.asks());
            lastUpdateId = d.lastId();
            lastAppliedAt = now;
            return Step.NONE;
        }
        if (buffer.size() >= MAX_BUFFER) {
            buffer.clear();
            pending = null;
            snapshotRequested = true;
            buffer.add(d);
            return Step.FETCH_SNAPSHOT;
        }
        buffer.add(d);
        if (pending != null) {
            return tryStart(now);
        }
        if (!snapshotRequested) {
            snapshotRequested = true;
            return Step.FETCH_SNAPSHOT;
        }
        return Step.NONE;
    }

    synchronized Step onSnapshot(DepthSnapshot s, long now) {
        if (live) {
            return Step.NONE; // an answer to a request that is no longer needed
        }
        pending = s;
        return tryStart(now);
    }

    /**
     * Claims the snapshot request for a connection that just opened (so the sync does not wait
     * for the first diff). Returns false when one is already under way or the book is live.
     */
    synchronized boolean requestSnapshotNow() {
        if (live || snapshotRequested) {
            return false;
        }
        snapshotRequested = true;
        return true;
    }

    /** The snapshot request failed; the next event asks again. */
    synchronized void snapshotFailed() {
        snapshotRequested = false;
    }

    private Step tryStart(long now) {
        DepthSnapshot s = pending;
        while (!buffer.isEmpty() && buffer.peekFirst().lastId() <= s.lastUpdateId()) {
            buffer.pollFirst();
        }
        if (buffer.isEmpty()) {
            return Step.NONE; // wait for the first event after the snapshot
        }
        if (buffer.peekFirst().firstId() > s.lastUpdateId() + 1) {
            pending = null; // the snapshot is older than the stream: get another
            snapshotRequested = true;
            return Step.FETCH_SNAPSHOT;
        }
        book.load(s.bids(), s.asks());
        lastUpdateId = s.lastUpdateId();
        pending = null;
        for (DepthUpdate d; (d = buffer.pollFirst()) != null; ) {
            if (d.lastId() <= lastUpdateId) {
                continue;
            }
            if (d.firstId() > lastUpdateId + 1) {
                return gap(d);
            }
            book.apply(d.bids(), d.asks());
            lastUpdateId = d.lastId();
        }
        live = true;
        snapshotRequested = false;
        lastAppliedAt = now;
        return Step.SYNCED;
    }

    /** Updates were lost before {@code d}: discard the book and start over from {@code d}. */
    private Step gap(DepthUpdate d) {
        restart();
        buffer.add(d);
        snapshotRequested = true;
        return Step.GAP;
    }

    private void restart() {
        live = false;
        book.clear();
        buffer.clear();
        pending = null;
    }

    /** The connection is gone: the book can no longer be trusted. */
    synchronized void reset() {
        restart();
        snapshotRequested = false;
    }

    synchronized void onTicker(BookTicker t) {
        ticker = t;
    }

    synchronized void onTrade(Trade t) {
        lastTrade = t;
    }

    synchronized boolean synced() {
        return live;
    }

    synchronized long lastAppliedAt() {
        return lastAppliedAt;
    }

    synchronized long duplicatesIgnored() {
        return duplicatesIgnored;
    }

    /** A consistent copy of the top {@code limit} levels. */
    synchronized BookView view(int limit, long now) {
        List<PriceLevel> bids = book.bids(limit);
        List<PriceLevel> asks = book.asks(limit);
        return new BookView(symbol, live, lastUpdateId, live ? now - lastAppliedAt : -1, bids,
                asks, ticker == null ? null : ticker.bid(), ticker == null ? null : ticker.ask(),
                lastTrade == null ? null : lastTrade.trade(),
                lastTrade == null ? 0 : lastTrade.time(), book.bidLevels(), book.askLevels());
    }
}
