package io.spark.day9.queue;

import java.util.Arrays;

/**
 * The compact in-memory index of stored (pending and dead) jobs: six parallel {@code long}
 * arrays and one of consumer names, indexed by slot, sorted by job id, with no object per
 * job (the consumer names are shared strings: a claimer names itself the same way each
 * time).
 *
 * <table>
 *   <caption>Per-slot columns (52 bytes)</caption>
 *   <tr><th>column</th><th>meaning</th></tr>
 *   <tr><td>ids</td><td>job id, strictly increasing with the slot</td></tr>
 *   <tr><td>offsets</td><td>journal offset of the job's enqueue line</td></tr>
 *   <tr><td>times</td><td>READY/DELAYED: visible-at; IN_FLIGHT: deadline; DEAD: dead-at</td></tr>
 *   <tr><td>aux</td><td>IN_FLIGHT: receipt sequence; DEAD: offset of the dead line; else 0</td></tr>
 *   <tr><td>metas</td><td>bits 56-63 state ordinal, 32-55 delivery count, 0-31 line length</td></tr>
 *   <tr><td>claimed</td><td>IN_FLIGHT: when the current claim was made (0 unknown)</td></tr>
 *   <tr><td>consumers</td><td>IN_FLIGHT: who made it (a reference; null unknown)</td></tr>
 * </table>
 *
 * <p>Ids are appended in increasing order, so lookup is a binary search (O(log n)). Removing a
 * job leaves a tombstone (state ACKED); tombstones at the head are skipped at once, and the
 * arrays are rewritten without tombstones when they outnumber live slots. Memory: 52 bytes per
 * slot (48 plus a compressed reference), times up to 1.5 for array growth slack; with no
 * tombstones that is at most 78 bytes per stored job. Not thread-safe: guarded by the
 * queue's state lock.
 */
final class JobIndex {
    private static final JobState[] STATES = JobState.values();
    static final long MAX_ATTEMPT = (1L << 24) - 1;

    long[] ids = new long[16];
    long[] offsets = new long[16];
    long[] times = new long[16];
    long[] aux = new long[16];
    long[] metas = new long[16];
    long[] claimed = new long[16];
    String[] consumers = new String[16];
    private int head;
    private int tail;
    private int live;

    int live() {
        return live;
    }

    int head() {
        return head;
    }

    int tail() {
        return tail;
    }

    long lastId() {
        return tail == head ? -1 : ids[tail - 1];
    }

    /** Slot of {@code id}, or -1 when absent or removed. */
    int find(long id) {
        int i = Arrays.binarySearch(ids, head, tail, id);
        return i < 0 || state(i) == JobState.ACKED ? -1 : i;
    }

    /** Appends a job; {@code id} must exceed every id already present. Returns its slot. */
    int add(long id, long offset, long time, JobState state, int attempt, int lineLength) {
        if (tail > head && id <= ids[tail - 1]) {
            throw new IllegalStateException("job id " + id + " is not above " + ids[tail - 1]);
        }
        if (tail == ids.length) {
            grow();
        }
        int s = tail++;
        ids[s] = id;
        offsets[s] = offset;
        times[s] = time;
        aux[s] = 0;
        metas[s] = meta(state, attempt, lineLength);
        claimed[s] = 0;
        consumers[s] = null;
        live++;
        return s;
    }

    void remove(int slot) {
        setState(slot, JobState.ACKED);
        consumers[slot] = null;
        live--;
        while (head < tail && state(head) == JobState.ACKED) {
            head++;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    JobState state(int slot) {
        return STATES[(int) (metas[slot] >>> 56)];
    }

    int attempt(int slot) {
        return (int) ((metas[slot] >>> 32) & MAX_ATTEMPT);
    }

    int lineLength(int slot) {
        return (int) metas[slot];
    }

    void setState(int slot, JobState state) {
        metas[slot] = meta(state, attempt(slot), lineLength(slot));
    }

    void setAttempt(int slot, int attempt) {
        metas[slot] = meta(state(slot), attempt, lineLength(slot));
    }

    void setLineLength(int slot, int length) {
        metas[slot] = meta(state(slot), attempt(slot), length);
    }

    private static long meta(JobState state, long attempt, int lineLength) {
        return ((long) state.ordinal() << 56) | (Math.min(attempt, MAX_ATTEMPT) << 32)
                | (lineLength & 0xffffffffL);
    }

    private void grow() {
        int n = tail - head;
        if (n <= ids.length / 2) {
            compactInPlace();
            return;
        }
        int cap = ids.length + (ids.length >> 1) + 16;
        rebuild(cap);
    }

    /** Whether tombstones outnumber live slots enough to be worth a rewrite. */
    boolean wantsCompaction() {
        int slots = tail - head;
        return slots > 1024 && slots - live > live;
    }

    /** Rewrites the arrays without tombstones. Slot numbers change; ids do not. */
    void compactInPlace() {
        int w = 0;
        for (int r = head; r < tail; r++) {
            if (state(r) != JobState.ACKED) {
                ids[w] = ids[r];
                offsets[w] = offsets[r];
                times[w] = times[r];
                aux[w] = aux[r];
                metas[w] = metas[r];
                claimed[w] = claimed[r];
                consumers[w] = consumers[r];
                w++;
            }
        }
        Arrays.fill(consumers, w, tail, null);
        head = 0;
        tail = w;
        int cap = Math.max(16, w + (w >> 1) + 16);
        if (cap < ids.length / 2) {
            rebuild(cap);
        }
    }

    private void rebuild(int cap) {
        ids = Arrays.copyOfRange(ids, head, head + cap);
        offsets = Arrays.copyOfRange(offsets, head, head + cap);
        times = Arrays.copyOfRange(times, head, head + cap);
        aux = Arrays.copyOfRange(aux, head, head + cap);
        metas = Arrays.copyOfRange(metas, head, head + cap);
        claimed = Arrays.copyOfRange(claimed, head, head + cap);
        consumers = Arrays.copyOfRange(consumers, head, head + cap);
        tail -= head;
        head = 0;
    }
}
