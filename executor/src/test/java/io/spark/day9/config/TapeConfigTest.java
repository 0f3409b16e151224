package io.spark.day9.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.tape.TapeConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The market tape's TAPE_* settings: defaults, each bad value named, a keep-nothing policy. */
class TapeConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsPutTheTapeUnderTheRuntimeDirectory() {
        Day9Config c = ConfigLoader.load(Map.of("RUNTIME_DIR", dir.toString()),
                dir.resolve(".env"));
        TapeConfig t = c.tape();
        assertThat(t.enabled()).isTrue();
        assertThat(t.dir()).isEqualTo(dir.resolve("tape"));
        assertThat(t.minIntervalMs()).isEqualTo(100);
        assertThat(t.segmentBytes()).isEqualTo(64L << 20);
        assertThat(t.retention().keepDays()).isEqualTo(7);
        assertThat(t.retention().keepLast()).isEqualTo(3);
    }

    @Test
    void everyBadValueIsReportedAtOnceNamingTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("TAPE_ENABLED", "maybe",
                "TAPE_MIN_INTERVAL_MS", "5", "TAPE_RETENTION_DAYS", "-1",
                "TAPE_SEGMENT_BYTES", "10"), dir.resolve(".env")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TAPE_ENABLED").hasMessageContaining("TAPE_MIN_INTERVAL_MS")
                .hasMessageContaining("TAPE_RETENTION_DAYS")
                .hasMessageContaining("TAPE_SEGMENT_BYTES");
    }

    @Test
    void aPolicyThatKeepsNoSegmentIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("TAPE_RETENTION_DAYS", "0",
                "TAPE_KEEP_LAST", "0"), dir.resolve(".env")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("would keep no tape segment");
        Day9Config c = ConfigLoader.load(Map.of("TAPE_RETENTION_DAYS", "0", "TAPE_KEEP_LAST",
                "5", "TAPE_MIN_INTERVAL_MS", "250"), dir.resolve(".env"));
        assertThat(c.tape().retention().keepLast()).isEqualTo(5);
        assertThat(c.tape().minIntervalMs()).isEqualTo(250);
    }
}
