package io.spark.day9;

import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosPatch;
import io.spark.day9.emergency.Scope;
import io.spark.day9.emergency.TradingDesk;
import io.spark.day9.jobs.Worker;
import java.util.List;

/**
 * INTERIM (until {@code emergency.ExecutorDesk} lands): the trading desk the executor gives
 * its emergency stop: chaos off and the worker's parking; the shadow and exchange steps are
 * done by ExecutorDesk.
 */
final class EmergencyDesk {
    private EmergencyDesk() {
    }

    static TradingDesk of(ChaosEngine chaos, Worker worker) {
        return new TradingDesk() {
            @Override
            public void chaosOff(String actor) {
                chaos.apply(ChaosPatch.allOff(), actor);
            }

            @Override
            public List<OpenOrder> cancelOpen(Scope scope, String actor) {
                return List.of();
            }

            @Override
            public void pauseOrders(boolean all) {
                if (all) {
                    worker.pause(true);
                }
            }

            @Override
            public void releaseOrders(boolean all) {
                worker.releaseParked();
                if (all) {
                    worker.pause(false);
                }
            }

            @Override
            public List<Flattened> flatten(Scope scope, String stopId, String actor) {
                return List.of();
            }

            @Override
            public EndState read(Scope scope) {
                return new EndState(List.of(), List.of(), List.of());
            }

            @Override
            public long parkedOrderJobs() {
                return worker.parked();
            }

            @Override
            public void shadowExecution(boolean enabled) {
            }
        };
    }
}
