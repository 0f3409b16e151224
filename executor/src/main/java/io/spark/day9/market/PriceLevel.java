package io.spark.day9.market;

import java.math.BigDecimal;

/**
 * One price level: price and quantity, exact decimals as the exchange sent them.
 *
 * @param price price in quote asset
 * @param qty   quantity in base asset; zero in a diff means "remove this level"
 */
public record PriceLevel(BigDecimal price, BigDecimal qty) {
}
