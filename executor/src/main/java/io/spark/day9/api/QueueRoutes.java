package io.spark.day9.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.javalin.http.Context;
import io.spark.day9.shadow.OrderJobHandler;
import io.spark.day9.jobs.JobHandler;
import io.spark.day9.jobs.QueuePause;
import io.spark.day9.jobs.Queues;
import io.spark.day9.jobs.Worker;
import io.spark.day9.queue.Ack;
import io.spark.day9.queue.AckResult;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.queue.DeadLetter;
import io.spark.day9.queue.EnqueueOptions;
import io.spark.day9.queue.EnqueueResult;
import io.spark.day9.queue.InFlightJob;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.JobState;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.queue.QueueStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable queue over HTTP. {@code /api/private/queue/...} acts on {@code QUEUE_NAME};
 * {@code /api/private/queue/{queue}/...} on any queue (opened on first use).
 *
 * <ul>
 *   <li>{@code POST …/enqueue[?dedupKey=&delayMs=]}: the body is the job, any JSON object up to
 *       {@code QUEUE_MAX_JOB_BYTES}, stored byte for byte → {@code {"id","duplicate","key","stats"}}</li>
 *   <li>{@code POST …/claim {"max","visibilityMs"}} → {@code {"jobs":[{"id","receipt","attempt",
 *       "enqueuedAt","visibleUntil","payload"}]}} with {@code payload} exactly the enqueued body</li>
 *   <li>{@code POST …/ack {"id","receipt"}} or, for a batch, {@code {"acks":[{"id","receipt"},
 *       …]}} (1..1000 items, one commit) → {@code {"results":[{"id","state"[,"detail"]}],
 *       "acked"}} with {@code state} {@code ACKED}, {@code STALE_RECEIPT} or {@code UNKNOWN_JOB}
 *       per item (200 even when some items are stale: each is judged on its own)</li>
 *   <li>{@code …/nack {"id","receipt","delayMs"}},
 *       {@code …/extend {"id","receipt","visibilityMs"}}</li>
 *   <li>{@code GET …/stats}, {@code GET …/dlq?after=&limit=}, {@code POST …/dlq/redrive
 *       {"ids":[…]} or {"all":true}}, {@code POST …/dlq/purge {"ids":[…]} or {"all":true}}</li>
 *   <li>{@code POST …/pause}, {@code POST …/resume} (admin): the operator's pause of the
 *       queue's consumption, persisted ({@link QueuePause}) → {@code {"queue","paused","by",
 *       "at","worker"}}. While paused, the built-in worker (on {@code QUEUE_NAME}) claims
 *       nothing and {@code …/claim} answers {@code {"jobs":[],"paused":true}}; enqueue goes
 *       on.</li>
 *   <li>{@code GET …/inflight?olderThanMs=&limit=} → {@code {"queue","inFlight":[{"id",
 *       "ageMs","attempt","consumer","claimedAt","visibleUntil","parked"}],"stats"}}: the
 *       claimed jobs, by id; {@code consumer} is the worker thread or the HTTP caller that
 *       claimed; {@code parked} marks jobs the worker holds while trading is stopped.</li>
 * </ul>
 * Queue outcomes map to problems in {@link ProblemMapper}: full 429, too large 413, stale
 * receipt 409, unknown job 404, storage failing or closed 503. Roles: reads need read, queue
 * work needs trade, purging dead letters and pausing need admin (declared with each route).
 */
public final class QueueRoutes implements ApiRoutes {
    private static final String BASE = "/api/private/queue";
    private static final int MAX_CLAIM = 1000;

    private final Queues queues;
    /** The built-in worker (its pause and parked jobs show in answers); null when absent. */
    private final Worker worker;

    public QueueRoutes(Queues queues) {
        this(queues, null);
    }

    /** Routes whose pause and in-flight answers also show {@code worker}'s state. */
    public QueueRoutes(Queues queues, Worker worker) {
        this.queues = queues;
        this.worker = worker;
    }

