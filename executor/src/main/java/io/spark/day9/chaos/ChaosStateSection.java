package io.spark.day9.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.snapshot.StateSection;

/**
 * The {@code chaos} member of a state snapshot: the settings in force and their timing, for the
 * record only. Chaos is never restored, by design: a restart always comes back with chaos as
 * the configuration says (off unless {@code CHAOS_*} turn it on), so a crash cannot leave faults
 * on.
 */
public final class ChaosStateSection implements StateSection {
    private final ChaosEngine chaos;
    private final ObjectMapper mapper;

    public ChaosStateSection(ChaosEngine chaos, ObjectMapper mapper) {
        this.chaos = chaos;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public JsonNode capture() {
        ChaosEngine.State s = chaos.state();
        ObjectNode out = mapper.createObjectNode();
        out.put("active", s.active());
        out.set("settings", mapper.valueToTree(ChaosSettingsView.of(s.settings())));
        out.put("changedAt", s.changedAt());
        out.put("expiresAt", s.expiresAt());
        out.put("effectiveErrorPct", s.effectiveErrorPct());
        out.put("flaps", s.flaps());
        out.put("recoveries", s.recoveries());
        out.put("recoveryFailures", s.recoveryFailures());
        return out;
    }
}
