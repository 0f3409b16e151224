package io.spark.day9.emergency;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Steps 3 to 7 of a stop, the ones after the state is durable: {@code chaos-off},
 * {@code cancel}, {@code pause}, {@code flatten}, {@code verify}, always in this order and
 * always all five (a flatten that was not asked is recorded as done, "not asked"). Run by a
 * stop right after its persist, and again by a restart for a stop that had not completed; every
 * step is safe to repeat (the desk derives flatten order ids from the stop id).
 *
 * <p>Failure model: an exception from the desk is recorded in its step ({@code ok=false}, the
 * message as detail) and the next step runs; the verification then lists every failed step
 * among its errors and is not verified.
 *
 * <p>Threading: called by {@link Emergency} with its stop lock held, so one run at a time.
 */
final class StopActions {
    private final TradingDesk desk;
    private final LongSupplier clock;

    StopActions(TradingDesk desk, LongSupplier clock) {
        this.desk = desk;
        this.clock = clock;
    }

    /** What steps 3 to 7 did. */
    record Outcome(List<TradingDesk.OpenOrder> cancelled, List<TradingDesk.Flattened> flattened,
                   Verification verification) {
    }

    /** Runs steps 3 to 7 for {@code stop}, appending each to {@code steps}. */
    Outcome run(ActiveStop stop, String actor, List<StopResult.Step> steps) {
        Scope scope = stop.scope();
        time(steps, "chaos-off", () -> {
            desk.chaosOff(actor);
            return "every fault off";
        });
        List<TradingDesk.OpenOrder> cancelled = new ArrayList<>();
        time(steps, "cancel", () -> {
            cancelled.addAll(orEmpty(desk.cancelOpen(scope, actor)));
            return cancelled.size() + " open order(s) cancelled in scope " + scope.label();
        });
        time(steps, "pause", () -> {
            desk.pauseOrders(stop.pauseQueue());
            return stop.pauseQueue() ? "order jobs parked; the whole queue paused"
                    : "order jobs in scope parked";
        });
        List<TradingDesk.Flattened> flattened = new ArrayList<>();
        if (stop.flatten()) {
            time(steps, "flatten", () -> {
                flattened.addAll(orEmpty(desk.flatten(scope, stop.id(), actor)));
                long failed = flattened.stream().filter(f -> f.error() != null).count();
                if (failed > 0) {
                    throw new IllegalStateException(failed + " of " + flattened.size()
                            + " market order(s) failed");
                }
                return flattened.size() + " market order(s) placed";
            });
        } else {
            steps.add(new StopResult.Step("flatten", clock.getAsLong(), 0, true, "not asked"));
        }
        List<String> errors = new ArrayList<>();
        for (StopResult.Step s : steps) {
            if (!s.ok()) {
                errors.add(s.name() + ": " + s.detail());
            }
        }
        for (TradingDesk.Flattened f : flattened) {
            if (f.error() != null) {
                errors.add("flatten " + f.venue() + " " + f.strategy() + " " + f.symbol() + ": "
                        + f.error());
            }
        }
        Verification[] verification = new Verification[1];
        time(steps, "verify", () -> {
            TradingDesk.EndState end;
            try {
                end = desk.read(scope);
            } catch (RuntimeException e) {
                errors.add("verify: " + message(e));
                verification[0] = new Verification(false, clock.getAsLong(), List.of(),
                        List.of(), errors);
                throw e;
            }
            if (end == null) {
                end = new TradingDesk.EndState(List.of(), List.of(), List.of("verify: the desk"
                        + " read nothing"));
            }
            errors.addAll(end.errors());
            boolean ok = errors.isEmpty() && end.openOrders().isEmpty()
                    && (!stop.flatten() || end.positions().isEmpty());
            verification[0] = new Verification(ok, clock.getAsLong(), end.openOrders(),
                    end.positions(), errors);
            if (!ok) {
                throw new IllegalStateException("not verified: " + end.openOrders().size()
                        + " order(s) still open, " + end.positions().size()
                        + " position(s) held" + (stop.flatten() ? "" : " (not flattened)")
                        + ", " + errors.size() + " error(s)");
            }
            return "verified: nothing open in scope " + scope.label()
                    + (stop.flatten() ? ", no position" : "");
        });
        return new Outcome(List.copyOf(cancelled), List.copyOf(flattened), verification[0]);
    }

    /** Runs one step, timed; a failure is recorded, never thrown. */
    private void time(List<StopResult.Step> steps, String name, Supplier<String> step) {
        long t0 = System.nanoTime();
        boolean ok;
        String detail;
        try {
            detail = step.get();
            ok = true;
        } catch (RuntimeException e) {
            detail = message(e);
            ok = false;
        }
        steps.add(new StopResult.Step(name, clock.getAsLong(), micros(t0), ok, detail));
    }

    static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