    @Override
    public void register(RouteTable r) {
        for (String prefix : List.of(BASE, BASE + "/{queue}")) {
            String which = prefix.equals(BASE) ? "QUEUE_NAME" : "the named queue (opened on "
                    + "first use)";
            r.add(RouteSpec.post(prefix + "/enqueue", Role.TRADE)
                    .summary("Enqueue a job on " + which + "; answered once it is durable.")
                    .body(Schema.anyObject())
                    .query("dedupKey", Schema.string(), "1..200 characters; a repeat within "
                            + "the dedup window answers the first job's id")
                    .query("delayMs", Schema.integer(), "deliver no earlier than this")
                    .answer(200, "{id, duplicate, stats}")
                    .problems("queue-full", "job-too-large", "queue-storage", "queue-closed",
                            "queue", "too-many-queues", "forbidden"), this::enqueue);
            r.add(RouteSpec.post(prefix + "/claim", Role.TRADE)
                    .summary("Claim jobs of " + which + "; each must be acked or it is "
                            + "delivered again.")
                    .optionalBody(Schema.of(ClaimRequest.class))
                    .answer(200, "{jobs: [{id, receipt, attempt, enqueuedAt, visibleUntil, "
                            + "payload}]}")
                    .problems(QUEUE_PROBLEMS), this::claim);
            r.add(RouteSpec.post(prefix + "/ack", Role.TRADE)
                    .summary("Acknowledge one job, or a batch in acks.")
                    .body(Schema.of(AckRequest.class))
                    .answer(200, "{id, state} or {results, acked}")
                    .problems(QUEUE_PROBLEMS), this::ack);
            r.add(RouteSpec.post(prefix + "/nack", Role.TRADE)
                    .summary("Give a claimed job back, after delayMs or with backoff.")
                    .body(Schema.of(Settle.class))
                    .answer(200, "{id, state}")
                    .problems(QUEUE_PROBLEMS), this::nack);
            r.add(RouteSpec.post(prefix + "/extend", Role.TRADE)
                    .summary("Extend a claimed job's visibility (a heartbeat).")
                    .body(Schema.of(Settle.class))
                    .answer(200, "{id, visibleUntil}")
                    .problems(QUEUE_PROBLEMS), this::extend);
            r.add(RouteSpec.get(prefix + "/stats", Role.READ)
                    .summary("Counts and lag of " + which + ".")
                    .answer(200, "{queue, depth, ready, delayed, inFlight, dead, …}")
                    .problems(QUEUE_PROBLEMS),
                    ctx -> ctx.json(stats(queue(ctx).stats())));
            r.add(RouteSpec.get(prefix + "/dlq", Role.READ)
                    .summary("Dead letters of " + which + ", oldest first.")
                    .query("after", Schema.integer(), "only ids above this (paging)")
                    .query("limit", Schema.integer(), "1..1000, default 100")
                    .answer(200, "{deadLetters, stats}")
                    .problems(QUEUE_PROBLEMS), this::deadLetters);
            r.add(RouteSpec.post(prefix + "/dlq/redrive", Role.TRADE)
                    .summary("Move dead letters back to ready (audited).")
                    .body(Schema.of(Selection.class))
                    .answer(200, "{redriven, stats}")
                    .problems(QUEUE_PROBLEMS), this::redrive);
            r.add(RouteSpec.post(prefix + "/dlq/purge", Role.ADMIN)
                    .summary("Delete dead letters for good (audited).")
                    .body(Schema.of(Selection.class))
                    .answer(200, "{purged, stats}")
                    .problems(QUEUE_PROBLEMS), this::purge);
            r.add(RouteSpec.post(prefix + "/pause", Role.ADMIN)
                    .summary("Pause the consumption of " + which + " (persisted; enqueue goes "
                            + "on; audited).")
                    .answer(200, "{queue, paused, by, at, worker}")
                    .problems(QUEUE_PROBLEMS), ctx -> pause(ctx, true));
            r.add(RouteSpec.post(prefix + "/resume", Role.ADMIN)
                    .summary("Resume the consumption of " + which + " (audited).")
                    .answer(200, "{queue, paused, by, at, worker}")
                    .problems(QUEUE_PROBLEMS), ctx -> pause(ctx, false));
            r.add(RouteSpec.get(prefix + "/inflight", Role.READ)
                    .summary("Claimed jobs of " + which + " with age, attempt and consumer.")
                    .query("olderThanMs", Schema.integer(), "only jobs claimed at least this "
                            + "long ago (default 0: all)")
                    .query("limit", Schema.integer(), "1..10000, default 1000")
                    .answer(200, "{queue, inFlight: [{id, ageMs, attempt, consumer, claimedAt, "
                            + "visibleUntil, parked}], stats}")
                    .problems(QUEUE_PROBLEMS), this::inFlight);
        }
        r.add(RouteSpec.get(BASE + "s", Role.READ)
                .summary("Stats of every open queue.")
                .answer(200, "{queues: [stats]}"),
                ctx -> ctx.json(Map.of("queues", queues.stats().stream()
                        .map(QueueRoutes::stats).toList())));
    }

    /** What any queue operation can answer besides the shared problems. */
    private static final String[] QUEUE_PROBLEMS = {"stale-receipt", "unknown-job",
        "queue-storage", "queue-closed", "queue", "too-many-queues"};

