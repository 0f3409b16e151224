package io.spark.day9.shadow;

import io.spark.day9.retention.NamedFiles;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.retention.RetentionPolicy.Candidate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Retention of the shadow trail's daily segments ({@code SHADOW_DIR/orders-YYYY-MM-DD.ndjson},
 * see {@link ShadowTrail}): kind {@value #KIND}, one group, so the newest closed segment is
 * always kept besides the pinned ones.
 *
 * <p><b>Dating.</b> A segment is dated from its name: it holds the records of one UTC day, and
 * it is aged from the <em>end</em> of that day (the next day's 00:00 UTC), the latest time any
 * of its records can carry. So a segment is deleted only once its newest record is older than
 * the policy's days. No mtime and no local time zone is involved.
 *
 * <p><b>Pinned (never deleted, whatever the policy).</b>
 * <ul>
 *   <li>the segment the trail has open for appending, and every segment dated today (UTC, on
 *       the injected clock) or later: a write may still go to them;</li>
 *   <li>every segment a restart would still replay: those dated on or after the day
 *       {@code replayFrom} names (the oldest trail mark among the state snapshots a restore
 *       could start from). When {@code replayFrom} is empty, no snapshot bounds the replay:
 *       the whole trail is what rebuilds positions, resting orders and idempotency on start,
 *       so <em>every</em> segment is pinned and nothing is deleted.</li>
 * </ul>
 * Files in the directory that are not segments (other names, a name that is not a real date,
 * directories) are never listed, so never touched. A missing directory is an empty list.
 *
 * <p>Threading: stateless apart from its suppliers; {@link #candidates()} may run on any
 * thread while the trail is being written.
 */
public final class TrailRetention implements RetainedKind {
    /** The kind's name (metric label, audit, CLI). */
    public static final String KIND = "shadow-trail";
    private static final Pattern NAME =
            Pattern.compile("orders-(\\d{4}-\\d{2}-\\d{2})\\.ndjson");

    private final Path dir;
    private final RetentionPolicy policy;
    private final Supplier<String> openDay;
    private final LongSupplier clock;
    private final Supplier<Optional<LocalDate>> replayFrom;

    /**
     * @param dir        the trail directory ({@code SHADOW_DIR})
     * @param policy     {@code SHADOW_TRAIL_RETENTION_DAYS} and {@code SHADOW_TRAIL_KEEP_LAST}
     * @param openDay    the day ({@code yyyy-MM-dd}) of the segment open for appending, or null
     * @param clock      epoch milliseconds (the executor's clock)
     * @param replayFrom the UTC day of the oldest segment a restore would replay from; empty
     *                   when unknown, which pins every segment
     */
    public TrailRetention(Path dir, RetentionPolicy policy, Supplier<String> openDay,
                          LongSupplier clock, Supplier<Optional<LocalDate>> replayFrom) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.openDay = Objects.requireNonNull(openDay, "openDay");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replayFrom = Objects.requireNonNull(replayFrom, "replayFrom");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public RetentionPolicy policy() {
        return policy;
    }

    @Override
    public List<RetainedFile> candidates() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        LocalDate today = Instant.ofEpochMilli(clock.getAsLong()).atZone(ZoneOffset.UTC)
                .toLocalDate();
        String open = openDay.get();
        Optional<LocalDate> replay = replayFrom.get();
        List<RetainedFile> out = new ArrayList<>();
        for (NamedFiles.Named f : NamedFiles.in(dir, NAME)) {
            String segmentDay = f.match().group(1);
            LocalDate day;
            try {
                day = LocalDate.parse(segmentDay);
            } catch (DateTimeParseException notADate) {
                continue; // not a segment ShadowTrail wrote
            }
            boolean pinned = segmentDay.equals(open) || !day.isBefore(today)
                    || replay.isEmpty() || !day.isBefore(replay.get());
            Instant endOfDay = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            out.add(new RetainedFile(f.path(), new Candidate(f.name(), "trail", endOfDay, true,
                    pinned)));
        }
        return out;
    }
}
