package io.spark.day9.chaos;

/**
 * What the chaos engine acts on, as seen from chaos: small interfaces the wiring class
 * implements over the market client and the simulator, so the engine stays testable alone and
 * domain code never asks "is chaos on?".
 */
public final class ChaosTargets {
    private ChaosTargets() {
    }

    /** The market data connection: the flap hook and what recovery is judged by. */
    public interface Market {
        /** True while the serving connection is open. */
        boolean connected();

        /** True when every book is synced. */
        boolean allSynced();

        /** Drops the serving connection now; the client reconnects by itself. */
        void flap();

        /** Depth updates the client recognised as duplicates and ignored, ever. */
        long duplicatesIgnored();
    }

    /** The simulated exchange's fault hooks. */
    public interface ExchangeHooks {
        void silence(long ms);

        void skipDepthUpdates(int n);

        void duplicateDepthUpdates(int n);

        void rateLimit(int status, int retryAfterSec, long ms);

        void clockSkew(long ms);

        void clear();
    }

    /** Calls through the executor's own exchange client, to see whether it has recovered. */
    public interface ExchangeProbe {
        /** An unsigned call ({@code ping}); throws when the client cannot get through. */
        void ping();

        /** A signed call ({@code order/test}); throws when it fails. */
        void signed();
    }
}
