package io.spark.day9.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chaos settings as JSON-friendly members, in one shape for the API's state and the audit log's
 * {@code before}/{@code after} (so an entry reads like the state an operator saw). Whole-number
 * percentages show as integers ({@code 15}, not {@code 15.0}).
 */
public final class ChaosSettingsView {

    private ChaosSettingsView() {
    }

    /** The settings as an ordered, mutable map (callers may add members). */
    public static Map<String, Object> of(ChaosSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.active());
        m.put("httpErrorPct", number(s.httpErrorPct()));
        m.put("errorStatus", s.errorStatus());
        m.put("latencyMs", s.latencyMs());
        m.put("latencyJitterMs", s.latencyJitterMs());
        m.put("wsFlapSec", s.wsFlapSec());
        m.put("routes", s.routes());
        m.put("exclude", s.exclude());
        m.put("ttlSec", s.ttlSec());
        m.put("rampSec", s.rampSec());
        m.put("seed", s.seed());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("errorPct", number(s.outbound().errorPct()));
        o.put("errorStatus", s.outbound().errorStatus());
        o.put("latencyMs", s.outbound().latencyMs());
        m.put("outbound", o);
        ChaosSettings.Exchange x = s.exchange();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("staleEverySec", x.staleEverySec());
        e.put("gapEverySec", x.gapEverySec());
        e.put("duplicateEverySec", x.duplicateEverySec());
        e.put("rateLimitEverySec", x.rateLimitEverySec());
        e.put("rateLimitStatus", x.rateLimitStatus());
        e.put("clockSkewMs", x.clockSkewMs());
        m.put("exchange", e);
        return m;
    }

    /** 15.0 shows as 15, 2.5 as 2.5. */
    public static Number number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
    }
}
