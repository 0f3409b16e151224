package io.spark.day9.audit;

import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosEvent;
import io.spark.day9.chaos.ChaosSettingsView;
import io.spark.day9.emergency.ActiveStop;
import io.spark.day9.emergency.Emergency;
import io.spark.day9.emergency.EmergencyEvent;
import io.spark.day9.event.Subscription;
import io.spark.day9.jobs.DlqAction;
import io.spark.day9.jobs.PauseAction;
import io.spark.day9.jobs.Queues;
import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionEvent;
import io.spark.day9.shadow.ShadowEvent;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.snapshot.SnapshotEvent;
import io.spark.day9.snapshot.SnapshotService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that turns domain events into audit entries; no component calls the audit log
 * itself. What it records, and how:
 *
 * <table>
 *   <caption>Audit entries by event</caption>
 *   <tr><th>Event</th><th>Action</th><th>Target</th><th>Written</th></tr>
 *   <tr><td>{@link ChaosEvent.Changed}</td><td>{@code chaos.toggle} (operator) or
 *       {@code chaos.expire} (TTL)</td><td>{@code chaos}</td><td>at once</td></tr>
 *   <tr><td>{@link ChaosEvent.FlapAsked}</td><td>{@code chaos.flap}</td>
 *       <td>{@code chaos}</td><td>at once</td></tr>
 *   <tr><td>{@link ChaosEvent.InjectAsked}</td><td>{@code chaos.inject}</td>
 *       <td>{@code chaos}</td><td>at once</td></tr>
 *   <tr><td>{@link DlqAction}</td><td>{@code queue.dlq.redrive}, {@code queue.dlq.purge}</td>
 *       <td>the queue</td><td>at once</td></tr>
 *   <tr><td>{@link PauseAction}</td><td>{@code queue.pause}, {@code queue.resume}</td>
 *       <td>the queue</td><td>at once</td></tr>
 *   <tr><td>{@link QueueEvent.DeadLettered}</td><td>{@code queue.dead}</td>
 *       <td>the queue</td><td>batched</td></tr>
 *   <tr><td>{@link ShadowEvent} placed, filled, ended, rejected</td><td>{@code shadow.order},
 *       {@code shadow.fill}, {@code shadow.canceled}/{@code shadow.expired},
 *       {@code shadow.reject}</td><td>the order id (the symbol for a reject)</td>
 *       <td>batched</td></tr>
 *   <tr><td>{@link SnapshotEvent} created, failed</td><td>{@code snapshot.create},
 *       {@code snapshot.fail}</td><td>the file (the name when failed)</td><td>at once when an
 *       operator asked, else batched</td></tr>
 *   <tr><td>{@link SnapshotEvent.Restored}, {@link SnapshotEvent.Skipped}</td>
 *       <td>{@code snapshot.restore}, {@code snapshot.skip}</td><td>the file</td>
 *       <td>batched</td></tr>
 *   <tr><td>{@link EmergencyEvent.Stopped}, {@link EmergencyEvent.Verified}</td>
 *       <td>{@code emergency.stop}, {@code emergency.verify}</td><td>the stop id</td>
 *       <td>batched: the stop's own state file is made durable before anything else, and
 *       the answer must not wait for a second fsync</td></tr>
 *   <tr><td>{@link EmergencyEvent.Resumed}, {@link EmergencyEvent.ShadowExecution}</td>
 *       <td>{@code emergency.resume}, {@code emergency.shadow}</td><td>the stop ids,
 *       {@code shadow}</td><td>at once</td></tr>
 *   <tr><td>{@link EmergencyEvent.DeadManArmed} (the first heartbeat only: a re-arm is a
 *       heartbeat, not a change), {@link EmergencyEvent.DeadManDisarmed},
 *       {@link EmergencyEvent.DeadManFired}</td><td>{@code deadman.arm},
 *       {@code deadman.disarm}, {@code deadman.fire}</td><td>{@code deadman}</td>
 *       <td>at once (the firing: batched, it runs on the scheduler's lane)</td></tr>
 *   <tr><td>{@link RetentionEvent.Deleted}, {@link RetentionEvent.DeleteFailed}</td>
 *       <td>{@code retention.delete}, {@code retention.delete-failed}</td><td>the file</td>
 *       <td>batched</td></tr>
 * </table>
 *
 * <p>Every entry goes through the {@link AuditBatcher}'s one FIFO, so the log keeps the order
 * the events came in. "At once" entries are operator actions: the publishing thread waits until
 * the entry is durable ({@link AuditBatcher#append}), so it is in the log before the HTTP
 * answer. "Batched" entries (shadow orders, a busy stream, and dead letters, which arrive on the
 * worker's thread) are queued and written off the publisher's path.
 *
 * <p>Threading: the handlers run on the publishing component's thread (see
 * {@link io.spark.day9.event.EventPublisher}); the audit log and the batcher are thread-safe.
 * Subscribe before the components start; entries need the audit log open (it starts first).
 */
public final class AuditSubscriber {
    private final AuditBatcher batcher;

    /** @param batcher the one way into the audit log, batched or waited for */
    public AuditSubscriber(AuditBatcher batcher) {
        this.batcher = batcher;
    }

    /** Records chaos settings changes and one-off operator faults. */
    public Subscription subscribeTo(ChaosEngine chaos) {
        return chaos.subscribe(this::onChaos);
    }

    /** Records shadow orders, fills, ends and rejects. */
    public Subscription subscribeTo(ShadowExecutor shadow) {
        return shadow.subscribe(this::onShadow);
    }

    /** Records dead letters of every queue and operator redrives and purges. */
    public Subscription subscribeTo(Queues queues) {
        Subscription dead = queues.subscribe(this::onQueue);
        Subscription actions = queues.subscribeActions(this::onDlqAction);
        Subscription pauses = queues.subscribePauses(this::onPauseAction);
        return () -> {
            dead.close();
            actions.close();
            pauses.close();
        };
    }

    /** Records snapshots written and failed, and the restore at start. */
    public Subscription subscribeTo(SnapshotService snapshots) {
        return snapshots.subscribe(this::onSnapshot);
    }

    /** Records stops, verifications, resumes, the dead-man switch and the shadow switch. */
    public Subscription subscribeTo(Emergency emergency) {
        return emergency.subscribe(this::onEmergency);
    }

    /** Records every file retention deletes (or fails to delete), of every kind. */
    public Subscription subscribeTo(Retention retention) {
        return retention.subscribe(this::onRetention);
    }

    void onSnapshot(SnapshotEvent e) {
        if (e instanceof SnapshotEvent.Created c) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("name", c.snapshot().name());
            after.put("kind", c.snapshot().kind().id());
            after.put("size", c.snapshot().size());
            after.put("sha256", c.snapshot().sha256());
            record(c.actor(), "snapshot.create", c.snapshot().fileName(), after);
        } else if (e instanceof SnapshotEvent.Failed f) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("kind", f.kind().id());
            after.put("reason", f.reason().id());
            after.put("error", f.error());
            record(f.actor(), "snapshot.fail", f.name(), after);
        } else if (e instanceof SnapshotEvent.Skipped s) {
            batcher.submit(SnapshotService.SYSTEM, "snapshot.skip", s.file(), null,
                    Map.of("problem", s.problem()));
        } else if (e instanceof SnapshotEvent.Restored r) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("outcome", r.outcome().id());
            after.put("skipped", r.skipped());
            after.put("sections", r.sections());
            after.put("detail", r.detail());
            batcher.submit(SnapshotService.SYSTEM, "snapshot.restore",
                    r.file() == null ? "-" : r.file(), null, after);
        }
    }

    void onEmergency(EmergencyEvent e) {
        if (e instanceof EmergencyEvent.Stopped s) {
            ActiveStop st = s.stop();
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("scope", st.scope().label());
            after.put("mode", st.mode().name());
            after.put("reason", st.reason());
            after.put("flatten", st.flatten());
            after.put("pauseQueue", st.pauseQueue());
            after.put("since", st.since());
            after.put("stopSeconds", s.nanos() / 1e9);
            batcher.submit(st.actor(), "emergency.stop", st.id(), null, after);
        } else if (e instanceof EmergencyEvent.Verified v) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("verified", v.verification().verified());
            after.put("stillOpen", v.verification().stillOpen().size());
            after.put("positions", v.verification().positions().size());
            after.put("errors", v.verification().errors());
            after.put("verifySeconds", v.nanos() / 1e9);
            batcher.submit("emergency", "emergency.verify", v.stopId(), null, after);
        } else if (e instanceof EmergencyEvent.Resumed r) {
            append(r.actor(), "emergency.resume", String.join(",",
                    r.stops().stream().map(ActiveStop::id).toList()), r.stops().stream()
                    .map(st -> st.scope().label() + " " + st.mode()).toList(), null);
        } else if (e instanceof EmergencyEvent.ShadowExecution x) {
            append(x.actor(), "emergency.shadow", "shadow", null,
                    Map.of("enabled", x.enabled()));
        } else if (e instanceof EmergencyEvent.DeadManArmed a && a.first()) {
            append(a.actor(), "deadman.arm", "deadman", null, a.deadMan());
        } else if (e instanceof EmergencyEvent.DeadManDisarmed d) {
            append(d.actor(), "deadman.disarm", "deadman", null, null);
        } else if (e instanceof EmergencyEvent.DeadManFired f) {
            batcher.submit("deadman", "deadman.fire", "deadman", null, f.deadMan());
        }
    }

    void onRetention(RetentionEvent e) {
        if (e instanceof RetentionEvent.Deleted d) {
            batcher.submit("retention", "retention.delete", d.file().toString(), null,
                    Map.of("kind", d.kind(), "reason", d.reason()));
        } else if (e instanceof RetentionEvent.DeleteFailed f) {
            batcher.submit("retention", "retention.delete-failed", f.file().toString(), null,
                    Map.of("kind", f.kind(), "error", f.error()));
        }
    }

    /** An operator's action is durable before the answer; the system's own is batched. */
    private void record(String actor, String action, String target, Object after) {
        if (SnapshotService.SYSTEM.equals(actor)) {
            batcher.submit(actor, action, target, null, after);
        } else {
            append(actor, action, target, null, after);
        }
    }

    void onChaos(ChaosEvent e) {
        if (e instanceof ChaosEvent.Changed c) {
            append(c.actor(), c.reason().equals("toggle") ? "chaos.toggle" : "chaos.expire",
                    "chaos", ChaosSettingsView.of(c.before()), ChaosSettingsView.of(c.after()));
        } else if (e instanceof ChaosEvent.FlapAsked f) {
            append(f.actor(), "chaos.flap", "chaos", null, Map.of("flapped", f.flapped()));
        } else if (e instanceof ChaosEvent.InjectAsked i) {
            append(i.actor(), "chaos.inject", "chaos", null, Map.of("fault", i.fault().id()));
        }
    }

    void onShadow(ShadowEvent e) {
        if (e instanceof ShadowEvent.Placed p) {
            batcher.submit("shadow", "shadow.order", p.order().orderId(), null, p.order());
        } else if (e instanceof ShadowEvent.Filled f) {
            batcher.submit("shadow", "shadow.fill", f.order().orderId(), null, f.fill());
        } else if (e instanceof ShadowEvent.Ended x) {
            batcher.submit("shadow", "shadow." + x.reason(), x.order().orderId(), null,
                    x.order());
        } else if (e instanceof ShadowEvent.Rejected r) {
            batcher.submit("shadow", "shadow.reject", r.symbol(), null, r);
        }
    }

    void onQueue(QueueEvent e) {
        if (e instanceof QueueEvent.DeadLettered d) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("id", d.id());
            after.put("attempts", d.attempts());
            after.put("reason", d.reason());
            batcher.submit("queue", "queue.dead", d.queue(), null, after);
        }
    }

    void onDlqAction(DlqAction a) {
        Object ids = a.ids() == null ? "all" : a.ids();
        switch (a.kind()) {
            case REDRIVE -> append(a.actor(), "queue.dlq.redrive", a.queue(), null,
                    Map.of("redriven", a.count(), "ids", ids));
            case PURGE -> append(a.actor(), "queue.dlq.purge", a.queue(), null,
                    Map.of("purged", a.count(), "ids", ids));
        }
    }

    void onPauseAction(PauseAction a) {
        append(a.actor(), a.paused() ? "queue.pause" : "queue.resume", a.queue(), null,
                Map.of("paused", a.paused()));
    }

    private void append(String actor, String action, String target, Object before,
                        Object after) {
        batcher.append(actor, action, target, before, after);
    }
}
