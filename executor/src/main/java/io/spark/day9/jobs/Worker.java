package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.QueueException;
import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in consumer of {@code QUEUE_NAME}: {@code QUEUE_WORKER_THREADS} threads claim jobs
 * and dispatch on the payload's {@code job} field to registered {@link JobHandler}s.
 *
 * <ul>
 *   <li>Routing: an exact type match wins; otherwise the longest registered prefix (the probe
 *       handler takes every type starting with {@code test}). A payload that is not a JSON
 *       object with a string {@code job}, or whose type has no handler, goes to the dead-letter
 *       queue with the reason; it is never retried forever.</li>
 *   <li>Heartbeat: while a handler runs, the claim is extended every half visibility, so a slow
 *       handler is not redelivered to another thread under its feet. Heartbeats run on a lane
 *       of the injected {@link Scheduler} ({@code day9-worker-heartbeat}), on the queue's
 *       clock.</li>
 *   <li>Failures: a handler exception gives the job back with exponential backoff, so a poison
 *       job reaches the dead-letter queue after {@code QUEUE_MAX_DELIVERIES}.</li>
 *   <li>Idle: a thread with nothing to claim waits up to 50 ms, or until an enqueue, nack or
 *       redrive event wakes it.</li>
 *   <li>Stop: threads finish the job in hand; claimed jobs not yet started are given back at
 *       once (nack, no delay) so they are not stuck until their visibility lapses.</li>
 * </ul>
 */
public final class Worker implements Component {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final int CLAIM_BATCH = 4;
    private static final long IDLE_WAIT_MS = 50;
    /** The outcome of a handler that threw: retry with backoff, counted as "error". */
    private static final JobHandler.Outcome ERROR = JobHandler.Outcome.retry(null);

    /** Every outcome a {@link WorkerEvent.Handled} names, in the words it uses. */
    public static final List<String> OUTCOMES = List.of("ack", "retry", "error", "dead",
            "lost-claim");

    private final Queues queues;
    private final int threads;
    private final long visibilityMs;
    private final ObjectMapper json;
    private final Map<String, JobHandler> exact = new ConcurrentHashMap<>();
    private final Map<String, JobHandler> prefixes = new ConcurrentHashMap<>();
    private final EventPublisher<WorkerEvent> events = new EventPublisher<>("worker");
    private final List<Thread> running = new ArrayList<>();
    private final Object wake = new Object();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Scheduler scheduler;
    private volatile Scheduler.Lane heartbeats;
    private volatile boolean stopping;

    public Worker(Queues queues, int threads, Duration visibility, Scheduler scheduler,
                  ObjectMapper json) {
        this.queues = queues;
        this.scheduler = java.util.Objects.requireNonNull(scheduler, "scheduler");
        this.threads = threads;
        this.visibilityMs = visibility.toMillis();
        this.json = json;
        queues.subscribe(e -> {
            if (e.queue().equals(queues.defaultName()) && (e instanceof QueueEvent.Enqueued
                    || e instanceof QueueEvent.Nacked || e instanceof QueueEvent.Redriven)) {
                synchronized (wake) {
                    wake.notifyAll();
                }
            }
        });
    }

    @Override
    public String name() {
        return "worker";
    }

    /** Routes job type {@code type} to {@code handler}. */
    public Worker register(String type, JobHandler handler) {
        exact.put(type, handler);
        return this;
    }

    /** Routes every job type starting with {@code prefix} to {@code handler}. */
    public Worker registerPrefix(String prefix, JobHandler handler) {
        prefixes.put(prefix, handler);
        return this;
    }

