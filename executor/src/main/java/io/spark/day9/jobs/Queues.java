package io.spark.day9.jobs;

import io.spark.day9.config.Day9Config;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.fs.SecureFiles;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.queue.FileJournalQueue;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.queue.QueueStats;
import io.spark.day9.queue.event.QueueEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's durable queues under {@code QUEUE_DIR}: {@code QUEUE_NAME} is opened (and
 * recovered) at start; any other name is opened on first use, with the same settings, up to
 * {@link #MAX_QUEUES}. Subscribers added here (metrics, audit, the worker's wake-up) see every
 * queue's events, including queues opened later: each queue's {@code QueueListener} feeds one
 * {@link EventPublisher}. Operator actions on dead letters ({@link #redrive}, {@link #purge})
 * are published as {@link DlqAction}s, with the actor.
 *
 * <p>Health: DOWN until the default queue is open; DEGRADED while a queue's storage is failing
 * (disk full, I/O error) or after corrupt lines were quarantined at open.
 */
public final class Queues implements Component {
    private static final Logger log = LoggerFactory.getLogger(Queues.class);
    /** Most queues one executor keeps open. */
    public static final int MAX_QUEUES = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private final QueueConfig template;
    private final LongSupplier clock;
    private final Map<String, JobQueue> open = new ConcurrentHashMap<>();
    private final Map<String, String> storageFailures = new ConcurrentHashMap<>();
    private final EventPublisher<QueueEvent> events = new EventPublisher<>("queue");
    private final EventPublisher<DlqAction> actions = new EventPublisher<>("queue-dlq");
    private final List<Consumer<String>> openListeners = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public Queues(Day9Config.Queue config, LongSupplier clock) {
        this.template = config.journal();
        this.clock = clock;
        events.subscribe(this::track);
    }

    @Override
    public String name() {
        return "queue";
    }

    /** Subscribes to the events of every queue, open now or later (see {@link EventPublisher}). */
    public Subscription subscribe(Consumer<? super QueueEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    /** Subscribes to operator actions on dead letters (redrive, purge), with their actor. */
    public Subscription subscribeActions(Consumer<? super DlqAction> subscriber) {
        return actions.subscribe(subscriber);
    }

    /**
     * Puts dead letters of {@code queue} back, on behalf of {@code actor}, and publishes a
     * {@link DlqAction}.
     *
     * @param ids the dead letters to redrive, or null for all of them
     * @return how many were redriven
     */
    public int redrive(JobQueue queue, List<Long> ids, String actor) {
        int n = ids == null ? queue.redriveAll() : queue.redrive(ids);
        actions.publish(new DlqAction(actor, queue.name(), DlqAction.Kind.REDRIVE, n, ids));
        return n;
    }

    /**
     * Deletes dead letters of {@code queue}, on behalf of {@code actor}, and publishes a
     * {@link DlqAction}.
     *
     * @param ids the dead letters to purge, or null for all of them
     * @return how many were purged
     */
    public int purge(JobQueue queue, List<Long> ids, String actor) {
        int n = ids == null ? queue.purgeAll() : queue.purge(ids);
        actions.publish(new DlqAction(actor, queue.name(), DlqAction.Kind.PURGE, n, ids));
        return n;
    }

    /**
     * Tells {@code listener} the name of every queue open now and of each queue opened later,
     * once the queue is open (metrics pre-create the queue's series with it).
     */
    public void onOpen(java.util.function.Consumer<String> listener) {
        openListeners.add(listener);
        open.keySet().forEach(listener);
    }

    @Override
    public void start() throws Exception {
        SecureFiles.ensureDirectory(template.dir());
        running = true;
        get(template.name());
    }

    @Override
    public void stop() {
        running = false;
        synchronized (open) {
            for (JobQueue q : open.values()) {
                try {
                    q.close();
                } catch (RuntimeException e) {
                    log.error("queue {} did not close cleanly", q.name(), e);
                }
            }
            open.clear();
        }
    }

    /** The default queue ({@code QUEUE_NAME}). */
    public JobQueue defaultQueue() {
        return get(template.name());
    }

    public String defaultName() {
        return template.name();
    }

    /** {@code QUEUE_VISIBILITY_MS}: the visibility of a claim that does not say. */
    public long visibilityMs() {
        return template.visibilityMs();
    }

    /**
     * The queue called {@code name}, opened on first use.
     *
     * @throws IllegalArgumentException for a name that is not 1-64 of {@code [A-Za-z0-9_-]}
     * @throws TooManyQueuesException past {@link #MAX_QUEUES}
     */
    public JobQueue get(String name) {
        JobQueue q = open.get(name);
        if (q != null) {
            return q;
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("queue name must be 1-64 letters, digits, '_' or "
                    + "'-', starting with a letter or digit");
        }
        synchronized (open) {
            if (!running) {
                throw new IllegalStateException("queues are not running");
            }
            q = open.get(name);
            if (q == null) {
                if (open.size() >= MAX_QUEUES) {
                    throw new TooManyQueuesException(MAX_QUEUES);
                }
                q = FileJournalQueue.builder(withName(name)).clock(clock).open();
                q.subscribe(events::publish); // the queue module's listener, at the boundary
                open.put(name, q);
                log.info("queue {} open: {}", name, q.stats());
                for (java.util.function.Consumer<String> l : openListeners) {
                    l.accept(name);
                }
            }
            return q;
        }
    }

    /** Stats of every open queue. */
    public List<QueueStats> stats() {
        List<QueueStats> all = new ArrayList<>();
        for (JobQueue q : open.values()) {
            try {
                all.add(q.stats());
            } catch (RuntimeException e) {
                // closed under us during shutdown
            }
        }
        return all;
    }

    @Override
    public Health health() {
        if (!running || !open.containsKey(template.name())) {
            return Health.down(Map.of("reason", "default queue " + template.name() + " not open"));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        boolean degraded = false;
        for (QueueStats s : stats()) {
            Map<String, Object> one = describe(s);
            String failure = storageFailures.get(s.queue());
            one.put("storage", failure == null ? "ok" : "failing: " + failure);
            degraded |= failure != null || s.quarantinedLines() > 0;
            details.put(s.queue(), one);
        }
        return degraded ? Health.degraded(details) : Health.up(details);
    }

    /** A queue's counters as JSON-friendly members (API, health, CLI all show the same). */
    public static Map<String, Object> describe(QueueStats s) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("depth", s.depth());
        one.put("ready", s.ready());
        one.put("delayed", s.delayed());
        one.put("inFlight", s.inFlight());
        one.put("dead", s.dead());
        one.put("bytes", s.bytes());
        one.put("journalBytes", s.journalBytes());
        one.put("lagSeconds", s.oldestReadyAgeMs() / 1000.0);
        one.put("quarantinedLines", s.quarantinedLines());
        return one;
    }

    private void track(QueueEvent e) {
        if (e instanceof QueueEvent.StorageFailed f) {
            storageFailures.put(f.queue(), f.message());
        } else if (e instanceof QueueEvent.StorageRecovered r) {
            storageFailures.remove(r.queue());
        }
    }

    private QueueConfig withName(String name) {
        QueueConfig t = template;
        return new QueueConfig(t.dir(), name, t.fsync(), t.visibilityMs(), t.maxDeliveries(),
                t.dedupWindowMs(), t.maxPending(), t.maxBytes(), t.maxJobBytes(),
                t.backoffBaseMs(), t.backoffMaxMs(), t.batchWindowMicros(), t.compactMinBytes());
    }

    /** More queues were asked for than one executor keeps open. */
    public static final class TooManyQueuesException extends RuntimeException {
        TooManyQueuesException(int max) {
            super("at most " + max + " queues can be open; use fewer queue names");
        }
    }
}
