package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueListener;
import java.util.List;

/**
 * The backend seam: makes {@link JobQueue}s of one backend. {@link QueueBackends} has the
 * built-in ones ({@code file}, {@code memory}); a backend in another module (JetStream)
 * implements this interface and runs the published {@code JobQueueContract} suite unchanged.
 * Implementations are thread-safe.
 */
public interface JobQueueFactory {

    /** The backend's name, as configured ({@code file}, {@code memory}, ...). */
    String backend();

    /**
     * Opens (creating or recovering) the queue {@code name}.
     *
     * @param name a legal queue name ({@link QueueNames})
     * @param policy delivery, dedup, bounds and backoff
     * @param listeners subscribed before recovery runs, so they also see recovery events
     *     (lines quarantined, torn tail cut)
     * @throws IllegalArgumentException for an illegal name
     * @throws QueueLockedException when the queue is already open elsewhere
     * @throws QueueStorageException when its storage cannot be read or repaired
     */
    JobQueue open(String name, QueuePolicy policy, List<QueueListener> listeners);

    /**
     * The names of the queues this backend already stores (for opening them all at start),
     * sorted; entries that are not legal queue names are left out. Empty when the backend
     * cannot tell.
     */
    default List<String> existing() {
        return List.of();
    }
}
