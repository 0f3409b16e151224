/**
 * The emergency stop and the dead-man switch. The public face is {@link
 * io.spark.day9.emergency.Emergency} (stop, resume, heartbeat, the order gate, its events and
 * state), the {@link io.spark.day9.emergency.TradingDesk} port it acts through (implemented
 * over the executor's trading side by {@code ExecutorDesk}, tests give a fake), and the small
 * records a stop is described with. Package-private: the state file
 * ({@code EmergencyStateFile}, which documents the on-disk format), the gate
 * ({@code StopGate}) and the steps after the persist ({@code StopActions}). Plain Java: no
 * Javalin, no Prometheus; metrics and the audit log subscribe to
 * {@link io.spark.day9.emergency.EmergencyEvent}. See docs/emergency.md.
 */
package io.spark.day9.emergency;
