package io.spark.day9.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExperimentParserTest {
    private static final String GOOD = """
            title: HTTP errors ramp
            description: a test
            checkEvery: 500ms
            abortOnViolation: true
            settle: 3s
            steadyState:
              - name: api
                errorRate: {maxPct: 1, window: 5s, exclude: ["/api/private/market"]}
              - name: book
                bookFresh: {symbol: ethusdt, maxAgeMs: 2000}
                when: [before, after]
                grace: 2s
              - queueLag: {maxSec: 5}
              - metric: {name: spark_chaos_active, max: 1}
              - json: {path: /api/private/health, field: status, equals: UP}
              - recovery: {minPct: 99}
            method:
              - chaos: {httpErrorPct: 10, routes: ["/api/private/market"]}
              - hold: 2s
                load: {path: /api/private/market, rps: 20}
              - ramp: {to: 30, over: 4s}
              - flap: 2
              - flap: once
              - inject: gap
              - load: {paths: [/api/private/health], rps: 5, duration: 1.5s}
              - off
            """;

    @Test
    void readsEveryProbeAndStep() {
        Experiment e = ExperimentParser.parse(GOOD, "x.yaml");
        assertThat(e.title()).isEqualTo("HTTP errors ramp");
        assertThat(e.slug()).isEqualTo("http-errors-ramp");
        assertThat(e.checkEvery()).isEqualTo(Duration.ofMillis(500));
        assertThat(e.abortOnViolation()).isTrue();
        assertThat(e.settle()).isEqualTo(Duration.ofSeconds(3));
        assertThat(e.hypothesis()).hasSize(6);
        assertThat(e.hypothesis().get(0).check()).isEqualTo(new Experiment.ErrorRate(1,
                Duration.ofSeconds(5), List.of(), List.of("/api/private/market")));
        Experiment.Probe book = e.hypothesis().get(1);
        assertThat(book.check()).isEqualTo(new Experiment.BookFresh("ETHUSDT", 2000));
        assertThat(book.when()).containsExactly(Experiment.Phase.BEFORE, Experiment.Phase.AFTER);
        assertThat(book.grace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.hypothesis().get(2).name()).isEqualTo("queueLag-2");
        assertThat(e.hypothesis().get(2).when()).containsExactly(Experiment.Phase.values());
        assertThat(e.method()).hasSize(8);
        assertThat(e.method().get(0)).isInstanceOf(Experiment.SetChaos.class);
        assertThat(e.method().get(1)).isEqualTo(new Experiment.Hold(Duration.ofSeconds(2),
                new Experiment.Load(List.of("/api/private/market"), 20)));
        assertThat(e.method().get(2)).isEqualTo(new Experiment.Ramp(30, Duration.ofSeconds(4),
                null, null));
        assertThat(e.method().get(3)).isEqualTo(new Experiment.Flap(2, false));
        assertThat(e.method().get(4)).isEqualTo(new Experiment.Flap(0, true));
        assertThat(e.method().get(5)).isEqualTo(new Experiment.Inject("gap"));
        assertThat(e.method().get(6)).isEqualTo(new Experiment.Hold(Duration.ofMillis(1500),
                new Experiment.Load(List.of("/api/private/health"), 5)));
        assertThat(e.method().get(7)).isEqualTo(new Experiment.Off());
        assertThat(e.plannedDuration()).isEqualTo(Duration.ofMillis(7500));
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("title: [x\n", "(file)", "not valid YAML"),
                Arguments.of("method: [off]\n", "title", "is required"),
                Arguments.of("title: t\n", "method", "at least one step"),
                Arguments.of("title: t\ntitel: x\nmethod: [off]\n", "titel", "unknown key"),
                Arguments.of("title: t\ncheckEvery: soon\nmethod: [off]\n", "checkEvery",
                        "duration"),
                Arguments.of("title: t\nmethod:\n  - hold: 5 parsecs\n", "method[0].hold",
                        "duration"),
                Arguments.of("title: t\nmethod:\n  - off\n  - ramp: {to: 150, over: 5s}\n",
                        "method[1].ramp.to", "from 0 to 100, got 150"),
                Arguments.of("title: t\nmethod:\n  - ramp: {to: 10}\n", "method[0].ramp.over",
                        "required"),
                Arguments.of("title: t\nmethod:\n  - ramp: {to: 10, over: 1500ms}\n",
                        "method[0].ramp.over", "whole seconds"),
                Arguments.of("title: t\nmethod:\n  - inject: meteor\n", "method[0].inject",
                        "stale, gap, duplicate, rate-limit"),
                Arguments.of("title: t\nmethod:\n  - flap: sometimes\n", "method[0].flap",
                        "'once' or seconds"),
                Arguments.of("title: t\nmethod:\n  - chaos: {httpErrorPc: 5}\n",
                        "method[0].chaos.httpErrorPc", "unknown key"),
                Arguments.of("title: t\nmethod:\n  - hold: 1s\n    inject: gap\n", "method[0]",
                        "has both"),
                Arguments.of("title: t\nmethod:\n  - explode: now\n", "method[0]",
                        "needs one of"),
                Arguments.of("title: t\nmethod:\n  - hold: 1s\n    load: {rps: 5}\n",
                        "method[0].load.path", "required"),
                Arguments.of("title: t\nmethod:\n  - hold: 1s\n    load: {path: x, rps: 5}\n",
                        "method[0].load.path", "must start with /"),
                Arguments.of("title: t\nsteadyState:\n  - errorRate: {maxPct: 1}\n"
                        + "  - bookFresh: {maxAgeMs: -1}\nmethod: [off]\n",
                        "steadyState[1].bookFresh.maxAgeMs", "got -1"),
                Arguments.of("title: t\nsteadyState:\n  - errorRate: {}\nmethod: [off]\n",
                        "steadyState[0].errorRate.maxPct", "required"),
                Arguments.of("title: t\nsteadyState:\n  - name: x\nmethod: [off]\n",
                        "steadyState[0]", "needs one of"),
                Arguments.of("title: t\nsteadyState:\n  - queueLag: {maxSec: 1}\n"
                        + "    when: [sometimes]\nmethod: [off]\n", "steadyState[0].when",
                        "before, during and/or after"),
                Arguments.of("title: t\nsteadyState:\n  - json: {path: /x, field: a}\n"
                        + "method: [off]\n", "steadyState[0].json", "equals, min or max"),
                Arguments.of("title: t\nsteadyState:\n  - metric: {name: 'bad name', max: 1}\n"
                        + "method: [off]\n", "steadyState[0].metric.name", "Prometheus"));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badInputNamesTheField(String yaml, String field, String message) {
        assertThatThrownBy(() -> ExperimentParser.parse(yaml, "bad.yaml"))
                .isInstanceOfSatisfying(ExperimentException.class,
                        e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageStartingWith("bad.yaml: " + field + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void theShippedExamplesParse() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("..", "experiments"))) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(yaml).hasSizeBetween(2, 5);
            for (Path f : yaml) {
                Experiment e = ExperimentParser.load(f);
                assertThat(e.plannedDuration()).as(f.toString())
                        .isLessThanOrEqualTo(Duration.ofSeconds(60));
                assertThat(e.hypothesis()).as(f.toString()).isNotEmpty();
            }
        }
    }
}
