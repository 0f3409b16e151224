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
 * allocation; a refusal allocates only its exception (the event is made once per stop).
 */
final class StopGate implements OrderGate {
    private static final Entry[] NONE = new Entry[0];

    private final EventPublisher<EmergencyEvent> events;
    private volatile Entry[] stops = NONE;

    /** A stop in force with what a refusal names, computed once per stop, not per order. */
    private record Entry(ActiveStop stop, String scope, EmergencyEvent.Refused refused) {
        Entry(ActiveStop stop) {
            this(stop, stop.scope().label(), new EmergencyEvent.Refused(stop.scope().label(),
                    stop.mode().name()));
        }
    }

    StopGate(EventPublisher<EmergencyEvent> events) {
        this.events = events;
    }

    /** The stops in force from now on (the instant the caller's stop or resume takes effect). */
    void set(List<ActiveStop> inForce) {
        Entry[] next = new Entry[inForce.size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = new Entry(inForce.get(i));
        }
        stops = next.length == 0 ? NONE : next;
    }

    @Override
    public void admit(OrderRequest request, BigDecimal position) {
        Entry[] now = stops;
        if (now.length == 0) {
            return;
        }
        Entry reducing = null;
        for (Entry e : now) {
            if (!e.stop().scope().covers(request.strategy(), request.symbol())) {
                continue;
            }
            if (e.stop().mode() == TradingMode.HALTED) {
                throw refuse(e);
            }
            if (reducing == null) {
                reducing = e;
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

    private TradingHalted refuse(Entry e) {
        events.publish(e.refused());
        ActiveStop s = e.stop();
        return new TradingHalted(e.refused().mode(), e.scope(), s.reason(), s.since());
    }
}
