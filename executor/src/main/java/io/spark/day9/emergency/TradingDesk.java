package io.spark.day9.emergency;

import java.math.BigDecimal;
import java.util.List;

/**
 * The trading side an emergency stop acts on, one method per step of the stop (see
 * {@link Emergency}). The wiring implements it over the chaos engine, the shadow executor, the
 * order router (and, when the mode sends, the exchange's order endpoints) and the worker; tests
 * give a fake. Every method is called from the emergency's own thread, never concurrently with
 * another call of the same stop, and must return within its documented bound: a failure is
 * thrown as a {@link RuntimeException} whose message names what failed (the stop records it in
 * the step and goes on; the verification then says what is left).
 */
public interface TradingDesk {

    /** One order that was open: where it lives, and who it belongs to. */
    record OpenOrder(String venue, String symbol, String strategy, String orderId,
                     String clientOrderId) {
        /** The shadow executor's resting orders. */
        public static final String SHADOW = "shadow";
        /** The exchange's open orders (a sending mode only). */
        public static final String EXCHANGE = "exchange";
    }

    /** One position: a strategy's net quantity in a symbol on a venue (base units). */
    record Position(String venue, String strategy, String symbol, BigDecimal quantity) {
    }

    /** One market order placed to close a position; {@code error} set when it failed. */
    record Flattened(String venue, String strategy, String symbol, String side,
                     BigDecimal quantity, String clientOrderId, String status, String error) {
    }

    /**
     * What is still open in a scope, read again from the source (the exchange's
     * {@code openOrders}, the shadow book, the positions). {@code errors} names every read
     * that failed (then the state is unknown, and a stop cannot be verified).
     */
    record EndState(List<OpenOrder> openOrders, List<Position> positions, List<String> errors) {
        public EndState {
            openOrders = List.copyOf(openOrders);
            positions = List.copyOf(positions);
            errors = List.copyOf(errors);
        }
    }

    /** Step 3: every chaos fault off, inbound and outbound and exchange faults. */
    void chaosOff(String actor);

    /**
     * Step 4: waits (bounded, a few seconds) for real orders that passed the gate before the
     * stop to be answered, then cancels every open order in scope: resting shadow orders, and
     * when the mode sends the exchange's open orders (cancel-all per symbol for a symbol or
     * everything scope; one by one, by client order id, for a strategy scope).
     *
     * @return the orders cancelled
     */
    List<OpenOrder> cancelOpen(Scope scope, String actor);

    /**
     * Step 5: order jobs in scope are already parked by the gate; with {@code all} true (the
     * scope is everything and the stop asked {@code pauseQueue}) the whole queue's consumption
     * pauses too. {@link #releaseOrders} undoes both.
     */
    void pauseOrders(boolean all);

    /** On resume: parked order jobs flow again in order; a stop's whole-queue pause ends. */
    void releaseOrders(boolean all);

    /**
     * Step 6: closes every position in scope with market orders (on the shadow book, and on
     * the exchange when the mode sends), bypassing the gate. Client order ids are derived from
     * {@code stopId} so a repeated flatten (after a crash) never doubles an order.
     */
    List<Flattened> flatten(Scope scope, String stopId, String actor);

    /** Step 7: re-reads open orders (shadow and exchange) and positions in scope. */
    EndState read(Scope scope);

    /** Order jobs parked by the gate, waiting for a resume (0 when none). */
    long parkedOrderJobs();

    /**
     * The run-time equivalent of {@code SHADOW_LIVE_ENABLED}: with {@code false}, orders that
     * the mode would simulate are refused as if the variable were false.
     */
    void shadowExecution(boolean enabled);
}
