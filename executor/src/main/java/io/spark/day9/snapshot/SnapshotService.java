package io.spark.day9.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import io.spark.day9.retention.Retention;
import io.spark.day9.time.Scheduler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the service's state and of operators' data (the {@code snapshots} component).
 *
 * <ul>
 *   <li><b>Manual</b> ({@link #createManual}): the caller's data, stored as given (kind
 *       {@code manual}).</li>
 *   <li><b>State</b> ({@link #captureState}): one member per registered {@link StateSection},
 *       captured now (kind {@code state}); automatically every {@code SNAPSHOT_INTERVAL_SEC} on
 *       the {@code day9-snapshots} lane, and once at graceful shutdown, by the {@link #schedule()}
 *       component, which the wiring class adds late in the start order (so it stops early,
 *       while the components it captures are still up).</li>
 *   <li><b>Restore</b> ({@link #start()}): this component is added early in the start order,
 *       before the owners of restorable sections start (shadow replays its trail in its own
 *       start, after its section was restored). It removes temp files left by a crash, then
 *       restores from the newest valid state snapshot: an invalid one is skipped (log line,
 *       {@link SnapshotEvent.Skipped}) and the next older one is tried. The outcome is an
 *       event, a health detail and a metric; no outcome stops the service.</li>
 *   <li><b>Retention</b>: after each snapshot and every hour, {@link Retention#apply()} runs
 *       for every registered kind.</li>
 *   <li><b>Failures</b> (disk full, permission denied, read-only, a section that cannot
 *       capture): a {@link SnapshotFailure} to the caller, a log line and a
 *       {@link SnapshotEvent.Failed}; health turns DEGRADED until the next success. Never a
 *       partial file that verifies (see {@link SnapshotStore}), never a stopped service.</li>
 * </ul>
 *
 * <p>Threading: writes are serialised by the store; sections' {@code capture} run on the
 * calling thread (the lane's, an HTTP thread's or the stopping thread's).
 */
public final class SnapshotService implements Component {
    private static final Logger log = LoggerFactory.getLogger(SnapshotService.class);
    /** The name automatic state snapshots are written under. */
    public static final String STATE_NAME = "state";
    /** The actor of automatic snapshots in events and the audit log. */
    public static final String SYSTEM = "system";

    private final SnapshotSettings settings;
    private final SnapshotStore store;
    private final Retention retention;
    private final Clock clock;
    private final Scheduler scheduler;
    private final ObjectMapper mapper;
    private final List<StateSection> sections = new CopyOnWriteArrayList<>();
    private final EventPublisher<SnapshotEvent> events = new EventPublisher<>("snapshots");
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Instant lastSuccessAt;
    private volatile String lastFile;
    private volatile String lastError;
    private volatile SnapshotEvent.Restored restored = new SnapshotEvent.Restored(
            RestoreOutcome.PENDING, null, null, 0, List.of(), "not started");

    public SnapshotService(SnapshotSettings settings, SnapshotStore store, Retention retention,
                           Clock clock, Scheduler scheduler, ObjectMapper mapper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        sections.add(new OwnSection());
    }

    @Override
    public String name() {
        return "snapshots";
    }

    /** Adds a section to state snapshots (before start); names must be unique. */
    public void register(StateSection section) {
        for (StateSection s : sections) {
            if (s.name().equals(section.name())) {
                throw new IllegalArgumentException("state section already registered: "
                        + section.name());
            }
        }
        sections.add(section);
    }

    /** The registered sections' names, in registration order. */
    public List<String> sections() {
        return sections.stream().map(StateSection::name).toList();
    }

    /** Subscribes to created, failed, skipped and restored events. */
    public Subscription subscribe(Consumer<? super SnapshotEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    /** The store (list, verify). */
    public SnapshotStore store() {
        return store;
    }

    /** The settings. */
    public SnapshotSettings settings() {
        return settings;
    }

    /** Removes crash leftovers, then restores (see the class doc). */
    @Override
    public void start() {
        try {
            store.removeTempFiles();
        } catch (IOException | RuntimeException e) {
            log.warn("snapshots: cannot clean temp files in {}: {}", store.dir(), e.toString());
        }
        restore();
    }

    /** The restore outcome at start. */
    public SnapshotEvent.Restored restoreOutcome() {
        return restored;
    }

    private void restore() {
        List<SnapshotInfo> states;
        try {
            states = store.stateFilesNewestFirst();
        } catch (IOException | RuntimeException e) {
            finishRestore(new SnapshotEvent.Restored(RestoreOutcome.ALL_INVALID, null, null, 0,
                    List.of(), "cannot list " + store.dir() + ": " + e));
            return;
        }
        if (states.isEmpty()) {
            finishRestore(new SnapshotEvent.Restored(RestoreOutcome.NONE, null, null, 0,
                    List.of(), "no state snapshot in " + store.dir()));
            return;
        }
        int skipped = 0;
        for (SnapshotInfo s : states) {
            SnapshotStore.Loaded loaded;
            try {
                loaded = store.read(s.file());
            } catch (InvalidSnapshotFile e) {
                skipped++;
                skip(s, e.problem());
                continue;
            } catch (IOException | RuntimeException e) {
                skipped++;
                skip(s, "cannot be read: " + e);
                continue;
            }
            finishRestore(apply(loaded, skipped));
            return;
        }
        finishRestore(new SnapshotEvent.Restored(RestoreOutcome.ALL_INVALID, null, null,
                skipped, List.of(), "none of the " + states.size()
                + " state snapshots is valid; starting without restored state"));
    }

    private void skip(SnapshotInfo s, String problem) {
        log.warn("snapshots: skipping invalid state snapshot {}: {}; trying the next older one",
                s.fileName(), problem);
        events.publish(new SnapshotEvent.Skipped(s.fileName(), problem));
    }

    private SnapshotEvent.Restored apply(SnapshotStore.Loaded loaded, int skipped) {
        List<String> done = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (StateSection section : sections) {
            if (!section.restorable()) {
                continue;
            }
            JsonNode member = loaded.data().get(section.name());
            if (member == null) {
                log.info("snapshots: {} has no '{}' section; it starts empty",
                        loaded.info().fileName(), section.name());
                continue;
            }
            try {
                section.restore(member);
                done.add(section.name());
            } catch (RuntimeException e) {
                failures.add(section.name() + ": " + e.getMessage());
                log.error("snapshots: section '{}' of {} was refused: {}", section.name(),
                        loaded.info().fileName(), e.toString());
            }
        }
        String file = loaded.info().fileName();
        Instant at = loaded.info().createdAt();
        if (lastSuccessAt == null || at.isAfter(lastSuccessAt)) {
            lastSuccessAt = at; // the restored snapshot was itself a success
            lastFile = file;
        }
        if (!failures.isEmpty()) {
            return new SnapshotEvent.Restored(RestoreOutcome.SECTION_FAILED, file,
                    loaded.info().createdAt(), skipped, done, String.join("; ", failures));
        }
        return new SnapshotEvent.Restored(RestoreOutcome.RESTORED, file,
                loaded.info().createdAt(), skipped, done, "restored " + done + " from " + file);
    }

    private void finishRestore(SnapshotEvent.Restored r) {
        restored = r;
        if (r.outcome() == RestoreOutcome.RESTORED || r.outcome() == RestoreOutcome.NONE) {
            log.info("snapshots: restore at start: {} ({})", r.outcome().id(), r.detail());
        } else {
            log.warn("snapshots: restore at start: {} ({})", r.outcome().id(), r.detail());
        }
        events.publish(r);
    }

    /**
     * Writes the caller's data as a manual snapshot.
     *
     * @throws InvalidSnapshotRequest for a bad name or data over the limit (nothing written)
     * @throws SnapshotFailure        when it cannot be written
     */
    public SnapshotInfo createManual(String name, ObjectNode data, String actor) {
        SnapshotStore.checkName(name);
        Objects.requireNonNull(data, "data");
        byte[] bytes = store.canonical(data);
        checkSize(bytes.length, "data");
        return write(name, SnapshotKind.MANUAL, bytes, actor);
    }

    /**
     * Captures every section now and writes a state snapshot under {@code name}.
     *
     * @throws InvalidSnapshotRequest for a bad name
     * @throws SnapshotFailure        when a section cannot capture, the state is over the
     *                                limit, or the file cannot be written
     */
    public SnapshotInfo captureState(String name, String actor) {
        SnapshotStore.checkName(name);
        byte[] bytes;
        try {
            ObjectNode data = mapper.createObjectNode();
            for (StateSection section : sections) {
                data.set(section.name(), section.capture());
            }
            bytes = store.canonical(data);
        } catch (RuntimeException e) {
            throw fail(name, SnapshotKind.STATE, SnapshotFailure.Reason.CAPTURE,
                    "capturing the state failed: " + e, e, actor);
        }
        if (bytes.length > settings.maxBytes()) {
            throw fail(name, SnapshotKind.STATE, SnapshotFailure.Reason.CAPTURE,
                    "the state is " + bytes.length + " bytes, over SNAPSHOT_MAX_BYTES ("
                            + settings.maxBytes() + ")", null, actor);
        }
        return write(name, SnapshotKind.STATE, bytes, actor);
    }

    private void checkSize(long size, String field) {
        if (size > settings.maxBytes()) {
            throw new InvalidSnapshotRequest(field, "is " + size + " bytes, over "
                    + "SNAPSHOT_MAX_BYTES (" + settings.maxBytes() + ")", true);
        }
    }

    private SnapshotInfo write(String name, SnapshotKind kind, byte[] bytes, String actor) {
        SnapshotInfo info;
        try {
            info = store.write(name, kind, clock.instant(), bytes);
        } catch (IOException | RuntimeException e) {
            SnapshotFailure.Reason reason = SnapshotFailure.classify(
                    e instanceof java.io.UncheckedIOException u ? u.getCause() : e);
            throw fail(name, kind, reason, "cannot write the snapshot in " + store.dir() + " ("
                    + reason.id() + "): " + e.getMessage(), e, actor);
        }
        created.incrementAndGet();
        lastSuccessAt = info.createdAt();
        lastFile = info.fileName();
        lastError = null;
        log.info("snapshots: wrote {} snapshot {} ({} bytes, sha256 {})", kind.id(),
                info.fileName(), info.size(), info.sha256());
        events.publish(new SnapshotEvent.Created(info, actor));
        applyRetention(SnapshotStore.RETAINED_KIND); // the other kinds run on the hourly pass
        return info;
    }

    private SnapshotFailure fail(String name, SnapshotKind kind, SnapshotFailure.Reason reason,
                                 String message, Throwable cause, String actor) {
        failed.incrementAndGet();
        lastError = message;
        log.error("snapshots: {} snapshot '{}' failed: {}", kind.id(), name, message);
        events.publish(new SnapshotEvent.Failed(name, kind, reason, message, actor));
        return new SnapshotFailure(reason, message, cause);
    }

    /** Runs retention for every kind; failures are logged by {@link Retention}. */
    public void applyRetention() {
        applyRetention(null);
    }

    /** Runs retention for one kind, or every kind when {@code kind} is null. */
    private void applyRetention(String kind) {
        try {
            retention.apply(kind);
        } catch (RuntimeException e) {
            log.warn("snapshots: retention pass failed: {}", e.toString());
        }
    }

    /** Every snapshot file, verified, oldest first. */
    public List<SnapshotInfo> list() throws IOException {
        return store.list();
    }

    /** When the last snapshot was written (null before the first, unless restored). */
    public Instant lastSuccessAt() {
        return lastSuccessAt;
    }

    @Override
    public Health health() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dir", store.dir().toString());
        d.put("intervalSec", settings.interval().toSeconds());
        d.put("restore", restored.outcome().id());
        if (restored.file() != null) {
            d.put("restoredFrom", restored.file());
        }
        d.put("restoreSkipped", restored.skipped());
        d.put("created", created.get());
        d.put("failed", failed.get());
        if (lastSuccessAt != null) {
            d.put("lastSuccessAt", lastSuccessAt.toString());
            d.put("lastFile", lastFile);
        }
        String error = lastError;
        if (error != null) {
            d.put("lastError", error);
            return Health.degraded(d);
        }
        return Health.up(d);
    }

    /**
     * The component that takes automatic state snapshots: every {@code SNAPSHOT_INTERVAL_SEC}
     * (when above 0) and retention every hour on the {@code day9-snapshots} lane, and one state
     * snapshot when it stops. Add it after the components whose state it captures (so it stops
     * before them).
     */
    public Component schedule() {
        return new Schedule();
    }

    private final class Schedule implements Component {
        private Scheduler.Lane lane;

        @Override
        public String name() {
            return "snapshot-schedule";
        }

        @Override
        public void start() {
            lane = scheduler.lane("day9-snapshots");
            Duration every = settings.interval();
            if (!every.isZero()) {
                lane.every(every, every, () -> automatic("interval"));
            }
            lane.every(SnapshotSettings.RETENTION_PERIOD, SnapshotSettings.RETENTION_PERIOD,
                    SnapshotService.this::applyRetention);
        }

        @Override
        public void stop() throws InterruptedException {
            if (lane != null) {
                lane.close();
                lane.awaitTermination(Duration.ofSeconds(10));
            }
            automatic("shutdown");
        }

        @Override
        public Health health() {
            return Health.up(Map.of("intervalSec", settings.interval().toSeconds()));
        }
    }

    private void automatic(String why) {
        try {
            SnapshotInfo info = captureState(STATE_NAME, SYSTEM);
            log.debug("snapshots: {} state snapshot {}", why, info.fileName());
        } catch (RuntimeException e) {
            // counted and logged by fail(); the schedule goes on
            log.debug("snapshots: {} state snapshot failed: {}", why, e.toString());
        }
    }

    /**
     * The service's own restorable section, {@code snapshots}: when the last snapshot was
     * written, so the last-success metric and health survive a restart.
     */
    private final class OwnSection implements StateSection {
        @Override
        public String name() {
            return "snapshots";
        }

        @Override
        public JsonNode capture() {
            ObjectNode n = mapper.createObjectNode();
            Instant last = lastSuccessAt;
            n.put("lastSuccessAt", last == null ? null : last.toString());
            n.put("lastFile", lastFile);
            return n;
        }

        @Override
        public boolean restorable() {
            return true;
        }

        @Override
        public void restore(JsonNode state) {
            JsonNode at = state.get("lastSuccessAt");
            if (at == null || !(at.isNull() || at.isTextual())) {
                throw new IllegalArgumentException("snapshots.lastSuccessAt must be an "
                        + "ISO-8601 instant or null");
            }
            Instant parsed;
            try {
                parsed = at.isNull() ? null : Instant.parse(at.asText());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("snapshots.lastSuccessAt is not an "
                        + "ISO-8601 instant: " + at.asText());
            }
            JsonNode file = state.get("lastFile");
            if (lastSuccessAt == null && parsed != null) {
                lastSuccessAt = parsed;
                lastFile = file == null || file.isNull() ? null : file.asText();
            }
        }
    }
}
