package io.spark.day9.shadow;

/**
 * An order the shadow executor knows, by shadow id and client order id: live (resting, still
 * changing) or {@link SettledOrder settled}.
 */
interface KnownOrder {
    ShadowOrderView view();

    long createdAt();

    String strategy();
}
