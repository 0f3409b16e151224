package io.spark.day9.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps HTTP threads free for the control plane, so an emergency stop is answered while the
 * service is under full load (issue 14, "never starved").
 *
 * <p><b>Model.</b> Jetty serves every request on one pool of {@code maxThreads} threads. Ordinary
 * requests (orders, enqueues, everything outside {@link ChaosRoutes#CONTROL_PLANE}) may hold at
 * most {@code maxThreads - reserved} of them at once: each takes a permit for as long as Jetty
 * runs it (a servlet filter around the whole request: authentication, chaos latency, handler,
 * problem mapping) and gives it back in a {@code finally}. An ordinary request that finds no
 * permit is answered at once with a 503 problem {@code overloaded} and {@code Retry-After: 1}
 * instead of taking a thread the control plane may need. Control-plane requests
 * ({@code /api/private/emergency/*}, {@code /api/private/chaos/*}, {@code /healthz},
 * {@code /readyz}, {@code /metrics}) take no permit, so at least {@code reserved} threads
 * minus Jetty's own (one acceptor, the selectors) are always free for them. The path is the
 * one Jetty decoded and normalised ({@code getServletPath}), so a dotted or encoded path
 * cannot pass as control plane unless it is one.
 *
 * <p><b>Cost.</b> One {@link Semaphore#tryAcquire()} and one release per ordinary request; no
 * waiting, no allocation.
 *
 * <p><b>Thread safety.</b> The semaphore and the counter are thread-safe; the filter holds no
 * other state.
 */
final class ControlPlaneReserve implements Filter {
    private final Semaphore ordinary;
    private final int ordinarySlots;
    private final AtomicLong shed = new AtomicLong();

    /**
     * @param maxThreads the Jetty pool's size
     * @param reserved   threads ordinary requests may never hold
     */
    ControlPlaneReserve(int maxThreads, int reserved) {
        if (reserved < 1 || reserved >= maxThreads) {
            throw new IllegalArgumentException("reserved threads must be 1.." + (maxThreads - 1)
                    + " of " + maxThreads + ", got " + reserved);
        }
        this.ordinarySlots = maxThreads - reserved;
        this.ordinary = new Semaphore(ordinarySlots);
    }

    /** Ordinary requests answered 503 {@code overloaded} since start. */
    long shed() {
        return shed.get();
    }

    /** How many ordinary requests may run at once. */
    int ordinarySlots() {
        return ordinarySlots;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (ChaosRoutes.isControlPlane(path)) {
            chain.doFilter(request, response);
            return;
        }
        if (!ordinary.tryAcquire()) {
            shed.incrementAndGet();
            refuse(req, (HttpServletResponse) response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            ordinary.release();
        }
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Problem p = Problem.of("overloaded", ProblemTypes.of("overloaded").title(), 503,
                "all " + ordinarySlots + " ordinary request slots are busy; the rest are kept "
                        + "for the control plane (emergency, chaos, health); retry in 1 s")
                .at(req.getRequestURI(), HttpServer.newRequestId());
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(p);
        } catch (JsonProcessingException impossible) {
            body = p.detail().getBytes(StandardCharsets.UTF_8);
        }
        res.setStatus(503);
        res.setHeader("Retry-After", "1");
        res.setHeader(Requests.REQUEST_ID_HEADER, p.requestId());
        res.setContentType(Problem.MEDIA_TYPE);
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
