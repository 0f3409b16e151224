package io.spark.day9.queue;

import java.util.List;
import java.util.Objects;

/**
 * The argument checks and limits both backends share, so a caller's mistake gets the same
 * {@link IllegalArgumentException} (or {@link NullPointerException}), naming the argument and
 * the bad value, from each. Stateless.
 */
final class QueueArgs {
    /** Most jobs one claim takes. */
    static final int MAX_CLAIM = 10_000;
    /** Longest dead-letter reason kept, in chars. */
    static final int MAX_REASON = 400;

    private QueueArgs() {
    }

    static void checkClaim(int max, long visibilityMs) {
        if (max < 1 || max > MAX_CLAIM) {
            throw new IllegalArgumentException("max must be in 1.." + MAX_CLAIM + ", but got "
                    + max);
        }
        checkVisibility(visibilityMs);
    }

    static void checkVisibility(long visibilityMs) {
        if (visibilityMs < 1 || visibilityMs > QueuePolicy.MAX_VISIBILITY_MS) {
            throw new IllegalArgumentException("visibilityMs must be in 1.."
                    + QueuePolicy.MAX_VISIBILITY_MS + ", but got " + visibilityMs);
        }
    }

    static long parseReceipt(String receipt) {
        Objects.requireNonNull(receipt, "receipt");
        try {
            long r = Long.parseLong(receipt);
            if (r <= 0) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed receipt '" + receipt + "'");
        }
    }

    /** Every receipt of {@code acks}, parsed before anything is applied. */
    static long[] parseReceipts(List<Ack> acks) {
        long[] seqs = new long[acks.size()];
        for (int i = 0; i < seqs.length; i++) {
            int at = i;
            Ack a = Objects.requireNonNull(acks.get(i), () -> "acks[" + at + "]");
            try {
                seqs[i] = parseReceipt(a.receipt());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("acks[" + i + "].receipt: " + e.getMessage());
            }
        }
        return seqs;
    }

    static void checkNackDelay(Long delayMs) {
        if (delayMs != null && (delayMs < 0 || delayMs > EnqueueOptions.MAX_DELAY_MS)) {
            throw new IllegalArgumentException("delayMs must be in 0.."
                    + EnqueueOptions.MAX_DELAY_MS + ", but got " + delayMs);
        }
    }

    /** The reason a consumer gave for dead-lettering, or the default when it gave none. */
    static String consumerReason(String reason) {
        return reason == null || reason.isBlank() ? "dead-lettered by its consumer"
                : reason.strip();
    }

    /** {@code reason} cut to {@link #MAX_REASON} chars. */
    static String clipReason(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }

    /** enqueueAll's own checks (the payloads are checked one by one with {@link #payload}). */
    static void checkBatch(List<byte[]> payloads, EnqueueOptions options) {
        Objects.requireNonNull(payloads, "payloads");
        Objects.requireNonNull(options, "options");
        if (options.dedupKey() != null) {
            throw new IllegalArgumentException("dedupKey is not accepted by enqueueAll: it names "
                    + "one job; enqueue keyed jobs one by one");
        }
    }

    /** {@code payloads.get(i)}, which must not be null. */
    static byte[] payload(List<byte[]> payloads, int i) {
        return Objects.requireNonNull(payloads.get(i), () -> "payloads[" + i + "]");
    }

    static void checkInFlight(long minAgeMs, int limit) {
        if (minAgeMs < 0) {
            throw new IllegalArgumentException("minAgeMs must be >= 0, but got " + minAgeMs);
        }
        checkLimit(limit);
    }

    static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, but got " + limit);
        }
    }
}
