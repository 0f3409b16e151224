package io.spark.day9.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.market.MarketConfig;
import io.spark.day9.shadow.ShadowConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each subsystem's one configuration record checks itself and names the variable at fault. */
class SubsystemConfigTest {
    @TempDir
    Path dir;

    @Test
    void theLoaderHandsTheMarketComponentOneValidatedMarketConfig() {
        Day9Config c = ConfigLoader.load(Map.of("MARKET_STALE_MS", "700",
                "MARKET_RECV_WINDOW_MS", "9000", "MARKET_WS_MAX_AGE_SEC", "60"),
                dir.resolve(".env"));
        MarketConfig m = c.market().settings();
        assertThat(m.staleMs()).isEqualTo(700);
        assertThat(m.recvWindowMs()).isEqualTo(9000);
        assertThat(m.maxConnectionAgeMs()).isEqualTo(60_000);
        assertThat(m.symbols()).containsExactly("BTCUSDT", "ETHUSDT");
        assertThat(m.wsUrl()).isEmpty(); // the source's default, resolved at start
        assertThat(c.market().staleMs()).isEqualTo(700);
    }

    @Test
    void simStartBalancesAreParsedAndBadOnesNamed() {
        assertThat(ConfigLoader.load(Map.of(), dir.resolve(".env")).market().simStartBalances())
                .containsOnly(Map.entry("USDT", new BigDecimal("1000000")),
                        Map.entry("BTC", BigDecimal.TEN), Map.entry("ETH", new BigDecimal("100")));
        assertThat(ConfigLoader.load(Map.of("SIM_START_BALANCES", "usdt=100000,BTC=1"),
                dir.resolve(".env")).market().simStartBalances())
                .containsOnly(Map.entry("USDT", new BigDecimal("100000")),
                        Map.entry("BTC", BigDecimal.ONE));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SIM_START_BALANCES", "USDT=-5"),
                dir.resolve(".env"))).hasMessageContaining("SIM_START_BALANCES=USDT=-5 is "
                + "invalid").hasMessageContaining("ASSET=amount");
    }

    @Test
    void marketConfigRejectsBadValuesNamingTheVariable() {
        assertThatThrownBy(() -> new MarketConfig("", List.of("BTCUSDT"), 5000, 50, 50, 10_000,
                60_000, 1000)).hasMessage("MARKET_STALE_MS=50 is invalid: must be at least 100");
        assertThatThrownBy(() -> new MarketConfig("", List.of("BTCUSDT"), 5000, 5000, 500, 100,
                60_000, 1000)).hasMessage("MARKET_RECONNECT_MAX_MS=100 is invalid: must be at "
                + "least 500");
        assertThatThrownBy(() -> new MarketConfig("", List.of("BTCUSDT"), 5000, 5000, 50, 100,
                60_000, 5001)).hasMessageStartingWith("MARKET_DEPTH_LIMIT=5001 is invalid");
        assertThatThrownBy(() -> new MarketConfig("", List.of(), 5000, 5000, 50, 100, 60_000,
                10)).hasMessageStartingWith("MARKET_SYMBOLS");
        assertThat(MarketConfig.of("", List.of("BTCUSDT")).withWsUrl("ws://x").wsUrl())
                .isEqualTo("ws://x");
    }

    @Test
    void theShadowLatencyModelIsAnEnumChosenByName() {
        Day9Config c = ConfigLoader.load(Map.of("SHADOW_LATENCY_MODEL", "Measured"),
                dir.resolve(".env"));
        assertThat(c.trading().shadow().latencyModel())
                .isEqualTo(ShadowConfig.LatencyModel.MEASURED);
        assertThat(Day9Config.Shadow.DEFAULTS.latencyModel())
                .isEqualTo(ShadowConfig.LatencyModel.NONE);
    }

    @Test
    void shadowConfigRejectsBadValuesNamingTheVariable() {
        assertThatThrownBy(() -> new ShadowConfig(dir, BigDecimal.valueOf(-1), BigDecimal.TEN,
                ShadowConfig.LatencyModel.NONE, 0, 1000, 0))
                .hasMessageStartingWith("SHADOW_MAKER_FEE_BPS=-1 is invalid");
        assertThatThrownBy(() -> new ShadowConfig(dir, BigDecimal.TEN, BigDecimal.TEN,
                ShadowConfig.LatencyModel.FIXED, 10_001, 1000, 0))
                .hasMessageStartingWith("SHADOW_LATENCY_MS=10001 is invalid");
        assertThatThrownBy(() -> new ShadowConfig(dir, BigDecimal.TEN, BigDecimal.TEN,
                ShadowConfig.LatencyModel.NONE, 0, 0, 0))
                .hasMessageStartingWith("SHADOW_ORDER_TTL_SEC");
        assertThatThrownBy(() -> new Day9Config.Shadow(1.5, Map.of(), BigDecimal.TEN,
                BigDecimal.TEN, ShadowConfig.LatencyModel.NONE, 0, 60, 5))
                .hasMessageStartingWith("SHADOW_AB_FRACTION=1.5 is invalid");
    }

    @Test
    void chaosEngineConfigRejectsBadValuesNamingTheVariable() {
        assertThatThrownBy(() -> new ChaosEngine.Config(ChaosSettings.off(), false, false, 50,
                5000)).hasMessageStartingWith("CHAOS_RECOVERY_DEADLINE_MS=50 is invalid");
        assertThatThrownBy(() -> new ChaosEngine.Config(ChaosSettings.off(), false, false,
                10_000, 0)).hasMessageStartingWith("MARKET_STALE_MS=0 is invalid");
        assertThatThrownBy(() -> new ChaosEngine.Config(null, false, false, 10_000, 5000))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void initialChaosSettingsRejectBadValuesNamingTheVariable() {
        assertThatThrownBy(() -> new Day9Config.Chaos(101, 0, 0))
                .hasMessage("CHAOS_HTTP_ERROR_PCT=101 is invalid: must be an integer from 0 "
                        + "to 100");
        assertThatThrownBy(() -> new Day9Config.Chaos(0, 0, 0, 0, false, 10_000))
                .hasMessageStartingWith("CHAOS_TTL_SEC=0 is invalid");
        assertThatThrownBy(() -> new Day9Config.Snapshots(0))
                .hasMessageStartingWith("SNAPSHOT_RETENTION_DAYS=0 is invalid");
    }
}
