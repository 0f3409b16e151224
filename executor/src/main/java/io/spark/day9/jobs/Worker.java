package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.queue.Ack;
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
 *       once (nack, no delay) so they are not stuck until their visibility lapses. Parked
 *       jobs are given back the same way, so a restart redelivers them.</li>
 *   <li>Parking: a handler that answers {@link JobHandler.Outcome#park} (trading is stopped
 *       for the job's scope) leaves the job claimed: it goes to the <em>lot</em>, in memory,
 *       ordered by id, and no delivery is counted. One periodic task on the heartbeat lane
 *       extends every parked claim each half visibility, a thousand claims per commit
 *       ({@code JobQueue.extendAll}), and the claim is extended once when it parks. A parked
 *       job whose claim cannot be extended (it lapsed, or another consumer owns it now)
 *       leaves the lot with a log line: the queue delivers it again.
 *       {@link #releaseParked()} hands every parked job back to the threads, in id order,
 *       before any newly claimed job (claimed jobs a thread has not started yet join the
 *       released ones, so all run in id order); a job still refused parks again.</li>
 *   <li>Lot bound: at most {@code QUEUE_PARK_MAX} jobs are held (parked, released and not yet
 *       run, or claimed in hand). When the lot is full the worker stops claiming rather than
 *       claim jobs only to give them back and burn their deliveries: <b>other job types then
 *       wait too</b>, until a resume releases the lot. Health turns DEGRADED and says why.</li>
 *   <li>Pause: two flags, and the worker claims only when neither is set: the emergency's
 *       ({@link #pause(boolean)}, persisted by the emergency state) and the operator's
 *       ({@link Queues#pause}, persisted in the queue's directory). Paused, a thread finishes
 *       the job in hand and gives back the claimed jobs it has not started; parked jobs stay
 *       parked; enqueue is never affected.</li>
 * </ul>
 *
 * <p>Threading: the lot and the released jobs are guarded by one monitor ({@code lot}); the
 * handler runs outside it. Parking, release and the lot's heartbeat are O(log n) per job.
 */
public final class Worker implements Component {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final int CLAIM_BATCH = 4;
    private static final long IDLE_WAIT_MS = 50;
    /** The outcome of a handler that threw: retry with backoff, counted as "error". */
    private static final JobHandler.Outcome ERROR = JobHandler.Outcome.retry(null);

    /** Every outcome a {@link WorkerEvent.Handled} names, in the words it uses. */
    public static final List<String> OUTCOMES = List.of("ack", "retry", "error", "dead",
            "lost-claim", "parked");
    /** Threads that give parked jobs back at stop, so their nacks share commits. */
    private static final int GIVE_BACK_THREADS = 16;
    /** Most parked claims extended by one commit. */
    private static final int EXTEND_BATCH = 1000;
    /** {@code QUEUE_PARK_MAX} by default: the most jobs the worker holds parked. */
    public static final int DEFAULT_PARK_MAX = 10_000;

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
    private final int parkMax;
    /** Parked jobs by id; guarded by itself, as are {@link #released} and {@link #inHand}. */
    private final java.util.TreeMap<Long, Parked> lot = new java.util.TreeMap<>();
    /** Jobs released from the lot and not yet taken by a thread, by id. */
    private final java.util.TreeMap<Long, Parked> released = new java.util.TreeMap<>();
    /** Jobs claimed by the threads and not yet settled or parked (counted against the lot). */
    private int inHand;
    /** The emergency's pause (the operator's is {@link Queues#paused}). */
    private volatile boolean emergencyPaused;
    private final AtomicLong parkedTotal = new AtomicLong();
    private final AtomicLong droppedFromLot = new AtomicLong();

    /** A job held claimed by the worker: its delivery, the queue, and why it was parked. */
    private record Parked(JobQueue queue, ClaimedJob job, String reason) {
    }

    /** A worker with the default lot bound ({@link #DEFAULT_PARK_MAX}). */
    public Worker(Queues queues, int threads, Duration visibility, Scheduler scheduler,
                  ObjectMapper json) {
        this(queues, threads, visibility, scheduler, json, DEFAULT_PARK_MAX);
    }

    /**
     * A worker of {@code threads} threads on {@code queues}' default queue.
     *
     * @param parkMax {@code QUEUE_PARK_MAX}: the most jobs held parked, at least 1
     */
    public Worker(Queues queues, int threads, Duration visibility, Scheduler scheduler,
                  ObjectMapper json, int parkMax) {
        if (parkMax < 1) {
            throw new IllegalArgumentException("parkMax must be >= 1, got " + parkMax);
        }
        this.parkMax = parkMax;
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
        Duration half = Duration.ofMillis(Math.max(1, visibilityMs / 2));
        heartbeats.every(half, half, this::extendParked);
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
        giveBackParked();
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
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("queue", queues.defaultName());
        details.put("threads", alive);
        details.put("handled", handled.get());
        details.put("handlerFailures", failures.get());
        long held = parked();
        details.put("parked", held);
        details.put("parkMax", parkMax);
        details.put("parkedTotal", parkedTotal.get());
        details.put("lostFromLot", droppedFromLot.get());
        details.put("paused", emergencyPaused);
        details.put("operatorPaused", queues.paused(queues.defaultName()));
        boolean full = lotFull();
        details.put("claiming", !full && !paused());
        if (full) {
            details.put("reason", "park lot full (" + held + " of QUEUE_PARK_MAX " + parkMax
                    + " held): the worker claims nothing, so other job types wait too, until a "
                    + "resume releases the parked jobs");
        }
        if (!stopping && alive != threads) {
            return Health.down(details);
        }
        return full ? Health.degraded(details) : Health.up(details);
    }

    private boolean paused() {
        return emergencyPaused || queues.paused(queues.defaultName());
    }

    /** Whether the held jobs alone fill the lot (jobs merely in hand do not count here). */
    private boolean lotFull() {
        synchronized (lot) {
            return lot.size() + released.size() >= parkMax;
        }
    }

    private void loop() {
        String consumer = Thread.currentThread().getName();
        while (!stopping) {
            if (paused()) {
                idle(IDLE_WAIT_MS);
                continue;
            }
            if (runReleased()) {
                continue;
            }
            int room = reserve();
            if (room == 0) {
                idle(IDLE_WAIT_MS); // the lot is full: claim nothing (see health)
                continue;
            }
            List<ClaimedJob> jobs;
            JobQueue queue;
            try {
                queue = queues.defaultQueue();
                jobs = queue.claim(room, visibilityMs, consumer);
            } catch (RuntimeException e) {
                unreserve(room);
                if (!stopping) {
                    log.warn("worker cannot claim from {}: {}", queues.defaultName(), e.toString());
                    idle(1000);
                }
                continue;
            }
            unreserve(room - jobs.size());
            if (jobs.isEmpty()) {
                idle(IDLE_WAIT_MS);
                continue;
            }
            for (int i = 0; i < jobs.size(); i++) {
                if (stopping || paused()) {
                    giveBack(queue, jobs.subList(i, jobs.size()));
                    unreserve(jobs.size() - i);
                    break;
                }
                if (handOver(queue, jobs.subList(i, jobs.size()))) {
                    break; // released jobs go first: they are older than this batch
                }
                process(queue, jobs.get(i));
                unreserve(1);
            }
        }
    }

    /**
     * When jobs were released from the lot, the claimed jobs this thread has not started join
     * them (their claims extended, then kept by the lot's heartbeat) so that every thread runs
     * them all in id order. Returns whether it did.
     */
    private boolean handOver(JobQueue queue, List<ClaimedJob> rest) {
        synchronized (lot) {
            if (released.isEmpty()) {
                return false;
            }
        }
        List<Parked> kept = new ArrayList<>(rest.size());
        for (ClaimedJob job : rest) {
            try {
                queue.extend(job.id(), job.receipt(), visibilityMs);
                kept.add(new Parked(queue, job, "claimed before a release"));
            } catch (RuntimeException e) {
                log.debug("job {} lost its claim before it ran: {}", job.id(), e.toString());
            }
        }
        synchronized (lot) {
            for (Parked p : kept) {
                released.put(p.job().id(), p);
            }
            inHand -= rest.size();
        }
        return true;
    }

    /** Takes room for up to {@link #CLAIM_BATCH} claimed jobs under the lot bound. */
    private int reserve() {
        synchronized (lot) {
            int room = Math.min(CLAIM_BATCH, parkMax - lot.size() - released.size() - inHand);
            room = Math.max(0, room);
            inHand += room;
            return room;
        }
    }

    private void unreserve(int n) {
        if (n > 0) {
            synchronized (lot) {
                inHand -= n;
            }
        }
    }

    /** Runs the oldest released job, if any and not paused; true when it ran one. */
    private boolean runReleased() {
        if (stopping || paused()) {
            return false;
        }
        Parked p;
        synchronized (lot) {
            Map.Entry<Long, Parked> first = released.pollFirstEntry();
            if (first == null) {
                return false;
            }
            p = first.getValue();
            inHand++;
        }
        try {
            process(p.queue(), p.job());
        } finally {
            unreserve(1);
        }
        return true;
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
            if (outcome instanceof JobHandler.Outcome.Park p) {
                return park(queue, job, p.reason());
            }
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

    /**
     * Parks a job the handler refused for now: its claim is extended at once (so the lot's
     * heartbeat, every half visibility, always comes before the deadline) and it joins the
     * lot. The delivery count does not change. Throws the queue's exception when the claim is
     * already lost (then the job is not parked; the queue delivers it again).
     */
    private String park(JobQueue queue, ClaimedJob job, String reason) {
        queue.extend(job.id(), job.receipt(), visibilityMs);
        synchronized (lot) {
            lot.put(job.id(), new Parked(queue, job, reason));
        }
        parkedTotal.incrementAndGet();
        log.debug("job {} parked: {}", job.id(), reason);
        return "parked";
    }

    /**
     * The lot's heartbeat: extends every held claim, {@link #EXTEND_BATCH} per commit
     * ({@link JobQueue#extendAll}), so ten thousand parked jobs cost ten commits, not ten
     * thousand fsyncs; drops the claims that are lost.
     */
    private void extendParked() {
        List<Parked> held;
        synchronized (lot) {
            if (lot.isEmpty() && released.isEmpty()) {
                return;
            }
            held = new ArrayList<>(lot.values());
            held.addAll(released.values());
        }
        Map<JobQueue, List<Parked>> byQueue = new java.util.IdentityHashMap<>();
        for (Parked p : held) {
            byQueue.computeIfAbsent(p.queue(), q -> new ArrayList<>()).add(p);
        }
        byQueue.forEach((queue, all) -> {
            for (int from = 0; from < all.size(); from += EXTEND_BATCH) {
                List<Parked> chunk = all.subList(from, Math.min(all.size(), from + EXTEND_BATCH));
                long[] until;
                try {
                    until = queue.extendAll(chunk.stream().map(p -> Ack.of(p.job())).toList(),
                            visibilityMs);
                } catch (RuntimeException e) {
                    // storage trouble or closing: kept, tried again next beat (a claim that
                    // lapses meanwhile is found stale then and dropped)
                    log.warn("extending {} parked claims failed ({}); tried again",
                            chunk.size(), e.toString());
                    continue;
                }
                for (int i = 0; i < until.length; i++) {
                    if (until[i] < 0) {
                        drop(chunk.get(i));
                    }
                }
            }
        });
    }

    /** A held job whose claim is lost leaves the lot; the queue delivers it again. */
    private void drop(Parked p) {
        boolean removed;
        synchronized (lot) {
            removed = lot.remove(p.job().id(), p) | released.remove(p.job().id(), p);
        }
        if (removed) {
            droppedFromLot.incrementAndGet();
            log.warn("parked job {} left the lot: its claim could not be extended (it lapsed or "
                    + "another consumer settled it); the queue will deliver it again",
                    p.job().id());
        }
    }

    /** At stop: every held job goes back to its queue at once, so a restart redelivers it. */
    private void giveBackParked() {
        List<Parked> held;
        synchronized (lot) {
            held = new ArrayList<>(lot.values());
            held.addAll(released.values());
            lot.clear();
            released.clear();
        }
        if (held.size() <= GIVE_BACK_THREADS) {
            for (Parked p : held) {
                giveBack(p.queue(), List.of(p.job()));
            }
        } else {
            // many at once: concurrent nacks share the journal's group commit, so ten thousand
            // parked jobs cost hundreds of fsyncs, not ten thousand in a row
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
                    .newFixedThreadPool(GIVE_BACK_THREADS, r -> {
                        Thread t = new Thread(r, "day9-worker-give-back");
                        t.setDaemon(true);
                        return t;
                    });
            for (Parked p : held) {
                pool.execute(() -> giveBack(p.queue(), List.of(p.job())));
            }
            pool.shutdown();
            try {
                if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("giving parked jobs back took over 30 s; the rest are delivered "
                            + "again once their claims lapse");
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
        if (!held.isEmpty()) {
            log.info("worker gave {} parked jobs back to the queue", held.size());
        }
    }

    /**
     * Offers every parked job again to the worker threads, in id order, before any newly
     * claimed job (an emergency resume: queued orders flow in order). A job its handler still
     * refuses parks again. Returns how many were released.
     */
    public int releaseParked() {
        int n;
        synchronized (lot) {
            n = lot.size();
            released.putAll(lot);
            lot.clear();
        }
        if (n > 0) {
            log.info("worker released {} parked jobs", n);
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        return n;
    }

    /** Jobs held parked now: in the lot, or released and not yet taken by a thread. */
    public long parked() {
        synchronized (lot) {
            return lot.size() + released.size();
        }
    }

    /** The ids of the jobs held parked now, in id order (the in-flight listing marks them). */
    public java.util.SortedSet<Long> parkedIds() {
        synchronized (lot) {
            java.util.TreeSet<Long> ids = new java.util.TreeSet<>(lot.keySet());
            ids.addAll(released.keySet());
            return ids;
        }
    }

    /** {@code QUEUE_PARK_MAX}. */
    public int parkMax() {
        return parkMax;
    }

    /**
     * The emergency's pause of this worker's consumption of the whole queue: paused, the
     * threads claim nothing, give back the claimed jobs they have not started and finish the
     * job in hand; parked jobs stay parked. Separate from the operator's pause
     * ({@link Queues#pause}); the worker consumes only when neither is set. Not persisted
     * here: the emergency state holds it. May be called before {@link #start()} (a restart
     * that completes a stop), and from any thread.
     */
    public void pause(boolean paused) {
        emergencyPaused = paused;
        if (!paused) {
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    /** Whether the emergency's pause is set ({@link #pause(boolean)}). */
    public boolean emergencyPaused() {
        return emergencyPaused;
    }

    /** Whether the worker claims nothing now because a pause is set (either one). */
    public boolean consumptionPaused() {
        return paused();
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
