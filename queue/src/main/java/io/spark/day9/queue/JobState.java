package io.spark.day9.queue;

/**
 * The states of a job and the legal moves between them.
 *
 * <pre>
 *   enqueue ─► READY ◄──────── DELAYED        (delay or nack backoff elapsed)
 *   enqueue ─► DELAYED
 *              READY ─claim─► IN_FLIGHT ─ack─► ACKED
 *          IN_FLIGHT ─visibility expired─► READY
 *          IN_FLIGHT ─nack─► READY | DELAYED | DEAD
 *              READY ─claim after max deliveries─► DEAD
 *               DEAD ─redrive─► READY,  DEAD ─purge─► ACKED (removed)
 * </pre>
 */
public enum JobState {
    READY, DELAYED, IN_FLIGHT, ACKED, DEAD;

    /** Whether {@code this -> next} is a legal transition. */
    public boolean canMoveTo(JobState next) {
        return switch (this) {
            case READY -> next == IN_FLIGHT || next == DEAD;
            case DELAYED -> next == READY;
            case IN_FLIGHT -> next == ACKED || next == READY || next == DELAYED || next == DEAD
                    || next == IN_FLIGHT;
            case DEAD -> next == READY || next == ACKED;
            case ACKED -> false;
        };
    }

    /** Whether a job in this state still waits for a consumer (counts toward pending). */
    public boolean isPending() {
        return this == READY || this == DELAYED || this == IN_FLIGHT;
    }
}
