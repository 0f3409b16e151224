package io.spark.day9.experiment;

import java.time.Duration;

/** Waits: the real one sleeps; tests' advances their clock. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(Math.max(0, d.toMillis()));

    void sleep(Duration d) throws InterruptedException;
}
