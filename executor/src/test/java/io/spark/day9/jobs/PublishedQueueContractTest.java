package io.spark.day9.jobs;

import io.spark.day9.queue.JobQueue;
import io.spark.day9.queue.JobQueueContract;
import io.spark.day9.queue.JobQueueFactory;
import io.spark.day9.queue.ManualClock;
import io.spark.day9.queue.QueueBackends;
import io.spark.day9.queue.QueueConfig;
import java.util.List;
import org.junit.jupiter.api.Nested;

/**
 * Proves the queue module's published contract suite (its test-jar) runs unchanged from
 * another module and package, through the backend factories {@link Queues} uses: the way a
 * JetStream backend will run it.
 */
class PublishedQueueContractTest {

    @Nested
    class FileBackend extends JobQueueContract {
        @Override
        protected JobQueue open(QueueConfig config, ManualClock clock) {
            return QueueBackends.file(config.fileJournal(), clock)
                    .open(config.name(), config.policy(), List.of());
        }
    }

    @Nested
    class MemoryBackend extends JobQueueContract {
        private JobQueueFactory factory;

        @Override
        protected JobQueue open(QueueConfig config, ManualClock clock) {
            if (factory == null) {
                factory = QueueBackends.memory(clock);
            }
            return factory.open(config.name(), config.policy(), List.of());
        }
    }
}
