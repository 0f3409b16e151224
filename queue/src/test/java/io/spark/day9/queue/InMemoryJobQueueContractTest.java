package io.spark.day9.queue;

import java.util.List;

/** The {@link JobQueueContract} over the in-memory reference backend. */
class InMemoryJobQueueContractTest extends JobQueueContract {
    private JobQueueFactory factory;

    @Override
    protected JobQueue open(QueueConfig config, ManualClock clock) {
        if (factory == null) {
            factory = QueueBackends.memory(clock);
        }
        return factory.open(config.name(), config.policy(), List.of());
    }
}
