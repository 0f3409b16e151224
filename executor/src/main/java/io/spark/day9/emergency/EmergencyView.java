package io.spark.day9.emergency;

import java.util.List;

/**
 * The current emergency state ({@code GET /api/private/emergency}).
 *
 * @param mode             the strongest mode in force: {@link TradingMode#HALTED} when any
 *                         stop halts, else {@link TradingMode#REDUCING} when any reduces, else
 *                         {@link TradingMode#ACTIVE}
 * @param stops            the stops in force, oldest first
 * @param lastVerification the last stop's verification (null before the first stop)
 * @param deadMan          the dead-man switch
 * @param shadowExecution  false when shadow execution was switched off at run time
 * @param parkedOrderJobs  order jobs held back by the stop, waiting for a resume
 * @param verificationFailed true from a stop whose end state could not be verified until a
 *                         resume or a later verified stop (health is DOWN meanwhile)
 */
public record EmergencyView(TradingMode mode, List<ActiveStop> stops,
                            Verification lastVerification, DeadManView deadMan,
                            boolean shadowExecution, long parkedOrderJobs,
                            boolean verificationFailed) {
}
