package io.spark.day9.market;

import java.util.List;
import java.util.Optional;

/** The small read-only face of market data the rest of the executor uses. */
public interface MarketData {

    /** The configured symbols. */
    List<String> symbols();

    /** A copy of {@code symbol}'s book, top {@code limit} levels; empty for unknown symbols. */
    Optional<BookView> book(String symbol, int limit);

    /** True when the serving connection is open. */
    boolean connected();
}
