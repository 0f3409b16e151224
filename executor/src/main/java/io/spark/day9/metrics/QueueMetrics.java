package io.spark.day9.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.spark.day9.jobs.Queues;
import io.spark.day9.jobs.Worker;
import io.spark.day9.jobs.WorkerEvent;
import io.spark.day9.queue.QueueStats;
import io.spark.day9.queue.event.QueueEvent;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Queue metrics, all labelled by {@code queue}. Counters follow the queues' events; gauges read
 * each open queue's stats at scrape time.
 *
 * <p>{@code spark_queue_processed_total} counts jobs that left the live queue (acked, or
 * dead-lettered), so the operations guide's backlog query
 * {@code spark_queue_enqueued_total - spark_queue_processed_total} returns to 0 once everything
 * enqueued has been dealt with. Counters restart at 0 with the process, as Prometheus expects.
 *
 * <p>Every series exists from the moment its queue is open: each counter and histogram is
 * created at 0 for the queue, and the worker's for the queue × each registered handler route ×
 * each outcome, so {@code rate()}, {@code increase()} and the backlog query see a queue before
 * its first event. {@code spark_queue_quarantined_lines_total} reads the queue's stats, so the
 * metric, the stats and health count the same lines (quarantine happens while the queue opens,
 * before any listener could see an event).
 */
public final class QueueMetrics {
    private final Counter enqueued;
    private final Counter processed;
    private final Counter acked;
    private final Counter redelivered;
    private final Counter deadLettered;
    private final Counter nacked;
    private final Counter dedupHits;
    private final Counter storageErrors;
    private final Counter compactions;
    private final Histogram fsyncBatch;
    private final Histogram fsyncSeconds;
    private final Counter workerJobs;
    private final Histogram workerSeconds;
    private volatile Worker worker;
    private final PrometheusRegistry registry;
    private final Queues queues;

