package io.spark.day9.chaos;

import java.util.List;

/**
 * A change to the chaos settings: every field is optional, an omitted (null) field keeps its
 * value while chaos stays on. {@code enabled: false} resets every setting to its default
 * ({@link ChaosSettings#off()}: no fault, no scope, no ramp, no seed, the default TTL), after
 * which any other field given is applied. The engine applies the same reset to any change that
 * leaves no fault on, so the next change that turns chaos on starts clean.
 */
public record ChaosPatch(Boolean enabled, Double httpErrorPct, Integer errorStatus,
                         Integer latencyMs, Integer latencyJitterMs, Integer wsFlapSec,
                         List<String> routes, List<String> exclude, Integer ttlSec,
                         Integer rampSec, Long seed, OutboundPatch outbound,
                         ExchangePatch exchange) {

    /** The guide's three fields. */
    public static ChaosPatch of(double httpErrorPct, int latencyMs, int wsFlapSec) {
        return new ChaosPatch(null, httpErrorPct, null, latencyMs, null, wsFlapSec, null, null,
                null, null, null, null, null);
    }

    /** Every fault off. */
    public static ChaosPatch allOff() {
        return new ChaosPatch(false, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** Optional fields of {@link ChaosSettings.Outbound}. */
    public record OutboundPatch(Double errorPct, Integer errorStatus, Integer latencyMs) {
    }

    /** Optional fields of {@link ChaosSettings.Exchange}. */
    public record ExchangePatch(Integer staleEverySec, Integer gapEverySec,
                                Integer duplicateEverySec, Integer rateLimitEverySec,
                                Integer rateLimitStatus, Long clockSkewMs) {
    }

    ChaosSettings applyTo(ChaosSettings s) {
        ChaosSettings base = Boolean.FALSE.equals(enabled) ? ChaosSettings.off() : s;
        ChaosSettings.Outbound o = base.outbound();
        if (outbound != null) {
            o = new ChaosSettings.Outbound(or(outbound.errorPct, o.errorPct()),
                    or(outbound.errorStatus, o.errorStatus()), or(outbound.latencyMs, o.latencyMs()));
        }
        ChaosSettings.Exchange x = base.exchange();
        if (exchange != null) {
            x = new ChaosSettings.Exchange(or(exchange.staleEverySec, x.staleEverySec()),
                    or(exchange.gapEverySec, x.gapEverySec()),
                    or(exchange.duplicateEverySec, x.duplicateEverySec()),
                    or(exchange.rateLimitEverySec, x.rateLimitEverySec()),
                    or(exchange.rateLimitStatus, x.rateLimitStatus()),
                    or(exchange.clockSkewMs, x.clockSkewMs()));
        }
        return new ChaosSettings(or(httpErrorPct, base.httpErrorPct()),
                or(errorStatus, base.errorStatus()), or(latencyMs, base.latencyMs()),
                or(latencyJitterMs, base.latencyJitterMs()), or(wsFlapSec, base.wsFlapSec()),
                routes == null ? base.routes() : routes,
                exclude == null ? base.exclude() : exclude, or(ttlSec, base.ttlSec()),
                or(rampSec, base.rampSec()), seed == null ? base.seed() : seed, o, x);
    }

    private static <T> T or(T given, T current) {
        return given == null ? current : given;
    }
}
