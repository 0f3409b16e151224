package io.spark.day9;

import io.spark.day9.api.ApiRoutes;
import io.spark.day9.api.ChaosRoutes;
import io.spark.day9.api.AuthPolicy;
import io.spark.day9.api.HttpServer;
import io.spark.day9.api.Json;
import io.spark.day9.api.MarketRoutes;
import io.spark.day9.api.QueueRoutes;
import io.spark.day9.api.SystemRoutes;
import io.spark.day9.audit.AuditBatcher;
import io.spark.day9.audit.AuditComponent;
import io.spark.day9.api.ShadowReportRoutes;
import io.spark.day9.api.ShadowRoutes;
import io.spark.day9.market.BinanceOrders;
import io.spark.day9.metrics.ShadowMetrics;
import io.spark.day9.shadow.ExchangeOrders;
import io.spark.day9.shadow.OrderJobHandler;
import io.spark.day9.shadow.OrderRequest;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowEvent;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.chaos.ChaosTargets;
import io.spark.day9.chaos.HttpFault;
import io.spark.day9.config.Day9Config;
import io.spark.day9.fs.SecureFiles;
import io.spark.day9.jobs.ProbeHandler;
import io.spark.day9.jobs.Queues;
import io.spark.day9.jobs.Worker;
import io.spark.day9.lifecycle.Lifecycle;
import io.spark.day9.metrics.ChaosMetrics;
import io.spark.day9.metrics.MetricsRegistry;
import io.spark.day9.metrics.MarketMetrics;
import io.spark.day9.metrics.QueueMetrics;
import io.spark.day9.market.ExchangeException;
import io.spark.day9.market.MarketComponent;
import io.spark.day9.market.MarketStream;
import io.spark.day9.sim.SimComponent;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.sim.SimFaults;
import io.spark.day9.time.Scheduler;
import io.spark.day9.time.SystemScheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one wiring place: builds the object graph from a validated {@link Day9Config}, starts
 * components in order (audit first, HTTP last) and stops them in reverse (HTTP first, so no new
 * work arrives while the rest flush and close). Tests build it with {@code PORT=0}.
 */
