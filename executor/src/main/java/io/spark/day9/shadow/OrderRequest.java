package io.spark.day9.shadow;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One order signal, parsed and checked for shape (not yet against the exchange's filters; see
 * {@link SymbolRules}). Built from the raw fields of the HTTP body or a queued {@code order}
 * job, so both paths reject the same things with the same codes.
 *
 * @param symbol        e.g. {@code BTCUSDT}
 * @param side          BUY or SELL
 * @param type          MARKET or LIMIT
 * @param timeInForce   LIMIT only: GTC (the default when omitted), IOC or FOK; null for MARKET
 * @param price         LIMIT only
 * @param quantity      base-asset quantity
 * @param strategy      who decided it ({@code default} when not given)
 * @param clientOrderId idempotency key: the same id never places a second order
 * @param expireAfterMs a resting order expires after this (null = the configured TTL)
 * @param decisionAt    when the strategy decided (epoch ms): the HTTP arrival, or the queued
 *                      job's enqueue time
 * @param source        {@code http} or {@code queue}
 */
public record OrderRequest(String symbol, Side side, Type type, TimeInForce timeInForce,
                           BigDecimal price, BigDecimal quantity, String strategy,
                           String clientOrderId, Long expireAfterMs, long decisionAt,
                           String source) {

    public enum Side { BUY, SELL }

    public enum Type { MARKET, LIMIT }

    public enum TimeInForce { GTC, IOC, FOK }

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}(\\.[0-9]{1,20})?");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,36}");
    private static final Pattern STRATEGY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{2,20}");

    /**
     * The raw fields as they arrive (numbers may come as JSON strings or numbers). The guide's
     * body {@code {"symbol","side","type","price","quantity"}} is a valid one.
     */
    public record Body(String symbol, String side, String type, String price, String quantity,
                       String strategy, String clientOrderId, String timeInForce,
                       Long expireAfterMs) {
    }

    /**
     * Parses and shape-checks a body.
     *
     * @param fallbackClientOrderId used when the body has none (null = generate later)
     * @throws OrderRejected with Binance's code and the field
     */
    public static OrderRequest parse(Body b, String fallbackClientOrderId, long decisionAt,
                                     String source) {
        String symbol = required(b.symbol(), "symbol").toUpperCase(Locale.ROOT);
        if (!SYMBOL.matcher(symbol).matches()) {
            throw new OrderRejected(-1121, "symbol", "Invalid symbol.");
        }
        Side side = parseEnum(Side.class, required(b.side(), "side"), -1117, "side",
                "Invalid side.");
        Type type = parseEnum(Type.class, required(b.type(), "type"), -1116, "type",
                "Invalid orderType.");
        BigDecimal quantity = decimal(required(b.quantity(), "quantity"), "quantity");
        BigDecimal price = null;
        TimeInForce tif = null;
        if (type == Type.LIMIT) {
            price = decimal(required(b.price(), "price"), "price");
            tif = blank(b.timeInForce()) ? TimeInForce.GTC : parseEnum(TimeInForce.class,
                    b.timeInForce(), -1115, "timeInForce", "Invalid timeInForce.");
        } else {
            if (!blank(b.price())) {
                throw new OrderRejected(-1106, "price",
                        "Parameter 'price' sent when not required.");
            }
            if (!blank(b.timeInForce())) {
                throw new OrderRejected(-1106, "timeInForce",
                        "Parameter 'timeInForce' sent when not required.");
            }
        }
        String strategy = blank(b.strategy()) ? "default" : b.strategy();
        if (!STRATEGY.matcher(strategy).matches()) {
            throw new OrderRejected(-1100, "strategy", "Illegal characters found in parameter "
                    + "'strategy'; legal range is '^[A-Za-z0-9._-]{1,64}$'.");
        }
        String clientOrderId = blank(b.clientOrderId()) ? fallbackClientOrderId
                : b.clientOrderId();
        if (clientOrderId != null && !CLIENT_ID.matcher(clientOrderId).matches()) {
            throw new OrderRejected(-1100, "clientOrderId", "Illegal characters found in "
                    + "parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.");
        }
        Long expire = b.expireAfterMs();
        if (expire != null && (expire < 1 || expire > 30L * 24 * 3600 * 1000)) {
            throw new OrderRejected(-1100, "expireAfterMs",
                    "expireAfterMs must be from 1 to 2592000000.");
        }
        return new OrderRequest(symbol, side, type, tif, price, quantity, strategy,
                clientOrderId, expire, decisionAt, source);
    }

    /** The same request with a client order id (when it had none). */
    public OrderRequest withClientOrderId(String id) {
        return new OrderRequest(symbol, side, type, timeInForce, price, quantity, strategy, id,
                expireAfterMs, decisionAt, source);
    }

    private static String required(String v, String field) {
        if (blank(v)) {
            throw OrderRejected.missing(field);
        }
        return v.strip();
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }

    private static BigDecimal decimal(String v, String field) {
        if (!DECIMAL.matcher(v).matches()) {
            throw new OrderRejected(-1100, field, "Illegal characters found in parameter '"
                    + field + "'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
        }
        BigDecimal d = new BigDecimal(v).stripTrailingZeros();
        if (d.signum() <= 0) {
            throw new OrderRejected(-1013, field, "Invalid " + field + ": must be positive.");
        }
        return d;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String v, int code,
                                                   String field, String message) {
        try {
            return Enum.valueOf(type, v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OrderRejected(code, field, message);
        }
    }
}
