package io.spark.day9.shadow;

import io.spark.day9.snapshot.SnapshotInfo;
import io.spark.day9.snapshot.SnapshotKind;
import io.spark.day9.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UTC day of the oldest trail segment a restore could start replaying from: the oldest
 * shadow trail mark ({@code data.shadow.mark.segment}, see {@link ShadowState}) among the valid
 * state snapshots on disk. {@link TrailRetention} pins every segment from that day on, so no
 * snapshot a restore may fall back to loses the trail it replays.
 *
 * <p>Empty, so that every trail segment is kept, when there is no valid state snapshot, when one
 * cannot be read, or when one has no shadow mark or a mark at the trail's start (its restore
 * would replay the whole trail).
 *
 * <p>Cost: a snapshot's mark is read once, by streaming its file for that one member, and then
 * cached by file name (snapshot files never change under their name). Threading: safe from any
 * thread (the cache is concurrent; two threads may read the same file once each).
 */
public final class SnapshotTrailMarks implements Supplier<Optional<LocalDate>> {
    private static final Logger log = LoggerFactory.getLogger(SnapshotTrailMarks.class);

    private final SnapshotStore store;
    private final Map<String, Optional<LocalDate>> marks = new ConcurrentHashMap<>();

    public SnapshotTrailMarks(SnapshotStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<LocalDate> get() {
        try {
            LocalDate oldest = null;
            for (SnapshotInfo info : store.list()) {
                if (!info.valid() || info.kind() != SnapshotKind.STATE) {
                    continue;
                }
                Optional<LocalDate> day = marks.computeIfAbsent(info.fileName(),
                        f -> markDay(info.file()));
                if (day.isEmpty()) {
                    return Optional.empty();
                }
                if (oldest == null || day.get().isBefore(oldest)) {
                    oldest = day.get();
                }
            }
            return Optional.ofNullable(oldest);
        } catch (IOException | RuntimeException e) {
            log.warn("retention: cannot read the snapshots' trail marks ({}); keeping every"
                    + " trail segment", e.toString());
            return Optional.empty();
        }
    }

    private Optional<LocalDate> markDay(Path file) {
        try {
            return store.dataText(file, "shadow", "mark", "segment")
                    .flatMap(ShadowTrail::segmentDay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
