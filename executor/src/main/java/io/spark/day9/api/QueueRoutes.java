package io.spark.day9.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import io.spark.day9.audit.AuditComponent;
import io.spark.day9.jobs.Queues;
import io.spark.day9.queue.Ack;
import io.spark.day9.queue.AckResult;
import io.spark.day9.queue.ClaimedJob;
import io.spark.day9.queue.DeadLetter;
import io.spark.day9.queue.EnqueueOptions;
import io.spark.day9.queue.EnqueueResult;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.JobState;
import io.spark.day9.queue.JobTooLargeException;
import io.spark.day9.queue.QueueClosedException;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.queue.QueueException;
import io.spark.day9.queue.QueueFullException;
import io.spark.day9.queue.QueueStats;
import io.spark.day9.queue.QueueStorageException;
import io.spark.day9.queue.StaleReceiptException;
import io.spark.day9.queue.UnknownJobException;
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
 * </ul>
 * Queue outcomes map to problems here: full 429, too large 413, stale receipt 409, unknown job
 * 404, storage failing or closed 503.
 */
public final class QueueRoutes implements ApiRoutes {
    private static final String BASE = "/api/private/queue";
    private static final int MAX_CLAIM = 1000;

    private final Queues queues;
    private final AuditComponent audit;

    public QueueRoutes(Queues queues, AuditComponent audit) {
        this.queues = queues;
        this.audit = audit;
    }

    @Override
    public void register(JavalinDefaultRouting r) {
        for (String prefix : List.of(BASE, BASE + "/{queue}")) {
            r.post(prefix + "/enqueue", this::enqueue);
            r.post(prefix + "/claim", this::claim);
            r.post(prefix + "/ack", this::ack);
            r.post(prefix + "/nack", this::nack);
            r.post(prefix + "/extend", this::extend);
            r.get(prefix + "/stats", ctx -> ctx.json(stats(queue(ctx).stats())));
            r.get(prefix + "/dlq", this::deadLetters);
            r.post(prefix + "/dlq/redrive", this::redrive);
            r.post(prefix + "/dlq/purge", this::purge);
        }
        r.get(BASE + "s", ctx -> ctx.json(Map.of("queues", queues.stats().stream()
                .map(QueueRoutes::stats).toList())));
        r.exception(QueueException.class, (e, ctx) -> HttpServer.write(ctx, problem(e)));
        r.exception(QueueStorageException.class, (e, ctx) -> HttpServer.write(ctx,
                new ProblemException(Problem.of("queue-storage", "Queue storage unavailable",
                        503, e.getMessage()), Map.of("Retry-After", "5"))));
        r.exception(Queues.TooManyQueuesException.class, (e, ctx) -> HttpServer.write(ctx,
                ProblemException.conflict("too-many-queues", "Too many queues", e.getMessage())));
    }

    private JobQueue queue(Context ctx) {
        String name = ctx.pathParamMap().getOrDefault("queue", queues.defaultName());
        try {
            return queues.get(name);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("queue", e.getMessage());
        }
    }

    private void enqueue(Context ctx) {
        JobQueue queue = queue(ctx);
        byte[] body = Json.body(ctx);
        requireJsonObject(body);
        EnqueueOptions options = options(ctx);
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
        JobQueue queue = queue(ctx);
        ClaimRequest req = Json.body(ctx).length == 0 ? new ClaimRequest(null, null)
                : Json.read(ctx, ClaimRequest.class);
        int max = req.max() == null ? 1 : req.max();
        if (max < 1 || max > MAX_CLAIM) {
            throw ProblemException.invalidField("max", "must be 1.." + MAX_CLAIM);
        }
        long visibility = req.visibilityMs() == null ? queues.visibilityMs()
                : visibility(req.visibilityMs(), "visibilityMs");
        List<ClaimedJob> jobs = queue.claim(max, visibility);
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
        JobQueue queue = queue(ctx);
        AckRequest req = Json.read(ctx, AckRequest.class);
        if (req.acks() != null) {
            ackAll(ctx, queue, req);
            return;
        }
        Settle s = checkSettle(new Settle(req.id(), req.receipt(), null, null));
        withReceipt(() -> {
            queue.ack(s.id(), s.receipt());
            return null;
        });
        ctx.json(Map.of("id", s.id(), "state", "ACKED"));
    }

