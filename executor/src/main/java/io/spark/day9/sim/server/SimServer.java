package io.spark.day9.sim.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.spark.day9.sim.SimCall;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.SimError;
import io.spark.day9.sim.SimExchange;
import io.spark.day9.sim.SimFaults;
import io.spark.day9.sim.SimRoute;
import io.spark.day9.sim.SimSubscriber;
import io.spark.day9.time.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated exchange ({@link SimExchange}) served over real sockets on 127.0.0.1: a thin
 * Javalin adapter that speaks HTTP and WebSocket and leaves every Binance rule to the logic.
 *
 * <ul>
 *   <li>REST: every {@link SimExchange#routes() route} the simulator lists is registered as it
 *       is; a {@link SimError} becomes Binance's {@code {"code":…,"msg":…}} body with its
 *       status. Adding an endpoint needs no change here.</li>
 *   <li>Before every {@code /api/*} and {@code /sapi/*} call, {@link SimExchange#checkLimits}
 *       (the 429/418 fault hook; the used-weight header). An unknown endpoint answers 404 and
 *       an unexpected failure 500, both in Binance's JSON ({@code -1000}).</li>
 *   <li>WebSocket: combined streams at {@code /stream?streams=a/b/c}, one raw stream at
 *       {@code /ws/<stream>}, or a bare {@code /ws}; text frames from the client are live
 *       subscription requests ({@link SimExchange#onMessage}); ping frames every
 *       {@code pingIntervalMs}, client pings answered by Jetty. Sends are asynchronous:
 *       a dead or slow client never stalls the market thread.</li>
 * </ul>
 */
public final class SimServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimServer.class);

    private final SimExchange exchange;
    private final Javalin app;

    private SimServer(SimExchange exchange) {
        this.exchange = exchange;
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.router.mount(r -> {
                r.before("/api/*", this::limits);
                r.before("/sapi/*", this::limits);
                r.exception(SimError.class, (e, ctx) -> error(ctx, e));
                r.exception(Exception.class, (e, ctx) -> {
                    log.warn("sim: {} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, new SimError(500, -1000, "An unknown error occurred while "
                            + "processing the request."));
                });
                r.error(404, ctx -> {
                    error(ctx, new SimError(404, -1000, "Unknown endpoint: " + ctx.method()
                            + " " + ctx.path() + "."));
                });
                for (SimRoute route : exchange.routes()) {
                    r.addHttpHandler(HandlerType.valueOf(route.method().name()), route.path(),
                            ctx -> answer(ctx, route.handler().answer(new HttpCall(ctx))));
                }
                r.ws("/stream", ws -> streams(ws, true));
                r.ws("/ws", ws -> streams(ws, false));
                r.ws("/ws/{stream}", ws -> streams(ws, false));
            });
        });
    }

    /** Starts the simulator on 127.0.0.1:{@code config.port()} (0 = a free port). */
    public static SimServer start(SimConfig config) {
        return start(config, System::currentTimeMillis);
    }

    /** As {@link #start(SimConfig)} with a clock (epoch ms). */
    public static SimServer start(SimConfig config, LongSupplier clock) {
        return serve(SimExchange.start(config, clock));
    }

    /**
     * As {@link #start(SimConfig)}, the market ticking on {@code scheduler}, whose time is
     * {@code clock} (the executor's, so a manual clock moves the market too).
     */
    public static SimServer start(SimConfig config, LongSupplier clock, Scheduler scheduler) {
        return serve(SimExchange.start(config, clock, scheduler));
    }

    private static SimServer serve(SimExchange exchange) {
        SimConfig config = exchange.config();
        try {
            SimServer server = new SimServer(exchange);
            server.app.start("127.0.0.1", config.port());
            log.info("sim exchange listening on {} (symbols {}, seed {})", server.restUrl(),
                    config.symbols(), config.seed());
            return server;
        } catch (RuntimeException e) {
            exchange.close();
            throw e;
        }
    }

    /** The simulator's logic: market, orders, fault hooks. */
    public SimExchange exchange() {
        return exchange;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String restUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code ws://127.0.0.1:PORT}; clients append {@code /stream?streams=…}. */
    public String wsUrl() {
        return "ws://127.0.0.1:" + port();
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** {@link SimExchange#config()}. */
    public SimConfig config() {
        return exchange.config();
    }

    /** {@link SimExchange#faults()}. */
    public SimFaults faults() {
        return exchange.faults();
    }

    /** {@link SimExchange#connections()}. */
    public int connections() {
        return exchange.connections();
    }

    /** {@link SimExchange#pause(boolean)}. */
    public void pause(boolean pause) {
        exchange.pause(pause);
    }

    /** {@link SimExchange#book(String)}. */
    public SimExchange.BookSnapshot book(String symbol) {
        return exchange.book(symbol);
    }

    /** {@link SimExchange#ordersPlaced()}. */
    public long ordersPlaced() {
        return exchange.ordersPlaced();
    }

    @Override
    public void close() {
        exchange.close();
        app.stop();
    }

    // ------------------------------------------------------------------ REST

    private void limits(Context ctx) {
        try {
            exchange.checkLimits(new HttpCall(ctx));
        } catch (SimError e) {
            error(ctx, e);
            ctx.skipRemainingHandlers();
        }
    }

    private static void answer(Context ctx, Object body) {
        ctx.contentType("application/json");
        if (body instanceof String text) {
            ctx.result(text);
        } else {
            ctx.json(body);
        }
    }

    private static void error(Context ctx, SimError e) {
        ctx.status(e.status()).contentType("application/json").result(e.body());
    }

    /** A REST call as the logic sees it. */
    private record HttpCall(Context ctx) implements SimCall {
        @Override
        public String query(String name) {
            return ctx.queryParam(name);
        }

        @Override
        public String queryString() {
            return ctx.queryString();
        }

        @Override
        public String body() {
            return ctx.body();
        }

        @Override
        public String header(String name) {
            return ctx.header(name);
        }

        @Override
        public void answerHeader(String name, String value) {
            ctx.header(name, value);
        }
    }

    // ------------------------------------------------------------------ WebSocket

    private void streams(WsConfig ws, boolean combinedConnection) {
        ws.onConnect(ctx -> {
            String combined = ctx.queryParam("streams");
            String raw = ctx.pathParamMap().get("stream");
            ctx.session.setIdleTimeout(Duration.ofHours(25));
            exchange.subscribe(new WsSubscriber(ctx, exchange),
                    combined == null ? List.of() : Arrays.asList(combined.split("/")),
                    raw == null ? List.of() : List.of(raw), combinedConnection);
            ctx.enableAutomaticPings(exchange.config().pingIntervalMs(), TimeUnit.MILLISECONDS,
                    ByteBuffer.wrap(new byte[0]));
        });
        ws.onMessage(ctx -> exchange.onMessage(new WsSubscriber(ctx, exchange), ctx.message()));
        ws.onClose(ctx -> exchange.unsubscribe(new WsSubscriber(ctx, exchange)));
        ws.onError(ctx -> exchange.unsubscribe(new WsSubscriber(ctx, exchange)));
    }

    /** One WebSocket connection; equal for the same session (Javalin's context equality). */
    private record WsSubscriber(WsContext ctx, SimExchange exchange) implements SimSubscriber {
        @Override
        public void send(String text) {
            ctx.session.getRemote().sendString(text, new WriteCallback() {
                @Override
                public void writeFailed(Throwable x) {
                    exchange.unsubscribe(WsSubscriber.this);
                }
            });
        }

        @Override
        public void close(int statusCode, String reason) {
            ctx.closeSession(statusCode, reason);
        }

        @Override
        public void disconnect() {
            ctx.session.disconnect();
        }
    }
}
