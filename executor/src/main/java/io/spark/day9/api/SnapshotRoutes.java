package io.spark.day9.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.spark.day9.retention.Retention;
import io.spark.day9.snapshot.InvalidSnapshotRequest;
import io.spark.day9.snapshot.SnapshotFailure;
import io.spark.day9.snapshot.SnapshotInfo;
import io.spark.day9.snapshot.SnapshotService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Snapshots over HTTP.
 * <ul>
 *   <li>{@code POST /api/private/snapshot} (admin) {@code {"name":"state","data":{...}}}: with
 *       {@code data}, a manual snapshot of that object; without it (or with an empty body), a
 *       state snapshot captured now under {@code name} (default {@code state}). Answers
 *       {@code {file, name, kind, createdAt, size, sha256}}. A bad name is a 400 naming
 *       {@code name}; data over {@code SNAPSHOT_MAX_BYTES} a 413 naming {@code data}; a write
 *       that fails a 503 {@code snapshot-failed}. Nothing is written on bad input.</li>
 *   <li>{@code GET /api/private/snapshots} (read): every snapshot file, oldest first.</li>
 *   <li>{@code POST /api/private/snapshots/prune} (admin) {@code {"dryRun":true}}: retention's
 *       plan for every registered kind (each file with its verdict and reason); without
 *       {@code dryRun} it also deletes.</li>
 * </ul>
 */
public final class SnapshotRoutes implements ApiRoutes {
    private final SnapshotService snapshots;
    private final Retention retention;

    public SnapshotRoutes(SnapshotService snapshots, Retention retention) {
        this.snapshots = snapshots;
        this.retention = retention;
    }

    /** The body of {@code POST /api/private/snapshot}. */
    record CreateRequest(String name, ObjectNode data) {
    }

    /** The body of {@code POST /api/private/snapshots/prune}. */
    record PruneRequest(Boolean dryRun) {
    }

    @Override
    public void register(RouteTable r) {
        r.add(RouteSpec.post("/api/private/snapshot", Role.ADMIN)
                .summary("Write a snapshot: the given data (manual), or the service state now.")
                .optionalBody(Schema.of(CreateRequest.class))
                .answer(200, "{file, name, kind, createdAt, size, sha256}")
                .problems("snapshot-too-large", "snapshot-failed"), this::create);
        r.add(RouteSpec.get("/api/private/snapshots", Role.READ)
                .summary("Every snapshot file: name, kind, time, size, hash, valid.")
                .answer(200, "{dir, snapshots: [{file, name, kind, createdAt, size, sha256, "
                        + "valid, problem}], restore}"), this::list);
        r.add(RouteSpec.post("/api/private/snapshots/prune", Role.ADMIN)
                .summary("Retention now, for every retained kind; dryRun only lists verdicts.")
                .optionalBody(Schema.of(PruneRequest.class))
                .answer(200, "{dryRun, files: [{kind, file, keep, reason, explain}], "
                        + "deleted}"), this::prune);
    }

    private void create(Context ctx) {
        CreateRequest req = Json.readOrDefault(ctx, CreateRequest.class,
                new CreateRequest(null, null));
        String name = req.name() == null ? SnapshotService.STATE_NAME : req.name();
        SnapshotInfo info;
        try {
            info = req.data() == null
                    ? snapshots.captureState(name, Requests.actor(ctx))
                    : snapshots.createManual(name, req.data(), Requests.actor(ctx));
        } catch (InvalidSnapshotRequest e) {
            if (e.tooLarge()) {
                throw new ProblemException(Problem.of("snapshot-too-large",
                        "Snapshot too large", 413, e.field() + ": " + e.getMessage())
                        .withErrors(List.of(new Problem.FieldError(e.field(),
                                e.getMessage()))));
            }
            throw ProblemException.invalidField(e.field(), e.getMessage());
        } catch (SnapshotFailure e) {
            throw new ProblemException(Problem.of("snapshot-failed", "Snapshot failed", 503,
                    e.getMessage()));
        }
        ctx.json(describe(info));
    }

    private void list(Context ctx) throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        for (SnapshotInfo s : snapshots.list()) {
            all.add(describe(s));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dir", snapshots.store().dir().toString());
        out.put("snapshots", all);
        out.put("restore", snapshots.restoreOutcome().outcome().id());
        ctx.json(out);
    }

    private void prune(Context ctx) {
        PruneRequest req = Json.readOrDefault(ctx, PruneRequest.class, new PruneRequest(true));
        boolean dryRun = req.dryRun() == null || req.dryRun();
        List<Map<String, Object>> files = new ArrayList<>();
        for (Retention.Planned p : retention.plan()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("kind", p.kind());
            one.put("file", p.path().getFileName().toString());
            one.put("keep", p.verdict().keep());
            one.put("reason", p.verdict().reason().label());
            one.put("explain", p.explain());
            one.put("createdAt", p.verdict().candidate().createdAt().toString());
            one.put("valid", p.verdict().candidate().valid());
            files.add(one);
        }
        int deleted = 0;
        if (!dryRun) {
            deleted = retention.apply().size();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        out.put("kinds", retention.kinds());
        out.put("files", files);
        out.put("deleted", deleted);
        ctx.json(out);
    }

    /** One snapshot as the API shows it. */
    static Map<String, Object> describe(SnapshotInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", s.fileName());
        m.put("path", s.file().toString());
        m.put("name", s.name());
        m.put("kind", s.kind().id());
        m.put("createdAt", s.createdAt().toString());
        m.put("size", s.size());
        m.put("sha256", s.sha256());
        m.put("valid", s.valid());
        if (s.problem() != null) {
            m.put("problem", s.problem());
        }
        return m;
    }
}
