package io.spark.day9.market;

import io.spark.day9.market.MarketMessages.DepthUpdate;
import java.io.IOException;

/**
 * Applies recorded Binance stream messages to one symbol's local book, outside any
 * connection: for replaying captures, and for measuring the parse-and-apply path on its own
 * (bench {@code market}). Same parser and same {@link BookSync} as the live stream.
 * Not thread-safe.
 */
public final class BookReplay {
    private final MessageParser parser = new MessageParser();
    private final BookSync sync;
    private long applied;

    public BookReplay(String symbol) {
        this.sync = new BookSync(symbol);
    }

    /** Loads a REST depth snapshot (the JSON of {@code GET /api/v3/depth}). */
    public void snapshot(String json) throws IOException {
        sync.onSnapshot(parser.parseSnapshot(json), 0);
    }

    /** Parses and applies one stream message; returns true when it changed the book. */
    public boolean apply(String message) throws IOException {
        if (parser.parse(message) instanceof DepthUpdate d) {
            BookSync.Step step = sync.onDepth(d, 0);
            if (step == BookSync.Step.NONE || step == BookSync.Step.SYNCED) {
                applied++;
                return true;
            }
        }
        return false;
    }

    /** Messages applied so far. */
    public long applied() {
        return applied;
    }

    /** The book now. */
    public BookView view(int limit) {
        return sync.view(limit, 0);
    }
}
