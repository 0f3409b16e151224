package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import org.junit.jupiter.api.Test;

/** Measured numbers are printed rounded, never as floating-point noise. */
class NumbersTest {

    @Test
    void noiseIsRoundedAwayAndIntegersStay() {
        assertThat(Numbers.format(0.35769999999999996)).isEqualTo("0.358");
        assertThat(Numbers.format(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(Numbers.format(12.345678)).isEqualTo("12.346");
        assertThat(Numbers.format(0.000123456)).isEqualTo("0.000123");
        assertThat(Numbers.format(1500.0)).isEqualTo("1500");
        assertThat(Numbers.format(-2.5)).isEqualTo("-2.5");
        assertThat(Numbers.format(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void jsonIsRoundedDeeplyWithoutTouchingIntegersOrText() throws Exception {
        JsonNode n = Json.mapper().readTree("{\"pct\":0.35769999999999996,\"n\":7,"
                + "\"s\":\"0.35769999999999996\",\"a\":[{\"lag\":1.23456789}]}");
        assertThat(Json.mapper().writeValueAsString(Numbers.rounded(n))).isEqualTo(
                "{\"pct\":0.358,\"n\":7,\"s\":\"0.35769999999999996\",\"a\":[{\"lag\":1.235}]}");
    }

    @Test
    void theChaosStateShowsRoundedPercentages() throws Exception {
        JsonNode state = Json.mapper().readTree("{\"enabled\":true,\"httpErrorPct\":15.0,"
                + "\"effectiveErrorPct\":0.35769999999999996}");
        assertThat(ChaosCommand.readable(state)).contains("errors 15 % (effective now 0.358 %)");
    }
}
