package io.spark.day9.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.HttpResponseException;
import io.spark.day9.chaos.ChaosException;
import io.spark.day9.emergency.NotStopped;
import io.spark.day9.jobs.Queues;
import io.spark.day9.queue.JobTooLargeException;
import io.spark.day9.queue.QueueClosedException;
import io.spark.day9.queue.QueueException;
import io.spark.day9.queue.QueueFullException;
import io.spark.day9.queue.QueueStorageException;
import io.spark.day9.queue.StaleReceiptException;
import io.spark.day9.queue.UnknownJobException;
import io.spark.day9.shadow.OrderRejected;
import io.spark.day9.shadow.OrderRouter;
import io.spark.day9.shadow.ShadowExecutor;
import io.spark.day9.shadow.TradingHalted;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where exceptions become problems. Domain and policy exceptions stay plain Java
 * in their packages (they know nothing of HTTP); each is mapped here to exactly one problem
 * type of {@link ProblemTypes}. The server registers this mapper once, for every route.
 */
public final class ProblemMapper {
    private ProblemMapper() {
    }

    /**
     * The problem for {@code e}, or empty when it is not an expected exception (a bug: the
     * server answers 500 {@code internal} and logs it).
     */
    public static Optional<ProblemException> map(Throwable e) {
        return Optional.ofNullable(problem(e));
    }

    private static ProblemException problem(Throwable e) {
        if (e instanceof ProblemException p) {
            return p;
        }
        if (e instanceof JsonProcessingException j) {
            return Json.translate(j);
        }
        if (e instanceof HttpResponseException h) {
            return fromJavalin(h);
        }
        if (e instanceof QueueStorageException) {
            return problem("queue-storage", 503, e.getMessage(), Map.of("Retry-After", "5"));
        }
        if (e instanceof QueueException q) {
            return queue(q);
        }
        if (e instanceof Queues.TooManyQueuesException) {
            return problem("too-many-queues", 409, e.getMessage(), Map.of());
        }
        if (e instanceof ChaosException c) {
            return chaos(c);
        }
        if (e instanceof OrderRejected r) {
            return new ProblemException(Problem.of("order-rejected", "Order rejected", 400,
                    r.getMessage()).withErrors(List.of(new Problem.FieldError(r.field(),
                    r.getMessage()))).with("code", r.code()).with("msg", r.getMessage()));
        }
        if (e instanceof ShadowExecutor.MarketUnavailable) {
            return problem("market-unavailable", 503, e.getMessage(), Map.of("Retry-After", "1"));
        }
        if (e instanceof OrderRouter.InProgress) {
            return problem("order-in-progress", 409, e.getMessage(), Map.of("Retry-After", "1"));
        }
        if (e instanceof TradingHalted h) {
            return halted(h);
        }
        if (e instanceof NotStopped) {
            return problem("not-stopped", 409, e.getMessage(), Map.of());
        }
        if (e instanceof OrderRouter.Refused) {
            return problem("trading-disabled", 409, e.getMessage(), Map.of());
        }
        return null;
    }

    /** An order refused by an emergency stop: the stop's mode, scope, reason and start. */
    private static ProblemException halted(TradingHalted h) {
        return new ProblemException(Problem.of("trading-halted",
                ProblemTypes.of("trading-halted").title(), 409, h.getMessage())
                .with("mode", h.mode()).with("scope", h.scope()).with("reason", h.reason())
                .with("since", java.time.Instant.ofEpochMilli(h.since()).toString()));
    }

    private static ProblemException queue(QueueException e) {
        if (e instanceof QueueFullException) {
            return problem("queue-full", 429, e.getMessage(), Map.of("Retry-After", "1"));
        }
        if (e instanceof JobTooLargeException) {
            return problem("job-too-large", 413, e.getMessage(), Map.of());
        }
        if (e instanceof StaleReceiptException) {
            return problem("stale-receipt", 409, e.getMessage(), Map.of());
        }
        if (e instanceof UnknownJobException) {
            return problem("unknown-job", 404, e.getMessage(), Map.of());
        }
        if (e instanceof QueueClosedException) {
            return problem("queue-closed", 503, e.getMessage(), Map.of("Retry-After", "5"));
        }
        return problem("queue", 409, e.getMessage(), Map.of());
    }

    private static ProblemException chaos(ChaosException e) {
        if (e instanceof ChaosException.Invalid i) {
            return ProblemException.invalidField(i.field(), i.detail());
        }
        if (e instanceof ChaosException.Forbidden) {
            return ProblemException.forbidden(e.getMessage());
        }
        return problem("chaos-unavailable", 409, e.getMessage(), Map.of());
    }

    private static ProblemException fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        return switch (status) {
            case 404 -> ProblemException.notFound(e.getMessage());
            case 405 -> ProblemException.methodNotAllowed(e.getMessage(),
                    String.join(", ", e.getDetails().getOrDefault("availableMethods", "")
                            .replaceAll("[\\[\\] ]", "").split(",")));
            case 413 -> problem("payload-too-large", 413, e.getMessage(), Map.of());
            default -> new ProblemException(Problem.of(status < 500 ? "bad-request" : "internal",
                    status < 500 ? "Bad request" : "Internal error", status, e.getMessage()));
        };
    }

    private static ProblemException problem(String slug, int status, String detail,
                                            Map<String, String> headers) {
        return new ProblemException(Problem.of(slug, ProblemTypes.of(slug).title(), status,
                detail), headers);
    }
}