    public QueueMetrics(PrometheusRegistry registry, Queues queues) {
        this.registry = registry;
        this.queues = queues;
        enqueued = counter(registry, "spark_queue_enqueued_total",
                "jobs that entered the live queue: new jobs (dedup hits not counted) and "
                        + "redriven dead letters");
        processed = counter(registry, "spark_queue_processed_total",
                "jobs that left the live queue: acked or dead-lettered");
        acked = counter(registry, "spark_queue_acked_total", "jobs acknowledged");
        redelivered = counter(registry, "spark_queue_redelivered_total",
                "second and later deliveries (after a visibility timeout, a nack or a crash)");
        deadLettered = counter(registry, "spark_queue_dead_lettered_total",
                "jobs moved to the dead-letter queue");
        nacked = counter(registry, "spark_queue_nacked_total", "deliveries given back");
        dedupHits = counter(registry, "spark_queue_dedup_hits_total",
                "enqueues answered with a pending job's id because of their dedup key");
        CounterWithCallback.builder().name("spark_queue_quarantined_lines_total")
                .help("corrupt journal lines moved to the quarantine file at open")
                .labelNames("queue")
                .callback(cb -> queues.stats().forEach(s ->
                        cb.call(s.quarantinedLines(), s.queue())))
                .register(registry);
        storageErrors = counter(registry, "spark_queue_storage_errors_total",
                "journal write, fsync or read failures");
        compactions = counter(registry, "spark_queue_compactions_total", "journal compactions");
        fsyncBatch = Histogram.builder().name("spark_queue_fsync_batch_records")
                .help("records made durable by one group commit")
                .labelNames("queue").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
                .register(registry);
        fsyncSeconds = Histogram.builder().name("spark_queue_fsync_duration_seconds")
                .help("time to write and force one group commit").unit(Unit.SECONDS)
                .labelNames("queue").classicOnly()
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                        0.05, 0.1, 0.25, 1)
                .register(registry);
        workerJobs = Counter.builder().name("spark_worker_jobs_total")
                .help("jobs the built-in worker handled, by handler route and outcome")
                .labelNames("queue", "route", "outcome").register(registry);
        workerSeconds = Histogram.builder().name("spark_worker_job_duration_seconds")
                .help("time from claim to settle of one job in the built-in worker")
                .unit(Unit.SECONDS).labelNames("queue", "route").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30)
                .register(registry);

        gauge(registry, queues, "spark_queue_lag_seconds",
                "age of the oldest ready job (0 when none is waiting)",
                s -> s.oldestReadyAgeMs() / 1000.0, Unit.SECONDS);
        gauge(registry, queues, "spark_queue_depth", "jobs not yet acked or dead: ready, "
                + "delayed and in flight", QueueStats::depth, null);
        gauge(registry, queues, "spark_queue_ready", "jobs claimable now", QueueStats::ready, null);
        gauge(registry, queues, "spark_queue_in_flight", "jobs claimed and not yet settled",
                QueueStats::inFlight, null);
        gauge(registry, queues, "spark_queue_delayed", "jobs waiting for a delay or backoff",
                QueueStats::delayed, null);
        gauge(registry, queues, "spark_queue_dead_letters", "jobs in the dead-letter queue",
                QueueStats::dead, null);
        gauge(registry, queues, "spark_queue_journal_bytes", "size of the journal file",
                QueueStats::journalBytes, Unit.BYTES);
        gauge(registry, queues, "spark_queue_storage_failing", "1 while the queue's storage is "
                + "failing (disk full, I/O error), until a write succeeds again; else 0",
                st -> st.storageFailing() ? 1 : 0, null);
        gauge(registry, queues, "spark_queue_torn_tail_bytes", "bytes of an unterminated last "
                + "journal line (a write cut by a crash, never acknowledged) cut at open",
                QueueStats::tornTailBytes, Unit.BYTES);
        queues.subscribe(this::onEvent);
        queues.onOpen(this::declare);
    }

    /** Also count what the worker does. */
    public void observe(Worker worker) {
        this.worker = worker;
        Queues queues = this.queues;
        GaugeWithCallback.builder().name("spark_queue_parked_jobs")
                .help("jobs the built-in worker holds parked (claimed, not counted as a "
                        + "delivery) while trading is stopped for their scope")
                .labelNames("queue")
                .callback(cb -> cb.call(worker.parked(), queues.defaultName()))
                .register(registry);
        worker.subscribe(e -> {
            if (e instanceof WorkerEvent.Handled h) {
                workerJobs.labelValues(h.queue(), h.route(), h.outcome()).inc();
                workerSeconds.labelValues(h.queue(), h.route()).observe(h.nanos() / 1e9);
            }
        });
    }

    /** Creates every series of queue {@code q} at 0. */
    private void declare(String q) {
        for (Counter c : List.of(enqueued, processed, acked, redelivered, deadLettered, nacked,
                dedupHits, storageErrors, compactions)) {
            c.labelValues(q);
        }
        fsyncBatch.labelValues(q);
        fsyncSeconds.labelValues(q);
        Worker w = worker;
        if (w != null) {
            for (String route : w.routes()) {
                for (String outcome : Worker.OUTCOMES) {
                    workerJobs.labelValues(q, route, outcome);
                }
                workerSeconds.labelValues(q, route);
            }
        }
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help) {
        return Counter.builder().name(name).help(help).labelNames("queue").register(registry);
    }

    private static void gauge(PrometheusRegistry registry, Queues queues, String name,
                              String help, ToDoubleFunction<QueueStats> value, Unit unit) {
        GaugeWithCallback.Builder b = GaugeWithCallback.builder().name(name).help(help)
                .labelNames("queue")
                .callback(cb -> {
                    List<QueueStats> all = queues.stats();
                    for (QueueStats s : all) {
                        cb.call(value.applyAsDouble(s), s.queue());
                    }
                });
        if (unit != null) {
            b.unit(unit);
        }
        b.register(registry);
    }

    private void onEvent(QueueEvent e) {
        String q = e.queue();
        if (e instanceof QueueEvent.Enqueued || e instanceof QueueEvent.Redriven) {
            enqueued.labelValues(q).inc();
        } else if (e instanceof QueueEvent.DedupHit) {
            dedupHits.labelValues(q).inc();
        } else if (e instanceof QueueEvent.Redelivered) {
            redelivered.labelValues(q).inc();
        } else if (e instanceof QueueEvent.Acked) {
            acked.labelValues(q).inc();
            processed.labelValues(q).inc();
        } else if (e instanceof QueueEvent.Nacked) {
            nacked.labelValues(q).inc();
        } else if (e instanceof QueueEvent.DeadLettered) {
            deadLettered.labelValues(q).inc();
            processed.labelValues(q).inc();
        } else if (e instanceof QueueEvent.FsyncBatch b) {
            fsyncBatch.labelValues(q).observe(b.records());
            fsyncSeconds.labelValues(q).observe(b.durationNanos() / 1e9);
        } else if (e instanceof QueueEvent.StorageFailed) {
            storageErrors.labelValues(q).inc();
        } else if (e instanceof QueueEvent.Compacted) {
            compactions.labelValues(q).inc();
        }
        // Claimed, Purged, TailTruncated, StorageRecovered: health and logs only;
        // LineQuarantined: read from the stats (see the class comment)
    }
}
