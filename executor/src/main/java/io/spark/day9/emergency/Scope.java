package io.spark.day9.emergency;

import java.util.List;
import java.util.Objects;

/**
 * What an emergency stop covers: everything (both lists empty), one or more strategies, one or
 * more symbols, or both lists (then an order is covered when its strategy <em>and</em> its
 * symbol are listed: "strategy A on BTCUSDT"). Lists are kept sorted and without duplicates, so
 * two scopes naming the same things are equal.
 */
public record Scope(List<String> strategies, List<String> symbols) {
    /** Everything. */
    public static final Scope ALL = new Scope(List.of(), List.of());

    public Scope {
        strategies = normalise(strategies);
        symbols = normalise(symbols);
    }

    /** A scope of these strategies and symbols (null or empty lists mean "any"). */
    public static Scope of(List<String> strategies, List<String> symbols) {
        return new Scope(strategies, symbols);
    }

    /** True when this scope covers every order. */
    public boolean all() {
        return strategies.isEmpty() && symbols.isEmpty();
    }

    /** True when an order of {@code strategy} on {@code symbol} is covered. */
    public boolean covers(String strategy, String symbol) {
        return (strategies.isEmpty() || strategies.contains(strategy))
                && (symbols.isEmpty() || symbols.contains(symbol));
    }

    /** True when every order this scope covers is also covered by {@code other}. */
    public boolean within(Scope other) {
        return (other.strategies.isEmpty() || (!strategies.isEmpty()
                && other.strategies.containsAll(strategies)))
                && (other.symbols.isEmpty() || (!symbols.isEmpty()
                && other.symbols.containsAll(symbols)));
    }

    /**
     * The scope as one short label, the {@code scope} label of {@code spark_emergency_active}:
     * {@code all}, {@code strategy=a,b}, {@code symbol=BTCUSDT} or
     * {@code strategy=a;symbol=BTCUSDT}.
     */
    public String label() {
        if (all()) {
            return "all";
        }
        String st = strategies.isEmpty() ? "" : "strategy=" + String.join(",", strategies);
        String sy = symbols.isEmpty() ? "" : "symbol=" + String.join(",", symbols);
        return st.isEmpty() ? sy : sy.isEmpty() ? st : st + ";" + sy;
    }

    @Override
    public String toString() {
        return label();
    }

    private static List<String> normalise(List<String> names) {
        if (names == null) {
            return List.of();
        }
        names.forEach(n -> Objects.requireNonNull(n, "scope names must not be null"));
        return names.stream().distinct().sorted().toList();
    }
}
