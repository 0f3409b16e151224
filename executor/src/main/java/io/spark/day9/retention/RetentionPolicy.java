package io.spark.day9.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which files of a kind to keep and which to delete: the one retention rule shared by
 * snapshots, shadow trail files, chaos experiment reports, the probe file and queue quarantine
 * files. Pure: it reads no file and no clock; the caller passes the candidates and {@code now}.
 *
 * <p>The rule, applied per {@link Candidate#group() group} (a snapshot name, say), newest first:
 * <ol>
 *   <li>a {@link Candidate#pinned() pinned} candidate (a file still being written) is kept;</li>
 *   <li>the newest <em>valid</em> candidate is kept, however old: retention never deletes the
 *       only good copy (borg #997). An invalid (partial, corrupt) candidate never counts as the
 *       newest valid one, nor towards keep-last;</li>
 *   <li>the {@code keepLast} newest valid candidates are kept (the newest valid one among them);</li>
 *   <li>any candidate whose age is at most {@code keepDays} days is kept;</li>
 *   <li>everything else is deleted as older than {@code keepDays} days.</li>
 * </ol>
 * Ages are {@code now - createdAt} on the UTC time line, in exact 24-hour days: no calendar and
 * no local time zone is involved (restic #2233). A candidate exactly {@code keepDays} days old is
 * kept; one a millisecond older is not. A candidate dated in the future has age zero.
 *
 * <p>A policy that would keep nothing ({@code keepDays = 0} and {@code keepLast = 0}) is refused
 * at construction (rustic #1191); even so, rule 2 would still keep the newest valid file.
 *
 * <p>Threading: immutable; {@link #decide} is safe from any thread.
 *
 * @param keepDays candidates at most this many days old are kept; 0 keeps none by age
 * @param keepLast this many newest valid candidates per group are kept; 0 keeps none by count
 */
public record RetentionPolicy(int keepDays, int keepLast) {

    /** Why a candidate is kept or deleted; printed by {@code prune --dry-run}. */
    public enum Reason {
        /** Kept: still being written. */
        PINNED(true, "kept: in use"),
        /** Kept: the newest valid candidate of its group, however old. */
        NEWEST_VALID(true, "kept as newest valid"),
        /** Kept: among the keep-last newest valid candidates of its group. */
        KEEP_LAST(true, "kept by keep-last"),
        /** Kept: at most keep-days days old. */
        WITHIN_DAYS(true, "kept within days"),
        /** Deleted: older than keep-days days and not kept by any other rule. */
        OLDER_THAN_DAYS(false, "deleted as older than days");

        private final boolean keep;
        private final String label;

        Reason(boolean keep, String label) {
            this.keep = keep;
            this.label = label;
        }

        /** True when a candidate with this reason is kept. */
        public boolean keep() {
            return keep;
        }

        /** A short human phrase, e.g. "kept as newest valid". */
        public String label() {
            return label;
        }
    }

    /**
     * One file the policy decides on.
     *
     * @param id        what identifies it to the caller (a file name)
     * @param group     candidates of one group compete for newest-valid and keep-last
     * @param createdAt when it was created, in UTC (from the file's own record, not its mtime)
     * @param valid     false for a partial or corrupt file
     * @param pinned    true for a file still being written (an open trail segment)
     */
    public record Candidate(String id, String group, Instant createdAt, boolean valid,
                            boolean pinned) {
        public Candidate {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        /** A valid, unpinned candidate. */
        public static Candidate of(String id, String group, Instant createdAt) {
            return new Candidate(id, group, createdAt, true, false);
        }
    }

    /**
     * The decision for one candidate.
     *
     * @param candidate the candidate
     * @param reason    why it is kept or deleted
     * @param age       its age at {@code now} (zero when dated in the future)
     */
    public record Verdict(Candidate candidate, Reason reason, Duration age) {
        /** True when the candidate is kept. */
        public boolean keep() {
            return reason.keep();
        }

        /** The reason with its figures, e.g. "deleted as older than 7 days (age 9d 2h)". */
        public String explain(RetentionPolicy policy) {
            String text = switch (reason) {
                case KEEP_LAST -> "kept by keep-last " + policy.keepLast();
                case WITHIN_DAYS -> "kept within " + policy.keepDays() + " days";
                case OLDER_THAN_DAYS -> "deleted as older than " + policy.keepDays() + " days";
                default -> reason.label();
            };
            return text + " (age " + age.toDaysPart() + "d " + age.toHoursPart() + "h)";
        }
    }

    /** Checks the policy; a policy that keeps nothing is refused. */
    public RetentionPolicy {
        if (keepDays < 0) {
            throw new IllegalArgumentException("keepDays must be >= 0, got " + keepDays);
        }
        if (keepLast < 0) {
            throw new IllegalArgumentException("keepLast must be >= 0, got " + keepLast);
        }
        if (keepDays == 0 && keepLast == 0) {
            throw new IllegalArgumentException(
                    "retention would keep nothing: keepDays = 0 and keepLast = 0;"
                            + " set at least one of them above 0");
        }
    }

    /**
     * Decides every candidate at {@code now}. The answer holds one verdict per candidate, newest
     * first within each group, groups in the order they first appear.
     */
    public List<Verdict> decide(Collection<Candidate> candidates, Instant now) {
        Objects.requireNonNull(now, "now");
        Map<String, List<Candidate>> groups = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            groups.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c);
        }
        Comparator<Candidate> newestFirst = Comparator.comparing(Candidate::createdAt)
                .reversed().thenComparing(Candidate::id);
        Duration maxAge = Duration.ofDays(keepDays);
        List<Verdict> out = new ArrayList<>(candidates.size());
        for (List<Candidate> group : groups.values()) {
            group.sort(newestFirst);
            int validSeen = 0;
            for (Candidate c : group) {
                Duration age = Duration.between(c.createdAt(), now);
                if (age.isNegative()) {
                    age = Duration.ZERO;
                }
                Reason reason;
                if (c.pinned()) {
                    reason = Reason.PINNED;
                } else if (c.valid() && validSeen == 0) {
                    reason = Reason.NEWEST_VALID;
                } else if (c.valid() && validSeen < keepLast) {
                    reason = Reason.KEEP_LAST;
                } else if (keepDays > 0 && age.compareTo(maxAge) <= 0) {
                    reason = Reason.WITHIN_DAYS;
                } else {
                    reason = Reason.OLDER_THAN_DAYS;
                }
                if (c.valid() && !c.pinned()) {
                    validSeen++;
                }
                out.add(new Verdict(c, reason, age));
            }
        }
        return out;
    }
}
