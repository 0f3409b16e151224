package io.spark.day9.chaos;

/** What the chaos engine reports to adapters (metrics, audit, the experiment runner's log). */
public sealed interface ChaosEvent {

    /** The settings changed: by an operator ({@code actor}), or by the TTL ({@code chaos-ttl}). */
    record Changed(String actor, String reason, ChaosSettings before, ChaosSettings after)
            implements ChaosEvent {
    }

    /** An operator asked for one flap now; {@code flapped} is false when it was skipped. */
    record FlapAsked(String actor, boolean flapped) implements ChaosEvent {
    }

    /** An operator injected one exchange fault now. */
    record InjectAsked(String actor, ExchangeFault fault) implements ChaosEvent {
    }

    /** An inbound request was delayed and/or failed. {@code status} 0 = delay only. */
    record HttpInjected(String route, int status, long latencyMs) implements ChaosEvent {
    }

    /** An outbound exchange call was delayed and/or failed. {@code status} 0 = delay only. */
    record OutboundInjected(String endpoint, int status, long latencyMs) implements ChaosEvent {
    }

    /** The market connection was dropped on purpose. */
    record Flapped(long flap) implements ChaosEvent {
    }

    /** An exchange-protocol fault was injected through the simulator. */
    record ExchangeInjected(ExchangeFault fault) implements ChaosEvent {
    }

    /** A fault ({@code ws-flap} or an {@link ExchangeFault#id()}) was recovered from. */
    record Recovered(String fault, long millis) implements ChaosEvent {
    }

    /** A fault was not recovered from within the deadline. */
    record RecoveryFailed(String fault, long millis) implements ChaosEvent {
    }
}
