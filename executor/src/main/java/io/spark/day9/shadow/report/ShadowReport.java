package io.spark.day9.shadow.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The A/B report of shadow execution, computed from the trail files alone (so it works with the
 * service stopped): per strategy and overall, order counts and fill rate, decision-to-ack
 * latency percentiles of the shadow orders against the real legs of A/B pairs, mean price
 * slippage with a 95 % confidence interval, and for A/B pairs the shadow-minus-real price error
 * and whether both legs filled alike. Every number is defined in docs/shadow-report.md; the
 * statistics are in {@link Stats}.
 *
 * <p>Build one with {@link #load}; render it with {@link #toHtml()} (charts as embedded PNG), or
 * serialise it with Jackson as JSON (the chart samples are not serialised). Immutable.
 */
public record ShadowReport(String generatedAt, String dir, String strategy, String from,
                           String to, int files, int skippedLines, Section overall,
                           Map<String, Section> strategies) {

    /** The numbers of one strategy, or of the whole selection. */
    public record Section(Counts orders, Latency latencyMs, MeanCi slippageBps, Pairs pairs,
                          @JsonIgnore Samples samples) {
    }

    /**
     * Orders by final result. {@code accepted} = every shadow order (not rejected);
     * {@code fillRate} = FILLED / accepted; {@code anyFillRate} = orders with at least one fill
     * / accepted; both null when nothing was accepted.
     */
    public record Counts(int total, int accepted, int rejected, Map<String, Integer> byResult,
                         int filled, int partiallyFilled, int unfilled, Double fillRate,
                         Double anyFillRate) {
    }

    /**
     * Decision-to-ack latency (ms): {@code shadow} over every accepted shadow order,
     * {@code shadowPaired} over the shadow twins of answered A/B pairs, {@code real} over those
     * pairs' real legs.
     */
    public record Latency(Percentiles shadow, Percentiles shadowPaired, Percentiles real) {
    }

    /** Nearest-rank percentiles; every field but {@code n} null when n = 0. */
    public record Percentiles(int n, Double min, Double p50, Double p95, Double p99, Double max,
                              Double mean) {
    }

    /** A mean with its 95 % interval (see {@link Stats}); {@code method} says how. */
    public record MeanCi(int n, Double mean, Double sd, Double ci95Low, Double ci95High,
                         Double meanAbs, String method) {
    }

    /**
     * A/B pairs: {@code count} real legs joined to a shadow twin, {@code realErrors} of them
     * without an exchange answer, {@code fillAgreement} over the answered ones, and the price
     * error where both legs filled at once.
     */
    public record Pairs(int count, int realErrors, int unmatchedReal, FillAgreement fillAgreement,
                        PriceError priceError) {
    }

    /**
     * Each leg classed FULL / PARTIAL / NONE by its quantity filled at once; {@code rate} =
     * agree / compared. {@code byClass} counts "shadow/real" combinations.
     */
    public record FillAgreement(int compared, int agree, Double rate,
                                Map<String, Integer> byClass) {
    }

    /** Shadow-minus-real average fill price, in bps of the real price and in the quote asset. */
    public record PriceError(MeanCi bps, MeanCi price) {
    }

    /** Raw observations for the charts (not serialised). */
    public record Samples(double[] shadowLatencyMs, double[] realLatencyMs, double[] slippageBps,
                          double[] realPrice, double[] shadowPrice) {
    }

    /** Reads the trail in {@code dir} and computes the report for {@code query}. */
    public static ShadowReport load(Path dir, ReportQuery query, Instant now, ObjectMapper json)
            throws IOException {
        TrailData data = TrailData.read(dir, json);
        List<TrailData.Order> selected = data.orders.values().stream()
                .filter(o -> query.wants(o.strategy) && query.covers(o.decisionAt)).toList();
        List<TrailData.Reject> rejects = data.rejects.stream()
                .filter(r -> query.wants(r.strategy()) && query.covers(r.at())).toList();
        List<TrailData.Real> unmatched = data.unmatchedReal.stream()
                .filter(r -> query.wants(r.strategy()) && query.covers(r.decisionAt())).toList();
        TreeMap<String, Section> per = new TreeMap<>();
        List<String> names = new ArrayList<>();
        selected.forEach(o -> names.add(o.strategy));
        rejects.forEach(r -> names.add(r.strategy()));
        for (String s : names.stream().distinct().sorted().toList()) {
            per.put(s, section(filter(selected, o -> o.strategy.equals(s)),
                    (int) rejects.stream().filter(r -> r.strategy().equals(s)).count(),
                    (int) unmatched.stream().filter(r -> r.strategy().equals(s)).count()));
        }
        return new ShadowReport(now.toString(), dir.toString(), query.strategy(),
                query.from() == null ? null : query.from().toString(),
                query.to() == null ? null : query.to().toString(), data.files,
                data.skippedLines, section(selected, rejects.size(), unmatched.size()),
                new LinkedHashMap<>(per));
    }

    /** The self-contained HTML report: tables and three PNG charts embedded as base64. */
    public String toHtml() {
        return HtmlReport.render(this);
    }

    private static <T> List<T> filter(List<T> list, Predicate<T> p) {
        return list.stream().filter(p).toList();
    }

    static Section section(List<TrailData.Order> orders, int rejected, int unmatchedReal) {
        Map<String, Integer> byResult = new TreeMap<>();
        int filled = 0;
        int partial = 0;
        List<Double> shadowLatency = new ArrayList<>();
        List<Double> slippage = new ArrayList<>();
        for (TrailData.Order o : orders) {
            byResult.merge(o.result().name(), 1, Integer::sum);
            BigDecimal executed = o.executed();
            if (executed.signum() > 0) {
                if (o.quantity != null && executed.compareTo(o.quantity) >= 0) {
                    filled++;
                } else {
                    partial++;
                }
                BigDecimal vwap = TrailData.Order.vwap(o.fills);
                if (o.arrivalMid != null && o.arrivalMid.signum() > 0) {
                    slippage.add(bps(o.buy, vwap, o.arrivalMid));
                }
            }
            shadowLatency.add(o.latencyMs);
        }
        if (rejected > 0) {
            byResult.put("REJECTED", rejected);
        }
        int accepted = orders.size();
        Counts counts = new Counts(accepted + rejected, accepted, rejected, byResult, filled,
                partial, accepted - filled - partial, ratio(filled, accepted),
                ratio(filled + partial, accepted));

        int pairs = 0;
        int errors = 0;
        int compared = 0;
        int agree = 0;
        Map<String, Integer> byClass = new TreeMap<>();
        List<Double> twinLatency = new ArrayList<>();
        List<Double> realLatency = new ArrayList<>();
        List<Double> errBps = new ArrayList<>();
        List<Double> errPrice = new ArrayList<>();
        List<Double> realPrices = new ArrayList<>();
        List<Double> shadowPrices = new ArrayList<>();
        for (TrailData.Order o : orders) {
            TrailData.Real real = o.real;
            if (real == null) {
                continue;
            }
            pairs++;
            if (!real.answered()) {
                errors++;
                continue;
            }
            twinLatency.add(o.latencyMs);
            if (real.latencyMs() != null) {
                realLatency.add(real.latencyMs());
            }
            List<TrailData.Fill> now = o.immediateFills();
            BigDecimal shadowQty = now.stream().map(TrailData.Fill::qty)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            String sc = fillClass(shadowQty, o.quantity);
            String rc = fillClass(real.executedQty(), o.quantity);
            compared++;
            if (sc.equals(rc)) {
                agree++;
            }
            byClass.merge(sc + "/" + rc, 1, Integer::sum);
            BigDecimal shadowAvg = TrailData.Order.vwap(now);
            if (shadowAvg != null && real.avgPrice() != null && real.avgPrice().signum() > 0
                    && real.executedQty().signum() > 0) {
                BigDecimal diff = shadowAvg.subtract(real.avgPrice());
                errPrice.add(diff.doubleValue());
                errBps.add(diff.multiply(BigDecimal.valueOf(10_000))
                        .divide(real.avgPrice(), MathContext.DECIMAL64).doubleValue());
                realPrices.add(real.avgPrice().doubleValue());
                shadowPrices.add(shadowAvg.doubleValue());
            }
        }
        Latency latency = new Latency(Stats.percentiles(arr(shadowLatency)),
                Stats.percentiles(arr(twinLatency)), Stats.percentiles(arr(realLatency)));
        Pairs pairStats = new Pairs(pairs, errors, unmatchedReal, new FillAgreement(compared,
                agree, ratio(agree, compared), byClass), new PriceError(
                Stats.meanCi(arr(errBps)), Stats.meanCi(arr(errPrice))));
        return new Section(counts, latency, Stats.meanCi(arr(slippage)), pairStats,
                new Samples(arr(shadowLatency), arr(realLatency), arr(slippage),
                        arr(realPrices), arr(shadowPrices)));
    }

    /** Slippage of {@code price} against {@code ref} in bps; positive = worse for the side. */
    private static double bps(boolean buy, BigDecimal price, BigDecimal ref) {
        BigDecimal d = buy ? price.subtract(ref) : ref.subtract(price);
        return d.multiply(BigDecimal.valueOf(10_000)).divide(ref, MathContext.DECIMAL64)
                .doubleValue();
    }

    private static String fillClass(BigDecimal executed, BigDecimal quantity) {
        if (executed == null || executed.signum() <= 0) {
            return "NONE";
        }
        return quantity != null && executed.compareTo(quantity) >= 0 ? "FULL" : "PARTIAL";
    }

    private static Double ratio(int a, int b) {
        return b == 0 ? null : Stats.round((double) a / b);
    }

    private static double[] arr(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
