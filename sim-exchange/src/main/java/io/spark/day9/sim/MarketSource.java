package io.spark.day9.sim;

/** What moves one symbol's book: the random walk or a tick-file replay. */
interface MarketSource {

  /** Fills the empty book with its starting levels. */
  void init(Book book);

  /** Moves the book by one update interval, printing trades through {@code trades}. */
  void step(Book book, TradeSink trades);

  /** Receives a trade printed by the market itself. */
  @FunctionalInterface
  interface TradeSink {
    void trade(long priceTicks, long qtyUnits, boolean buyerMaker);
  }
}
