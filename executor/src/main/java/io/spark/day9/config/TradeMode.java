package io.spark.day9.config;

/**
 * {@code TRADE_MODE}: paper (nothing leaves the process), testnet (orders go to the configured
 * exchange, by default the embedded simulator) or live. Live sends orders only when
 * {@code LIVE_ENABLED=true}; otherwise shadow execution takes them.
 */
public enum TradeMode {
    PAPER, TESTNET, LIVE
}
