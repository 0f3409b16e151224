package io.spark.day9.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running simulated exchange that speaks a Binance Spot subset (REST + WebSocket streams) over
 * real sockets, described in {@code docs/sim-exchange.md}.
 *
 * <p>Guarantees: once {@link #start} returns, the REST and WebSocket endpoints accept
 * connections at {@link #restUrl()} / {@link #wsUrl()}; the market moves every
 * {@link SimConfig#updateInterval()} (or only on {@link #advance(int)} with manual stepping);
 * depthUpdates of a symbol satisfy {@code U == previous u + 1} unless a fault hook says
 * otherwise; {@link #book(String)} is always consistent with the streams and REST depth.
 * {@link #close()} stops everything and is idempotent.
 *
 * <p>Threads: one market thread (steps and stream broadcast, in order), Jetty's request
 * threads (REST, serialised against the market by its lock).
 */
public final class SimExchange implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimExchange.class);

  private final SimConfig config;
  private final Market market;
  private final StreamHub hub;
  private final SimFaults faults;
  private final ScheduledExecutorService scheduler;
  private final Javalin app;
  private final Object stepLock = new Object();
  private volatile boolean closed;
  private volatile boolean paused;

  private SimExchange(SimConfig config, Clock clock, RandomGenerator rnd, LongSupplier ticker) {
    this.config = config;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sim-exchange-market");
      t.setDaemon(true);
      return t;
    });
    ObjectMapper json = new ObjectMapper();
    this.hub = new StreamHub(config, json, scheduler, ticker);
    this.faults = new SimFaults(clock::millis, hub::dropAll,
        config.symbols().stream().map(SimConfig.SymbolSpec::symbol).toList());
    hub.faults(faults);
    LongSupplier exchangeNow = () -> clock.millis() + faults.clockSkewMs();
    this.market = new Market(config, exchangeNow, rnd);
    RestApi rest = new RestApi(config, market, faults, json, exchangeNow, clock::millis);
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      QueuedThreadPool pool = new QueuedThreadPool(32, 2);
      pool.setName("sim-exchange-http");
      pool.setDaemon(true);
      cfg.jetty.threadPool = pool;
      cfg.jetty.modifyServletContextHandler(handler -> {
        ServletHolder ws = new ServletHolder("sim-exchange-ws", hub.servlet());
        handler.addServlet(ws, "/stream");
        handler.addServlet(ws, "/ws/*");
      });
    });
    rest.register(app);
    rest.registerControl(app);
  }

  /** Starts a simulator with the system clock and the config's seed. */
  public static SimExchange start(SimConfig config) {
    return start(config, Clock.systemUTC());
  }

  /**
   * Starts a simulator whose exchange time comes from {@code clock} (serverTime, event times,
   * recvWindow checks and the weight window); randomness comes from the config's seed.
   */
  public static SimExchange start(SimConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    return start(config, clock, new Random(config.seed()), System::nanoTime);
  }

  static SimExchange start(SimConfig config, Clock clock, RandomGenerator rnd,
                           LongSupplier ticker) {
    SimExchange sim = new SimExchange(config, clock, rnd, ticker);
    sim.app.start(config.host(), config.port());
    long interval = config.updateInterval().toNanos();
    if (interval > 0) {
      sim.scheduler.scheduleAtFixedRate(sim::stepQuietly, interval, interval,
          TimeUnit.NANOSECONDS);
    }
    long ping = config.pingInterval().toNanos();
    sim.scheduler.scheduleAtFixedRate(sim.hub::pingAll, ping, ping, TimeUnit.NANOSECONDS);
    log.info("sim exchange listening on {} (symbols {}, {})", sim.restUrl(),
        config.symbols().stream().map(SimConfig.SymbolSpec::symbol).toList(),
        config.tickFile() == null ? "random walk seed " + config.seed()
            : "replay " + config.tickFile());
    return sim;
  }

  private void stepQuietly() {
    if (paused) {
      return;
    }
    try {
      advance(1);
    } catch (RuntimeException e) {
      log.warn("sim exchange: market step failed", e);
    }
  }

  /**
   * Moves the market {@code steps} updates now and publishes each step's stream messages
   * (handed to the sockets asynchronously). Usable in both modes; with manual stepping it is
   * the only way the market moves.
   */
  public void advance(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    synchronized (stepLock) {
      for (int i = 0; i < steps && !closed; i++) {
        hub.broadcast(market.step());
      }
    }
  }

  /**
   * Stops the timer from moving the market (a step in progress completes first); REST orders
   * and {@link #advance(int)} still work. Tests use it to freeze the book, then
   * {@code advance(1)} to publish every pending change, then compare books.
   */
  public void pause() {
    synchronized (stepLock) {
      paused = true;
    }
  }

  /** Lets the timer move the market again. */
  public void resume() {
    paused = false;
  }

  /** {@code http://HOST:PORT}, the REST base URL. */
  public String restUrl() {
    return "http://" + config.host() + ":" + port();
  }

  /** {@code ws://HOST:PORT}; append {@code /stream?streams=...} or {@code /ws/<stream>}. */
  public String wsUrl() {
    return "ws://" + config.host() + ":" + port();
  }

  /** The bound port (the ephemeral one when configured with 0). */
  public int port() {
    return app.port();
  }

  public SimConfig config() {
    return config;
  }

  /** The upper-case symbols listed by this exchange. */
  public List<String> symbols() {
    return market.symbols();
  }

  /** A consistent copy of the simulator's own book for {@code symbol} (upper-case). */
  public BookSnapshot book(String symbol) {
    return market.snapshot(symbol);
  }

  /** The fault hooks. */
  public SimFaults faults() {
    return faults;
  }

  /** Open WebSocket connections now. */
  public int connections() {
    return hub.connections();
  }

  /** Connections dropped because they did not answer pings in time. */
  public long pongTimeouts() {
    return hub.pongTimeouts();
  }

  /** Connections closed at the maximum connection age. */
  public long maxAgeCloses() {
    return hub.ageCloses();
  }

  /** Stops the market, closes every connection and the server. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    try {
      // let a step in progress finish its broadcast before the sockets close
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("sim exchange: market thread did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      hub.closeAll();
    } finally {
      app.stop();
    }
    log.info("sim exchange stopped");
  }
}
