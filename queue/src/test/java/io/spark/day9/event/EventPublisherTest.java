package io.spark.day9.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    @Test
    void deliversEveryEventToEverySubscriberInSubscriptionOrder() {
        EventPublisher<String> p = new EventPublisher<>("test");
        List<String> seen = new ArrayList<>();
        p.subscribe(e -> seen.add("a:" + e));
        p.subscribe(e -> seen.add("b:" + e));

        p.publish("1");
        p.publish("2");

        assertThat(seen).containsExactly("a:1", "b:1", "a:2", "b:2");
    }

    @Test
    void failingSubscriberIsIsolatedFromPublisherAndOtherSubscribers() {
        EventPublisher<String> p = new EventPublisher<>("test");
        List<String> seen = new ArrayList<>();
        p.subscribe(e -> {
            throw new IllegalStateException("boom on " + e);
        });
        p.subscribe(seen::add);

        assertThatNoException().isThrownBy(() -> p.publish("x"));
        assertThat(seen).containsExactly("x");
    }

    @Test
    void closedSubscriptionSeesNoLaterEventAndClosingTwiceRemovesOnlyItself() {
        EventPublisher<String> p = new EventPublisher<>("test");
        List<String> seen = new ArrayList<>();
        Consumer<String> same = seen::add;
        Subscription first = p.subscribe(same);
        p.subscribe(same);

        first.close();
        first.close();
        p.publish("once");

        assertThat(seen).containsExactly("once");
        assertThat(p.subscriberCount()).isEqualTo(1);
    }

    @Test
    void reportsWhetherAnyoneListens() {
        EventPublisher<Integer> p = new EventPublisher<>("test");
        assertThat(p.hasSubscribers()).isFalse();
        Subscription s = p.subscribe(e -> { });
        assertThat(p.hasSubscribers()).isTrue();
        s.close();
        assertThat(p.hasSubscribers()).isFalse();
        assertThatNoException().isThrownBy(() -> p.publish(1));
    }

    @Test
    void subscriberTypedOnASupertypeReceivesSubtypeEvents() {
        EventPublisher<Integer> p = new EventPublisher<>("test");
        List<Number> seen = new ArrayList<>();
        Consumer<Number> wide = seen::add;
        p.subscribe(wide);
        p.publish(7);
        assertThat(seen).containsExactly(7);
    }
}
