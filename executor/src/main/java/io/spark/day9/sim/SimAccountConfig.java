package io.spark.day9.sim;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The simulator's account model: what every API key's account holds when it is first used, the
 * commission rate, and how much history each account keeps.
 *
 * @param startBalances free balance per asset (upper case, non-negative) of a new account
 * @param feeRate       commission per fill, maker and taker alike, charged in the asset the
 *                      fill brings in (Binance without BNB): 0 to 0.1, default 0.001 (0.1 %)
 * @param historyLimit  orders and trades kept per account for {@code allOrders} and
 *                      {@code myTrades} (the oldest finished ones are dropped first; open orders
 *                      are always kept): 1 to 1 000 000, default 10 000 (so a client that
 *                      looks an order up again after a restart still finds it)
 */
public record SimAccountConfig(Map<String, BigDecimal> startBalances, BigDecimal feeRate,
                               int historyLimit) {
    /** {@code SIM_START_BALANCES}'s default: generous enough for every built-in flow. */
    public static final String DEFAULT_START_BALANCES = "USDT=1000000,BTC=10,ETH=100";
    public static final BigDecimal DEFAULT_FEE_RATE = new BigDecimal("0.001");
    public static final int DEFAULT_HISTORY_LIMIT = 10_000;
    private static final BigDecimal MAX_FEE_RATE = new BigDecimal("0.1");

    public SimAccountConfig {
        Objects.requireNonNull(feeRate, "feeRate");
        startBalances = Map.copyOf(startBalances);
        startBalances.forEach((asset, amount) -> {
            if (!asset.matches("[A-Z0-9]{1,20}") || amount.signum() < 0) {
                throw new IllegalArgumentException("start balance " + asset + "=" + amount
                        + " is invalid: the asset must be upper-case letters and digits, the"
                        + " amount non-negative");
            }
        });
        if (feeRate.signum() < 0 || feeRate.compareTo(MAX_FEE_RATE) > 0) {
            throw new IllegalArgumentException("fee rate " + feeRate
                    + " is invalid: must be from 0 to " + MAX_FEE_RATE);
        }
        if (historyLimit < 1 || historyLimit > 1_000_000) {
            throw new IllegalArgumentException("history limit " + historyLimit
                    + " is invalid: must be from 1 to 1000000");
        }
    }

    /**
     * The defaults: {@value #DEFAULT_START_BALANCES}, 0.1 % commission, 10 000 orders and
     * trades kept.
     */
    public static SimAccountConfig defaults() {
        return new SimAccountConfig(parseBalances(DEFAULT_START_BALANCES), DEFAULT_FEE_RATE,
                DEFAULT_HISTORY_LIMIT);
    }

    /** The same with other start balances. */
    public SimAccountConfig withStartBalances(Map<String, BigDecimal> balances) {
        return new SimAccountConfig(balances, feeRate, historyLimit);
    }

    /**
     * Parses {@code USDT=100000,BTC=1,ETH=10} (assets upper-cased, amounts non-negative
     * decimals, each asset once; empty text = no balances).
     *
     * @throws IllegalArgumentException naming the part at fault
     */
    public static Map<String, BigDecimal> parseBalances(String text) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            String asset = kv[0].strip().toUpperCase(java.util.Locale.ROOT);
            BigDecimal amount = null;
            try {
                amount = kv.length == 2 ? new BigDecimal(kv[1].strip()) : null;
            } catch (NumberFormatException e) {
                // reported below
            }
            if (amount == null || amount.signum() < 0 || !asset.matches("[A-Z0-9]{1,20}")
                    || out.containsKey(asset)) {
                throw new IllegalArgumentException("'" + part.strip() + "' must be ASSET=amount"
                        + " (each asset once, amount a non-negative decimal), e.g. "
                        + "USDT=100000,BTC=1,ETH=10");
            }
            out.put(asset, amount);
        }
        return out;
    }
}
