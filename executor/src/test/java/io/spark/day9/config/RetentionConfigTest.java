package io.spark.day9.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.retention.RetentionPolicy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each retained kind has its own validated policy; one that keeps nothing is refused. */
class RetentionConfigTest {
    @TempDir
    Path dir;

    private Day9Config load(Map<String, String> env) {
        return ConfigLoader.load(env, dir.resolve(".env"));
    }

    @Test
    void theDefaultsKeepAGenerousHistory() {
        Day9Config.Retention r = load(Map.of()).retention();
        assertThat(r).isEqualTo(Day9Config.Retention.DEFAULTS);
        assertThat(r.shadowTrail()).isEqualTo(new RetentionPolicy(30, 7));
        assertThat(r.chaosReports()).isEqualTo(new RetentionPolicy(90, 10));
        assertThat(r.probe()).isEqualTo(new RetentionPolicy(7, 1));
        assertThat(r.queueQuarantine()).isEqualTo(new RetentionPolicy(90, 3));
        for (String name : new String[] {"SHADOW_TRAIL_RETENTION_DAYS", "SHADOW_TRAIL_KEEP_LAST",
                "CHAOS_REPORT_RETENTION_DAYS", "CHAOS_REPORT_KEEP_LAST", "PROBE_RETENTION_DAYS",
                "PROBE_KEEP_LAST", "QUEUE_QUARANTINE_RETENTION_DAYS",
                "QUEUE_QUARANTINE_KEEP_LAST"}) {
            assertThat(Setting.named(name).usedYet()).as(name).isTrue();
        }
    }

    @Test
    void eachKindTakesItsOwnVariables() {
        Day9Config.Retention r = load(Map.of("SHADOW_TRAIL_RETENTION_DAYS", "60",
                "SHADOW_TRAIL_KEEP_LAST", "0", "CHAOS_REPORT_RETENTION_DAYS", "0",
                "CHAOS_REPORT_KEEP_LAST", "4", "PROBE_RETENTION_DAYS", "2",
                "PROBE_KEEP_LAST", "2", "QUEUE_QUARANTINE_RETENTION_DAYS", "3650",
                "QUEUE_QUARANTINE_KEEP_LAST", "100000")).retention();
        assertThat(r.shadowTrail()).isEqualTo(new RetentionPolicy(60, 0));
        assertThat(r.chaosReports()).isEqualTo(new RetentionPolicy(0, 4));
        assertThat(r.probe()).isEqualTo(new RetentionPolicy(2, 2));
        assertThat(r.queueQuarantine()).isEqualTo(new RetentionPolicy(3650, 100_000));
    }

    @Test
    void aPolicyThatKeepsNothingIsRefusedAtStartNamingBothVariables() {
        assertThatThrownBy(() -> load(Map.of("PROBE_RETENTION_DAYS", "0",
                "PROBE_KEEP_LAST", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("PROBE_RETENTION_DAYS=0 and PROBE_KEEP_LAST=0 would keep nothing: "
                        + "set at least one of them above 0")
                .extracting(e -> ((ConfigException) e).variable())
                .isEqualTo("PROBE_RETENTION_DAYS");
    }

    @Test
    void everyBadRetentionValueIsReportedAtOnce() {
        assertThatThrownBy(() -> load(Map.of("SHADOW_TRAIL_RETENTION_DAYS", "0",
                "SHADOW_TRAIL_KEEP_LAST", "0", "CHAOS_REPORT_RETENTION_DAYS", "-1",
                "QUEUE_QUARANTINE_KEEP_LAST", "many")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("SHADOW_TRAIL_RETENTION_DAYS=0 and "
                        + "SHADOW_TRAIL_KEEP_LAST=0 would keep nothing")
                .hasMessageContaining("CHAOS_REPORT_RETENTION_DAYS=-1 is invalid: must be an "
                        + "integer from 0 to 3650")
                .hasMessageContaining("QUEUE_QUARANTINE_KEEP_LAST=many is invalid: must be an "
                        + "integer from 0 to 100000");
    }

    @Test
    void theRecordRefusesAKeepNothingPolicyToo() {
        assertThatThrownBy(() -> Day9Config.Retention.policy("A_DAYS", 0, "A_KEEP_LAST", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A_DAYS=0 and A_KEEP_LAST=0 would keep nothing");
        assertThatThrownBy(() -> Day9Config.Retention.policy("A_DAYS", 3651, "A_KEEP_LAST", 1))
                .hasMessageContaining("A_DAYS=3651 is invalid");
    }
}
