package io.spark.day9.emergency;

/**
 * One stop in force.
 *
 * @param id         unique id of the stop ({@code stop-<epoch ms>-<n>})
 * @param scope      what it covers
 * @param mode       {@link TradingMode#HALTED} or {@link TradingMode#REDUCING}
 * @param reason     the operator's reason ({@code dead-man} for the dead-man switch)
 * @param actor      who asked (the caller's role/identity as the audit log names it)
 * @param since      when it took effect (epoch ms)
 * @param flatten    whether positions in scope are closed
 * @param pauseQueue whether the whole queue's consumption pauses (scope everything only)
 * @param completed  false until every step after the persist has run (a restart finishes a
 *                   stop that is not completed)
 */
public record ActiveStop(String id, Scope scope, TradingMode mode, String reason, String actor,
                         long since, boolean flatten, boolean pauseQueue, boolean completed) {
}
