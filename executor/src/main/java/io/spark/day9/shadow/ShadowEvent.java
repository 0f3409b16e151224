package io.spark.day9.shadow;

/** What the shadow executor reports to adapters (metrics, the audit log). */
public sealed interface ShadowEvent {

    /** An order was accepted; {@code latencyMs} from decision to simulated ack. */
    record Placed(ShadowOrderView order, double latencyMs) implements ShadowEvent {
    }

    /** An order was refused with a Binance-like {@code code}. */
    record Rejected(String strategy, String symbol, String side, String type, int code,
                    String message) implements ShadowEvent {
    }

    /** One fill: decision to fill time and price slippage against the arrival mid and best. */
    record Filled(ShadowOrderView order, ShadowOrderView.FillView fill, double decisionToFillMs,
                  double slippageBpsVsMid, double slippageBpsVsBest) implements ShadowEvent {
    }

    /** A resting order ended without filling wholly: {@code CANCELED} or {@code EXPIRED}. */
    record Ended(ShadowOrderView order, String reason) implements ShadowEvent {
    }

    /** A round trip to the exchange's {@code order/test} endpoint. */
    record RoundTrip(double seconds) implements ShadowEvent {
    }

    /** The real leg of an A/B pair came back from the exchange ({@code result}: its status or
     *  {@code error}). */
    record RealPlaced(String strategy, String symbol, String result, double rttMs)
            implements ShadowEvent {
    }
}
