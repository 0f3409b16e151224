/**
 * The one event primitive: {@link io.spark.day9.event.EventPublisher}, a small typed
 * publisher that every component (queue adapters, chaos, market, shadow, the worker) owns one
 * of, and that adapters (metrics, audit, the SLO engine, the console) subscribe to. Plain Java:
 * no web, metrics or wiring dependency, so the queue module and every domain package can use it.
 */
package io.spark.day9.event;
