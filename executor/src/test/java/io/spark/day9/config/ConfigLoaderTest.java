package io.spark.day9.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Day9Config load(Map<String, String> env) {
        return ConfigLoader.load(env, dir.resolve(".env"));
    }

    @Test
    void embeddedDefaultsNeedNoSetup() {
        Day9Config c = load(Map.of());
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(4001);
        assertThat(c.server().env()).isEqualTo(DeployEnv.DEV);
        assertThat(c.server().apiToken()).isEmpty();
        assertThat(c.server().maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(c.paths().queueDir()).isEqualTo(Path.of("runtime/queue"));
        assertThat(c.paths().snapshotDir()).isEqualTo(Path.of("runtime/snapshots"));
        assertThat(c.paths().shadowDir()).isEqualTo(Path.of("runtime/shadow"));
        assertThat(c.paths().auditDir()).isEqualTo(Path.of("runtime/audit"));
        assertThat(c.paths().logDir()).isEqualTo(Path.of("logs"));
        assertThat(c.queue().name()).isEqualTo("signals");
        assertThat(c.queue().visibility().toMillis()).isEqualTo(10_000);
        assertThat(c.chaos()).isEqualTo(new Day9Config.Chaos(0, 0, 0));
        assertThat(c.snapshots().retentionDays()).isEqualTo(7);
        assertThat(c.trading()).isEqualTo(new Day9Config.Trading(TradeMode.PAPER, false, true));
        assertThat(c.effective()).hasSize(Setting.ALL.size());
        assertThat(c.market().simWeightPerMinute()).isEqualTo(6000);
        assertThat(load(Map.of("SIM_WEIGHT_PER_MINUTE", "120")).market().simWeightPerMinute())
                .isEqualTo(120);
    }

    @Test
    void runtimeDirIsTheParentOfDefaultDirsButExplicitValuesWin() {
        Day9Config c = load(Map.of("RUNTIME_DIR", "/srv/day9", "SNAPSHOT_DIR", "/backup/snaps"));
        assertThat(c.paths().queueDir()).isEqualTo(Path.of("/srv/day9/queue"));
        assertThat(c.paths().shadowDir()).isEqualTo(Path.of("/srv/day9/shadow"));
        assertThat(c.paths().auditDir()).isEqualTo(Path.of("/srv/day9/audit"));
        assertThat(c.paths().snapshotDir()).isEqualTo(Path.of("/backup/snaps"));
    }

    @Test
    void dotEnvIsReadAndTheEnvironmentWins() throws Exception {
        Files.writeString(dir.resolve(".env"), """
                # the guide's block, pasted with its comments
                CHAOS_HTTP_ERROR_PCT=15        # 0..100
                export CHAOS_HTTP_LATENCY_MS=200
                QUEUE_NAME="orders"
                QUEUE_VISIBILITY_MS='5000'
                PORT=5000
                """);
        Day9Config c = load(Map.of("PORT", "6000"));
        assertThat(c.chaos().httpErrorPct()).isEqualTo(15);
        assertThat(c.chaos().httpLatencyMs()).isEqualTo(200);
        assertThat(c.queue().name()).isEqualTo("orders");
        assertThat(c.queue().visibility().toMillis()).isEqualTo(5000);
        assertThat(c.server().port()).isEqualTo(6000);
        assertThat(c.effective().get("PORT").source()).isEqualTo(Day9Config.Source.ENVIRONMENT);
        assertThat(c.effective().get("CHAOS_HTTP_ERROR_PCT").source())
                .isEqualTo(Day9Config.Source.DOTENV);
        assertThat(c.effective().get("HOST").source()).isEqualTo(Day9Config.Source.DEFAULT);
    }

    @Test
    void aBrokenDotEnvLineIsNamed() throws Exception {
        Files.writeString(dir.resolve(".env"), "PORT=1\nthis is not a setting\n");
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(".env:2");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "CHAOS_HTTP_ERROR_PCT|150|must be an integer from 0 to 100",
        "CHAOS_HTTP_ERROR_PCT|-1|must be an integer from 0 to 100",
        "CHAOS_HTTP_LATENCY_MS|60001|must be an integer from 0 to 60000",
        "CHAOS_WS_FLAP_SEC|x|must be an integer",
        "QUEUE_VISIBILITY_MS|abc|must be an integer from 1 to 604800000",
        "QUEUE_FSYNC|sometimes|must be one of always | batch | none",
        "QUEUE_WORKER_THREADS|0|must be an integer from 1 to 64",
        "QUEUE_MAX_JOB_BYTES|big|must be an integer",
        "QUEUE_VISIBILITY_MS|0|must be an integer from 1",
        "DAY9_ENV|qa|must be one of dev | staging | production",
        "PORT|70000|must be an integer from 0 to 65535",
        "PORT|4001.5|must be an integer",
        "LIVE_ENABLED|yes|must be true or false",
        "SHADOW_LIVE_ENABLED|1|must be true or false",
        "TRADE_MODE|real|must be one of paper | testnet | live",
        "LOG_FORMAT|xml|must be one of text | json",
        "LOG_LEVEL|LOUD|must be one of TRACE",
        "QUEUE_NAME|../etc|must be 1-64 letters",
        "HTTP_MAX_BODY_BYTES|10|must be an integer from 1024",
        "SNAPSHOT_RETENTION_DAYS|0|must be an integer from 1",
        "HOST|no-such-host.invalid|must be an IP address or a resolvable host name",
        "SIM_WEIGHT_PER_MINUTE|0|must be an integer from 1 to 1000000",
    })
    void aBadValueStopsTheStartNamingVariableValueAndWhatIsAllowed(String name, String value,
                                                                   String allowed) {
        assertThatThrownBy(() -> load(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(name + "=" + value + " is invalid: ")
                .hasMessageContaining(allowed)
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(name))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aNonLoopbackBindWithoutATokenRefusesToStart() {
        assertThatThrownBy(() -> load(Map.of("HOST", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HOST")
                .hasMessageContaining("requires API_TOKEN");
        assertThat(load(Map.of("HOST", "0.0.0.0", "API_TOKEN", "a-long-enough-token-1234"))
                .server().loopbackBind()).isFalse();
    }

    @Test
    void productionRequiresAToken() {
        assertThatThrownBy(() -> load(Map.of("DAY9_ENV", "production")))
                .hasMessageContaining("API_TOKEN");
    }

    @Test
    void aShortTokenIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> load(Map.of("API_TOKEN", "secret123")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("API_TOKEN=******")
                .hasMessageNotContaining("secret123");
    }

    @Test
    void secretsAreMaskedInTheEffectiveConfiguration() {
        Day9Config c = load(Map.of("API_TOKEN", "a-long-enough-token-1234"));
        assertThat(c.server().apiToken()).contains("a-long-enough-token-1234");
        assertThat(c.effective().get("API_TOKEN").shown())
                .doesNotContain("a-long-enough-token-1234").contains("set");
        assertThat(c.effective().get("PORT").shown()).isEqualTo("4001");
    }

    @Test
    void valuesAreCaseInsensitiveWhereTheyAreWords() {
        Day9Config c = load(Map.of("DAY9_ENV", "Staging", "LIVE_ENABLED", "TRUE",
                "TRADE_MODE", "LIVE"));
        assertThat(c.server().env()).isEqualTo(DeployEnv.STAGING);
        assertThat(c.trading().liveEnabled()).isTrue();
        assertThat(c.trading().mode()).isEqualTo(TradeMode.LIVE);
    }

    @Test
    void everyBadValueIsReportedAtOnceNotOnlyTheFirst() {
        assertThatThrownBy(() -> load(Map.of("CHAOS_HTTP_ERROR_PCT", "150",
                "QUEUE_FSYNC", "sometimes", "SHADOW_AB_FRACTIONS", "alpha",
                "MARKET_SYMBOLS", "btc usdt")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("4 settings are invalid:")
                .hasMessageContaining("CHAOS_HTTP_ERROR_PCT=150 is invalid: must be an integer "
                        + "from 0 to 100")
                .hasMessageContaining("QUEUE_FSYNC=sometimes is invalid: must be one of")
                .hasMessageContaining("SHADOW_AB_FRACTIONS=alpha is invalid")
                .hasMessageContaining("MARKET_SYMBOLS=btc usdt is invalid")
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .extracting(ConfigException::variable)
                        .containsExactlyInAnyOrder("CHAOS_HTTP_ERROR_PCT", "QUEUE_FSYNC",
                                "SHADOW_AB_FRACTIONS", "MARKET_SYMBOLS"));
    }

    @Test
    void badValuesInTheEnvironmentAndDotEnvAreReportedTogether() throws Exception {
        Files.writeString(dir.resolve(".env"), "QUEUE_WORKER_THREADS=0\n");
        assertThatThrownBy(() -> load(Map.of("PORT", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PORT=70000 is invalid")
                .hasMessageContaining("QUEUE_WORKER_THREADS=0 is invalid");
    }

    @Test
    void conflictsAreCheckedOnceEveryValueIsValid() {
        assertThatThrownBy(() -> load(Map.of("QUEUE_BACKOFF_BASE_MS", "5000",
                "QUEUE_BACKOFF_MAX_MS", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("QUEUE_BACKOFF_MAX_MS=1000 is invalid: must be at least "
                        + "QUEUE_BACKOFF_BASE_MS (5000)");
        assertThatThrownBy(() -> load(Map.of("MARKET_RECONNECT_BASE_MS", "500",
                "MARKET_RECONNECT_MAX_MS", "100")))
                .hasMessageContaining("MARKET_RECONNECT_MAX_MS=100 is invalid");
    }

    @Test
    void aMisspelledVariableIsWarnedAboutWithTheNearestKnownName() {
        assertThat(UnknownVariables.warnings(java.util.Set.of("QUEUE_VISIBILTY_MS"),
                java.util.Set.of()))
                .containsExactly("QUEUE_VISIBILTY_MS is not a Day9 variable and is ignored; "
                        + "did you mean QUEUE_VISIBILITY_MS?");
    }

    @Test
    void anUnknownVariableWithOurPrefixIsWarnedAboutEvenWhenFarFromAnyName() {
        assertThat(UnknownVariables.warnings(java.util.Set.of("CHAOS_MODE"), java.util.Set.of()))
                .singleElement().asString().startsWith("CHAOS_MODE is not a Day9 variable")
                .contains("did you mean CHAOS_");
    }

    @Test
    void aTypoWithoutOurPrefixIsWarnedAboutWhenCloseToAKnownName() {
        assertThat(UnknownVariables.warnings(java.util.Set.of("QEUE_NAME", "PROT"),
                java.util.Set.of()))
                .containsExactly(
                        "PROT is not a Day9 variable and is ignored; did you mean PORT?",
                        "QEUE_NAME is not a Day9 variable and is ignored; did you mean "
                                + "QUEUE_NAME?");
    }

    @Test
    void knownAndForeignVariablesAreNotWarnedAbout() {
        assertThat(UnknownVariables.warnings(java.util.Set.of("QUEUE_VISIBILITY_MS", "PORT",
                "HOME", "PATH", "USER", "HTTP_PROXY", "JAVA_HOME", "DAY9_JAVA_OPTS", "LANG",
                "HOSTNAME"), java.util.Set.of())).isEmpty();
    }

    @Test
    void aMisspelledVariableInDotEnvSaysItComesFromThere() {
        assertThat(UnknownVariables.warnings(java.util.Set.of(),
                java.util.Set.of("SHADOW_LATENCY_MDOEL")))
                .containsExactly("SHADOW_LATENCY_MDOEL (in .env) is not a Day9 variable and is "
                        + "ignored; did you mean SHADOW_LATENCY_MODEL?");
    }

    @Test
    void fromProcessSaysWhereItLookedForDotEnvAndWarnsAboutTypos() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        var notes = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        Path missing = dir.resolve("nowhere/.env");
        ConfigLoader.fromProcess(Map.of("QUEUE_VISIBILTY_MS", "5000"), missing, notes);
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("day9: .env: no file at " + missing.toAbsolutePath().normalize())
                .contains("day9: warning: QUEUE_VISIBILTY_MS is not a Day9 variable");

        bytes.reset();
        Path file = dir.resolve(".env");
        Files.writeString(file, "PORT=5000\nQUEUE_NAME=orders\n");
        Day9Config c = ConfigLoader.fromProcess(Map.of(), file, notes);
        assertThat(c.server().port()).isEqualTo(5000);
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("day9: .env: read 2 variable(s) from "
                        + file.toAbsolutePath().normalize() + System.lineSeparator());
    }

    @Test
    void snapshotSettingsAreUsedNowThatSnapshotsAreBuilt() {
        // issue 13 gave SNAPSHOT_RETENTION_DAYS its meaning: it is no longer "not used yet"
        assertThat(Setting.named("SNAPSHOT_RETENTION_DAYS").usedYet()).isTrue();
        assertThat(Setting.named("SNAPSHOT_RETENTION_DAYS").meaning()).doesNotContain("ignored");
        assertThat(Setting.named("QUEUE_DIR").usedYet()).isTrue();
        Day9Config c = load(Map.of());
        assertThat(c.snapshots().keepLast()).isEqualTo(3);
        assertThat(c.snapshots().intervalSec()).isEqualTo(60);
        assertThat(c.snapshots().maxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThatThrownBy(() -> load(Map.of("SNAPSHOT_KEEP_LAST", "-1",
                "SNAPSHOT_INTERVAL_SEC", "x", "SNAPSHOT_MAX_BYTES", "10")))
                .hasMessageContaining("SNAPSHOT_KEEP_LAST")
                .hasMessageContaining("SNAPSHOT_INTERVAL_SEC")
                .hasMessageContaining("SNAPSHOT_MAX_BYTES");
    }

    @Test
    void notesArePassedOnBeforeValidationSoTheServiceCanLogThem() {
        java.util.List<String> notes = new java.util.ArrayList<>();
        ConfigLoader.load(Map.of("CHAOS_HTTP_ERORR_PCT", "5"), dir.resolve(".env"), notes::add);
        assertThat(notes).hasSize(2);
        assertThat(notes.get(0)).startsWith(".env: no file at ");
        assertThat(notes.get(1)).isEqualTo("warning: CHAOS_HTTP_ERORR_PCT is not a Day9 "
                + "variable and is ignored; did you mean CHAOS_HTTP_ERROR_PCT?");
    }
}
