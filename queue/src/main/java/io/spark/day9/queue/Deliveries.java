package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The delivery side of the file journal, under the queue's state lock: claim, ack, nack,
 * extend, dead-letter, redrive and purge. Each one checks the index (a settle must name the
 * in-flight delivery it owns: {@link #owned}), appends its record ({@code C}, {@code A},
 * {@code N}, {@code X}, {@code D}, {@code R}, {@code P}; format in {@link JournalWriter}) and
 * applies its transition through {@link JobStore}, adding its events. The front runs each one
 * inside its operation sequence (lock, commit, publish); nothing here waits or publishes.
 *
 * <p>Threading: none of its own; every method runs under the queue's state lock.
 */
final class Deliveries {
    private final QueueConfig config;
    private final QueuePolicy policy;
    private final String name;
    private final JournalWriter writer;
    private final JobStore store;
    private final JournalCodec codec;

    Deliveries(QueueConfig config, JournalWriter writer, JobStore store, JournalCodec codec) {
        this.config = config;
        this.policy = config.policy();
        this.name = config.name();
        this.writer = writer;
        this.store = store;
        this.codec = codec;
    }

    /** The slot of an in-flight job whose receipt matches; throws otherwise. */
    int owned(long id, String receipt, long seq) {
        int slot = store.index.find(id);
        if (slot < 0) {
            if (id <= 0 || id >= store.nextId) {
                throw UnknownJobException.of(name, id);
            }
            throw StaleReceiptException.settled(name, id, receipt);
        }
        if (store.index.state(slot) != JobState.IN_FLIGHT || store.index.aux[slot] != seq) {
            throw StaleReceiptException.of(name, id, receipt, store.index.state(slot),
                    store.index.attempt(slot));
        }
        return slot;
    }

    /** The jobs one claim took, in order: ids and receipts of the first {@code n}. */
    record Claims(long[] ids, long[] seqs, int n) {
    }

    /**
     * Claim: takes up to {@code max} ready jobs, oldest first, dead-letters those out of
     * deliveries, appends a C line for each other one and moves it in flight. No job is taken
     * twice: each comes off the ready heap once, so the ready count bounds the arrays.
     */
    Claims take(int max, long now, long visibilityMs, String consumer,
                List<QueueEvent> events) {
        int cap = Math.min(max, store.ready.size());
        long[] ids = new long[cap];
        long[] seqs = new long[cap];
        int n = 0;
        while (n < max && store.ready.size() > 0) {
            long id = store.ready.poll();
            int slot = store.index.find(id);
            if (slot < 0 || store.index.state(slot) != JobState.READY) {
                continue;
            }
            int attempt = store.index.attempt(slot);
            if (attempt >= config.maxDeliveries()) {
                deadLetter(slot, now, "max deliveries (" + config.maxDeliveries()
                        + ") exhausted", events);
                continue;
            }
            long seq = store.nextSeq;
            long deadline = now + visibilityMs;
            codec.begin('C').num("id", id).num("r", seq).num("n", attempt + 1)
                    .num("dl", deadline).num("ts", now);
            appendCodecLine();
            store.nextSeq++;
            store.claim(slot, attempt + 1, seq, deadline, now, consumer);
            ids[n] = id;
            seqs[n] = seq;
            n++;
        }
        return new Claims(ids, seqs, n);
    }

    /** Ack: the A line; the job is removed. */
    void ack(long id, String receipt, long seq, List<QueueEvent> events) {
        int slot = owned(id, receipt, seq);
        int attempt = store.index.attempt(slot);
        writer.append(codec.begin('A').num("id", id).num("r", seq).end());
        store.move(slot, JobState.ACKED);
        events.add(new QueueEvent.Acked(name, id, attempt));
    }

    /** One item of ackAll: judged as {@link #ack} would, answered instead of thrown. */
    AckResult ackItem(long id, String receipt, long seq, List<QueueEvent> events) {
        int slot;
        try {
            slot = owned(id, receipt, seq);
        } catch (UnknownJobException e) {
            return new AckResult(id, AckResult.Status.UNKNOWN_JOB, e.getMessage());
        } catch (StaleReceiptException e) {
            return new AckResult(id, AckResult.Status.STALE_RECEIPT, e.getMessage());
        }
        int attempt = store.index.attempt(slot);
        codec.begin('A').num("id", id).num("r", seq);
        appendCodecLine();
        store.move(slot, JobState.ACKED);
        events.add(new QueueEvent.Acked(name, id, attempt));
        return AckResult.acked(id);
    }

    /**
     * Nack: visible again after {@code delayMs} (null: the policy's backoff), or dead-lettered
     * when this was the last allowed delivery. Returns the job's new state.
     */
    JobState nack(long id, String receipt, long seq, Long delayMs, long now,
                  List<QueueEvent> events) {
        int slot = owned(id, receipt, seq);
        int attempt = store.index.attempt(slot);
        if (attempt >= config.maxDeliveries()) {
            deadLetter(slot, now, "nacked on the last allowed delivery (" + attempt + " of "
                    + config.maxDeliveries() + ")", events);
            return JobState.DEAD;
        }
        long delay = delayMs != null ? delayMs : policy.backoffMs(attempt);
        long at = now + delay;
        writer.append(codec.begin('N').num("id", id).num("r", seq).num("at", at).end());
        JobState result = delay > 0 ? JobState.DELAYED : JobState.READY;
        store.requeue(slot, result, at);
        events.add(new QueueEvent.Nacked(name, id, attempt, delay));
        return result;
    }

    /**
     * The in-flight jobs claimed at least {@code minAgeMs} before {@code now}, by id, at most
     * {@code limit} (a claim of unknown time only when {@code minAgeMs} is 0).
     */
    List<InFlightJob> inFlight(long now, long minAgeMs, int limit) {
        List<InFlightJob> out = new ArrayList<>();
        JobIndex index = store.index;
        for (int s = index.head(); s < index.tail() && out.size() < limit; s++) {
            if (index.state(s) != JobState.IN_FLIGHT) {
                continue;
            }
            long at = index.claimed[s];
            long age = at > 0 ? Math.max(0, now - at) : -1;
            if (minAgeMs > 0 && (age < 0 || age < minAgeMs)) {
                continue;
            }
            out.add(new InFlightJob(index.ids[s], index.attempt(s), at > 0 ? at : -1, age,
                    index.times[s], index.consumers[s]));
        }
        return out;
    }

    /** Extend: the claim lasts until {@code now + visibilityMs}; returns that deadline. */
    long extend(long id, String receipt, long seq, long visibilityMs, long now) {
        int slot = owned(id, receipt, seq);
        long deadline = now + visibilityMs;
        writer.append(codec.begin('X').num("id", id).num("r", seq).num("dl", deadline).end());
        store.extend(slot, deadline);
        return deadline;
    }

    /** Dead-letters the claimed jobs {@code which} whose lines no longer read back. */
    void deadLetterCorrupt(long[] ids, long[] seqs, List<Integer> which, long now,
                           List<QueueEvent> events) {
        for (int i : which) {
            int slot = store.index.find(ids[i]);
            if (slot >= 0 && store.index.state(slot) == JobState.IN_FLIGHT
                    && store.index.aux[slot] == seqs[i]) {
                deadLetter(slot, now, "journal record unreadable (checksum mismatch); "
                        + "payload withheld", events);
            }
        }
    }

    String deadLetter(int slot, long now, String reason, List<QueueEvent> events) {
        String why = QueueArgs.clipReason(reason);
        long id = store.index.ids[slot];
        int attempts = store.index.attempt(slot);
        byte[] line = codec.begin('D').num("id", id).num("ts", now).num("n", attempts)
                .str("why", why).end();
        store.deadLettered(slot, now, writer.append(line));
        events.add(new QueueEvent.DeadLettered(name, id, attempts, why));
        FileJournalQueue.LOG.warn("queue '{}': job {} dead-lettered after {} deliveries: {}",
                name, id, attempts, why);
        return why;
    }

    /** Redrives or purges the listed dead letters (all of them: {@code ids} null). */
    int settleDead(List<Long> ids, boolean purge, long now, List<QueueEvent> events) {
        List<Long> targets = new ArrayList<>();
        if (ids == null) {
            for (int s = store.index.head(); s < store.index.tail(); s++) {
                if (store.index.state(s) == JobState.DEAD) {
                    targets.add(store.index.ids[s]);
                }
            }
        } else {
            for (Long id : ids) {
                int slot = store.index.find(Objects.requireNonNull(id, "id"));
                if (slot < 0) {
                    throw UnknownJobException.of(name, id);
                }
                if (store.index.state(slot) != JobState.DEAD) {
                    throw UnknownJobException.notDead(name, id, store.index.state(slot));
                }
                targets.add(id);
            }
        }
        int done = 0;
        for (long id : targets) {
            int slot = store.index.find(id);
            if (slot < 0 || store.index.state(slot) != JobState.DEAD) {
                continue; // listed twice
            }
            if (purge) {
                writer.append(codec.begin('P').num("id", id).end());
                store.move(slot, JobState.ACKED);
                events.add(new QueueEvent.Purged(name, id));
            } else {
                writer.append(codec.begin('R').num("id", id).num("at", now).end());
                store.index.setAttempt(slot, 0);
                store.requeue(slot, JobState.READY, now);
                events.add(new QueueEvent.Redriven(name, id));
            }
            done++;
        }
        return done;
    }

    /** Appends the line just finished in the codec, without copying it first. */
    private long appendCodecLine() {
        codec.finish();
        return writer.append(codec.buffer(), codec.length(), 1);
    }
}
