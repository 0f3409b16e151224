package io.spark.day9.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.chaos.ChaosEvent;
import io.spark.day9.chaos.ChaosSettings;
import io.spark.day9.chaos.ExchangeFault;
import io.spark.day9.emergency.ActiveStop;
import io.spark.day9.emergency.DeadManView;
import io.spark.day9.emergency.EmergencyEvent;
import io.spark.day9.emergency.Scope;
import io.spark.day9.emergency.TradingMode;
import io.spark.day9.emergency.Verification;
import io.spark.day9.jobs.DlqAction;
import io.spark.day9.queue.event.QueueEvent;
import io.spark.day9.shadow.ShadowEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSubscriberTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T00:00:00Z"),
            ZoneOffset.UTC);

    @TempDir
    Path dir;
    private AuditComponent audit;
    private AuditBatcher batcher;
    private AuditSubscriber subscriber;

    @BeforeEach
    void open() throws Exception {
        audit = new AuditComponent(dir, CLOCK, Json.mapper());
        audit.start();
        batcher = new AuditBatcher(audit);
        batcher.start();
        subscriber = new AuditSubscriber(batcher);
    }

    @AfterEach
    void close() throws Exception {
        batcher.stop();
        audit.stop();
    }

    private List<JsonNode> entries() throws Exception {
        return audit.log().tail(100);
    }

    @Test
    void operatorActionsAreDurableWhenTheEventHandlerReturns() throws Exception {
        ChaosSettings off = ChaosSettings.off();
        subscriber.onChaos(new ChaosEvent.Changed("admin", "toggle", off, off));
        subscriber.onChaos(new ChaosEvent.Changed("chaos-ttl", "ttl-expired", off, off));
        subscriber.onChaos(new ChaosEvent.FlapAsked("admin", false));
        subscriber.onChaos(new ChaosEvent.InjectAsked("admin", ExchangeFault.GAP));
        subscriber.onDlqAction(new DlqAction("ops", "signals", DlqAction.Kind.REDRIVE, 2,
                List.of(4L, 5L)));
        subscriber.onDlqAction(new DlqAction("ops", "signals", DlqAction.Kind.PURGE, 3, null));

        List<JsonNode> e = entries(); // no wait: each append returned once durable
        assertThat(e).extracting(n -> n.get("action").asText()).containsExactly("chaos.toggle",
                "chaos.expire", "chaos.flap", "chaos.inject", "queue.dlq.redrive",
                "queue.dlq.purge");
        assertThat(e.get(0).get("actor").asText()).isEqualTo("admin");
        assertThat(e.get(0).get("target").asText()).isEqualTo("chaos");
        assertThat(e.get(0).get("before").get("enabled").asBoolean()).isFalse();
        assertThat(e.get(2).get("after").get("flapped").asBoolean()).isFalse();
        assertThat(e.get(3).get("after").get("fault").asText()).isEqualTo("gap");
        assertThat(e.get(4).get("target").asText()).isEqualTo("signals");
        assertThat(e.get(4).get("after").get("redriven").asInt()).isEqualTo(2);
        assertThat(e.get(4).get("after").get("ids").toString()).isEqualTo("[4,5]");
        assertThat(e.get(5).get("after").get("purged").asInt()).isEqualTo(3);
        assertThat(e.get(5).get("after").get("ids").asText()).isEqualTo("all");
    }

    @Test
    void aBatchedDeadLetterQueuedBeforeARedriveIsLoggedBeforeIt() throws Exception {
        subscriber.onQueue(new QueueEvent.DeadLettered("signals", 7, 3, "boom"));
        subscriber.onDlqAction(new DlqAction("ops", "signals", DlqAction.Kind.REDRIVE, 1,
                List.of(7L)));

        List<JsonNode> e = entries();
        assertThat(e).extracting(n -> n.get("action").asText())
                .containsExactly("queue.dead", "queue.dlq.redrive");
        assertThat(e.get(0).get("actor").asText()).isEqualTo("queue");
        assertThat(e.get(0).get("after").get("id").asLong()).isEqualTo(7);
        assertThat(e.get(0).get("after").get("attempts").asInt()).isEqualTo(3);
        assertThat(e.get(0).get("after").get("reason").asText()).isEqualTo("boom");
    }

    @Test
    void shadowEventsAreBatchedAndOtherQueueEventsAreNotAudited() throws Exception {
        subscriber.onShadow(new ShadowEvent.Rejected("s1", "BTCUSDT", "BUY", "LIMIT", -1013,
                "Filter failure: LOT_SIZE"));
        subscriber.onShadow(new ShadowEvent.RoundTrip(0.01));
        subscriber.onQueue(new QueueEvent.Acked("signals", 1, 1));
        batcher.stop(); // drains

        List<JsonNode> e = entries();
        assertThat(e).extracting(n -> n.get("action").asText()).containsExactly("shadow.reject");
        assertThat(e.get(0).get("actor").asText()).isEqualTo("shadow");
        assertThat(e.get(0).get("target").asText()).isEqualTo("BTCUSDT");
    }
    @Test
    void emergencyActionsAreAuditedAndSteadyHeartbeatsAreNot() throws Exception {
        ActiveStop stop = new ActiveStop("stop-1-1", Scope.of(List.of("a"), null),
                TradingMode.HALTED, "drill", "admin@127.0.0.1", 1, false, false, false);
        DeadManView armed = new DeadManView(true, 30_000, Scope.ALL, 1, 30_001);
        subscriber.onEmergency(new EmergencyEvent.Stopped(stop, 1_200_000));
        subscriber.onEmergency(new EmergencyEvent.Verified("stop-1-1", new Verification(false,
                2, List.of(), List.of(), List.of("exchange: timeout")), 3_000_000));
        subscriber.onEmergency(new EmergencyEvent.Refused("all", "HALTED"));
        subscriber.onEmergency(new EmergencyEvent.DeadManArmed(armed, "token@x", true));
        subscriber.onEmergency(new EmergencyEvent.DeadManArmed(armed, "token@x", false));
        subscriber.onEmergency(new EmergencyEvent.DeadManFired(armed));
        subscriber.onEmergency(new EmergencyEvent.DeadManDisarmed("admin@x"));
        subscriber.onEmergency(new EmergencyEvent.ShadowExecution(false, "admin@x"));
        subscriber.onEmergency(new EmergencyEvent.Resumed(List.of(stop), "admin@x"));
        batcher.stop(); // drains the batched ones

        List<JsonNode> e = entries();
        assertThat(e).extracting(n -> n.get("action").asText()).containsExactlyInAnyOrder(
                "emergency.stop", "emergency.verify", "deadman.arm", "deadman.fire",
                "deadman.disarm", "emergency.shadow", "emergency.resume");
        JsonNode st = e.stream().filter(n -> n.get("action").asText().equals("emergency.stop"))
                .findFirst().orElseThrow();
        assertThat(st.get("actor").asText()).isEqualTo("admin@127.0.0.1");
        assertThat(st.get("target").asText()).isEqualTo("stop-1-1");
        assertThat(st.get("after").get("scope").asText()).isEqualTo("strategy=a");
        assertThat(st.get("after").get("reason").asText()).isEqualTo("drill");
        JsonNode v = e.stream().filter(n -> n.get("action").asText().equals("emergency.verify"))
                .findFirst().orElseThrow();
        assertThat(v.get("after").get("verified").asBoolean()).isFalse();
        assertThat(v.get("after").get("errors").get(0).asText()).isEqualTo("exchange: timeout");
    }
}
