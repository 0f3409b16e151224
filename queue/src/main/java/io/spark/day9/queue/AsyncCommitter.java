package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The commit thread of {@link FileJournalQueue#enqueueAsync}: producers hand jobs over through
 * a lock-free inbox; this thread ({@code day9-queue-commit-<queue>}, a daemon started on first
 * use) stages them in bulk under one hold of the queue's state lock, exactly as an
 * {@code enqueue} would, leads (or joins) the group commit, and completes every future whose
 * line is durable, in journal order, after publishing its event. If a commit fails, the
 * futures whose lines were not durable fail with the {@link QueueStorageException}; at close
 * the rest fail with {@link QueueClosedException}. Lock order as in the package doc: the state
 * lock is taken alone, and never held while a future completes or an event is published.
 */
final class AsyncCommitter {
    private final FileJournalQueue q;

    /** enqueueAsync calls not yet durable, in journal order. Guarded by lock. */
    private final ArrayDeque<AsyncWaiter> asyncWaiters = new ArrayDeque<>();
    /** enqueueAsync calls handed to the commit thread, not yet staged. */
    private final ConcurrentLinkedQueue<AsyncRequest> asyncInbox = new ConcurrentLinkedQueue<>();
    /** Stages asyncInbox and completes asyncWaiters; started on the first enqueueAsync. */
    private volatile Thread committer;
    /** True while the commit thread parks for want of work (cleared by whoever wakes it). */
    private volatile boolean committerSleeping;
    private static final java.lang.invoke.VarHandle COMMITTER_SLEEPING;
    private static final int MAX_ASYNC_BULK = 4096;

    static {
        try {
            COMMITTER_SLEEPING = java.lang.invoke.MethodHandles.lookup().findVarHandle(
                    AsyncCommitter.class, "committerSleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private record AsyncRequest(byte[] payload, EnqueueOptions options, boolean verbatim,
                                CompletableFuture<EnqueueResult> future) {
    }

    private record AsyncWaiter(long ep, long end, EnqueueResult result, QueueEvent event,
                               CompletableFuture<EnqueueResult> future) {
    }

    AsyncCommitter(FileJournalQueue q) {
        this.q = q;
    }

    /** Hands a checked job to the commit thread (starting it on first use). */
    void submit(byte[] payload, EnqueueOptions options, boolean verbatim,
                CompletableFuture<EnqueueResult> future) {
        asyncInbox.add(new AsyncRequest(payload, options, verbatim, future));
        if (q.closed) {
            failInbox(); // close may have run after our check: nobody else would answer it
        } else {
            wakeCommitter();
        }
    }

    /** The queue closed (or crashed): completes or fails every outstanding future. */
    void closed(QueueClosedException e) {
        completeAsync(e);
        failInbox();
        Thread t = committer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void wakeCommitter() {
        Thread t = committer;
        if (t == null) {
            synchronized (asyncInbox) {
                t = committer;
                if (t == null) {
                    t = new Thread(this::commitLoop, "day9-queue-commit-" + q.name);
                    t.setDaemon(true);
                    committer = t;
                    t.start();
                    return;
                }
            }
        }
        if (committerSleeping && COMMITTER_SLEEPING.compareAndSet(this, true, false)) {
            LockSupport.unpark(t);
        }
    }

    /** Fails every job still in the inbox with "closed" (each is taken by exactly one poll). */
    private void failInbox() {
        AsyncRequest r;
        while ((r = asyncInbox.poll()) != null) {
            r.future().completeExceptionally(QueueClosedException.of(q.name));
        }
    }

    /**
     * The commit thread: takes the inbox in bulk and stages it, then waits for (or leads) the
     * group commit that covers the newest waiting future and completes every durable one.
     * Parks when there is nothing to do; exits once the queue is closed.
     */
    private void commitLoop() {
        List<AsyncRequest> bulk = new ArrayList<>();
        while (true) {
            AsyncRequest r;
            while (bulk.size() < MAX_ASYNC_BULK && (r = asyncInbox.poll()) != null) {
                bulk.add(r);
            }
            if (!bulk.isEmpty()) {
                stageAsync(bulk);
                bulk.clear();
            }
            long ep = -1;
            long end = 0;
            q.lock.lock();
            try {
                AsyncWaiter last = asyncWaiters.peekLast();
                if (last != null) {
                    ep = last.ep();
                    end = last.end();
                }
            } finally {
                q.lock.unlock();
            }
            if (ep >= 0) {
                try {
                    q.writer.awaitDurable(ep, end);
                } catch (QueueStorageException e) {
                    // completeAsync fails exactly the waiters whose lines were not durable
                } catch (RuntimeException e) {
                    FileJournalQueue.LOG.error("queue '{}': commit thread: {}", q.name,
                            e.toString());
                }
                completeAsync(null);
                continue;
            }
            if (!asyncInbox.isEmpty()) {
                continue;
            }
            if (q.closed) {
                failInbox();
                return;
            }
            committerSleeping = true;
            if (asyncInbox.isEmpty() && !q.closed) {
                LockSupport.parkNanos(100_000_000L); // woken by wakeCommitter
            }
            committerSleeping = false;
        }
    }

    /**
     * Stages a bulk of async enqueues under one hold of the state lock; refused ones fail at
     * once, the others wait in {@link #asyncWaiters} for their commit. Commit thread only.
     */
    private void stageAsync(List<AsyncRequest> bulk) {
        List<AsyncRequest> refused = new ArrayList<>();
        List<RuntimeException> why = new ArrayList<>();
        try {
            q.ensureHealthy();
        } catch (QueueException | QueueStorageException e) {
            for (AsyncRequest r : bulk) {
                r.future().completeExceptionally(e);
            }
            return;
        }
        q.lock.lock();
        try {
            q.writer.deferForce = true;
            for (AsyncRequest r : bulk) {
                try {
                    Enqueuer.Staged st = q.stageEnqueue(r.payload(), r.options(),
                            r.verbatim());
                    asyncWaiters.addLast(new AsyncWaiter(st.ep(), st.end(), st.result(),
                            st.event(), r.future()));
                } catch (QueueException | QueueStorageException e) {
                    refused.add(r);
                    why.add(e);
                }
            }
            try {
                q.writer.commitDeferred(); // ALWAYS: one write and one force for the bulk
            } catch (QueueStorageException e) {
                // the epoch moved on: completeAsync fails the waiters that were not durable
            }
        } finally {
            q.writer.deferForce = false;
            q.lock.unlock();
        }
        for (int i = 0; i < refused.size(); i++) {
            refused.get(i).future().completeExceptionally(why.get(i));
        }
    }

    /**
     * Completes the async waiters that are durable, and fails those a storage failure cut
     * off; with {@code orElse} non-null, fails every other one with it (close). Never under
     * lock when futures complete.
     */
    private void completeAsync(QueueException orElse) {
        List<AsyncWaiter> ok = new ArrayList<>();
        List<AsyncWaiter> failed = new ArrayList<>();
        IOException cause;
        q.lock.lock();
        try {
            while (!asyncWaiters.isEmpty()) {
                AsyncWaiter w = asyncWaiters.peekFirst();
                if (w.ep() == q.writer.epoch && q.writer.failure == null) {
                    if (q.writer.durableLogical < w.end()) {
                        break;
                    }
                    ok.add(asyncWaiters.pollFirst());
                } else if (w.ep() == q.writer.epoch) {
                    break; // failing: the commit that failed is about to bump the epoch
                } else {
                    asyncWaiters.pollFirst();
                    boolean kept = w.ep() < q.writer.epochDurableEnds.size()
                            && w.end() <= q.writer.epochDurableEnds.get((int) w.ep());
                    (kept ? ok : failed).add(w);
                }
            }
            if (orElse != null) {
                failed.addAll(asyncWaiters);
                asyncWaiters.clear();
            }
            cause = q.writer.failure;
        } finally {
            q.lock.unlock();
        }
        if (!ok.isEmpty()) {
            List<QueueEvent> events = new ArrayList<>(ok.size());
            for (AsyncWaiter w : ok) {
                events.add(w.event());
            }
            q.publish(events);
        }
        for (AsyncWaiter w : ok) {
            w.future().complete(w.result());
        }
        for (AsyncWaiter w : failed) {
            RuntimeException e = orElse != null && w.ep() == q.writer.epoch ? orElse
                    : QueueStorageException.of(q.name, "journal commit", cause != null ? cause
                    : new IOException("journal was reloaded after a storage failure"));
            w.future().completeExceptionally(e);
        }
    }
}
