package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.spark.day9.api.Json;
import io.spark.day9.metrics.EmergencyMetrics;
import io.spark.day9.testing.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark_emergency_verified} (the {@code Day9EmergencyNotVerified} alert) follows the
 * emergency's failed-verification flag: 0 from an unverified stop, back to 1 on resume, and
 * read right after a restart, whichever way the last stop ended.
 */
class EmergencyMetricsGaugeTest {
    private final ManualScheduler time = new ManualScheduler();
    @TempDir
    Path tmp;

    private Emergency emergency(FakeDesk desk) {
        return new Emergency(tmp.resolve("emergency"), desk, time.millisClock(), time,
                Json.mapper());
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static PrometheusRegistry metricsOf(Emergency e) {
        PrometheusRegistry registry = new PrometheusRegistry();
        new EmergencyMetrics(registry, e::subscribe, e::view);
        return registry;
    }

    @Test
    void theVerifiedGaugeFallsOnAnUnverifiedStopAndRisesOnResumeAlsoAcrossRestarts()
            throws Exception {
        FakeDesk desk = new FakeDesk();
        TradingDesk.OpenOrder stuck = FakeDesk.order("a", "BTCUSDT", "9");
        desk.open.add(stuck);
        desk.sticky.add(stuck);
        Emergency first = emergency(desk);
        PrometheusRegistry registry = metricsOf(first);
        assertThat(scrape(registry)).contains("spark_emergency_verified 1.0");

        first.stop(StopRequest.haltAll("drill"), "admin");
        assertThat(scrape(registry)).contains("spark_emergency_verified 0.0")
                .contains("spark_emergency_active{scope=\"all\"} 1.0");

        // a restart while the failed stop is in force still alerts
        Emergency restarted = emergency(new FakeDesk());
        assertThat(scrape(metricsOf(restarted))).contains("spark_emergency_verified 0.0")
                .contains("spark_emergency_active{scope=\"all\"} 1.0");

        PrometheusRegistry live = metricsOf(restarted);
        restarted.resume(null, "admin");
        assertThat(scrape(live)).contains("spark_emergency_verified 1.0")
                .contains("spark_emergency_active{scope=\"all\"} 0.0");

        // the last verification on file still says "not verified", but it was resumed
        Emergency again = emergency(new FakeDesk());
        assertThat(again.view().lastVerification().verified()).isFalse();
        assertThat(scrape(metricsOf(again))).contains("spark_emergency_verified 1.0");
    }

    @Test
    void aRunTimeShadowSwitchMadeMootByAModeChangeDoesNotRefuseTheStart() {
        FakeDesk desk = new FakeDesk();
        Emergency e = emergency(desk);
        e.shadowExecution(false, "admin");
        FakeDesk sending = new FakeDesk(); // a sending mode: the switch has no effect
        sending.failing.add("shadowExecution");
        Emergency restarted = emergency(sending);
        restarted.start();
        try {
            assertThat(restarted.view().shadowExecution()).isFalse();
        } finally {
            restarted.stop();
        }
    }
}
