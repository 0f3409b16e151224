package io.spark.day9.retention;

import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.retention.RetainedKind.RetainedFile;
import io.spark.day9.retention.RetentionPolicy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each registered {@link RetainedKind}'s policy: plans (who is kept, who goes, and why)
 * and deletes. One instance per executor; subsystems register their kinds at wiring time, the
 * snapshot service runs {@link #apply()} after each snapshot and on its schedule, and
 * {@code prune --dry-run} prints {@link #plan()}.
 *
 * <p>Guarantees: a kind whose files cannot be listed deletes nothing in that pass (and says so
 * with a {@link RetentionEvent.ListFailed}); a file that cannot be deleted stays, is reported,
 * and the pass goes on with the next file. Every deletion is published as a
 * {@link RetentionEvent.Deleted}, which metrics count and the audit log records.
 *
 * <p>Threading: {@link #apply()} is synchronized, so two passes never race on one directory;
 * {@link #plan()} only reads.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final Clock clock;
    private final List<RetainedKind> kinds = new CopyOnWriteArrayList<>();
    private final EventPublisher<RetentionEvent> events = new EventPublisher<>("retention");

    public Retention(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds a kind; its name must be unique. */
    public void register(RetainedKind kind) {
        for (RetainedKind k : kinds) {
            if (k.kind().equals(kind.kind())) {
                throw new IllegalArgumentException("retention kind already registered: "
                        + kind.kind());
            }
        }
        kinds.add(kind);
    }

    /** The registered kinds' names, in registration order. */
    public List<String> kinds() {
        return kinds.stream().map(RetainedKind::kind).toList();
    }

    /** Subscribes to deletions and failures. */
    public Subscription subscribe(Consumer<? super RetentionEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    /** One file's verdict, with its kind and path. */
    public record Planned(String kind, Path path, Verdict verdict, RetentionPolicy policy) {
        /** The verdict with its figures, e.g. "deleted as older than 7 days (age 9d 2h)". */
        public String explain() {
            return verdict.explain(policy);
        }
    }

    /**
     * What a pass would do now, for every registered kind (or only {@code onlyKind} when not
     * null). A kind that cannot be listed is left out and logged.
     */
    public List<Planned> plan(String onlyKind) {
        List<Planned> out = new ArrayList<>();
        for (RetainedKind kind : kinds) {
            if (onlyKind != null && !onlyKind.equals(kind.kind())) {
                continue;
            }
            try {
                out.addAll(planKind(kind));
            } catch (IOException | RuntimeException e) {
                log.warn("retention: cannot list {} files: {}", kind.kind(), e.toString());
                events.publish(new RetentionEvent.ListFailed(kind.kind(), e.toString()));
            }
        }
        return out;
    }

    /** {@link #plan(String)} for every kind. */
    public List<Planned> plan() {
        return plan((String) null);
    }

    private List<Planned> planKind(RetainedKind kind) throws IOException {
        List<RetainedFile> files = kind.candidates();
        Map<String, Path> byId = files.stream().collect(Collectors.toMap(
                f -> f.candidate().id(), RetainedFile::path, (a, b) -> {
                    throw new IllegalStateException(kind.kind() + ": two files with id " + a);
                }));
        RetentionPolicy policy = kind.policy();
        List<Planned> out = new ArrayList<>(files.size());
        for (Verdict v : policy.decide(files.stream().map(RetainedFile::candidate).toList(),
                clock.instant())) {
            out.add(new Planned(kind.kind(), byId.get(v.candidate().id()), v, policy));
        }
        return out;
    }

    /**
     * Deletes what {@link #plan(String)} marks for deletion (one kind, or all when null) and
     * returns the deleted files' plans.
     */
    public synchronized List<Planned> apply(String onlyKind) {
        List<Planned> deleted = new ArrayList<>();
        for (Planned p : plan(onlyKind)) {
            if (p.verdict().keep()) {
                continue;
            }
            try {
                if (Files.deleteIfExists(p.path())) {
                    deleted.add(p);
                    log.info("retention: deleted {} file {}: {}", p.kind(), p.path(),
                            p.explain());
                    events.publish(new RetentionEvent.Deleted(p.kind(), p.path(), p.explain()));
                }
            } catch (IOException | RuntimeException e) {
                log.warn("retention: cannot delete {} file {}: {}", p.kind(), p.path(),
                        e.toString());
                events.publish(new RetentionEvent.DeleteFailed(p.kind(), p.path(),
                        e.toString()));
            }
        }
        return deleted;
    }

    /** {@link #apply(String)} for every kind. */
    public List<Planned> apply() {
        return apply((String) null);
    }
}
