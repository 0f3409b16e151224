package io.spark.day9.market;

import io.spark.day9.event.EventPublisher;
import io.spark.day9.event.Subscription;
import io.spark.day9.market.MarketMessages.BookTicker;
import io.spark.day9.market.MarketMessages.DepthSnapshot;
import io.spark.day9.market.MarketMessages.DepthUpdate;
import io.spark.day9.market.MarketMessages.Message;
import io.spark.day9.market.MarketMessages.Trade;
import io.spark.day9.time.Scheduler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binance combined market streams ({@code <symbol>@bookTicker}, {@code <symbol>@depth@100ms},
 * {@code <symbol>@trade}) feeding one {@link BookSync} per symbol, and everything that keeps
 * the books correct through disconnects.
 *
 * <h2>Connections</h2>
 * The <em>serving</em> connection's books are what {@link #book} returns. A new connection
 * (after a disconnect, or a planned replacement) syncs its own books first and is promoted only
 * when every symbol is synced; the old one is closed after that. So a planned reconnect
 * (before Binance's 24-hour cut, {@code maxConnectionAgeMs}) never loses the book, and after an
 * unplanned one readers see {@code synced=false} until the new books are whole.
 *
 * <h2>Resilience</h2>
 * <ul>
 *   <li>Reconnect after any loss with exponential backoff and jitter: attempt n waits
 *       {@code min(max, base·2^n)·U(0.5, 1)}; the count resets once a connection is promoted.</li>
 *   <li>A silent stream (no message for {@code staleMs} on an open socket) is closed and
 *       reconnected.</li>
 *   <li>Server pings are answered with pongs.</li>
 *   <li>Snapshots are requested as soon as a connection opens, so a resync does not wait for
 *       the next diff; a snapshot older than the stream is fetched again; a failed fetch is
 *       retried (after {@code Retry-After} when rate limited).</li>
 * </ul>
 * Every connect, disconnect and resync logs a line containing "ws".
 *
 * <h2>Availability</h2>
 * Every {@value #TICK_MS} ms, each symbol counts as up when the serving connection is open and
 * its book is synced and fresh (last update applied within {@code staleMs}); up time and
 * observed time accumulate per symbol ({@link #availability()}).
 *
 * <p>Threading: WebSocket callbacks arrive in order per connection on the HTTP client's
 * threads; snapshots are fetched on a small pool; one lane of the injected {@link Scheduler}
 * ({@code day9-ws}, on the clock given here) runs reconnects, snapshot retries, stale checks,
 * planned reconnects and availability ticks. Connection bookkeeping is guarded by this
 * object's monitor; each {@link BookSync} guards itself.
 */
public final class MarketStream implements MarketData, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MarketStream.class);
    static final long TICK_MS = 100;

    private final MarketConfig config;
    private final BinanceRest rest;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final MessageParser parser = new MessageParser();
    private final EventPublisher<MarketEvent> events;
    private final Map<String, Availability> availability = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Scheduler.Lane scheduler;
    private final ExecutorService fetchers;

    private volatile Connection serving;
    private Connection pending;
    private int attempts;
    private long downSince = -1;
    private String downCause = "";
    private boolean closed;

    /** Up and observed milliseconds of one symbol. */
    public record Availability(AtomicLong upMs, AtomicLong observedMs) {
        Availability() {
            this(new AtomicLong(), new AtomicLong());
        }
    }

    public MarketStream(MarketConfig config, BinanceRest rest, LongSupplier clock,
                        RandomGenerator random, Scheduler scheduler) {
        this(config, rest, clock, random, scheduler, new EventPublisher<>("market"));
    }

    /** As above, publishing to {@code events} (the owning component's publisher). */
    public MarketStream(MarketConfig config, BinanceRest rest, LongSupplier clock,
                        RandomGenerator random, Scheduler scheduler,
                        EventPublisher<MarketEvent> events) {
        this.events = events;
        this.config = config;
        this.rest = rest;
        this.clock = clock;
        this.random = random;
        config.symbols().forEach(s -> availability.put(s, new Availability()));
        this.scheduler = scheduler.lane("day9-ws");
        this.fetchers = Executors.newFixedThreadPool(2, r -> daemon(r, "day9-ws-snapshot"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Subscribes to stream events (see {@link EventPublisher} for threading). */
    public Subscription subscribe(Consumer<? super MarketEvent> subscriber) {
        return events.subscribe(subscriber);
    }

    /** Connects (asynchronously) and starts the periodic checks. */
    public void start() {
        synchronized (this) {
            downSince = clock.getAsLong();
            downCause = "start";
        }
        connect(false);
        scheduler.every(Duration.ofMillis(TICK_MS), Duration.ofMillis(TICK_MS), this::tick);
    }

    @Override
    public void close() {
        Connection s;
        Connection p;
        synchronized (this) {
            closed = true;
            s = serving;
            p = pending;
        }
        scheduler.close();
        fetchers.shutdownNow();
        for (Connection c : new Connection[] {s, p}) {
            if (c != null) {
                c.shut("shutdown");
            }
        }
    }

    /** Drops the serving connection now (the chaos engine's "flap"); it reconnects by itself. */
    public void flap() {
        Connection s;
        synchronized (this) {
            s = serving;
        }
        if (s != null) {
            log.info("ws flap: dropping connection {} on purpose", s.id);
            s.abort("flap");
        }
    }

    @Override
    public List<String> symbols() {
        return config.symbols();
    }

    @Override
    public Optional<BookView> book(String symbol, int limit) {
        Connection s;
        synchronized (this) {
            s = serving != null ? serving : pending;
        }
        String key = symbol.toUpperCase(Locale.ROOT);
        if (!availability.containsKey(key)) {
            return Optional.empty();
        }
        if (s == null) {
            return Optional.of(new BookSync(key).view(limit, clock.getAsLong()));
        }
        return Optional.of(s.books.get(key).view(limit, clock.getAsLong()));
    }

    @Override
    public synchronized boolean connected() {
        return serving != null && serving.open && !serving.dead;
    }

    /** True when every symbol's book is synced on the serving connection. */
    public boolean allSynced() {
        Connection s;
        synchronized (this) {
            s = serving;
        }
        return s != null && !s.dead && s.books.values().stream().allMatch(BookSync::synced);
    }

    /** Up and observed time per symbol since start. */
    public Map<String, Availability> availability() {
        return availability;
    }

    /** Messages received on all connections. */
    public long messages() {
        return messages.get();
    }

    /** Depth updates recognised as already applied and ignored, over every connection. */
    public long duplicatesIgnored() {
        return duplicates.get();
    }

    /** The serving connection's age in ms, -1 when none. */
    public synchronized long connectionAgeMs() {
        return serving == null ? -1 : clock.getAsLong() - serving.openedAt;
    }

    // ---------------------------------------------------------------- connection management

    private void connect(boolean planned) {
        Connection c;
        synchronized (this) {
            if (closed || pending != null) {
                return;
            }
            c = new Connection(connectionIds.incrementAndGet(), planned);
            pending = c;
        }
        String streams = config.symbols().stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .flatMap(s -> java.util.stream.Stream.of(s + "@bookTicker", s + "@depth@100ms",
                        s + "@trade"))
                .collect(Collectors.joining("/"));
        URI uri = URI.create(config.wsUrl().replaceAll("/+$", "") + "/stream?streams=" + streams);
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, c)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        log.warn("ws connect to {} failed: {}", uri, error.toString());
                        c.closedByPeer("connect-failed");
                    }
                });
    }

    private void scheduleReconnect() {
        long delay;
        synchronized (this) {
            if (closed || pending != null) {
                return;
            }
            long exp = config.reconnectBaseMs() << Math.min(attempts, 20);
            long capped = Math.min(config.reconnectMaxMs(), exp <= 0 ? config.reconnectMaxMs()
                    : exp);
            delay = (long) (capped * (0.5 + random.nextDouble() * 0.5));
            attempts++;
        }
        log.info("ws reconnecting in {} ms (attempt {})", delay, attempts);
        try {
            scheduler.once(Duration.ofMillis(delay), () -> connect(false));
        } catch (IllegalStateException e) {
            // shutting down
        }
    }

    private void opened(Connection c) {
        log.info("ws connected: connection {}{} to {}", c.id, c.planned ? " (planned replacement)"
                : "", config.wsUrl());
        emit(new MarketEvent.Connected(c.id, c.planned));
        for (BookSync s : c.books.values()) {
            if (s.requestSnapshotNow()) {
                fetchSnapshot(c, s);
            }
        }
    }

    /** A connection's socket ended, for whatever reason. */
    private void lost(Connection c, String reason) {
        boolean wasServing;
        synchronized (this) {
            if (closed) {
                return;
            }
            wasServing = c == serving;
            if (c == pending) {
                pending = null;
            }
            if (wasServing && downSince < 0) {
                downSince = clock.getAsLong();
                downCause = reason;
            }
        }
        c.books.values().forEach(BookSync::reset);
        if (wasServing) {
            log.warn("ws disconnected: connection {} lost ({})", c.id, reason);
            emit(new MarketEvent.Disconnected(c.id, reason));
        } else if (!c.retired) {
            log.warn("ws connection {} ended before it was synced ({})", c.id, reason);
            if (reason.equals("connect-failed")) {
                emit(new MarketEvent.Disconnected(c.id, reason));
            }
        }
        if (!c.retired) {
            scheduleReconnect();
        }
    }

    private void symbolSynced(Connection c, BookSync s) {
        log.info("ws book synced: {} at update {} on connection {}", s.symbol(),
                s.view(0, clock.getAsLong()).lastUpdateId(), c.id);
        if (!c.books.values().stream().allMatch(BookSync::synced)) {
            return;
        }
        Connection old;
        long downMs;
        String cause;
        synchronized (this) {
            if (c != pending || closed) {
                Long since = c.resyncSince.remove(s.symbol());
                if (since != null && c == serving && !closed) {
                    long ms = clock.getAsLong() - since;
                    log.info("ws book {} resynced {} ms after the gap", s.symbol(), ms);
                    emit(new MarketEvent.BookResynced(s.symbol(), ms));
                }
                return; // a serving connection recovering from a gap: nothing to promote
            }
            old = serving;
            serving = c;
            pending = null;
            attempts = 0;
            downMs = downSince < 0 ? -1 : clock.getAsLong() - downSince;
            cause = downCause;
            downSince = -1;
        }
        if (old != null) {
            old.retire("replaced");
        }
        if (c.planned && old != null) {
            log.info("ws planned reconnect done: connection {} replaced {} with the book in sync",
                    c.id, old.id);
            emit(new MarketEvent.PlannedReconnect(old.id, c.id));
        }
        if (downMs >= 0) {
            log.info("ws recovered: every book synced {} ms after the {} ({})", downMs,
                    cause.equals("start") ? "start" : "disconnect", cause);
            emit(new MarketEvent.Recovered(c.id, downMs, cause));
        }
    }

    private void fetchSnapshot(Connection c, BookSync s) {
        try {
            fetchers.execute(() -> {
                if (c.dead) {
                    return;
                }
                DepthSnapshot snap;
                try {
                    snap = rest.depth(s.symbol(), config.depthLimit());
                } catch (ExchangeException e) {
                    s.snapshotFailed();
                    long wait = e.retryAfterMs() > 0 ? e.retryAfterMs() : 250;
                    log.warn("ws book {}: depth snapshot failed ({}); retrying in {} ms",
                            s.symbol(), e.getMessage(), wait);
                    retrySnapshot(c, s, wait);
                    return;
                }
                BookSync.Step step = s.onSnapshot(snap, clock.getAsLong());
                handle(step, c, s, "stale-snapshot");
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void retrySnapshot(Connection c, BookSync s, long waitMs) {
        try {
            scheduler.once(Duration.ofMillis(waitMs), () -> {
                if (!c.dead && s.requestSnapshotNow()) {
                    fetchSnapshot(c, s);
                }
            });
        } catch (IllegalStateException e) {
            // shutting down
        }
    }

    private void handle(BookSync.Step step, Connection c, BookSync s, String refetchReason) {
        switch (step) {
            case FETCH_SNAPSHOT -> {
                if (!refetchReason.isEmpty()) {
                    log.info("ws book {}: snapshot older than the stream, fetching again",
                            s.symbol());
                }
                fetchSnapshot(c, s);
            }
            case GAP -> {
                log.warn("ws book {}: sequence gap on connection {}, resyncing", s.symbol(), c.id);
                c.resyncSince.putIfAbsent(s.symbol(), clock.getAsLong());
                emit(new MarketEvent.BookResync(s.symbol(), "gap"));
                fetchSnapshot(c, s);
            }
            case SYNCED -> symbolSynced(c, s);
            case NONE -> {
            }
        }
    }

    private void onMessage(Connection c, String text) {
        messages.incrementAndGet();
        long now = clock.getAsLong();
        c.lastMessageAt = now;
        Message m;
        try {
            m = parser.parse(text);
        } catch (IOException e) {
            emit(new MarketEvent.ParseError(e.getMessage()));
            log.debug("ws message skipped: {}", e.getMessage());
            return;
        }
        BookSync s = c.books.get(m.symbol());
        if (s == null) {
            return;
        }
        if (m instanceof DepthUpdate d) {
            BookSync.Step step = s.onDepth(d, now);
            if (step == BookSync.Step.DUPLICATE) {
                duplicates.incrementAndGet();
                step = BookSync.Step.NONE;
            }
            handle(step, c, s, "");
        } else if (m instanceof BookTicker t) {
            s.onTicker(t);
        } else if (m instanceof Trade t) {
            s.onTrade(t);
            if (c == serving && events.hasSubscribers()) {
                emit(new MarketEvent.TradePrint(t.symbol(), t.trade().price(), t.trade().qty(),
                        t.buyerMaker(), t.time()));
            }
        }
    }

    private void tick() {
        try {
            long now = clock.getAsLong();
            Connection s;
            Connection p;
            synchronized (this) {
                s = serving;
                p = pending;
            }
            for (Connection c : new Connection[] {s, p}) {
                if (c != null && c.open && !c.dead && now - c.lastMessageAt > config.staleMs()) {
                    log.warn("ws stream silent for {} ms on connection {}: reconnecting",
                            now - c.lastMessageAt, c.id);
                    c.abort("stale");
                }
            }
            if (s != null && s.open && !s.dead && p == null
                    && now - s.openedAt > config.maxConnectionAgeMs()) {
                log.info("ws connection {} is {} ms old: opening its planned replacement", s.id,
                        now - s.openedAt);
                connect(true);
            }
            boolean up = s != null && s.open && !s.dead;
            for (Map.Entry<String, Availability> e : availability.entrySet()) {
                e.getValue().observedMs().addAndGet(TICK_MS);
                if (up) {
                    BookSync b = s.books.get(e.getKey());
                    if (b.synced() && now - b.lastAppliedAt() <= config.staleMs()) {
                        e.getValue().upMs().addAndGet(TICK_MS);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("ws housekeeping failed", e);
        }
    }

    private void emit(MarketEvent e) {
        events.publish(e);
    }

    /** One WebSocket connection and the books it feeds. */
    private final class Connection implements WebSocket.Listener {
        final long id;
        final boolean planned;
        final Map<String, BookSync> books = new LinkedHashMap<>();
        /** When each book's resync after a gap began (serving connection only). */
        final Map<String, Long> resyncSince = new ConcurrentHashMap<>();
        volatile WebSocket ws;
        volatile long openedAt;
        volatile long lastMessageAt;
        volatile boolean open;
        volatile boolean dead;
        volatile boolean retired;
        private final StringBuilder partial = new StringBuilder();

        Connection(long id, boolean planned) {
            this.id = id;
            this.planned = planned;
            for (String s : config.symbols()) {
                books.put(s, new BookSync(s));
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            openedAt = clock.getAsLong();
            lastMessageAt = openedAt;
            open = true;
            webSocket.request(1);
            opened(this);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (!dead) {
                    onMessage(this, text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // a ping proves the socket, not the stream: staleness counts data messages only
            webSocket.sendPong(message);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByPeer("server-close");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedByPeer("error");
        }

        /** The peer (or the network) ended it. */
        void closedByPeer(String reason) {
            if (markDead()) {
                lost(this, reason);
            }
        }

        /** We end it abruptly (stale, flap): reconnect follows. */
        void abort(String reason) {
            if (markDead()) {
                WebSocket w = ws;
                if (w != null) {
                    w.abort();
                }
                lost(this, reason);
            }
        }

        /** Replaced by a newer connection: close politely, no reconnect. */
        void retire(String reason) {
            retired = true;
            shut(reason);
        }

        void shut(String reason) {
            retired = true;
            if (markDead()) {
                WebSocket w = ws;
                if (w != null) {
                    w.sendClose(WebSocket.NORMAL_CLOSURE, reason)
                            .orTimeout(2, TimeUnit.SECONDS)
                            .whenComplete((x, e) -> w.abort());
                }
                log.info("ws connection {} closed ({})", id, reason);
            }
        }

        private synchronized boolean markDead() {
            if (dead) {
                return false;
            }
            dead = true;
            open = false;
            return true;
        }
    }
}
