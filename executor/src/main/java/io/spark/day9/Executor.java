package io.spark.day9;

import io.spark.day9.api.ApiRoutes;
import io.spark.day9.api.AuthPolicy;
import io.spark.day9.api.ChaosRoutes;
import io.spark.day9.api.EmergencyRoutes;
import io.spark.day9.api.HttpServer;
import io.spark.day9.api.Json;
import io.spark.day9.api.MarketRoutes;
import io.spark.day9.api.QueueRoutes;
import io.spark.day9.api.ShadowReportRoutes;
import io.spark.day9.api.ShadowRoutes;
import io.spark.day9.api.SnapshotRoutes;
import io.spark.day9.api.SystemRoutes;
import io.spark.day9.audit.AuditBatcher;
import io.spark.day9.audit.AuditComponent;
import io.spark.day9.audit.AuditSubscriber;
import io.spark.day9.chaos.ChaosEngine;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.chaos.ChaosStateSection;
import io.spark.day9.chaos.MarketTargets;
import io.spark.day9.config.Day9Config;
import io.spark.day9.config.DeployEnv;
import io.spark.day9.emergency.Emergency;
import io.spark.day9.emergency.ExecutorDesk;
import io.spark.day9.experiment.ReportRetention;
import io.spark.day9.experiment.ReportWriter;
import io.spark.day9.fs.SecureFiles;
import io.spark.day9.jobs.ProbeHandler;
import io.spark.day9.jobs.ProbeRetention;
import io.spark.day9.jobs.QuarantineRetention;
import io.spark.day9.jobs.QueueStatsSection;
import io.spark.day9.jobs.Queues;
import io.spark.day9.jobs.Worker;
import io.spark.day9.lifecycle.Lifecycle;
import io.spark.day9.market.BookSummarySection;
import io.spark.day9.market.MarketComponent;
import io.spark.day9.market.ReadOnlyMarketData;
import io.spark.day9.metrics.ChaosMetrics;
import io.spark.day9.metrics.EmergencyMetrics;
import io.spark.day9.metrics.HttpMetrics;
import io.spark.day9.metrics.MarketMetrics;
import io.spark.day9.metrics.TapeMetrics;
import io.spark.day9.metrics.MetricsRegistry;
import io.spark.day9.metrics.QueueMetrics;
import io.spark.day9.metrics.ShadowMetrics;
import io.spark.day9.retention.RetainedKind;
import io.spark.day9.metrics.SnapshotMetrics;
import io.spark.day9.retention.Retention;
import io.spark.day9.retention.RetentionPolicy;
import io.spark.day9.shadow.BinanceExchangeOrders;
import io.spark.day9.shadow.OrderJobHandler;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.OrderTestProbe;
import io.spark.day9.shadow.ShadowConfig;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.SnapshotTrailMarks;
import io.spark.day9.sim.SimAccountConfig;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.sim.server.SimComponent;
import io.spark.day9.sim.server.SimServer;
import io.spark.day9.snapshot.SnapshotIo;
import io.spark.day9.snapshot.SnapshotService;
import io.spark.day9.snapshot.SnapshotSettings;
import io.spark.day9.snapshot.SnapshotStore;
import io.spark.day9.tape.MarketTape;
import io.spark.day9.time.Scheduler;
import io.spark.day9.time.SystemScheduler;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one wiring place: builds the object graph from a validated {@link Day9Config}, one
 * {@code build…} method per subsystem, each of which also subscribes that subsystem's adapters
 * (metrics on the exported registry, the {@link AuditSubscriber}) to its events. Components
 * start in the order of {@link #startOrder()} and stop in reverse: HTTP first, so no new work
 * arrives while the rest flush and close; the audit log last, so every event is recorded.
 * Tests build it with {@code PORT=0}.
 */
public final class Executor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Executor.class);

    private final Day9Config config;
    private final Clock clock;
    /** Every time-driven component's timers (one instance; closed after every component). */
    private final Scheduler scheduler;
    private final Lifecycle lifecycle = new Lifecycle();
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final AuditComponent audit;
    private final AuditBatcher auditBatcher;
    private final AuditSubscriber auditor;
    private final Queues queues;
    private final Worker worker;
    private final SimComponent sim;
    private final MarketComponent market;
    private final ChaosEngine chaos;
    private final ShadowExecutor shadow;
    private final MarketTape tape;
    private final OrderRouter router;
    /** The emergency stop: its gate is in front of every order. */
    private final Emergency emergency;
    private final HttpServer http;
    /** The one retention runner; every retained file kind registers with it. */
    private final Retention retention;
    private final SnapshotService snapshots;
    private SnapshotMetrics snapshotMetrics;
    private ChaosMetrics chaosMetrics; // set while wiring chaos; routes declared after start

    private Executor(Day9Config config, Clock clock, Scheduler scheduler,
                     List<ApiRoutes> extraRoutes) {
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.audit = new AuditComponent(config.paths().auditDir(), clock, Json.mapper());
        this.auditBatcher = new AuditBatcher(audit);
        this.auditor = new AuditSubscriber(auditBatcher);
        this.retention = new Retention(clock);
        auditor.subscribeTo(retention);
        this.queues = buildQueues();
        this.worker = buildWorker();
        this.sim = buildSim();
        this.market = buildMarket();
        this.chaos = buildChaos();
        this.shadow = buildShadow();
        this.tape = buildTape();
        this.router = buildRouter();
        worker.register(OrderJobHandler.TYPE, new OrderJobHandler(router, Json.mapper()));
        this.emergency = buildEmergency();
        this.snapshots = buildSnapshots();
        this.http = buildHttp(extraRoutes);
        retainedKinds(new SnapshotTrailMarks(snapshots.store())).forEach(retention::register);
        retention.register(tape.retainedKind()); // also when off: old segments still age out
        // every retained kind is registered by now: its deletion counter starts at 0
        snapshotMetrics.retainedKinds(retention.kinds());
        startOrder();
    }

    /** Start order; stop is the reverse. Each coming subsystem adds one line here. */
    private void startOrder() {
        if (scheduler instanceof SystemScheduler owned) {
            lifecycle.add(owned); // first in, last out: every component has closed its lane
        }
        lifecycle.add(audit);
        lifecycle.add(auditBatcher);
        lifecycle.add(snapshots);  // restores before the owners of restorable sections start
        lifecycle.add(queues);
        if (sim != null) {
            lifecycle.add(sim);
        }
        lifecycle.add(market);
        lifecycle.add(chaos);
        lifecycle.add(shadow);
        if (config.tape().enabled()) {
            lifecycle.add(tape);   // after market: it samples the books
        }
        lifecycle.add(router);     // stopped after the worker: it routes "order" jobs
        lifecycle.add(emergency);  // after the router (it cancels through it), before the
                                   // worker and HTTP: a restart finishes a stop first
        if (config.queue().workerEnabled()) {
            lifecycle.add(worker); // after shadow and the router: it handles "order" jobs
        }
        lifecycle.add(snapshots.schedule()); // stops right after HTTP: the shutdown snapshot
                                             // sees every other component still up
        lifecycle.add(http);
    }

    private Queues buildQueues() {
        Queues q = new Queues(config.queue(), clock::millis);
        auditor.subscribeTo(q);
        return q;
    }

    private Worker buildWorker() {
        Worker w = new Worker(queues, config.queue().workerThreads(),
                config.queue().visibility(), scheduler, Json.mapper(), config.queue().parkMax());
        w.registerPrefix(ProbeHandler.PREFIX,
                new ProbeHandler(config.paths().runtimeDir(), Json.mapper(), clock::millis));
        new QueueMetrics(metrics.registry(), queues).observe(w);
        return w;
    }

    /** The embedded simulator, when {@code MARKET_SOURCE=sim}. */
    private SimComponent buildSim() {
        Day9Config.Market m = config.market();
        return m.source() == Day9Config.MarketSource.SIM
                ? new SimComponent(SimConfig.of(m.symbols(), m.simSeed()).withPort(m.simPort())
                        .withWeightPerMinute(m.simWeightPerMinute())
                        .withAccount(SimAccountConfig.defaults()
                                .withStartBalances(m.simStartBalances())),
                        clock::millis, scheduler)
                : null;
    }

    private MarketComponent buildMarket() {
        Day9Config.Market m = config.market();
        MarketComponent mc = new MarketComponent(m.settings(), this::endpoints, clock::millis,
                new SplittableRandom(m.simSeed()), scheduler, Json.mapper());
        new MarketMetrics(metrics.registry(), mc);
        return mc;
    }

    /** The market tape: samples the books on its lane and records trade prints. */
    private MarketTape buildTape() {
        MarketComponent mc = market; // closures capture the component, not the executor
        MarketTape t = new MarketTape(config.tape(), ReadOnlyMarketData.of(mc), clock::millis,
                scheduler);
        mc.subscribe(t::onMarketEvent);
        TapeMetrics.register(metrics.registry(), t);
        return t;
    }

    /** Where the exchange is: the simulator's own URLs and keys unless overridden. */
    private MarketComponent.Endpoints endpoints() {
        Day9Config.Market m = config.market();
        if (sim == null) {
            return new MarketComponent.Endpoints(m.source().id(), m.restUrlOrDefault(),
                    m.wsUrlOrDefault(), m.apiKey(), m.apiSecret());
        }
        SimServer s = sim.server();
        return new MarketComponent.Endpoints("sim", or(m.restUrl(), s.restUrl()),
                or(m.wsUrl(), s.wsUrl()), or(m.apiKey(), s.config().apiKey()),
                or(m.apiSecret(), s.config().apiSecret()));
    }

    private static String or(String configured, String fallback) {
        return configured.isEmpty() ? fallback : configured;
    }

    /**
     * The chaos engine, wired to the edges only: the market stream's flap hook, the REST
     * client's interceptor (outbound faults) and the simulator's fault hooks.
     */
    private ChaosEngine buildChaos() {
        Day9Config.Chaos c = config.chaos();
        ChaosSettings initial = new ChaosSettings(c.httpErrorPct(), 503, c.httpLatencyMs(), 0,
                c.wsFlapSec(), List.of(), List.of(), c.ttlSec(), 0, null,
                ChaosSettings.Outbound.OFF, ChaosSettings.Exchange.OFF);
        ChaosEngine engine = new ChaosEngine(new ChaosEngine.Config(initial,
                config.server().env() == DeployEnv.PRODUCTION, c.allowProduction(),
                c.recoveryDeadlineMs(), config.market().staleMs()), clock::millis,
                scheduler);
        market.subscribe(engine::onMarketEvent);
        engine.attachMarket(MarketTargets.market(market));
        market.interceptRest(MarketTargets.outbound(engine));
        if (sim != null) {
            engine.attachExchange(MarketTargets.simulator(() -> sim.exchange().faults()),
                    MarketTargets.probe(market, config.market().symbols().get(0)));
        }
        this.chaosMetrics = new ChaosMetrics(metrics.registry(), engine);
        auditor.subscribeTo(engine);
        return engine;
    }

    /**
     * The shadow executor. It is handed market data through a read-only view, the exchange's
     * rules and a round-trip probe: nothing it holds can place an order.
     */
    private ShadowExecutor buildShadow() {
        Day9Config.Shadow s = config.trading().shadow();
        ShadowConfig sc = new ShadowConfig(config.paths().shadowDir(), s.makerFeeBps(),
                s.takerFeeBps(), s.latencyModel(), s.latencyMs(), s.orderTtlSec() * 1000,
                s.rttProbeSec() * 1000, s.recentOrders());
        MarketComponent mc = market; // closures capture the component, not the executor
        ShadowExecutor se = new ShadowExecutor(sc, ReadOnlyMarketData.of(mc),
                () -> mc.rest().exchangeInfo(),
                new OrderTestProbe(mc::rest, config.market().symbols().get(0)),
                clock::millis, scheduler, Json.mapper());
        mc.subscribe(se::onMarketEvent);
        new ShadowMetrics(metrics.registry(), se);
        auditor.subscribeTo(se);
        return se;
    }

    /**
     * Snapshots: the store, the service with its state sections (queue stats, market summary,
     * chaos for the record; shadow adds its own), the snapshot retention kind, metrics and
     * audit.
     */
    private SnapshotService buildSnapshots() {
        Day9Config.Snapshots c = config.snapshots();
        RetentionPolicy policy = new RetentionPolicy(c.retentionDays(), c.keepLast());
        SnapshotStore store = new SnapshotStore(config.paths().snapshotDir(), SnapshotIo.FILES,
                Json.mapper());
        retention.register(store.retainedKind(policy));
        SnapshotService s = new SnapshotService(new SnapshotSettings(
                config.paths().snapshotDir(), Duration.ofSeconds(c.intervalSec()), c.maxBytes(),
                policy), store, retention, clock, scheduler, Json.mapper());
        s.register(new QueueStatsSection(queues, Json.mapper()));
        s.register(new BookSummarySection(market, Json.mapper()));
        s.register(new ChaosStateSection(chaos, Json.mapper()));
        s.register(shadow.stateSection()); // restored before shadow starts and replays its trail
        s.register(emergency.stateSection()); // for the record; the state file is the authority
        this.snapshotMetrics = new SnapshotMetrics(metrics.registry(), s, retention);
        auditor.subscribeTo(s);
        return s;
    }

    /** Where orders go: only a sending mode is given an exchange order client. */
    private OrderRouter buildRouter() {
        return OrderRouter.forMode(config.trading(), shadow,
                () -> new BinanceExchangeOrders(market::rest));
    }

    /**
     * The emergency stop over the trading desk: its gate guards the shadow executor and the
     * router; metrics and the audit log subscribe. Its state file is read here, so a stop in
     * force refuses orders before any component starts.
     */
    private Emergency buildEmergency() {
        Emergency e = new Emergency(config.paths().runtimeDir().resolve("emergency"),
                new ExecutorDesk(chaos, shadow, router, worker, config.market().symbols(),
                        clock::millis), clock::millis, scheduler, Json.mapper());
        shadow.gate(e.gate());
        router.gate(e.gate());
        new EmergencyMetrics(metrics.registry(), e::subscribe, e::view);
        auditor.subscribeTo(e);
        return e;
    }

    /**
     * The HTTP server. The signal paths first: Javalin tries a request's routes in the order
     * they were added, one regex match each (three times per request), so an order placed
     * after 20 other POST routes pays for 60 matches. No two subsystems' routes overlap, so the
     * order changes only that cost.
     */
    private HttpServer buildHttp(List<ApiRoutes> extraRoutes) {
        List<ApiRoutes> routes = new ArrayList<>();
        routes.add(new ShadowRoutes(shadow, router, clock::millis));
        routes.add(new QueueRoutes(queues, worker));
        routes.add(new SystemRoutes(config, lifecycle, metrics, audit, clock));
        routes.add(new MarketRoutes(market));
        routes.add(new ChaosRoutes(chaos));
        routes.add(new EmergencyRoutes(emergency));
        routes.add(new ShadowReportRoutes(config.paths().shadowDir(), clock::millis));
        routes.add(new SnapshotRoutes(snapshots, retention));
        routes.addAll(extraRoutes);
        AuthPolicy auth = authPolicy(config.server(), clock);
        HttpMetrics.observeAuth(metrics.registry(), auth::failedAuthentications,
                auth::refusedAuthentications);
        return new HttpServer(config.server(), auth, routes, new HttpMetrics(metrics.registry()));
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
        executor.lifecycle.start();
        executor.chaosMetrics.declareRoutes(executor.http.routeTemplates());
        log.info("day9 executor {} ready on port {}", Version.get(), executor.port());
        return executor;
    }

    /** The HTTP server: its route declarations, router and auth counters. */
    public HttpServer http() {
        return http;
    }

    /** Who may call what: the three role tokens and the failed-authentication limit. */
    private static AuthPolicy authPolicy(Day9Config.Server server, Clock clock) {
        return new AuthPolicy(new AuthPolicy.Tokens(server.apiToken(), server.adminToken(),
                server.readToken()), new AuthPolicy.FailureLimit(server.authMaxFailures(),
                server.authFailureWindow()), clock::millis);
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

    /**
     * The market tape; {@code tape().retainedKind()} is its retention kind for the shared
     * {@code retention.Retention}.
     */
    public MarketTape tape() {
        return tape;
    }

    /** The emergency stop: stop, resume, the dead-man switch, the gate in front of orders. */
    public Emergency emergency() {
        return emergency;
    }

    /** The chaos engine. */
    public ChaosEngine chaos() {
        return chaos;
    }

    /** Snapshots: create, list, the restore outcome at start. */
    public SnapshotService snapshots() {
        return snapshots;
    }

    /** The one retention runner (every retained file kind is registered with it). */
    public Retention retention() {
        return retention;
    }

    /** The built-in worker; later subsystems register their job handlers on it. */
    public Worker worker() {
        return worker;
    }

    /**
     * The retained file kinds this executor owns besides snapshots, each with its own policy
     * from {@link Day9Config.Retention}: shadow trail segments, chaos experiment reports, the
     * probe file and the queues' quarantine files. Register each on the executor's one
     * {@code retention.Retention}. Rolled logs are not among them: Logback rolls and deletes
     * them itself ({@code day9-logback-text.xml} and {@code day9-logback-json.xml}).
     *
     * @param trailReplayFrom the UTC day of the oldest trail segment a restore would replay
     *                        from (the oldest trail mark among the state snapshots retention
     *                        keeps); while it is empty every trail segment is pinned
     */
    public List<RetainedKind> retainedKinds(Supplier<Optional<LocalDate>> trailReplayFrom) {
        Day9Config.Retention r = config.retention();
        return List.of(shadow.trailRetention(r.shadowTrail(), trailReplayFrom),
                new ReportRetention(ReportWriter.defaultDir(config.paths().runtimeDir()),
                        r.chaosReports()),
                new ProbeRetention(config.paths().runtimeDir(), r.probe(), Json.mapper()),
                new QuarantineRetention(config.paths().queueDir(), r.queueQuarantine()));
    }

    /** Graceful stop: HTTP drains in-flight requests, then the rest closes in reverse order. */
    @Override
    public void close() {
        lifecycle.stop();
    }
}