    private JobQueue queue(Context ctx) {
        String name = ctx.pathParamMap().getOrDefault("queue", queues.defaultName());
        try {
            return queues.get(name);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("queue", e.getMessage());
        }
    }

    /** The attributes that record each role with a job, made once. */
    private static final Map<Role, Map<String, String>> ROLE_ATTRIBUTES = roleAttributes();

    private static Map<Role, Map<String, String>> roleAttributes() {
        Map<Role, Map<String, String>> m = new java.util.EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            m.put(r, Map.of(JobHandler.ROLE_ATTRIBUTE, r.id()));
        }
        return m;
    }

    private void enqueue(Context ctx) {
        // the body and parameters are checked before the queue is opened: a rejected request
        // creates no queue directory
        byte[] body = Json.rawObject(ctx, "the job");
        if (!Requests.role(ctx).covers(Role.TRADE)) {
            requireTradeForOrders(body);
        }
        // the caller's role goes with the job: the order handler checks it again at delivery
        EnqueueOptions options = options(ctx).withAttributes(ROLE_ATTRIBUTES.get(
                Requests.role(ctx)));
        JobQueue queue = queue(ctx);
        EnqueueResult result = queue.enqueue(body, options);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", result.id());
        out.put("duplicate", result.duplicate());
        out.put("key", result.key());
        out.put("stats", stats(queue.stats()));
        ctx.json(out);
    }

    /** Body of claim. */
    record ClaimRequest(Integer max, Long visibilityMs) {
    }

    /** One claimed job; {@code payload} is embedded as the exact JSON that was enqueued. */
    record ClaimedView(long id, String receipt, int attempt, long enqueuedAt, long visibleUntil,
                       @JsonRawValue String payload) {
    }

    private void claim(Context ctx) {
        ClaimRequest req = Json.readOrDefault(ctx, ClaimRequest.class,
                new ClaimRequest(null, null));
        int max = req.max() == null ? 1 : req.max();
        if (max < 1 || max > MAX_CLAIM) {
            throw ProblemException.invalidField("max", "must be 1.." + MAX_CLAIM);
        }
        long visibility = req.visibilityMs() == null ? queues.visibilityMs()
                : visibility(req.visibilityMs(), "visibilityMs");
        JobQueue queue = queue(ctx);
        if (queues.paused(queue.name())) {
            // the operator paused this queue's consumption: outside consumers get no work
            ctx.json(Map.of("jobs", List.of(), "paused", true));
            return;
        }
        List<ClaimedJob> jobs = queue.claim(max, visibility, "http:" + Requests.actor(ctx));
        ctx.json(Map.of("jobs", jobs.stream().map(j -> new ClaimedView(j.id(), j.receipt(),
                j.attempt(), j.enqueuedAt(), j.visibleUntil(),
                new String(j.payload(), StandardCharsets.UTF_8))).toList()));
    }

    /** Body of ack, nack and extend. */
    record Settle(Long id, String receipt, Long delayMs, Long visibilityMs) {
    }

    private Settle settle(Context ctx) {
        return checkSettle(Json.read(ctx, Settle.class));
    }

    private static Settle checkSettle(Settle s) {
        if (s.id() == null || s.id() < 1) {
            throw ProblemException.invalidField("id", "required: the job id from claim");
        }
        if (s.receipt() == null || s.receipt().isBlank()) {
            throw ProblemException.invalidField("receipt", "required: the receipt from claim");
        }
        return s;
    }

    /** A receipt the queue cannot even parse is the caller's mistake: 400, naming it. */
    private static <T> T withReceipt(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("receipt", e.getMessage());
        }
    }

    /**
     * Body of ack: one {@code id} and {@code receipt}, or a batch in {@code acks}.
     * {@code delayMs} and {@code visibilityMs} are accepted and ignored, as the single form
     * always did (it shared nack's body).
     */
    record AckRequest(Long id, String receipt, List<AckItem> acks, Long delayMs,
                      Long visibilityMs) {
    }

    /** One item of a batch ack. */
    record AckItem(Long id, String receipt) {
    }

    /** One item's outcome of a batch ack; {@code detail} only when not acked. */
    @com.fasterxml.jackson.annotation.JsonInclude(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record AckView(long id, String state, String detail) {
    }

    private void ack(Context ctx) {
        AckRequest req = Json.read(ctx, AckRequest.class);
        if (req.acks() != null) {
            ackAll(ctx, req);
            return;
        }
        Settle s = checkSettle(new Settle(req.id(), req.receipt(), null, null));
        JobQueue queue = queue(ctx);
        withReceipt(() -> {
            queue.ack(s.id(), s.receipt());
            return null;
        });
        ctx.json(Map.of("id", s.id(), "state", "ACKED"));
    }

    private void ackAll(Context ctx, AckRequest req) {
        if (req.id() != null || req.receipt() != null) {
            throw ProblemException.invalidField("acks",
                    "give either \"id\" and \"receipt\", or \"acks\": [{\"id\",\"receipt\"}], "
                    + "not both");
        }
        List<AckItem> items = req.acks();
        if (items.isEmpty() || items.size() > MAX_CLAIM) {
            throw ProblemException.invalidField("acks", "must hold 1.." + MAX_CLAIM + " items");
        }
        List<Ack> acks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            AckItem a = items.get(i);
            if (a == null) {
                throw ProblemException.invalidField("acks[" + i + "]",
                        "required: {\"id\",\"receipt\"}");
            }
            if (a.id() == null || a.id() < 1) {
                throw ProblemException.invalidField("acks[" + i + "].id",
                        "required: the job id from claim");
            }
            if (a.receipt() == null || a.receipt().isBlank()) {
                throw ProblemException.invalidField("acks[" + i + "].receipt",
                        "required: the receipt from claim");
            }
            acks.add(new Ack(a.id(), a.receipt()));
        }
        JobQueue queue = queue(ctx);
        List<AckResult> results;
        try {
            results = queue.ackAll(acks);
        } catch (IllegalArgumentException e) {
            // "acks[3].receipt: malformed receipt 'x'": nothing was applied
            String m = e.getMessage() == null ? "" : e.getMessage();
            int colon = m.indexOf(": ");
            boolean named = m.startsWith("acks[") && colon > 0;
            throw ProblemException.invalidField(named ? m.substring(0, colon) : "acks",
                    named ? m.substring(colon + 2) : m);
        }
        long acked = results.stream().filter(AckResult::acked).count();
        ctx.json(Map.of("results", results.stream().map(r -> new AckView(r.id(),
                r.status().name(), r.detail())).toList(), "acked", acked));
    }

    private void nack(Context ctx) {
        Settle s = settle(ctx);
        if (s.delayMs() != null && (s.delayMs() < 0 || s.delayMs() > EnqueueOptions.MAX_DELAY_MS)) {
            throw ProblemException.invalidField("delayMs", "must be 0.." + EnqueueOptions.MAX_DELAY_MS
                    + ", or omitted for exponential backoff");
        }
        JobQueue queue = queue(ctx);
        JobState state = withReceipt(() -> queue.nack(s.id(), s.receipt(), s.delayMs()));
        ctx.json(Map.of("id", s.id(), "state", state.name()));
    }

    private void extend(Context ctx) {
        Settle s = settle(ctx);
        long visibility = s.visibilityMs() == null ? queues.visibilityMs()
                : visibility(s.visibilityMs(), "visibilityMs");
        JobQueue queue = queue(ctx);
        long until = withReceipt(() -> queue.extend(s.id(), s.receipt(), visibility));
        ctx.json(Map.of("id", s.id(), "visibleUntil", until));
    }

    /** One dead letter; payload embedded as it was enqueued (null when unreadable). */
    record DeadView(long id, int attempts, long enqueuedAt, long deadAt, String reason,
                    @JsonRawValue String payload) {
    }

    private void deadLetters(Context ctx) {
        long after = SystemRoutes.longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
        int limit = SystemRoutes.intParam(ctx, "limit", 100, 1, 1000);
        JobQueue queue = queue(ctx);
        List<DeadLetter> dead = queue.deadLetters(after, limit);
        ctx.json(Map.of("deadLetters", dead.stream().map(d -> new DeadView(d.id(), d.attempts(),
                d.enqueuedAt(), d.deadAt(), d.reason(), d.payload().length == 0 ? "null"
                : new String(d.payload(), StandardCharsets.UTF_8))).toList(),
                "stats", stats(queue.stats())));
    }

    /** Body of redrive and purge: explicit ids, or {@code all: true}. */
    record Selection(List<Long> ids, Boolean all) {
    }

    private Selection selection(Context ctx) {
        Selection s = Json.read(ctx, Selection.class);
        boolean all = Boolean.TRUE.equals(s.all());
        boolean some = s.ids() != null && !s.ids().isEmpty();
        if (all == some) {
            throw ProblemException.invalidField("ids",
                    "give either \"ids\": [job ids] or \"all\": true");
        }
        if (some && s.ids().size() > 10_000) {
            throw ProblemException.invalidField("ids", "at most 10000 ids per call");
        }
        return s;
    }

    private void redrive(Context ctx) {
        Selection s = selection(ctx);
        JobQueue queue = queue(ctx);
        int n = queues.redrive(queue, Boolean.TRUE.equals(s.all()) ? null : s.ids(),
                Requests.actor(ctx));
        ctx.json(Map.of("redriven", n, "stats", stats(queue.stats())));
    }

    private void purge(Context ctx) {
        Selection s = selection(ctx);
        JobQueue queue = queue(ctx);
        int n = queues.purge(queue, Boolean.TRUE.equals(s.all()) ? null : s.ids(),
                Requests.actor(ctx));
        ctx.json(Map.of("purged", n, "stats", stats(queue.stats())));
    }

    private void pause(Context ctx, boolean paused) {
        JobQueue queue = queue(ctx);
        QueuePause state;
        try {
            state = queues.pause(queue, paused, Requests.actor(ctx));
        } catch (java.io.UncheckedIOException e) {
            throw new ProblemException(Problem.of("queue-storage", "Queue storage unavailable",
                    503, e.getMessage()), Map.of("Retry-After", "5"));
        }
        ctx.json(pauseView(queue.name(), state));
    }

    /** The pause of {@code queue} and, for the worker's queue, what the worker does. */
    private Map<String, Object> pauseView(String queue, QueuePause state) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queue", queue);
        out.put("paused", state.paused());
        out.put("by", state.by());
        out.put("at", state.at());
        if (worker != null && queue.equals(queues.defaultName())) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("consuming", !worker.consumptionPaused());
            w.put("emergencyPaused", worker.emergencyPaused());
            w.put("parked", worker.parked());
            out.put("worker", w);
        } else {
            out.put("worker", null); // no built-in consumer: the pause stops HTTP claims only
        }
        return out;
    }

    /** One claimed job as {@code …/inflight} shows it. */
    record InFlightView(long id, long ageMs, int attempt, String consumer, long claimedAt,
                        long visibleUntil, boolean parked) {
    }

    private void inFlight(Context ctx) {
        long olderThan = SystemRoutes.longParam(ctx, "olderThanMs", 0, 0, Long.MAX_VALUE / 2);
        int limit = SystemRoutes.intParam(ctx, "limit", 1000, 1, 10_000);
        JobQueue queue = queue(ctx);
        List<InFlightJob> jobs = queue.inFlight(olderThan, limit);
        java.util.Set<Long> parked = worker != null && queue.name().equals(queues.defaultName())
                ? worker.parkedIds() : java.util.Set.of();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queue", queue.name());
        out.put("inFlight", jobs.stream().map(j -> new InFlightView(j.id(), j.ageMs(),
                j.attempt(), j.consumer(), j.claimedAt(), j.visibleUntil(),
                parked.contains(j.id()))).toList());
        out.put("stats", stats(queue.stats()));
        ctx.json(out);
    }

    /** Stats as the API shows them. */
    static Map<String, Object> stats(QueueStats s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queue", s.queue());
        out.putAll(Queues.describe(s));
        return out;
    }

    private static EnqueueOptions options(Context ctx) {
        String dedupKey = ctx.queryParam("dedupKey");
        if (dedupKey != null && (dedupKey.isEmpty()
                || dedupKey.length() > EnqueueOptions.MAX_DEDUP_KEY_LENGTH)) {
            throw ProblemException.invalidField("dedupKey", "must be 1.."
                    + EnqueueOptions.MAX_DEDUP_KEY_LENGTH + " characters");
        }
        long delayMs = SystemRoutes.longParam(ctx, "delayMs", 0, 0, EnqueueOptions.MAX_DELAY_MS);
        return new EnqueueOptions(dedupKey, delayMs);
    }

    private static long visibility(long value, String field) {
        if (value < 1 || value > QueueConfig.MAX_VISIBILITY_MS) {
            throw ProblemException.invalidField(field, "must be 1.." + QueueConfig.MAX_VISIBILITY_MS);
        }
        return value;
    }

    /**
     * An {@code order} job places an order when the worker runs it, so only a caller with the
     * trade role may enqueue one, whatever role the enqueue route itself needs. Runs only for
     * a caller below trade (never on the hot path): one streaming look at the top-level
     * {@code job} field.
     */
    private static void requireTradeForOrders(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("job".equals(field) && value == JsonToken.VALUE_STRING
                        && OrderJobHandler.TYPE.equals(p.getText())) {
                    throw ProblemException.forbidden("an \"order\" job places an order: "
                            + "enqueueing one needs the trade role ('Authorization: Bearer "
                            + "<API_TOKEN>')");
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw ProblemException.malformedJson(e.getMessage()); // checked just before
        }
    }
}
