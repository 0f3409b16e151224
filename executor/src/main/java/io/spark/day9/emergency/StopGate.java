package io.spark.day9.emergency;

import io.spark.day9.event.EventPublisher;
import io.spark.day9.shadow.OrderGate;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.TradingHalted;
import java.math.BigDecimal;
import java.util.List;

/**
 * The {@link OrderGate} of the emergency stop: admits or refuses one order against the stops in
 * force.
 *
 * <p>Rule: every stop whose scope covers the order's strategy and symbol applies. A covering
 * {@link TradingMode#HALTED} stop refuses the order. Otherwise a covering
 * {@link TradingMode#REDUCING} stop admits it only when it reduces the position without
 * crossing zero: the side is opposite to the position (SELL for a long, BUY for a short) and
 * the quantity is at most the position's size; a flat position admits nothing. Each refusal
 * publishes {@link EmergencyEvent.Refused} on the order's thread and throws
 * {@link TradingHalted} naming the covering stop.
 *
 * <p>Threading and cost: the stops are one immutable array behind a volatile field, replaced
 * whole by {@link #set}; {@link #admit} reads it once, so an order sees the stops before or
 * after a change, never a mix. With nothing stopped an admit is one volatile read and no
 * allocation.
 */
final class StopGate implements OrderGate {
    private static final ActiveStop[] NONE = new ActiveStop[0];

    private final EventPublisher<EmergencyEvent> events;
    private volatile ActiveStop[] stops = NONE;

    StopGate(EventPublisher<EmergencyEvent> events) {
        this.events = events;
    }

    /** The stops in force from now on (the instant the caller's stop or resume takes effect). */
    void set(List<ActiveStop> inForce) {
        stops = inForce.isEmpty() ? NONE : inForce.toArray(NONE);
    }

    @Override
    public void admit(OrderRequest request, BigDecimal position) {
        ActiveStop[] now = stops;
        if (now.length == 0) {
            return;
        }
        ActiveStop reducing = null;
        for (ActiveStop s : now) {
            if (!s.scope().covers(request.strategy(), request.symbol())) {
                continue;
            }
            if (s.mode() == TradingMode.HALTED) {
                throw refuse(s);
            }
            if (reducing == null) {
                reducing = s;
            }
        }
        if (reducing != null && !reduces(request, position)) {
            throw refuse(reducing);
        }
    }

    /** True when {@code request} reduces {@code position} without crossing zero. */
    static boolean reduces(OrderRequest request, BigDecimal position) {
        if (position == null || request.quantity() == null || position.signum() == 0) {
            return false;
        }
        OrderRequest.Side closing = position.signum() > 0 ? OrderRequest.Side.SELL
                : OrderRequest.Side.BUY;
        return request.side() == closing && request.quantity().compareTo(position.abs()) <= 0;
    }

    private TradingHalted refuse(ActiveStop s) {
        String scope = s.scope().label();
        String mode = s.mode().name();
        events.publish(new EmergencyEvent.Refused(scope, mode));
        return new TradingHalted(mode, scope, s.reason(), s.since());
    }
}
