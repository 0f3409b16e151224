package io.spark.day9.emergency;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Order signals at a fixed rate over HTTP, from a small fixed pool of threads: signal {@code i}
 * is due at {@code start + i / rate} and is sent by the first free thread once it is due (a
 * pacer, so the rate holds whatever the answers' latency, up to what the threads can carry).
 * Each signal is either an order ({@code POST /api/private/order}) or an order job
 * ({@code POST /api/private/queue/enqueue} with {@code {"job":"order","data":…}}), always with
 * its own {@code clientOrderId}, so the trail and the exchange name it. Every answer is kept
 * with the wall time its request started, so a test can ask what was answered after a given
 * instant. Stops after {@code total} signals or at {@link #stop()}.
 */
final class OrderLoad implements AutoCloseable {

    /** Where a signal goes. */
    enum Kind { HTTP, QUEUE }

    /** One signal to send. */
    record Signal(Kind kind, String clientOrderId, String orderJson) {
    }

    /**
     * One answer.
     *
     * @param startedAt wall time the request left (epoch ms)
     * @param status    HTTP status, or -1 when there was no answer (connection refused, …)
     * @param body      the answer's body (or the exception)
     */
    record Sent(Signal signal, long startedAt, int status, String body) {
        /** The problem type's slug ({@code trading-halted}, …) or "" for a non-problem. */
        String problem() {
            int i = body.indexOf("urn:day9:problem:");
            if (i < 0) {
                return "";
            }
            int end = body.indexOf('"', i);
            return body.substring(i + "urn:day9:problem:".length(), end < 0 ? body.length()
                    : end);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String token;
    private final ExecutorService pool;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();

    private OrderLoad(URI base, String token, int threads) {
        this.base = base;
        this.token = token;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "order-load");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts sending {@code total} signals ({@code make.apply(i)} for the i-th) at
     * {@code perSecond} from {@code threads} threads.
     */
    static OrderLoad start(URI base, String token, int threads, int perSecond, int total,
                           IntFunction<Signal> make) {
        OrderLoad load = new OrderLoad(base, token, threads);
        long start = System.nanoTime();
        double gapNs = 1e9 / perSecond;
        for (int t = 0; t < threads; t++) {
            load.pool.execute(() -> {
                int i;
                while (!load.stopped.get() && (i = load.next.getAndIncrement()) < total) {
                    long due = start + (long) (i * gapNs);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0 && !load.stopped.get()) {
                        LockSupport.parkNanos(wait);
                    }
                    if (load.stopped.get()) {
                        return;
                    }
                    load.send(make.apply(i));
                    load.done.incrementAndGet();
                }
            });
        }
        return load;
    }

    private void send(Signal s) {
        String path = s.kind() == Kind.HTTP ? "/api/private/order" : "/api/private/queue/enqueue";
        String body = s.kind() == Kind.HTTP ? s.orderJson()
                : "{\"job\":\"order\",\"data\":" + s.orderJson() + "}";
        long startedAt = System.currentTimeMillis();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            sent.add(new Sent(s, startedAt, r.statusCode(), r.body()));
        } catch (java.io.IOException e) {
            sent.add(new Sent(s, startedAt, -1, e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Signals answered (or failed) so far. */
    int done() {
        return done.get();
    }

    /** Signals taken by a thread so far: each was sent, or is being sent (never reused). */
    int issued() {
        return next.get();
    }

    /** Every answer so far. */
    List<Sent> sent() {
        return new ArrayList<>(sent);
    }

    /** Waits until every signal was sent (at most {@code timeout}); false when it timed out. */
    boolean await(Duration timeout) throws InterruptedException {
        pool.shutdown();
        return pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops sending (signals in flight finish). */
    void stop() {
        stopped.set(true);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
