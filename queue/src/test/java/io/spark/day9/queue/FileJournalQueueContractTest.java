package io.spark.day9.queue;

import org.junit.jupiter.api.Nested;

/** The {@link JobQueueContract} over the file journal, once per fsync mode. */
class FileJournalQueueContractTest {

    static JobQueue openFile(QueueConfig config, ManualClock clock) {
        return FileJournalQueue.builder(config).clock(clock).open();
    }

    @Nested
    class FsyncBatch extends JobQueueContract {
        @Override
        protected JobQueue open(QueueConfig config, ManualClock clock) {
            return openFile(config.withFsync(FsyncMode.BATCH), clock);
        }
    }

    @Nested
    class FsyncAlways extends JobQueueContract {
        @Override
        protected JobQueue open(QueueConfig config, ManualClock clock) {
            return openFile(config.withFsync(FsyncMode.ALWAYS), clock);
        }
    }

    @Nested
    class FsyncNone extends JobQueueContract {
        @Override
        protected JobQueue open(QueueConfig config, ManualClock clock) {
            return openFile(config.withFsync(FsyncMode.NONE), clock);
        }
    }

    /** Reopens the queue before every claim-side call would be overkill; instead compaction. */
    @Nested
    class TinyCompactionThreshold extends JobQueueContract {
        @Override
        protected JobQueue open(QueueConfig config, ManualClock clock) {
            return openFile(config.withCompactMinBytes(1), clock);
        }
    }
}
