package io.spark.day9.queue;

import io.spark.day9.queue.LongHeaps.IdHeap;
import io.spark.day9.queue.LongHeaps.TimerHeap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file journal's job store: the index of stored jobs, the ready and timer heaps, the
 * per-state counts, the stored bytes and the dedup keys, with the state transitions that live
 * operations <em>and</em> replay apply, so {@link JobState#canMoveTo} governs both: a live
 * operation that asks for an illegal move is a bug ({@link IllegalStateException}); a replayed
 * record that would make one is ignored ({@link #replayMove} returns false).
 *
 * <p>Replay keeps a waiting job (enqueued, nacked or redriven) as {@code READY} whatever its
 * visible-at, because time is not replayed; {@link #finishReplay} then classifies each waiting
 * job as READY or DELAYED against the clock, as an enqueue with a delay would.
 *
 * <p><b>Visibility tracking: model, cost, threading.</b> Ready jobs sit in a min-heap of ids
 * (oldest first); delayed jobs and claims sit in a min-heap of (time, id) pairs keyed by
 * visible-at or deadline. No timer runs in the background: every operation first promotes the
 * timer entries that are due ({@link #promote}, {@code O(k log n)} for k due entries). Timer
 * entries are never removed early: an extend or settle leaves the old entry behind and it is
 * discarded when popped (its time no longer matches the index); the heap is rebuilt from the
 * index when stale entries outnumber live ones, so it stays {@code O(pending)}. Claim is
 * {@code O(log n)} per job plus one positional read per run of nearby enqueue lines (each line
 * checksummed on its own); ack, nack and extend are one binary search plus one appended line.
 * Memory: 52 bytes per stored job in {@link JobIndex}, plus 8 (ready) or 16 (timer) bytes of
 * heap, with growth slack at most 1.5x: below 100 bytes per pending job; payloads stay on
 * disk. Dedup keys cost a map entry (about 100 bytes plus the key) each, for at most the dedup
 * window.
 *
 * <p>Thread safety: none of its own; guarded by the queue's state lock.
 */
final class JobStore {
    /** A dedup key's binding: the job, when the binding ends, and the job's key. */
    record Dedup(long id, long expiresAt, String key) {
    }

    JobIndex index = new JobIndex();
    final IdHeap ready = new IdHeap();
    final TimerHeap timers = new TimerHeap();
    final long[] counts = new long[JobState.values().length];
    long storedBytes;
    final LinkedHashMap<String, Dedup> dedup = new LinkedHashMap<>();
    long oldestReadyId = -1;
    long oldestReadyTs;
    /** The next job id and the next receipt (claim sequence), each only ever growing. */
    long nextId = 1;
    long nextSeq = 1;

    /** Forgets everything (before a replay). */
    void clear() {
        index = new JobIndex();
        ready.clear();
        timers.clear();
        Arrays.fill(counts, 0);
        storedBytes = 0;
        dedup.clear();
        oldestReadyId = -1;
    }

    long pendingCount() {
        return counts[JobState.READY.ordinal()] + counts[JobState.DELAYED.ordinal()]
                + counts[JobState.IN_FLIGHT.ordinal()];
    }

    /** Indexes a job whose E line was just appended at {@code off}. */
    void indexNew(long id, long off, long at, boolean delayed, int length) {
        JobState st = delayed ? JobState.DELAYED : JobState.READY;
        index.add(id, off, at, st, 0, length);
        counts[st.ordinal()]++;
        storedBytes += length;
        if (st == JobState.READY) {
            ready.push(id);
        } else {
            timers.push(at, id);
        }
    }

    /** The live binding of {@code key} to a pending job, or null (evicts a few expired). */
    Dedup dedupLookup(String key, long now) {
        // Evict expired keys from the oldest end (insertion order ~ expiry order).
        Iterator<Map.Entry<String, Dedup>> it = dedup.entrySet().iterator();
        for (int i = 0; i < 8 && it.hasNext(); i++) {
            Map.Entry<String, Dedup> e = it.next();
            if (e.getValue().expiresAt() <= now) {
                it.remove();
            } else {
                break;
            }
        }
        Dedup d = dedup.get(key);
        if (d == null || d.expiresAt() <= now) {
            return null;
        }
        int slot = index.find(d.id());
        if (slot < 0 || !index.state(slot).isPending()) {
            return null; // acked, dead or purged: the key is free again
        }
        return d;
    }

    /** A live transition: counts follow; ACKED removes the job. Illegal moves throw. */
    void move(int slot, JobState to) {
        JobState from = index.state(slot);
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("job " + index.ids[slot] + ": illegal move " + from
                    + " -> " + to);
        }
        counts[from.ordinal()]--;
        if (to == JobState.ACKED) {
            storedBytes -= index.lineLength(slot);
            index.remove(slot);
        } else {
            counts[to.ordinal()]++;
            index.setState(slot, to);
        }
    }

    /**
     * A replayed transition (counts are rebuilt by {@link #finishReplay}): applied only when
     * {@link JobState#canMoveTo} allows it. Returns whether it was applied.
     */
    boolean replayMove(int slot, JobState to) {
        if (!index.state(slot).canMoveTo(to)) {
            return false;
        }
        if (to == JobState.ACKED) {
            index.remove(slot);
        } else {
            index.setState(slot, to);
        }
        return true;
    }

    /** A live claim: IN_FLIGHT on delivery {@code attempt}, receipt {@code seq}, until
     *  {@code deadline}, made at {@code now} by {@code consumer} (null unknown). */
    void claim(int slot, int attempt, long seq, long deadline, long now, String consumer) {
        move(slot, JobState.IN_FLIGHT);
        index.claimed[slot] = now;
        index.consumers[slot] = consumer;
        index.setAttempt(slot, attempt);
        index.aux[slot] = seq;
        index.times[slot] = deadline;
        timers.push(deadline, index.ids[slot]);
    }

    /** A claim extended to {@code deadline} (the old timer entry goes stale). */
    void extend(int slot, long deadline) {
        index.times[slot] = deadline;
        timers.push(deadline, index.ids[slot]);
    }

    /** A nack or redrive: waiting again, {@code to} READY or DELAYED until {@code at}. */
    void requeue(int slot, JobState to, long at) {
        move(slot, to);
        index.aux[slot] = 0;
        index.times[slot] = at;
        if (to == JobState.READY) {
            ready.push(index.ids[slot]);
        } else {
            timers.push(at, index.ids[slot]);
        }
    }

    /** Dead-lettered at {@code now}; its D line starts at logical {@code lineOffset}. */
    void deadLettered(int slot, long now, long lineOffset) {
        move(slot, JobState.DEAD);
        index.times[slot] = now;
        index.aux[slot] = lineOffset;
    }

    /** Moves due timer entries: delayed jobs and expired claims become ready. */
    void promote(long now) {
        while (timers.size() > 0 && timers.peekTime() <= now) {
            long t = timers.peekTime();
            long id = timers.peekId();
            timers.pop();
            int slot = index.find(id);
            if (slot < 0 || index.times[slot] != t) {
                continue;
            }
            JobState st = index.state(slot);
            if (st == JobState.DELAYED || st == JobState.IN_FLIGHT) {
                move(slot, JobState.READY);
                index.aux[slot] = 0;
                ready.push(id);
            }
        }
        long live = counts[JobState.DELAYED.ordinal()] + counts[JobState.IN_FLIGHT.ordinal()];
        if (timers.size() > 2 * live + 4096) {
            timers.clear();
            for (int s = index.head(); s < index.tail(); s++) {
                JobState st = index.state(s);
                if (st == JobState.DELAYED || st == JobState.IN_FLIGHT) {
                    timers.push(index.times[s], index.ids[s]);
                }
            }
        }
    }

    /** After replay: classify waiting jobs, rebuild heaps and counters. */
    void finishReplay(long now) {
        Arrays.fill(counts, 0);
        storedBytes = 0;
        ready.clear();
        timers.clear();
        for (int s = index.head(); s < index.tail(); s++) {
            JobState st = index.state(s);
            if (st == JobState.ACKED) {
                continue;
            }
            if (st == JobState.DELAYED || st == JobState.READY) {
                if (index.times[s] <= now) {
                    st = JobState.READY;
                    ready.push(index.ids[s]);
                } else {
                    st = JobState.DELAYED;
                    timers.push(index.times[s], index.ids[s]);
                }
                index.setState(s, st);
            } else if (st == JobState.IN_FLIGHT) {
                timers.push(index.times[s], index.ids[s]);
            }
            counts[st.ordinal()]++;
            storedBytes += index.lineLength(s);
        }
        if (index.wantsCompaction()) {
            index.compactInPlace();
        }
    }
}