public final class Executor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Executor.class);

    private final Day9Config config;
    private final Lifecycle lifecycle = new Lifecycle();
    /** Every time-driven component's timers (one instance; closed after every component). */
    private final Scheduler scheduler;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final AuditComponent audit;
    private final Queues queues;
    private final Worker worker;
    private final SimComponent sim;
    private final MarketComponent market;
    private final ChaosEngine chaos;
    private final AuditBatcher auditBatcher;
    private final ShadowExecutor shadow;
    private final OrderRouter router;
    private final HttpServer http;

    private Executor(Day9Config config, Clock clock, Scheduler scheduler,
                     List<ApiRoutes> extraRoutes) {
        this.config = config;
        this.scheduler = scheduler;
        this.audit = new AuditComponent(config.paths().auditDir(), clock, Json.mapper());
        this.queues = new Queues(config.queue(), clock::millis);
        this.worker = new Worker(queues, config.queue().workerThreads(),
                config.queue().visibility(), scheduler, Json.mapper());
        worker.registerPrefix(ProbeHandler.PREFIX,
                new ProbeHandler(config.paths().runtimeDir(), Json.mapper(), clock::millis));
        QueueMetrics queueMetrics = new QueueMetrics(metrics.registry(), queues);
        queueMetrics.observe(worker);

        Day9Config.Market m = config.market();
        this.sim = m.source() == Day9Config.MarketSource.SIM
                ? new SimComponent(SimConfig.of(m.symbols(), m.simSeed()).withPort(m.simPort()),
                        clock::millis, scheduler)
                : null;
        this.market = new MarketComponent(new MarketComponent.MarketSettings(m.symbols(),
                m.recvWindowMs(), m.staleMs(), m.reconnectBaseMs(), m.reconnectMaxMs(),
                m.maxConnectionAgeMs(), m.depthLimit()), () -> endpoints(m), clock::millis,
                new java.util.SplittableRandom(m.simSeed()), scheduler, Json.mapper());
        new MarketMetrics(metrics.registry(), market);

        this.chaos = buildChaos(config, clock);
        new ChaosMetrics(metrics.registry(), chaos);

        this.auditBatcher = new AuditBatcher(audit);
        this.shadow = buildShadow(config, clock);
        new ShadowMetrics(metrics.registry(), shadow);
        this.router = buildRouter(config.trading());
        worker.register(OrderJobHandler.TYPE, new OrderJobHandler(router, Json.mapper()));

        // The signal paths first: Javalin tries a request's routes in the order they were
        // added, one regex match each (three times per request), so an order placed after 20
        // other POST routes pays for 60 matches. No two subsystems' routes overlap, so the
        // order changes only that cost.
        List<ApiRoutes> routes = new ArrayList<>();
        routes.add(new ShadowRoutes(shadow, router, clock::millis));
        routes.add(new QueueRoutes(queues, audit));
        routes.add(new SystemRoutes(config, lifecycle, metrics, audit, clock));
        routes.add(new MarketRoutes(market));
        ChaosRoutes.AuditHook chaosAudit = (actor, action, before, after) ->
                audit.log().append(actor, action, "chaos", before, after);
        ChaosRoutes.auditChanges(chaos, chaosAudit);
        routes.add(new ChaosRoutes(chaos, chaosAudit));
        routes.add(new ShadowReportRoutes(config.paths().shadowDir(), clock::millis));
        routes.addAll(extraRoutes);
        this.http = new HttpServer(config.server(), new AuthPolicy(config.server().apiToken(),
                config.server().adminToken()), routes);
        // start order; stop is the reverse: HTTP first, then the worker, queues, audit
        if (scheduler instanceof SystemScheduler owned) {
            lifecycle.add(owned); // first in, last out: every component has closed its lane
        }
        lifecycle.add(audit);
        lifecycle.add(auditBatcher);
        lifecycle.add(queues);
        if (sim != null) {
            lifecycle.add(sim);
        }
        lifecycle.add(market);
        lifecycle.add(chaos);
        lifecycle.add(shadow);
        if (config.queue().workerEnabled()) {
            lifecycle.add(worker); // after shadow: it handles "order" jobs
        }
        lifecycle.add(http);
    }

    /**
     * The chaos engine, wired to the edges only: the market stream's flap hook, the REST
     * client's interceptor (outbound faults) and the simulator's fault hooks.
     */
    private ChaosEngine buildChaos(Day9Config config, Clock clock) {
        Day9Config.Chaos c = config.chaos();
        ChaosSettings initial = new ChaosSettings(c.httpErrorPct(), 503, c.httpLatencyMs(), 0,
                c.wsFlapSec(), List.of(), List.of(), c.ttlSec(), 0, null,
                ChaosSettings.Outbound.OFF, ChaosSettings.Exchange.OFF);
        ChaosEngine engine = new ChaosEngine(new ChaosEngine.Config(initial,
                config.server().env() == io.spark.day9.config.DeployEnv.PRODUCTION,
                c.allowProduction(), c.recoveryDeadlineMs(), config.market().staleMs()),
                clock::millis, scheduler);
        market.subscribe(engine::onMarketEvent);
        engine.attachMarket(new ChaosTargets.Market() {
            @Override
            public boolean connected() {
                return market.connected();
            }

            @Override
            public boolean allSynced() {
                MarketStream s = market.stream();
                return s != null && s.allSynced();
            }

            @Override
            public void flap() {
                MarketStream s = market.stream();
                if (s != null) {
                    s.flap();
                }
            }

            @Override
            public long duplicatesIgnored() {
                MarketStream s = market.stream();
                return s == null ? 0 : s.duplicatesIgnored();
            }
        });
        market.interceptRest((method, path) -> {
            HttpFault f = engine.outbound(method + " " + path);
            if (f.latencyMs() > 0) {
                try {
                    engine.delay(f.latencyMs()); // on the injected scheduler
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (f.fails()) {
                throw ExchangeException.injected(f.status(), "chaos: injected " + f.status()
                        + " on " + method + " " + path + " (not sent)", f.status() == 429
                        ? 1000 : 0);
            }
        });
        if (sim != null) {
            engine.attachExchange(new ChaosTargets.ExchangeHooks() {
                private SimFaults faults() {
                    return sim.exchange().faults();
                }

                @Override
                public void silence(long ms) {
                    faults().silence(ms);
                }

                @Override
                public void skipDepthUpdates(int n) {
                    faults().skipDepthUpdates(n);
                }

                @Override
                public void duplicateDepthUpdates(int n) {
                    faults().duplicateDepthUpdates(n);
                }

                @Override
                public void rateLimit(int status, int retryAfterSec, long ms) {
                    faults().rateLimit(status, retryAfterSec, ms);
                }

                @Override
                public void clockSkew(long ms) {
                    faults().clockSkew(ms);
                }

                @Override
                public void clear() {
                    faults().clear();
                }
            }, new ChaosTargets.ExchangeProbe() {
                @Override
                public void ping() {
                    market.rest().ping();
                }

                @Override
                public void signed() {
                    String symbol = config.market().symbols().get(0);
                    market.rest().testOrder(java.util.Map.of("symbol", symbol, "side", "BUY",
                            "type", "MARKET", "quantity", "0.001"));
                }
            });
        }
        return engine;
    }

    /**
     * The shadow executor. It is handed market data through a read-only view, the exchange's
     * rules and a round-trip probe: nothing it holds can place an order.
     */
    private ShadowExecutor buildShadow(Day9Config config, Clock clock) {
        Day9Config.Shadow s = config.trading().shadow();
        ShadowConfig sc = new ShadowConfig(config.paths().shadowDir(), s.makerFeeBps(),
                s.takerFeeBps(), ShadowConfig.LatencyModel.valueOf(s.latencyModel()
                .toUpperCase(java.util.Locale.ROOT)), s.latencyMs(), s.orderTtlSec() * 1000,
                s.rttProbeSec() * 1000);
        io.spark.day9.market.MarketData readOnly = new io.spark.day9.market.MarketData() {
            @Override
            public List<String> symbols() {
                return market.symbols();
            }

            @Override
            public java.util.Optional<io.spark.day9.market.BookView> book(String symbol,
                                                                          int limit) {
                return market.book(symbol, limit);
            }

            @Override
            public boolean connected() {
                return market.connected();
            }
        };
        String probeSymbol = config.market().symbols().get(0);
        MarketComponent market = this.market;   // closures capture these, not the executor
        AuditBatcher auditBatcher = this.auditBatcher;
        ShadowExecutor.RoundTripProbe probe = () -> {
            long t0 = System.nanoTime();
            try {
                market.rest().testOrder(java.util.Map.of("symbol", probeSymbol, "side", "BUY",
                        "type", "MARKET", "quantity", "0.001"));
            } catch (ExchangeException e) {
                if (e.httpStatus() == 0 || e.rateLimited() || e.httpStatus() >= 500) {
                    throw e; // no answer, or not a normal one: not a round trip worth counting
                }
                // a 4xx answer (a filter, say) is still a full round trip
            }
            return (System.nanoTime() - t0) / 1e6;
        };
        ShadowExecutor se = new ShadowExecutor(sc, readOnly, () -> market.rest().exchangeInfo(),
                probe, clock::millis, scheduler, Json.mapper());
        market.subscribe(se::onMarketEvent);
        se.subscribe(e -> {
            if (e instanceof ShadowEvent.Placed p) {
                auditBatcher.submit("shadow", "shadow.order", p.order().orderId(), null, p.order());
            } else if (e instanceof ShadowEvent.Filled f) {
                auditBatcher.submit("shadow", "shadow.fill", f.order().orderId(), null, f.fill());
            } else if (e instanceof ShadowEvent.Ended x) {
                auditBatcher.submit("shadow", "shadow." + x.reason(), x.order().orderId(),
                        null, x.order());
            } else if (e instanceof ShadowEvent.Rejected r) {
                auditBatcher.submit("shadow", "shadow.reject", r.symbol(), null, r);
            }
        });
        return se;
    }

    /**
     * Where orders go. Only a sending mode gets an exchange order client; every other mode is
     * built without one, so nothing can reach {@code POST /api/v3/order}.
     */
    private OrderRouter buildRouter(Day9Config.Trading t) {
        String mode = "TRADE_MODE=" + t.mode().name().toLowerCase(java.util.Locale.ROOT)
                + ", LIVE_ENABLED=" + t.liveEnabled() + ", SHADOW_LIVE_ENABLED="
                + t.shadowLiveEnabled();
        if (t.sends()) {
            log.warn("orders are SENT to the exchange ({}); A/B shadow fraction {} (overrides {})",
                    mode, t.shadow().abFraction(), t.shadow().abOverrides());
            return OrderRouter.sending(shadow, exchangeOrders(), t.shadow()::fractionFor,
                    mode + ": orders are sent, a fraction with a shadow twin");
        }
        if (t.shadowOnly()) {
            log.info("do-not-send: every order is simulated against the local book ({})", mode);
            return OrderRouter.shadowOnly(shadow, mode + ": do-not-send, every order simulated");
        }
        log.warn("orders are refused: live and shadow execution are both disabled ({})", mode);
        return OrderRouter.refusing(shadow, mode + ": live and shadow execution are both "
                + "disabled; set SHADOW_LIVE_ENABLED=true to simulate or LIVE_ENABLED=true to "
                + "send");
    }

    private ExchangeOrders exchangeOrders() {
        return new ExchangeOrders() {
            private BinanceOrders orders() {
                return new BinanceOrders(market.rest());
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode place(OrderRequest r) {
                java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
                p.put("symbol", r.symbol());
                p.put("side", r.side().name());
                p.put("type", r.type().name());
                if (r.timeInForce() != null) {
                    p.put("timeInForce", r.timeInForce().name());
                }
                if (r.price() != null) {
                    p.put("price", r.price().toPlainString());
                }
                p.put("quantity", r.quantity().toPlainString());
                p.put("newClientOrderId", r.clientOrderId());
                p.put("newOrderRespType", "FULL");
                return orders().placeOrder(p);
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode find(String symbol, String id) {
                try {
                    return orders().queryOrder(symbol, id);
                } catch (ExchangeException e) {
                    if (e.code() == -2013) {
                        return null; // "Order does not exist."
                    }
                    throw e;
                }
            }
        };
    }

    private MarketComponent.Endpoints endpoints(Day9Config.Market m) {
        if (sim != null) {
            SimExchange s = sim.exchange();
            return new MarketComponent.Endpoints("sim", m.restUrl().isEmpty() ? s.restUrl()
                    : m.restUrl(), m.wsUrl().isEmpty() ? s.wsUrl() : m.wsUrl(),
                    m.apiKey().isEmpty() ? s.config().apiKey() : m.apiKey(),
                    m.apiSecret().isEmpty() ? s.config().apiSecret() : m.apiSecret());
        }
        return new MarketComponent.Endpoints(m.source().id(), m.restUrlOrDefault(),
                m.wsUrlOrDefault(), m.apiKey(), m.apiSecret());
    }

    /** Builds and starts an executor; on failure everything already started is stopped. */
    public static Executor start(Day9Config config) throws Exception {
        return start(config, Clock.systemUTC(), List.of());
    }

    /** As {@link #start(Day9Config)}, with a clock and extra routes (tests, later subsystems). */
    public static Executor start(Day9Config config, Clock clock, List<ApiRoutes> extraRoutes)
            throws Exception {
        return start(config, clock, new SystemScheduler(), extraRoutes);
    }

    /**
     * As {@link #start(Day9Config, Clock, List)}, with the scheduler every time-driven
     * component uses; it must run on {@code clock}. A {@link SystemScheduler} is stopped with
     * the executor; any other (a test's manual one) belongs to the caller.
     */
    public static Executor start(Day9Config config, Clock clock, Scheduler scheduler,
                                 List<ApiRoutes> extraRoutes) throws Exception {
        SecureFiles.ensureDirectory(config.paths().runtimeDir());
        Executor executor = new Executor(config, clock, scheduler, extraRoutes);
        executor.lifecycle.start(executor.metrics.registry());
        log.info("day9 executor {} ready on port {}", Version.get(), executor.port());
        return executor;
    }

    public int port() {
        return http.port();
    }

    public Day9Config config() {
        return config;
    }

    /** The scheduler every time-driven component uses (later subsystems take it too). */
    public Scheduler scheduler() {
        return scheduler;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public AuditComponent audit() {
        return audit;
    }

    public Queues queues() {
        return queues;
    }

    /** Market data (books, REST client, flap hook). */
    public MarketComponent market() {
        return market;
    }

    /** The embedded simulator, or null when {@code MARKET_SOURCE} is not {@code sim}. */
    public SimExchange sim() {
        return sim == null ? null : sim.exchange();
    }

    /** The shadow executor. */
    public ShadowExecutor shadow() {
        return shadow;
    }

    /** Where orders go in this mode. */
    public OrderRouter router() {
        return router;
    }

    /** The chaos engine. */
    public ChaosEngine chaos() {
        return chaos;
    }

    /** The built-in worker; later subsystems register their job handlers on it. */
    public Worker worker() {
        return worker;
    }

    /** Graceful stop: HTTP drains in-flight requests, then the rest closes in reverse order. */
    @Override
    public void close() {
        lifecycle.stop();
        router.close();
    }
}
