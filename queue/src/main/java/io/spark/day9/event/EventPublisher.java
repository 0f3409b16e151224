package io.spark.day9.event;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one event primitive every Day9 component uses: a component owns an
 * {@code EventPublisher<E>} of its own small sealed event type and publishes to it; adapters
 * (metrics, audit, the SLO engine, the console) subscribe from outside. The component never
 * knows who listens.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>Order:</b> subscribers are called in the order they subscribed; each sees the events
 *       one thread publishes in the order it published them.</li>
 *   <li><b>Isolation:</b> a subscriber that throws is logged (with the publisher's name and the
 *       event) and skipped for that event; later subscribers still get it, and the publisher
 *       never sees the exception.</li>
 *   <li><b>Cost:</b> {@link #publish} with no subscriber is one volatile read; with subscribers
 *       it iterates an array, no allocation. Callers that must build an expensive event can
 *       check {@link #hasSubscribers()} first.</li>
 * </ul>
 *
 * <p>Thread safety: {@code subscribe}, {@code publish} and closing a {@link Subscription} may
 * be called from any thread. Subscribers are called synchronously on the publishing thread, so
 * they must be fast and non-blocking (hand slow work, such as an fsync, to a queue of their own)
 * and must not assume a particular thread. Subscribing is copy-on-write: cheap to publish,
 * meant for a few subscribers added at wiring time.
 *
 * @param <E> the event type, usually a sealed interface of records
 */
public final class EventPublisher<E> {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private static final Consumer<?>[] NONE = new Consumer<?>[0];

    private final String name;
    private volatile Consumer<? super E>[] subscribers = none();

    /**
     * @param name who publishes, for the log line of a failing subscriber (e.g. {@code chaos})
     */
    public EventPublisher(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /**
     * Adds a subscriber; it sees every event published after this returns.
     *
     * @return the handle that removes it again
     */
    public Subscription subscribe(Consumer<? super E> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        synchronized (this) {
            Consumer<? super E>[] now = subscribers;
            Consumer<? super E>[] next = Arrays.copyOf(now, now.length + 1);
            next[now.length] = subscriber;
            subscribers = next;
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                remove(subscriber);
            }
        };
    }

    /** Delivers {@code event} to every subscriber, in subscription order (see class doc). */
    public void publish(E event) {
        Consumer<? super E>[] now = subscribers;
        for (Consumer<? super E> s : now) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                log.warn("{} event subscriber {} failed on {}", name, s, event, e);
            }
        }
    }

    /** True when at least one subscriber would see a published event. */
    public boolean hasSubscribers() {
        return subscribers.length > 0;
    }

    /** How many subscribers there are now. */
    public int subscriberCount() {
        return subscribers.length;
    }

    private synchronized void remove(Consumer<? super E> subscriber) {
        Consumer<? super E>[] now = subscribers;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == subscriber) {
                Consumer<? super E>[] next = Arrays.copyOf(now, now.length - 1);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                subscribers = next;
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <E> Consumer<? super E>[] none() {
        return (Consumer<? super E>[]) NONE;
    }
}
