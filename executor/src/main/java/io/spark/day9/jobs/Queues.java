package io.spark.day9.jobs;

import io.spark.day9.config.Day9Config;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.fs.SecureFiles;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.JobQueueFactory;
import io.spark.day9.queue.QueueBackends;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.queue.QueueNames;
import io.spark.day9.queue.QueuePolicy;
import io.spark.day9.queue.QueueStats;
import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.queue.event.QueueListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's queues, made by one {@link JobQueueFactory} (the backend seam: the file
 * journal under {@code QUEUE_DIR} by default). At start {@code QUEUE_NAME} is opened (and
 * recovered; failing that, start fails), then every other queue the backend already stores
 * (each directory under {@code QUEUE_DIR} with a legal {@link QueueNames queue name}), up to
 * {@link #MAX_QUEUES}, so queues with pending jobs show in stats, health and metrics after a
 * restart. A stored queue that cannot be opened does not stop the start: it is reported in
 * health with its reason. Any other name is opened on first use, with the same policy.
 * Subscribers added here (metrics, audit, the worker's wake-up) see every queue's events,
 * recovery events at open included: each queue's {@code QueueListener} feeds one
 * {@link EventPublisher}. Operator actions on dead letters ({@link #redrive}, {@link #purge})
 * are published as {@link DlqAction}s, with the actor.
 *
 * <p>Health, per queue: {@code status} UP, or DEGRADED while its storage is failing (disk
 * full, I/O error: until a write succeeds again) or when it set aside corrupt lines at open
 * ({@code quarantinedLines > 0}); a cut torn tail ({@code tornTailBytes}, an unacknowledged
 * partial write) is shown but is no fault. The component is DOWN until the default queue is
 * open and while the default queue's storage is failing (so readiness fails: it cannot take
 * signals), DEGRADED when any queue is degraded or a stored queue could not be opened.
 */
public final class Queues implements Component {
    private static final Logger log = LoggerFactory.getLogger(Queues.class);
    /** Most queues one executor keeps open. */
    public static final int MAX_QUEUES = 64;

    private final QueueConfig template;
    private final QueuePolicy policy;
    private final JobQueueFactory factory;
    private final Map<String, JobQueue> open = new ConcurrentHashMap<>();
    private final EventPublisher<QueueEvent> events = new EventPublisher<>("queue");
    private final EventPublisher<DlqAction> actions = new EventPublisher<>("queue-dlq");
    private final List<Consumer<String>> openListeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> openFailures = new ConcurrentHashMap<>();
    /** The operator's pause of each open queue (read at open, written before answering). */
    private final Map<String, QueuePause> pauses = new ConcurrentHashMap<>();
    private final EventPublisher<PauseAction> pauseActions = new EventPublisher<>("queue-pause");
    private final LongSupplier clock;
    private volatile boolean running;

    /** Queues on the file journal under {@code QUEUE_DIR}, on {@code clock}. */
    public Queues(Day9Config.Queue config, LongSupplier clock) {
        this(config, QueueBackends.file(config.journal().fileJournal(), clock), clock);
    }

    /** Queues made by {@code factory}, with the policy of {@code config}. */
    public Queues(Day9Config.Queue config, JobQueueFactory factory) {
        this(config, factory, System::currentTimeMillis);
    }

    /** Queues made by {@code factory}; {@code clock} stamps operator pauses. */
    public Queues(Day9Config.Queue config, JobQueueFactory factory, LongSupplier clock) {
        this.template = config.journal();
        this.policy = template.policy();
        this.factory = factory;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
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

    /** Subscribes to the operator's pauses and resumes of consumption, with their actor. */
    public Subscription subscribePauses(Consumer<? super PauseAction> subscriber) {
        return pauseActions.subscribe(subscriber);
    }

    /**
     * Pauses ({@code paused} true) or resumes the consumption of {@code queue} on behalf of
     * {@code actor}: the state is written to {@code QUEUE_DIR/<queue>/paused.json} before this
     * returns, so it holds across a restart or a crash (format in {@link QueuePause}), then a
     * {@link PauseAction} is published. Enqueue is never affected. Idempotent.
     *
     * @return the state now
     * @throws java.io.UncheckedIOException when the file cannot be written (nothing changed)
     */
    public QueuePause pause(JobQueue queue, boolean paused, String actor) {
        QueuePause next = new QueuePause(paused, actor, clock.getAsLong(), null);
        synchronized (pauses) {
            try {
                QueuePause.write(template.dir().resolve(queue.name()), next);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the pause of queue "
                        + queue.name() + " to " + template.dir().resolve(queue.name())
                        .resolve(QueuePause.FILE) + ": " + e.getMessage(), e);
            }
            pauses.put(queue.name(), next);
        }
        log.warn("queue {}: consumption {} by {}", queue.name(), paused ? "PAUSED" : "resumed",
                actor);
        pauseActions.publish(new PauseAction(actor, queue.name(), paused));
        return next;
    }

    /** The operator's pause of {@code queue} (not paused when never set or not open). */
    public QueuePause pauseOf(String queue) {
        return pauses.getOrDefault(queue, QueuePause.NONE);
    }

    /** Whether the operator paused the consumption of {@code queue} (cheap: one map read). */
    public boolean paused(String queue) {
        QueuePause p = pauses.get(queue);
        return p != null && p.paused();
    }

    /**
     * Tells {@code listener} the name of every queue open now and of each queue opened later,
     * once the queue is open (metrics pre-create the queue's series with it).
     */
    public void onOpen(Consumer<String> listener) {
        openListeners.add(listener);
        open.keySet().forEach(listener);
    }

    @Override
    public void start() throws Exception {
        SecureFiles.ensureDirectory(template.dir());
        running = true;
        get(template.name());
        openStored();
    }

    /** Opens every queue the backend stores, up to the limit; failures go to health. */
    private void openStored() {
        List<String> stored;
        try {
            stored = factory.existing();
        } catch (RuntimeException e) {
            log.error("cannot list the stored queues of the {}", factory, e);
            openFailures.put("*", "cannot list stored queues: " + e.getMessage());
            return;
        }
        for (String name : stored) {
            if (open.containsKey(name)) {
                continue;
            }
            if (open.size() >= MAX_QUEUES) {
                openFailures.put(name, "not opened: more than " + MAX_QUEUES + " queues");
                log.warn("queue {} not opened at start: more than {} queues", name, MAX_QUEUES);
                continue;
            }
            try {
                get(name);
            } catch (RuntimeException e) {
                openFailures.put(name, e.getMessage() == null ? e.toString() : e.getMessage());
                log.error("queue {} could not be opened at start; the others run", name, e);
            }
        }
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
        return policy.visibilityMs();
    }

    /**
     * The queue called {@code name}, opened on first use.
     *
     * @throws IllegalArgumentException for a name that breaks the {@link QueueNames} rule
     * @throws TooManyQueuesException past {@link #MAX_QUEUES}
     */
    public JobQueue get(String name) {
        JobQueue q = open.get(name);
        if (q != null) {
            return q;
        }
        if (!QueueNames.isValid(name)) {
            throw new IllegalArgumentException("queue name must be " + QueueNames.RULE);
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
                // the listener goes in before recovery, so subscribers see what it quarantined;
                // the queue module's own listener feeds the one publisher, at the boundary
                q = factory.open(name, policy, List.<QueueListener>of(events::publish));
                QueuePause pause = QueuePause.read(template.dir().resolve(name));
                if (pause.paused()) {
                    pauses.put(name, pause);
                    log.warn("queue {}: consumption stays PAUSED (by {} at {}){}", name,
                            pause.by(), pause.at(), pause.note() == null ? ""
                                    : ": " + pause.note());
                }
                open.put(name, q);
                openFailures.remove(name);
                log.info("queue {} open: {}", name, q.stats());
                for (Consumer<String> l : openListeners) {
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
        boolean defaultFailing = false;
        for (QueueStats s : stats()) {
            Map<String, Object> one = describe(s);
            // the queue's own stats say whether its storage is failing, until a write succeeds
            String failure = !s.storageFailing() ? null
                    : java.util.Objects.requireNonNullElse(s.lastStorageError(), "I/O error");
            boolean bad = failure != null || s.quarantinedLines() > 0;
            one.put("status", bad ? Health.Status.DEGRADED.name() : Health.Status.UP.name());
            one.put("storage", failure == null ? "ok" : "failing: " + failure);
            QueuePause pause = pauseOf(s.queue());
            one.put("paused", pause.paused());
            if (pause.note() != null) {
                one.put("pauseNote", pause.note());
            }
            degraded |= bad;
            defaultFailing |= failure != null && s.queue().equals(template.name());
            details.put(s.queue(), one);
        }
        for (Map.Entry<String, String> f : openFailures.entrySet()) {
            if (!open.containsKey(f.getKey())) {
                details.put(f.getKey(), Map.of("status", Health.Status.DEGRADED.name(),
                        "open", "failed: " + f.getValue()));
                degraded = true;
            }
        }
        if (defaultFailing) {
            return Health.down(details);
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
        one.put("tornTailBytes", s.tornTailBytes());
        one.put("storageFailing", s.storageFailing());
        return one;
    }

    /** More queues were asked for than one executor keeps open. */
    public static final class TooManyQueuesException extends RuntimeException {
        TooManyQueuesException(int max) {
            super("at most " + max + " queues can be open; use fewer queue names");
        }
    }
}