    private void ackAll(Context ctx, JobQueue queue, AckRequest req) {
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
        JobQueue queue = queue(ctx);
        Settle s = settle(ctx);
        if (s.delayMs() != null && (s.delayMs() < 0 || s.delayMs() > EnqueueOptions.MAX_DELAY_MS)) {
            throw ProblemException.invalidField("delayMs", "must be 0.." + EnqueueOptions.MAX_DELAY_MS
                    + ", or omitted for exponential backoff");
        }
        JobState state = withReceipt(() -> queue.nack(s.id(), s.receipt(), s.delayMs()));
        ctx.json(Map.of("id", s.id(), "state", state.name()));
    }

    private void extend(Context ctx) {
        JobQueue queue = queue(ctx);
        Settle s = settle(ctx);
        long visibility = s.visibilityMs() == null ? queues.visibilityMs()
                : visibility(s.visibilityMs(), "visibilityMs");
        long until = withReceipt(() -> queue.extend(s.id(), s.receipt(), visibility));
        ctx.json(Map.of("id", s.id(), "visibleUntil", until));
    }

    /** One dead letter; payload embedded as it was enqueued (null when unreadable). */
    record DeadView(long id, int attempts, long enqueuedAt, long deadAt, String reason,
                    @JsonRawValue String payload) {
    }

    private void deadLetters(Context ctx) {
        JobQueue queue = queue(ctx);
        long after = SystemRoutes.longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
        int limit = SystemRoutes.intParam(ctx, "limit", 100, 1, 1000);
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
        JobQueue queue = queue(ctx);
        Selection s = selection(ctx);
        int n = Boolean.TRUE.equals(s.all()) ? queue.redriveAll() : queue.redrive(s.ids());
        audit.log().append(Requests.actor(ctx), "queue.dlq.redrive", queue.name(), null,
                Map.of("redriven", n, "ids", s.ids() == null ? "all" : s.ids()));
        ctx.json(Map.of("redriven", n, "stats", stats(queue.stats())));
    }

    private void purge(Context ctx) {
        JobQueue queue = queue(ctx);
        Selection s = selection(ctx);
        int n = Boolean.TRUE.equals(s.all()) ? queue.purgeAll() : queue.purge(s.ids());
        audit.log().append(Requests.actor(ctx), "queue.dlq.purge", queue.name(), null,
                Map.of("purged", n, "ids", s.ids() == null ? "all" : s.ids()));
        ctx.json(Map.of("purged", n, "stats", stats(queue.stats())));
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

    /** The job must be one JSON object (stored byte for byte, so it is checked, not parsed). */
    private static void requireJsonObject(byte[] body) {
        if (body.length == 0) {
            throw ProblemException.invalidField("body", "the job is required: a JSON object");
        }
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ProblemException.invalidField("body", "the job must be a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw ProblemException.malformedJson("unexpected content after the JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Json.translate(e);
        } catch (IOException e) {
            throw ProblemException.malformedJson(e.getMessage());
        }
    }

    private static ProblemException problem(QueueException e) {
        if (e instanceof QueueFullException) {
            return new ProblemException(Problem.of("queue-full", "Queue full", 429,
                    e.getMessage()), Map.of("Retry-After", "1"));
        }
        if (e instanceof JobTooLargeException) {
            return new ProblemException(Problem.of("job-too-large", "Job too large", 413,
                    e.getMessage()));
        }
        if (e instanceof StaleReceiptException) {
            return ProblemException.conflict("stale-receipt", "Stale receipt", e.getMessage());
        }
        if (e instanceof UnknownJobException) {
            return new ProblemException(Problem.of("unknown-job", "Unknown job", 404,
                    e.getMessage()));
        }
        if (e instanceof QueueClosedException) {
            return new ProblemException(Problem.of("queue-closed", "Queue closed", 503,
                    e.getMessage()), Map.of("Retry-After", "5"));
        }
        return new ProblemException(Problem.of("queue", "Queue error", 409, e.getMessage()));
    }
}
