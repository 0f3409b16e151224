package io.spark.day9.jobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.config.Day9Config;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.queue.FileJournalQueue;
import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.JobQueueFactory;
import io.spark.day9.queue.QueueBackends;
import io.spark.day9.queue.QueueConfig;
import io.spark.day9.queue.QueuePolicy;
import io.spark.day9.queue.QueueStats;
import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.queue.event.QueueListener;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Queues}: every stored queue visible after a restart; failures shown in health. */
class QueuesTest {
    @TempDir
    Path dir;

    private Day9Config.Queue config() {
        return new Day9Config.Queue(QueueConfig.of(dir, "signals"), false, 1);
    }

    @Test
    void storedQueuesWithPendingJobsAreOpenAtStartAndABrokenOneIsReportedNotFatal()
            throws Exception {
        try (FileJournalQueue manual = FileJournalQueue.open(QueueConfig.of(dir, "manual"))) {
            manual.enqueue("{\"job\":\"x\"}".getBytes(UTF_8));
        }
        // a queue directory whose journal cannot be opened (it is a directory)
        Files.createDirectories(dir.resolve("broken").resolve("journal.ndjson"));
        Files.createDirectories(dir.resolve(".hidden")); // not a queue name: ignored
        Queues queues = new Queues(config(), System::currentTimeMillis);
        queues.start();
        try {
            assertThat(queues.stats()).extracting(QueueStats::queue)
                    .containsExactlyInAnyOrder("signals", "manual");
            assertThat(queues.get("manual").stats().depth()).isEqualTo(1);
            Health h = queues.health();
            assertThat(h.status()).isEqualTo(Health.Status.DEGRADED);
            assertThat(h.details()).containsKeys("signals", "manual", "broken")
                    .doesNotContainKey(".hidden");
            @SuppressWarnings("unchecked")
            Map<String, Object> broken = (Map<String, Object>) h.details().get("broken");
            assertThat(broken.get("status")).isEqualTo("DEGRADED");
            assertThat((String) broken.get("open")).startsWith("failed: ")
                    .contains("journal.ndjson");
        } finally {
            queues.stop();
        }
    }

    @Test
    void listenersSeeLinesQuarantinedByRecoveryAtStart() throws Exception {
        try (FileJournalQueue q = FileJournalQueue.open(QueueConfig.of(dir, "signals"))) {
            q.enqueue("{}".getBytes(UTF_8));
        }
        Files.writeString(dir.resolve("signals/journal.ndjson"), "garbage\nmore garbage\n",
                java.nio.file.StandardOpenOption.APPEND);
        List<QueueEvent> seen = new CopyOnWriteArrayList<>();
        Queues queues = new Queues(config(), System::currentTimeMillis);
        queues.subscribe(seen::add);
        queues.start();
        try {
            assertThat(seen.stream().filter(e -> e instanceof QueueEvent.LineQuarantined))
                    .hasSize(2);
            assertThat(queues.defaultQueue().stats().quarantinedLines()).isEqualTo(2);
            assertThat(queues.health().status()).isEqualTo(Health.Status.DEGRADED);
        } finally {
            queues.stop();
        }
    }

