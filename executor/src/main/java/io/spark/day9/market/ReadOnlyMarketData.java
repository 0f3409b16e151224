package io.spark.day9.market;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link MarketData} that is only that: it forwards the three reads and nothing else, so a
 * holder (the shadow executor) cannot cast its way to the REST client, the stream or the flap
 * hook of the component behind it.
 */
public final class ReadOnlyMarketData implements MarketData {
    private final MarketData source;

    private ReadOnlyMarketData(MarketData source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A read-only view of {@code source}. */
    public static MarketData of(MarketData source) {
        return new ReadOnlyMarketData(source);
    }

    @Override
    public List<String> symbols() {
        return source.symbols();
    }

    @Override
    public Optional<BookView> book(String symbol, int limit) {
        return source.book(symbol, limit);
    }

    @Override
    public boolean connected() {
        return source.connected();
    }
}
