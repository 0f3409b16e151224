package io.spark.day9.audit;

import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends busy streams of audit entries (every shadow order, fill and cancel) to the audit log
 * in batches, off the caller's thread: one write and one force per batch instead of per entry.
 * A batch lingers up to {@value #LINGER_MS} ms for more entries, so a busy stream costs at most
 * about 50 forces a second: on a virtual disk each force of a growing file is a journal commit
 * that competed with the shadow trail's own forces, which are on the order's answer path.
 * The caller's own durable record (the shadow trail) is written first, so an entry still queued
 * at a crash is missing only from the audit log, never from the order history.
 *
 * <p>Backpressure, not loss: when {@value #CAPACITY} entries are waiting, {@link #submit}
 * blocks until there is room. Stop drains what is queued.
 *
 * <p>Order: every entry, batched or not, passes through one FIFO. {@link #append} is for rare
 * entries that must be durable before the caller goes on (an operator's action, answered over
 * HTTP): it queues behind what is waiting, cuts the linger short and returns once its batch is
 * forced, so the log's order is the order entries were handed in. Before start and after stop
 * it appends directly.
 */
public final class AuditBatcher implements Component {
    private static final Logger log = LoggerFactory.getLogger(AuditBatcher.class);
    static final int CAPACITY = 65_536;
    private static final int MAX_BATCH = 2_000;
    /** How long a batch waits for more entries before its write and force. */
    static final long LINGER_MS = 20;
    /** How long stop waits for the thread, and append for its entry. */
    private static final long STOP_WAIT_MS = 10_000;

    private final AuditComponent audit;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicBoolean urgent = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    public AuditBatcher(AuditComponent audit) {
        this.audit = audit;
    }

    @Override
    public String name() {
        return "audit-batcher";
    }

    /** One queued entry; {@code done} is set for a caller of {@link #append} waiting on it. */
    private record Item(AuditLog.Pending entry, CompletableFuture<Void> done) {
    }

    /** Queues one entry (blocks while the queue is full). */
    public void submit(String actor, String action, String target, Object before,
                       Object after) {
        put(new Item(new AuditLog.Pending(actor, action, target, before, after), null));
    }

    /**
     * Appends one entry after every entry queued before it, and returns once it is durable.
     *
     * @throws IllegalStateException when the entry could not be appended
     */
    public void append(String actor, String action, String target, Object before,
                       Object after) {
        AuditLog.Pending entry = new AuditLog.Pending(actor, action, target, before, after);
        if (!running) {
            drain();
            audit.log().appendAll(List.of(entry));
            return;
        }
        Item item = new Item(entry, new CompletableFuture<>());
        put(item);
        urgent.set(true);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        if (!running) {
            drain(); // stopped while we queued: nobody else will write it
        }
        try {
            item.done().get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending audit entry " + action,
                    e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("audit entry " + action + " on " + target
                    + " was not appended: " + e, e);
        }
    }

    private void put(Item item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing an audit entry", e);
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "day9-audit-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(STOP_WAIT_MS);
        }
        drain(); // whatever arrived last
    }

    @Override
    public Health health() {
        Map<String, Object> d = Map.of("queued", queue.size(), "written", written.get(),
                "failedBatches", failed.get());
        return failed.get() == 0 ? Health.up(d) : Health.degraded(d);
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                Item first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Item> batch = new ArrayList<>();
                batch.add(first);
                // linger: gather what arrives within LINGER_MS (or until a batch is waiting), so
                // a steady stream costs at most 1000 / LINGER_MS forces a second, not one an
                // entry. The thread sleeps through the linger instead of waking for every entry.
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
                long left;
                // A caller of append() waiting cuts the linger short.
                while (running && queue.size() < MAX_BATCH - 1 && first.done() == null
                        && !urgent.get() && !Thread.currentThread().isInterrupted()
                        && (left = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(this, left);
                }
                urgent.set(false);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        List<Item> batch = new ArrayList<>();
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Item> batch) {
        List<AuditLog.Pending> entries = new ArrayList<>(batch.size());
        for (Item i : batch) {
            entries.add(i.entry());
        }
        RuntimeException failure = null;
        try {
            audit.log().appendAll(entries);
            written.addAndGet(batch.size());
        } catch (RuntimeException e) {
            failure = e;
            failed.incrementAndGet();
            log.error("audit: {} entries could not be appended", batch.size(), e);
        }
        for (Item i : batch) {
            if (i.done() == null) {
                continue;
            }
            if (failure == null) {
                i.done().complete(null);
            } else {
                i.done().completeExceptionally(failure);
            }
        }
    }
}
