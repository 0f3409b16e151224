package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One symbol's trading filters as {@code GET /api/v3/exchangeInfo} gives them, and the checks
 * the exchange applies with them ({@code -1013} "Filter failure: …").
 *
 * @param symbol      e.g. {@code BTCUSDT}
 * @param baseAsset   e.g. {@code BTC}
 * @param quoteAsset  e.g. {@code USDT}
 * @param minPrice    PRICE_FILTER minPrice (0 = none)
 * @param maxPrice    PRICE_FILTER maxPrice (0 = none)
 * @param tickSize    PRICE_FILTER tickSize (0 = any)
 * @param minQty      LOT_SIZE minQty
 * @param maxQty      LOT_SIZE maxQty (0 = none)
 * @param stepSize    LOT_SIZE stepSize (0 = any)
 * @param minNotional NOTIONAL / MIN_NOTIONAL minNotional (0 = none)
 */
public record SymbolRules(String symbol, String baseAsset, String quoteAsset,
                          BigDecimal minPrice, BigDecimal maxPrice, BigDecimal tickSize,
                          BigDecimal minQty, BigDecimal maxQty, BigDecimal stepSize,
                          BigDecimal minNotional) {

    /** Every symbol of an exchangeInfo answer. */
    public static Map<String, SymbolRules> fromExchangeInfo(JsonNode info) {
        Map<String, SymbolRules> out = new HashMap<>();
        for (JsonNode s : info.path("symbols")) {
            BigDecimal minPrice = BigDecimal.ZERO;
            BigDecimal maxPrice = BigDecimal.ZERO;
            BigDecimal tick = BigDecimal.ZERO;
            BigDecimal minQty = BigDecimal.ZERO;
            BigDecimal maxQty = BigDecimal.ZERO;
            BigDecimal step = BigDecimal.ZERO;
            BigDecimal minNotional = BigDecimal.ZERO;
            for (JsonNode f : s.path("filters")) {
                switch (f.path("filterType").asText()) {
                    case "PRICE_FILTER" -> {
                        minPrice = dec(f, "minPrice");
                        maxPrice = dec(f, "maxPrice");
                        tick = dec(f, "tickSize");
                    }
                    case "LOT_SIZE" -> {
                        minQty = dec(f, "minQty");
                        maxQty = dec(f, "maxQty");
                        step = dec(f, "stepSize");
                    }
                    case "NOTIONAL", "MIN_NOTIONAL" -> minNotional = dec(f, "minNotional");
                    default -> {
                    }
                }
            }
            String symbol = s.path("symbol").asText();
            out.put(symbol, new SymbolRules(symbol, s.path("baseAsset").asText(),
                    s.path("quoteAsset").asText(), minPrice, maxPrice, tick, minQty, maxQty, step,
                    minNotional));
        }
        return out;
    }

    private static BigDecimal dec(JsonNode f, String field) {
        String v = f.path(field).asText("0");
        return v.isEmpty() ? BigDecimal.ZERO : new BigDecimal(v).stripTrailingZeros();
    }

    /**
     * Checks price and quantity filters; the notional uses {@code referencePrice} (the limit
     * price, or the arrival mid for a MARKET order).
     *
     * @throws OrderRejected {@code -1013} naming the filter and the field
     */
    public void check(OrderRequest r, BigDecimal referencePrice) {
        if (r.price() != null) {
            BigDecimal p = r.price();
            if (minPrice.signum() > 0 && p.compareTo(minPrice) < 0
                    || maxPrice.signum() > 0 && p.compareTo(maxPrice) > 0) {
                throw OrderRejected.filter("price", "PRICE_FILTER", "price " + p.toPlainString()
                        + " outside [" + minPrice.toPlainString() + ", " + maxPrice.toPlainString()
                        + "]");
            }
            if (tickSize.signum() > 0 && p.remainder(tickSize).signum() != 0) {
                throw OrderRejected.filter("price", "PRICE_FILTER", "price "
                        + p.toPlainString() + " is not a multiple of tickSize "
                        + tickSize.toPlainString());
            }
        }
        BigDecimal q = r.quantity();
        if (q.compareTo(minQty) < 0 || maxQty.signum() > 0 && q.compareTo(maxQty) > 0) {
            throw OrderRejected.filter("quantity", "LOT_SIZE", "quantity " + q.toPlainString()
                    + " outside [" + minQty.toPlainString() + ", " + maxQty.toPlainString() + "]");
        }
        if (stepSize.signum() > 0 && q.remainder(stepSize).signum() != 0) {
            throw OrderRejected.filter("quantity", "LOT_SIZE", "quantity " + q.toPlainString()
                    + " is not a multiple of stepSize " + stepSize.toPlainString());
        }
        if (referencePrice != null && minNotional.signum() > 0
                && q.multiply(referencePrice).compareTo(minNotional) < 0) {
            throw OrderRejected.filter("quantity", "NOTIONAL", "notional "
                    + q.multiply(referencePrice).stripTrailingZeros().toPlainString()
                    + " is below minNotional " + minNotional.toPlainString());
        }
    }
}
