package io.spark.day9.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> calls = new ArrayList<>();

    private Component component(String name, boolean failStart, boolean failStop) {
        return new Component() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() {
                calls.add("start " + name);
                if (failStart) {
                    throw new IllegalStateException(name + " cannot start");
                }
            }

            @Override
            public void stop() {
                calls.add("stop " + name);
                if (failStop) {
                    throw new IllegalStateException(name + " cannot stop");
                }
            }
        };
    }

    @Test
    void startsInOrderAndStopsInReverse() throws Exception {
        Lifecycle l = new Lifecycle().add(component("a", false, false))
                .add(component("b", false, false)).add(component("c", false, false));
        l.start();
        assertThat(l.state()).isEqualTo(Lifecycle.State.RUNNING);
        assertThat(l.ready()).isTrue();
        l.stop();
        l.stop(); // idempotent
        // registerMetrics left Component with issue 11 §3 (metrics adapters take the registry)
        assertThat(calls).containsExactly("start a", "start b", "start c", "stop c", "stop b",
                "stop a");
        assertThat(l.state()).isEqualTo(Lifecycle.State.STOPPED);
    }

    @Test
    void aFailedStartStopsWhatHadStarted() {
        Lifecycle l = new Lifecycle().add(component("a", false, false))
                .add(component("b", true, false)).add(component("c", false, false));
        assertThatThrownBy(() -> l.start())
                .hasMessageContaining("b cannot start");
        assertThat(calls).containsSubsequence("start a", "start b", "stop a")
                .doesNotContain("start c", "stop b");
        assertThat(l.state()).isEqualTo(Lifecycle.State.STOPPED);
    }

    @Test
    void oneFailingStopDoesNotKeepOthersOpen() throws Exception {
        Lifecycle l = new Lifecycle().add(component("a", false, false))
                .add(component("b", false, true));
        l.start();
        l.stop();
        assertThat(calls).containsSubsequence("stop b", "stop a");
    }

    @Test
    void healthReportsEachComponentAndAThrowingOneIsDown() throws Exception {
        Component broken = new Component() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Health health() {
                throw new IllegalStateException("boom");
            }
        };
        Lifecycle l = new Lifecycle().add(component("a", false, false)).add(broken);
        l.start();
        Map<String, Health> h = l.health();
        assertThat(h.keySet()).containsExactly("a", "broken");
        assertThat(h.get("a").status()).isEqualTo(Health.Status.UP);
        assertThat(h.get("broken").status()).isEqualTo(Health.Status.DOWN);
        assertThat(l.ready()).isFalse();
    }

    @Test
    void duplicateNamesAndLateAddsAreRefused() throws Exception {
        Lifecycle l = new Lifecycle().add(component("a", false, false));
        assertThatThrownBy(() -> l.add(component("a", false, false)))
                .isInstanceOf(IllegalArgumentException.class);
        l.start();
        assertThatThrownBy(() -> l.add(component("z", false, false)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void worstOfStatuses() {
        assertThat(Health.Status.UP.worst(Health.Status.DEGRADED)).isEqualTo(Health.Status.DEGRADED);
        assertThat(Health.Status.DOWN.worst(Health.Status.UP)).isEqualTo(Health.Status.DOWN);
    }
}
