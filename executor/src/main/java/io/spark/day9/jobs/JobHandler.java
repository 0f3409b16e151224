package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Handles one job type for the built-in {@link Worker}. The worker acks when this returns
 * {@link Outcome#ACK}; a thrown exception or {@link Outcome#retry} gives the job back with
 * backoff (so a job that keeps failing reaches the dead-letter queue after
 * {@code QUEUE_MAX_DELIVERIES}); {@link Outcome#deadLetter} sends it there at once.
 *
 * <p>Handlers must be idempotent: delivery is at least once. A job redelivered after a crash
 * has {@code attempt > 1}.
 */
@FunctionalInterface
public interface JobHandler {
    /**
     * The job attribute holding the role of the caller that enqueued it over HTTP
     * ({@code read}, {@code trade} or {@code admin}); absent for a job enqueued in process or
     * stored before roles were recorded. A handler with side effects checks it again.
     */
    String ROLE_ATTRIBUTE = "role";


    Outcome handle(Job job) throws Exception;

    /**
     * One delivery.
     *
     * @param queue   queue name
     * @param id      job id
     * @param attempt delivery count, 1 on first delivery
     * @param type    the payload's {@code job} field
     * @param payload the whole payload
     * @param enqueuedAt when the job was enqueued (epoch ms)
     * @param key     the job's key, unique for good (null for a job stored before keys)
     * @param attributes the job's attributes, never null
     */
    record Job(String queue, long id, int attempt, String type, JsonNode payload,
               long enqueuedAt, String key, java.util.Map<String, String> attributes) {
        public Job {
            attributes = attributes == null ? java.util.Map.of() : attributes;
        }

        /** A delivery without key or attributes. */
        public Job(String queue, long id, int attempt, String type, JsonNode payload,
                   long enqueuedAt) {
            this(queue, id, attempt, type, payload, enqueuedAt, null, java.util.Map.of());
        }
    }

    /** What to do with the job after handling. */
    sealed interface Outcome {
        /** Done: acknowledge. */
        Outcome ACK = new Ack();

        /** Give back; redeliver after {@code delayMs} (null = exponential backoff). */
        static Outcome retry(Long delayMs) {
            return new Retry(delayMs);
        }

        /** Never retry: to the dead-letter queue with a reason. */
        static Outcome deadLetter(String reason) {
            return new DeadLetter(reason);
        }

        /**
         * Not now, and not a failure: trading is stopped for this job's scope. The worker keeps
         * the claim (extending it, no delivery counted) and offers the job again, in id order,
         * when {@link Worker#releaseParked()} is called (an emergency resume).
         */
        static Outcome park(String reason) {
            return new Park(reason);
        }

        record Park(String reason) implements Outcome {
        }

        record Ack() implements Outcome {
        }

        record Retry(Long delayMs) implements Outcome {
        }

        record DeadLetter(String reason) implements Outcome {
        }
    }
}
