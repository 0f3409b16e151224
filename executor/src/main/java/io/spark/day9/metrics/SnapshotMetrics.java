package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionEvent;
import io.spark.day9.snapshot.RestoreOutcome;
import io.spark.day9.snapshot.SnapshotEvent;
import io.spark.day9.snapshot.SnapshotFailure;
import io.spark.day9.snapshot.SnapshotKind;
import io.spark.day9.snapshot.SnapshotService;
import java.util.Collection;

/**
 * Snapshot and retention metrics, driven by the service's and retention's events. Every series
 * exists from the start at 0.
 * <ul>
 *   <li>{@code spark_snapshot_created_total{kind}}: snapshots written (state, manual)</li>
 *   <li>{@code spark_snapshot_failed_total{reason}}: snapshots that could not be written
 *       (disk-full, permission-denied, read-only, io, capture)</li>
 *   <li>{@code spark_snapshot_size_bytes}: a gauge, the size of the last snapshot file written
 *       (a gauge, not a histogram: one snapshot a minute gives too few samples for buckets, and
 *       the trend of the last size is what an operator watches)</li>
 *   <li>{@code spark_snapshot_last_success_timestamp_seconds}: when the last snapshot was
 *       written (0 before the first; after a restart, the restored snapshot's time)</li>
 *   <li>{@code spark_snapshot_retention_deleted_total{kind}}: files deleted by retention, per
 *       retained kind (pre-created for each registered kind, see {@link #retainedKinds})</li>
 *   <li>{@code spark_snapshot_restore_outcome{outcome}}: 1 for the restore outcome at start,
 *       0 for the others</li>
 *   <li>{@code spark_snapshot_restore_skipped_total}: invalid state snapshots skipped by the
 *       restore at start</li>
 * </ul>
 */
public final class SnapshotMetrics {
    private final Counter created;
    private final Counter failed;
    private final Gauge size;
    private final Gauge lastSuccess;
    private final Counter deleted;
    private final Gauge restore;
    private final Counter skipped;

    public SnapshotMetrics(PrometheusRegistry registry, SnapshotService service,
                           Retention retention) {
        created = Counter.builder().name("spark_snapshot_created_total")
                .help("snapshots written, by kind (state = captured by the service, manual = "
                        + "data given by the caller)")
                .labelNames("kind").register(registry);
        failed = Counter.builder().name("spark_snapshot_failed_total")
                .help("snapshots that could not be written, by reason")
                .labelNames("reason").register(registry);
        size = Gauge.builder().name("spark_snapshot_size_bytes")
                .help("size of the last snapshot file written")
                .unit(Unit.BYTES).register(registry);
        lastSuccess = Gauge.builder().name("spark_snapshot_last_success_timestamp_seconds")
                .help("when the last snapshot was written, Unix time (0 before the first)")
                .unit(Unit.SECONDS).register(registry);
        deleted = Counter.builder().name("spark_snapshot_retention_deleted_total")
                .help("files deleted by retention, by retained kind")
                .labelNames("kind").register(registry);
        restore = Gauge.builder().name("spark_snapshot_restore_outcome")
                .help("1 for the outcome of the restore at start (pending, none, restored, "
                        + "all-invalid, section-failed), 0 for the others")
                .labelNames("outcome").register(registry);
        skipped = Counter.builder().name("spark_snapshot_restore_skipped_total")
                .help("invalid state snapshots skipped by the restore at start")
                .register(registry);
        for (SnapshotKind k : SnapshotKind.values()) {
            created.labelValues(k.id());
        }
        for (SnapshotFailure.Reason r : SnapshotFailure.Reason.values()) {
            failed.labelValues(r.id());
        }
        retainedKinds(retention.kinds());
        outcome(service.restoreOutcome().outcome());
        service.subscribe(this::on);
        retention.subscribe(this::on);
    }

    /**
     * Pre-creates the deletion counter at 0 for each retained kind; the wiring class calls it
     * again after every kind is registered (kinds registered later appear on their first
     * deletion otherwise).
     */
    public void retainedKinds(Collection<String> kinds) {
        for (String kind : kinds) {
            deleted.labelValues(kind);
        }
    }

    private void outcome(RestoreOutcome now) {
        for (RestoreOutcome o : RestoreOutcome.values()) {
            restore.labelValues(o.id()).set(o == now ? 1 : 0);
        }
    }

    void on(SnapshotEvent e) {
        if (e instanceof SnapshotEvent.Created c) {
            created.labelValues(c.snapshot().kind().id()).inc();
            size.set(c.snapshot().size());
            lastSuccess.set(c.snapshot().createdAt().toEpochMilli() / 1000.0);
        } else if (e instanceof SnapshotEvent.Failed f) {
            failed.labelValues(f.reason().id()).inc();
        } else if (e instanceof SnapshotEvent.Skipped) {
            skipped.inc();
        } else if (e instanceof SnapshotEvent.Restored r) {
            outcome(r.outcome());
            if (r.at() != null) {
                lastSuccess.set(r.at().toEpochMilli() / 1000.0);
            }
        }
    }

    void on(RetentionEvent e) {
        if (e instanceof RetentionEvent.Deleted d) {
            deleted.labelValues(d.kind()).inc();
        }
    }
}
