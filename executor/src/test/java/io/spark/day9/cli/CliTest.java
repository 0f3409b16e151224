package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {


    @Test
    void versionNamesTheProduct() {
        CliRun r = CliRun.of("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("day9 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "serve", "config", "audit", "audit verify", "queue",
        "queue enqueue", "queue stats", "queue claim", "queue dlq", "queue kill-resume",
        "sim-exchange"})
    void everyCommandHasHelp(String command) {
        List<String> args = new java.util.ArrayList<>(command.isEmpty() ? List.of()
                : List.of(command.split(" ")));
        args.add("--help");
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: day9");
    }

    @Test
    void simExchangeRefusesBadStartBalancesWithoutAStackTrace() {
        CliRun r = CliRun.of("sim-exchange", "--port", "0", "--balances", "USDT=-1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--balances=USDT=-1 is invalid").contains("ASSET=amount")
                .doesNotContain("Exception");
    }

    @Test
    void configPrintsEveryVariableWithItsSource() {
        CliRun r = CliRun.of("config");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("PORT").contains("QUEUE_VISIBILITY_MS")
                .contains("SHADOW_LIVE_ENABLED").contains("# default");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(CliRun.of("frobnicate").code()).isEqualTo(2);
    }
}
