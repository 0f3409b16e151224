package io.spark.day9.snapshot;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One subsystem's part of the automatic state snapshot: what it needs after a restart (shadow
 * positions and resting orders), or what an operator wants on record (queue stats, market
 * summary, chaos state).
 *
 * <p>A state snapshot's {@code data} is an object with one member per section, keyed by
 * {@link #name()}. Sections are registered by the wiring class; the snapshot package never
 * imports the subsystems.
 *
 * <p>Lifecycle: {@link #restore(JsonNode)} is called at most once, at start, before the owning
 * component starts (so before it replays its own durable log or takes traffic), and only when
 * {@link #restorable()} is true. {@link #capture()} is called on the snapshot lane, concurrently
 * with traffic: it must return a consistent copy taken under the owner's own lock, never a live
 * view.
 */
public interface StateSection {

    /** The member name in the snapshot's data, e.g. {@code "shadow"}; stable across versions. */
    String name();

    /** A consistent, detached copy of the section's state, as JSON. */
    JsonNode capture();

    /**
     * True when {@link #restore(JsonNode)} brings the state back at start. False for sections
     * kept for the record only (chaos is never restored, by design).
     */
    default boolean restorable() {
        return false;
    }

    /**
     * Brings the captured state back; called before the owner starts. Implementations check the
     * whole section before changing anything and throw {@link IllegalArgumentException} naming
     * the member at fault, so a bad section leaves the owner as it was.
     */
    default void restore(JsonNode state) {
        throw new UnsupportedOperationException(name() + " is recorded, never restored");
    }
}
