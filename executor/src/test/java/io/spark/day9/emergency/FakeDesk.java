package io.spark.day9.emergency;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link TradingDesk} that records every call in order ({@code chaosOff}, {@code cancel <scope>},
 * {@code pause <all>}, {@code flatten <scope> <stopId>}, {@code read <scope>},
 * {@code release <all>}, {@code shadow <enabled>}), holds open orders and positions that the
 * cancel and flatten remove, and fails the methods named in {@link #failing}.
 */
final class FakeDesk implements TradingDesk {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<OpenOrder> open = new CopyOnWriteArrayList<>();
    final List<Position> positions = new CopyOnWriteArrayList<>();
    final Set<String> failing = new HashSet<>();
    /** Orders the cancel "misses" (they stay open, so the verification fails). */
    final List<OpenOrder> sticky = new CopyOnWriteArrayList<>();
    long parked;
    Boolean shadow;
    /** When set, every flatten market order fails with it (the positions stay). */
    String flattenError;
    /** Runs at the start of {@code chaosOff} (the first call after the persist). */
    Runnable onChaosOff = () -> { };

    static OpenOrder order(String strategy, String symbol, String id) {
        return new OpenOrder(OpenOrder.SHADOW, symbol, strategy, id, "c-" + id);
    }

    static Position position(String strategy, String symbol, String qty) {
        return new Position("shadow", strategy, symbol, new BigDecimal(qty));
    }

    private void maybeFail(String method) {
        if (failing.contains(method)) {
            throw new IllegalStateException(method + " failed: exchange unreachable");
        }
    }

    @Override
    public void chaosOff(String actor) {
        calls.add("chaosOff");
        onChaosOff.run();
        maybeFail("chaosOff");
    }

    @Override
    public List<OpenOrder> cancelOpen(Scope scope, String actor) {
        calls.add("cancel " + scope.label());
        maybeFail("cancelOpen");
        List<OpenOrder> done = new ArrayList<>();
        for (OpenOrder o : open) {
            if (scope.covers(o.strategy(), o.symbol()) && !sticky.contains(o)) {
                done.add(o);
            }
        }
        open.removeAll(done);
        return done;
    }

    @Override
    public void pauseOrders(boolean all) {
        calls.add("pause " + all);
        maybeFail("pauseOrders");
    }

    @Override
    public void releaseOrders(boolean all) {
        calls.add("release " + all);
        maybeFail("releaseOrders");
    }

    @Override
    public List<Flattened> flatten(Scope scope, String stopId, String actor) {
        calls.add("flatten " + scope.label() + " " + stopId);
        maybeFail("flatten");
        List<Flattened> done = new ArrayList<>();
        for (Position p : positions) {
            if (scope.covers(p.strategy(), p.symbol())) {
                done.add(new Flattened(p.venue(), p.strategy(), p.symbol(),
                        p.quantity().signum() > 0 ? "SELL" : "BUY", p.quantity().abs(),
                        stopId + "-" + p.symbol(), flattenError == null ? "FILLED"
                        : "REJECTED", flattenError));
                if (flattenError == null) {
                    positions.remove(p);
                }
            }
        }
        return done;
    }

    @Override
    public EndState read(Scope scope) {
        calls.add("read " + scope.label());
        maybeFail("read");
        return new EndState(open.stream().filter(o -> scope.covers(o.strategy(), o.symbol()))
                .toList(), positions.stream().filter(p -> scope.covers(p.strategy(),
                p.symbol())).toList(), List.of());
    }

    @Override
    public long parkedOrderJobs() {
        return parked;
    }

    @Override
    public void shadowExecution(boolean enabled) {
        calls.add("shadow " + enabled);
        shadow = enabled;
    }
}