    @Test
    void aFailingDefaultQueueIsDegradedInHealthAndFailsReadinessUntilItWritesAgain()
            throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        JobQueueFactory memory = QueueBackends.memory(System::currentTimeMillis);
        JobQueueFactory failingStorage = new JobQueueFactory() {
            @Override
            public String backend() {
                return "test";
            }

            @Override
            public JobQueue open(String name, QueuePolicy policy, List<QueueListener> ls) {
                JobQueue real = memory.open(name, policy, ls);
                return (JobQueue) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {JobQueue.class}, (p, m, args) -> {
                            Object r = m.invoke(real, args);
                            if (r instanceof QueueStats s && failing.get()) {
                                return new QueueStats(s.queue(), s.depth(), s.ready(),
                                        s.delayed(), s.inFlight(), s.dead(), s.bytes(),
                                        s.journalBytes(), s.oldestReadyAgeMs(),
                                        s.quarantinedLines(), 0, true,
                                        "java.io.IOException: No space left on device");
                            }
                            return r;
                        });
            }
        };
        Queues queues = new Queues(config(), failingStorage);
        io.prometheus.metrics.model.registry.PrometheusRegistry registry =
                new io.prometheus.metrics.model.registry.PrometheusRegistry();
        new io.spark.day9.metrics.QueueMetrics(registry, queues);
        queues.start();
        try {
            assertThat(queues.health().status()).isEqualTo(Health.Status.UP);
            assertThat(scrape(registry)).contains("spark_queue_storage_failing{queue=\"signals\"} 0");
            failing.set(true);
            assertThat(scrape(registry)).contains("spark_queue_storage_failing{queue=\"signals\"} 1");
            Health h = queues.health();
            assertThat(h.status()).isEqualTo(Health.Status.DOWN); // readiness fails on DOWN
            @SuppressWarnings("unchecked")
            Map<String, Object> q = (Map<String, Object>) h.details().get("signals");
            assertThat(q.get("status")).isEqualTo("DEGRADED");
            assertThat((String) q.get("storage")).contains("No space left on device");
            assertThat(q.get("storageFailing")).isEqualTo(true);
            failing.set(false);
            assertThat(queues.health().status()).isEqualTo(Health.Status.UP);
            assertThat(scrape(registry)).contains("spark_queue_storage_failing{queue=\"signals\"} 0");
        } finally {
            queues.stop();
        }
    }

    private static String scrape(io.prometheus.metrics.model.registry.PrometheusRegistry registry)
            throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.ExpositionFormats.init()
                .getPrometheusTextFormatWriter().write(out, registry.scrape());
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void anOperatorPauseIsWrittenBeforeItIsAnsweredAndReadBackAtStart() throws Exception {
        List<PauseAction> actions = new CopyOnWriteArrayList<>();
        long[] now = {1_700_000_000_000L};
        Queues queues = new Queues(config(), QueueBackends.file(
                QueueConfig.of(dir, "signals").fileJournal(), () -> now[0]), () -> now[0]);
        queues.subscribePauses(actions::add);
        queues.start();
        try {
            assertThat(queues.paused("signals")).isFalse();
            QueuePause p = queues.pause(queues.get("signals"), true, "admin@1.2.3.4");
            assertThat(p).isEqualTo(new QueuePause(true, "admin@1.2.3.4", now[0], null));
            assertThat(Files.readString(dir.resolve("signals/paused.json")))
                    .contains("\"paused\":true").contains("admin@1.2.3.4");
            assertThat(actions).containsExactly(new PauseAction("admin@1.2.3.4", "signals",
                    true));
            @SuppressWarnings("unchecked")
            Map<String, Object> one = (Map<String, Object>) queues.health().details()
                    .get("signals");
            assertThat(one.get("paused")).isEqualTo(true);
        } finally {
            queues.stop();
        }
        Queues again = new Queues(config(), System::currentTimeMillis);
        again.start();
        try {
            assertThat(again.paused("signals")).isTrue();
            assertThat(again.pauseOf("signals").by()).isEqualTo("admin@1.2.3.4");
            again.pause(again.get("signals"), false, "ops");
            assertThat(again.paused("signals")).isFalse();
        } finally {
            again.stop();
        }
        Queues third = new Queues(config(), System::currentTimeMillis);
        third.start();
        try {
            assertThat(third.paused("signals")).isFalse();
        } finally {
            third.stop();
        }
    }

    @Test
    void aDamagedPauseFileKeepsTheQueuePausedAndSaysWhy() throws Exception {
        try (FileJournalQueue q = FileJournalQueue.open(QueueConfig.of(dir, "signals"))) {
            q.enqueue("{}".getBytes(UTF_8));
        }
        Files.writeString(dir.resolve("signals/paused.json"), "{\"paused\":");
        Queues queues = new Queues(config(), System::currentTimeMillis);
        queues.start();
        try {
            assertThat(queues.paused("signals")).isTrue();
            assertThat(queues.pauseOf("signals").note()).contains("paused.json")
                    .contains("kept paused until resumed");
            queues.pause(queues.get("signals"), false, "ops");
            assertThat(queues.paused("signals")).isFalse();
            assertThat(Files.readString(dir.resolve("signals/paused.json")))
                    .contains("\"paused\":false");
        } finally {
            queues.stop();
        }
    }
}