    /** Subscribes to what the worker did with each job (see {@link EventPublisher}). */
    public Subscription subscribe(Consumer<? super WorkerEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    /** The handler routes registered so far, as {@link Listener} names them ({@code test*}). */
    public java.util.Set<String> routes() {
        java.util.Set<String> all = new java.util.TreeSet<>(exact.keySet());
        prefixes.keySet().forEach(p -> all.add(p + "*"));
        all.add("unknown");
        return all;
    }

    @Override
    public synchronized void start() {
        stopping = false;
        heartbeats = scheduler.lane("day9-worker-heartbeat");
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "day9-worker-" + i);
            t.start();
            running.add(t);
        }
        log.info("worker consuming queue {} with {} threads; handlers {} and prefixes {}",
                queues.defaultName(), threads, exact.keySet(), prefixes.keySet());
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        for (Thread t : running) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            if (t.isAlive()) {
                log.warn("worker thread {} still busy after 30 s; its job will be redelivered",
                        t.getName());
                t.interrupt();
            }
        }
        running.clear();
        heartbeats.close();
        for (JobHandler h : handlers()) {
            if (h instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("handler {} did not close cleanly: {}", h, e.toString());
                }
            }
        }
    }

    @Override
    public Health health() {
        long alive = running.stream().filter(Thread::isAlive).count();
        Map<String, Object> details = Map.of("queue", queues.defaultName(), "threads", alive,
                "handled", handled.get(), "handlerFailures", failures.get());
        return stopping || alive == threads ? Health.up(details) : Health.down(details);
    }

    private void loop() {
        while (!stopping) {
            List<ClaimedJob> jobs;
            JobQueue queue;
            try {
                queue = queues.defaultQueue();
                jobs = queue.claim(CLAIM_BATCH, visibilityMs);
            } catch (RuntimeException e) {
                if (!stopping) {
                    log.warn("worker cannot claim from {}: {}", queues.defaultName(), e.toString());
                    idle(1000);
                }
                continue;
            }
            if (jobs.isEmpty()) {
                idle(IDLE_WAIT_MS);
                continue;
            }
            for (int i = 0; i < jobs.size(); i++) {
                if (stopping) {
                    giveBack(queue, jobs.subList(i, jobs.size()));
                    break;
                }
                process(queue, jobs.get(i));
            }
        }
    }

    private void idle(long ms) {
        synchronized (wake) {
            if (!stopping) {
                try {
                    wake.wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void giveBack(JobQueue queue, List<ClaimedJob> jobs) {
        for (ClaimedJob job : jobs) {
            try {
                queue.nack(job.id(), job.receipt(), 0L);
            } catch (RuntimeException e) {
                log.debug("could not give back job {}: {}", job.id(), e.toString());
            }
        }
    }

    private void process(JobQueue queue, ClaimedJob claimed) {
        long t0 = System.nanoTime();
        String route = "unknown";
        String outcomeName;
        JobHandler.Outcome outcome;
        JsonNode payload = parse(claimed.payload());
        String type = payload != null && payload.path("job").isTextual()
                ? payload.get("job").asText() : null;
        if (type == null) {
            outcome = JobHandler.Outcome.deadLetter(
                    "payload is not a JSON object with a string \"job\" field");
        } else {
            Map.Entry<String, JobHandler> h = handlerFor(type);
            if (h == null) {
                outcome = JobHandler.Outcome.deadLetter("no handler for job type \"" + type
                        + "\"");
            } else {
                route = h.getKey();
                outcome = run(queue, claimed, h.getValue(), new JobHandler.Job(queue.name(),
                        claimed.id(), claimed.attempt(), type, payload, claimed.enqueuedAt(),
                        claimed.key(), claimed.attributes()));
            }
        }
        outcomeName = settle(queue, claimed, outcome);
        handled.incrementAndGet();
        long nanos = System.nanoTime() - t0;
        if (events.hasSubscribers()) {
            events.publish(new WorkerEvent.Handled(queue.name(), route, outcomeName, nanos));
        }
    }

    private JobHandler.Outcome run(JobQueue queue, ClaimedJob claimed, JobHandler handler,
                                   JobHandler.Job job) {
        Duration period = Duration.ofMillis(Math.max(1, visibilityMs / 2));
        Scheduler.Handle heartbeat = heartbeats.every(period, period, () -> {
            try {
                queue.extend(claimed.id(), claimed.receipt(), visibilityMs);
            } catch (RuntimeException e) {
                log.debug("heartbeat for job {} failed: {}", claimed.id(), e.toString());
            }
        });
        try {
            JobHandler.Outcome outcome = handler.handle(job);
            return outcome == null ? JobHandler.Outcome.ACK : outcome;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failures.incrementAndGet();
            log.warn("job {} ({}) attempt {} failed: {}", claimed.id(), job.type(),
                    claimed.attempt(), e.toString());
            return ERROR;
        } finally {
            heartbeat.cancel();
        }
    }


    private String settle(JobQueue queue, ClaimedJob job, JobHandler.Outcome outcome) {
        try {
            if (outcome instanceof JobHandler.Outcome.Ack) {
                queue.ack(job.id(), job.receipt());
                return "ack";
            }
            if (outcome instanceof JobHandler.Outcome.Retry r) {
                queue.nack(job.id(), job.receipt(), r.delayMs());
                return outcome == ERROR ? "error" : "retry";
            }
            JobHandler.Outcome.DeadLetter d = (JobHandler.Outcome.DeadLetter) outcome;
            queue.deadLetter(job.id(), job.receipt(), d.reason());
            log.warn("job {} sent to the dead-letter queue: {}", job.id(), d.reason());
            return "dead";
        } catch (QueueException e) {
            // e.g. the claim lapsed and another consumer owns the job now: it will settle it
            log.warn("job {} could not be settled ({}): {}", job.id(), outcome, e.getMessage());
            return "lost-claim";
        } catch (RuntimeException e) {
            log.error("job {} could not be settled ({}); it will be redelivered", job.id(),
                    outcome, e);
            return "lost-claim";
        }
    }

    /** SEAM (helper "queue"): offers every parked job again, in id order. */
    public void releaseParked() {
        throw new UnsupportedOperationException("seam");
    }

    /** SEAM (helper "queue"): jobs parked now. */
    public long parked() {
        return 0;
    }

    /**
     * SEAM (helper "queue"): pauses or resumes this worker's consumption of the whole queue
     * (claimed jobs not yet started are given back; the job in hand finishes).
     */
    public void pause(boolean paused) {
        throw new UnsupportedOperationException("seam");
    }

    private List<JobHandler> handlers() {
        List<JobHandler> all = new ArrayList<>(exact.values());
        all.addAll(prefixes.values());
        return all;
    }

    private Map.Entry<String, JobHandler> handlerFor(String type) {
        JobHandler h = exact.get(type);
        if (h != null) {
            return Map.entry(type, h);
        }
        Map.Entry<String, JobHandler> best = null;
        for (Map.Entry<String, JobHandler> e : prefixes.entrySet()) {
            if (type.startsWith(e.getKey())
                    && (best == null || e.getKey().length() > best.getKey().length())) {
                best = Map.entry(e.getKey() + "*", e.getValue());
            }
        }
        return best;
    }

    private JsonNode parse(byte[] payload) {
        try {
            JsonNode node = json.readTree(payload);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
