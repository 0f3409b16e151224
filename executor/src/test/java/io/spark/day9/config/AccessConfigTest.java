package io.spark.day9.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** READ_TOKEN and the failed-authentication limit: validated, defaulted, masked. */
class AccessConfigTest {
    static final String TRADE = "trade-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";

    @TempDir
    Path dir;

    private Day9Config load(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("RUNTIME_DIR", dir.resolve("runtime").toString());
        return ConfigLoader.load(all, dir.resolve(".env"));
    }

    @Test
    void theReadTokenIsReadAndMasked() {
        Day9Config c = load(Map.of("API_TOKEN", TRADE, "READ_TOKEN", READ));
        assertThat(c.server().readToken()).contains(READ);
        assertThat(c.effective().get("READ_TOKEN").shown()).doesNotContain(READ);
    }

    @Test
    void theReadTokenNeedsAnApiTokenAndMustDifferFromTheOthers() {
        assertThatThrownBy(() -> load(Map.of("READ_TOKEN", READ)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("READ_TOKEN needs");
        assertThatThrownBy(() -> load(Map.of("API_TOKEN", TRADE, "READ_TOKEN", TRADE)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must differ");
        assertThatThrownBy(() -> load(Map.of("API_TOKEN", TRADE, "ADMIN_TOKEN", READ,
                "READ_TOKEN", READ)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must differ");
    }

    @Test
    void theFailureLimitHasDefaultsAndBounds() {
        Day9Config c = load(Map.of());
        assertThat(c.server().authMaxFailures()).isEqualTo(10);
        assertThat(c.server().authFailureWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> load(Map.of("AUTH_MAX_FAILURES", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AUTH_MAX_FAILURES");
        assertThatThrownBy(() -> load(Map.of("AUTH_FAILURE_WINDOW_SEC", "86401")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("AUTH_FAILURE_WINDOW_SEC");
    }
}
