package io.spark.day9.sim;

import java.util.concurrent.CountDownLatch;

/**
 * Standalone mode: {@code ./day9 sim-exchange --port N} calls {@link #run(SimConfig)}, which
 * starts a simulator and blocks until the JVM is asked to stop (Ctrl-C / SIGTERM), then closes
 * it. {@link #main} accepts {@code --port N --seed S --tick-file PATH|classpath:/..
 * --interval-ms MS --host H} for running the module directly.
 */
public final class SimExchangeMain {
  private SimExchangeMain() {
  }

  /** Parses the flags above and runs until stopped. */
  public static void main(String[] args) throws InterruptedException {
    SimConfig.Builder b = SimConfig.builder();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("flag " + flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--port" -> b.port(Integer.parseInt(v));
        case "--host" -> b.host(v);
        case "--seed" -> b.seed(Long.parseLong(v));
        case "--tick-file" -> b.tickFile(v);
        case "--interval-ms" -> b.updateInterval(java.time.Duration.ofMillis(Long.parseLong(v)));
        default -> throw new IllegalArgumentException("unknown flag " + flag
            + "; known: --port --host --seed --tick-file --interval-ms");
      }
    }
    run(b.build());
  }

  /** Starts a simulator on {@code port} with the defaults and blocks until the JVM stops. */
  public static void run(int port) throws InterruptedException {
    run(SimConfig.builder().port(port).build());
  }

  /**
   * Starts a simulator with {@code config}, prints its URLs, and blocks until the JVM shuts down
   * (the shutdown hook closes the simulator) or the calling thread is interrupted.
   */
  public static void run(SimConfig config) throws InterruptedException {
    SimExchange sim = SimExchange.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      sim.close();
      stopped.countDown();
    }, "sim-exchange-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("sim exchange REST " + sim.restUrl() + "  WS " + sim.wsUrl()
        + "/stream?streams=btcusdt@depth@100ms  api key " + SimConfig.DEFAULT_API_KEY);
    try {
      stopped.await();
    } finally {
      sim.close();
    }
  }
}
