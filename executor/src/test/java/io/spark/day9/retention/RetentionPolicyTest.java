package io.spark.day9.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.retention.RetentionPolicy.Candidate;
import io.spark.day9.retention.RetentionPolicy.Reason;
import io.spark.day9.retention.RetentionPolicy.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final Instant NOW = Instant.parse("2026-03-29T01:30:00Z");

    private static Candidate aged(String id, Duration age) {
        return Candidate.of(id, "state", NOW.minus(age));
    }

    private static Map<String, Reason> reasons(List<Verdict> verdicts) {
        return verdicts.stream().collect(Collectors.toMap(v -> v.candidate().id(),
                Verdict::reason));
    }

    @Test
    void exactlyKeepDaysOldIsKeptAndOneMillisecondOlderIsDeleted() {
        var policy = new RetentionPolicy(7, 1);
        var verdicts = policy.decide(List.of(
                aged("new", Duration.ofHours(1)),
                aged("edge", Duration.ofDays(7)),
                aged("past", Duration.ofDays(7).plusMillis(1))), NOW);
        assertThat(reasons(verdicts)).containsEntry("new", Reason.NEWEST_VALID)
                .containsEntry("edge", Reason.WITHIN_DAYS)
                .containsEntry("past", Reason.OLDER_THAN_DAYS);
    }

    @Test
    void theNewestValidIsKeptHoweverOldWhenEverythingIsOld() {
        var policy = new RetentionPolicy(7, 1);
        var verdicts = policy.decide(List.of(
                aged("a", Duration.ofDays(30)), aged("b", Duration.ofDays(40))), NOW);
        assertThat(reasons(verdicts)).containsEntry("a", Reason.NEWEST_VALID)
                .containsEntry("b", Reason.OLDER_THAN_DAYS);
    }

    @Test
    void aCorruptNewestNeverCountsAsNewestValid() {
        var policy = new RetentionPolicy(1, 1);
        var corrupt = new Candidate("corrupt", "state", NOW.minus(Duration.ofDays(2)), false,
                false);
        var verdicts = policy.decide(List.of(corrupt, aged("good", Duration.ofDays(5))), NOW);
        assertThat(reasons(verdicts)).containsEntry("good", Reason.NEWEST_VALID)
                .containsEntry("corrupt", Reason.OLDER_THAN_DAYS);
    }

    @Test
    void keepLastCountsValidCandidatesPerGroupOnly() {
        var policy = new RetentionPolicy(0, 2);
        var verdicts = policy.decide(List.of(
                aged("s1", Duration.ofDays(1)), aged("s2", Duration.ofDays(2)),
                new Candidate("bad", "state", NOW.minus(Duration.ofDays(1).plusHours(12)), false,
                        false),
                aged("s3", Duration.ofDays(3)),
                Candidate.of("other", "manual", NOW.minus(Duration.ofDays(9)))), NOW);
        assertThat(reasons(verdicts)).containsEntry("s1", Reason.NEWEST_VALID)
                .containsEntry("s2", Reason.KEEP_LAST)
                .containsEntry("bad", Reason.OLDER_THAN_DAYS)
                .containsEntry("s3", Reason.OLDER_THAN_DAYS)
                .containsEntry("other", Reason.NEWEST_VALID);
    }

    @Test
    void aPinnedFileIsKeptAndDoesNotTakeTheNewestValidPlace() {
        var policy = new RetentionPolicy(1, 1);
        var open = new Candidate("open", "trail", NOW, true, true);
        var verdicts = policy.decide(List.of(open, aged("closed", Duration.ofDays(3)),
                aged("older", Duration.ofDays(4))), NOW);
        assertThat(reasons(verdicts)).containsEntry("open", Reason.PINNED)
                .containsEntry("closed", Reason.NEWEST_VALID)
                .containsEntry("older", Reason.OLDER_THAN_DAYS);
    }

    @Test
    void agesAreUtcDurationsAcrossADaylightSavingNight() {
        // 2026-03-29 is the night European clocks jump forward: 7 x 24 h is still exact
        var policy = new RetentionPolicy(7, 1);
        var verdicts = policy.decide(List.of(aged("n", Duration.ZERO),
                Candidate.of("d", "state", Instant.parse("2026-03-22T01:30:00Z"))), NOW);
        assertThat(reasons(verdicts)).containsEntry("d", Reason.WITHIN_DAYS);
    }

    @Test
    void aPolicyThatKeepsNothingIsRefused() {
        assertThatThrownBy(() -> new RetentionPolicy(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep nothing");
        assertThatThrownBy(() -> new RetentionPolicy(-1, 3))
                .hasMessageContaining("keepDays must be >= 0, got -1");
    }

    @Test
    void explainGivesTheFigures() {
        var policy = new RetentionPolicy(7, 1);
        var verdicts = policy.decide(List.of(aged("x", Duration.ofDays(1)),
                aged("y", Duration.ofDays(9).plusHours(2))), NOW);
        assertThat(verdicts.get(1).keep()).isFalse();
        assertThat(verdicts.get(1).explain(policy))
                .isEqualTo("deleted as older than 7 days (age 9d 2h)");
        assertThat(verdicts.get(0).explain(policy)).isEqualTo("kept as newest valid (age 1d 0h)");
    }
}
