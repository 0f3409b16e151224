package io.spark.day9.queue;

import io.spark.day9.queue.event.QueueListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Factories for the built-in backends. A backend living in another module implements
 * {@link JobQueueFactory} itself; nothing here needs to know it.
 */
public final class QueueBackends {
    private QueueBackends() {
    }

    /**
     * The file-journal backend: queue {@code q} lives in {@code config.dir()/q/}.
     * {@link JobQueueFactory#existing()} lists the sub-directories of {@code config.dir()}
     * whose names are legal queue names.
     */
    public static JobQueueFactory file(FileJournalConfig config, LongSupplier clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        return new JobQueueFactory() {
            @Override
            public String backend() {
                return QueueBackend.FILE.id();
            }

            @Override
            public JobQueue open(String name, QueuePolicy policy,
                                 List<QueueListener> listeners) {
                FileJournalQueue.Builder b = FileJournalQueue
                        .builder(QueueConfig.of(name, policy, config)).clock(clock);
                listeners.forEach(b::listener);
                return b.open();
            }

            @Override
            public List<String> existing() {
                Path root = config.dir();
                if (!Files.isDirectory(root)) {
                    return List.of();
                }
                try (Stream<Path> s = Files.list(root)) {
                    return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                            .filter(QueueNames::isValid).sorted().toList();
                } catch (IOException e) {
                    throw new UncheckedIOException("listing queue directories in " + root, e);
                }
            }

            @Override
            public String toString() {
                return "file backend in " + config.dir();
            }
        };
    }

    /**
     * The in-memory backend. Its queues live as long as this factory: closing a queue and
     * opening the same name again gives back its jobs (as a restart of the file backend
     * would), which lets the contract suite's reopen tests run unchanged.
     */
    public static JobQueueFactory memory(LongSupplier clock) {
        Objects.requireNonNull(clock, "clock");
        Map<String, InMemoryJobQueue.Store> stores = new ConcurrentHashMap<>();
        return new JobQueueFactory() {
            @Override
            public String backend() {
                return QueueBackend.MEMORY.id();
            }

            @Override
            public JobQueue open(String name, QueuePolicy policy,
                                 List<QueueListener> listeners) {
                QueueNames.check(name);
                InMemoryJobQueue.Store store = stores.computeIfAbsent(name,
                        n -> new InMemoryJobQueue.Store());
                return InMemoryJobQueue.open(name, policy, clock, store, listeners);
            }

            @Override
            public List<String> existing() {
                return stores.keySet().stream().sorted().toList();
            }

            @Override
            public String toString() {
                return "memory backend";
            }
        };
    }

    /** The built-in backend {@code backend}; {@code file} needs {@code fileConfig}. */
    public static JobQueueFactory of(QueueBackend backend, FileJournalConfig fileConfig,
                                     LongSupplier clock) {
        return switch (backend) {
            case FILE -> file(fileConfig, clock);
            case MEMORY -> memory(clock);
        };
    }
}
