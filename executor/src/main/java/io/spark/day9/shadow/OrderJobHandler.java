package io.spark.day9.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.jobs.JobHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's handler for {@code {"job":"order","data":{…}}}: the same fields as
 * {@code POST /api/private/order}, through the same {@link OrderRouter}.
 * <ul>
 *   <li>Without a {@code clientOrderId}, the job's key is used: 128 random bits written with the
 *       job, never reused even when a lost journal tail lets a numeric id come back (a job
 *       stored before keys existed falls back to {@code q-<queue>-<id>}). So a redelivery
 *       after a crash or a visibility expiry is recognised as the same order and never placed
 *       twice, and a new job never collides with an old order.</li>
 *   <li>The decision time is the job's enqueue time, so the latency measured includes the time
 *       the signal waited in the queue.</li>
 *   <li>The role that enqueued the job ({@link JobHandler#ROLE_ATTRIBUTE}) is checked again:
 *       a job recorded with a role below trade (read, or public) never places an order; it is
 *       dead-lettered. A job with no recorded role was enqueued in process (or stored before
 *       roles were recorded) and is trusted.</li>
 *   <li>An invalid order goes to the dead-letter queue with the exchange's code; a book not yet
 *       synced, or the same order still being placed by an earlier delivery, is retried
 *       after a second; a refused mode dead-letters.</li>
 *   <li>An order refused by an emergency stop ({@link TradingHalted}) is parked: never
 *       dead-lettered and no delivery burnt; the worker offers it again, in order, on resume.
 *       </li>
 * </ul>
 */
public final class OrderJobHandler implements JobHandler {
    private static final Logger log = LoggerFactory.getLogger(OrderJobHandler.class);
    /** The job type this handles. */
    public static final String TYPE = "order";
    /** Roles whose jobs may place orders (trade and what covers it). */
    static final java.util.Set<String> PLACING_ROLES = java.util.Set.of("trade", "admin");

    private final OrderRouter router;
    private final ObjectMapper json;

    public OrderJobHandler(OrderRouter router, ObjectMapper json) {
        this.router = router;
        this.json = json;
    }

    @Override
    public Outcome handle(Job job) throws Exception {
        String role = job.attributes().get(ROLE_ATTRIBUTE);
        if (role != null && !PLACING_ROLES.contains(role)) {
            return Outcome.deadLetter("order job enqueued by a caller with the '" + role
                    + "' role: placing orders needs the trade role");
        }
        JsonNode data = job.payload().path("data");
        if (!data.isObject()) {
            return Outcome.deadLetter("order job without a 'data' object");
        }
        OrderRequest.Body body;
        try {
            body = json.treeToValue(data, OrderRequest.Body.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Outcome.deadLetter("order job data is not an order: " + e.getOriginalMessage());
        }
        long decisionAt = job.enqueuedAt();
        OrderRequest r;
        try {
            String defaultId = job.key() != null ? job.key()
                    : "q-" + job.queue() + "-" + job.id();
            r = OrderRequest.parse(body, defaultId,
                    decisionAt > 0 ? decisionAt : System.currentTimeMillis(), "queue");
            OrderRouter.Routed routed = router.submit(r, job.attempt() > 1);
            log.debug("order job {} -> {} {}", job.id(), routed.shadow().orderId(),
                    routed.shadow().status());
            return Outcome.ACK;
        } catch (OrderRejected e) {
            return Outcome.deadLetter("order rejected " + e.code() + " (" + e.field() + "): "
                    + e.getMessage());
        } catch (ShadowExecutor.MarketUnavailable | OrderRouter.InProgress e) {
            return Outcome.retry(1000L);
        } catch (OrderRouter.Refused e) {
            return Outcome.deadLetter(e.getMessage());
        } catch (TradingHalted e) { // an emergency stop: wait for the resume, lose nothing
            return Outcome.park(e.getMessage());
        }
    }
}
