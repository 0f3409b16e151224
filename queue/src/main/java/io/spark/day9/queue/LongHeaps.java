package io.spark.day9.queue;

import java.util.Arrays;

/**
 * Primitive binary min-heaps used by the visibility tracking. Not thread-safe: guarded by the
 * queue's state lock.
 */
final class LongHeaps {
    private LongHeaps() {
    }

    /** A min-heap of job ids: the ready jobs, smallest (oldest) id first. 8 bytes per entry. */
    static final class IdHeap {
        private long[] a = new long[16];
        private int size;

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        long peek() {
            return a[0];
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
            }
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) {
                    break;
                }
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long poll() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                if (c + 1 < size && a[c + 1] < a[c]) {
                    c++;
                }
                if (last <= a[c]) {
                    break;
                }
                a[i] = a[c];
                i = c;
            }
            if (size > 0) {
                a[i] = last;
            }
            return top;
        }
    }

    /**
     * A min-heap of (time, id) pairs: delayed jobs by visible-at, in-flight jobs by deadline.
     * 16 bytes per entry. Entries are never removed early; a popped entry is checked against
     * the index and ignored when stale (the job moved on, or its deadline was extended).
     */
    static final class TimerHeap {
        private long[] t = new long[16];
        private long[] id = new long[16];
        private int size;

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        long peekTime() {
            return t[0];
        }

        long peekId() {
            return id[0];
        }

        void push(long time, long jobId) {
            if (size == t.length) {
                int cap = t.length + (t.length >> 1) + 16;
                t = Arrays.copyOf(t, cap);
                id = Arrays.copyOf(id, cap);
            }
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!less(time, jobId, t[p], id[p])) {
                    break;
                }
                t[i] = t[p];
                id[i] = id[p];
                i = p;
            }
            t[i] = time;
            id[i] = jobId;
        }

        void pop() {
            long lt = t[--size];
            long lid = id[size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                if (c + 1 < size && less(t[c + 1], id[c + 1], t[c], id[c])) {
                    c++;
                }
                if (!less(t[c], id[c], lt, lid)) {
                    break;
                }
                t[i] = t[c];
                id[i] = id[c];
                i = c;
            }
            if (size > 0) {
                t[i] = lt;
                id[i] = lid;
            }
        }

        private static boolean less(long t1, long id1, long t2, long id2) {
            return t1 < t2 || (t1 == t2 && id1 < id2);
        }
    }
}
