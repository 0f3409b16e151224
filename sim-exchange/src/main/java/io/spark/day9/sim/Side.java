package io.spark.day9.sim;

/** Order side as Binance spells it. */
enum Side {
  BUY, SELL;

  Side opposite() {
    return this == BUY ? SELL : BUY;
  }
}
