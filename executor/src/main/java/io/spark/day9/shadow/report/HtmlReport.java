package io.spark.day9.shadow.report;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a {@link ShadowReport} as one self-contained HTML page: the tables of numbers for the
 * whole selection and each strategy, and three charts of the whole selection (latency
 * histogram, slippage distribution, shadow-vs-real price scatter) as PNG in
 * {@code data:image/png;base64} URLs. No scripts, no external resources.
 */
final class HtmlReport {
    private static final String[] RESULTS = {"FILLED", "PARTIALLY_FILLED", "NEW", "CANCELED",
        "EXPIRED", "REJECTED"};

    private HtmlReport() {
    }

    static String render(ShadowReport r) {
        Map<String, ShadowReport.Section> rows = new LinkedHashMap<>();
        rows.put(r.strategy() == null ? "all strategies" : "all (" + r.strategy() + ")",
                r.overall());
        rows.putAll(r.strategies());
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Day9 shadow A/B report</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}")
                .append("th{background:#f3f3f3}img{display:block;margin:0.5em 0 1.5em}")
                .append(".note{color:#666;font-size:0.9em}</style></head><body>\n");
        h.append("<h1>Shadow execution: A/B report</h1>\n<p class=\"note\">generated ")
                .append(esc(r.generatedAt())).append(" from ").append(r.files())
                .append(" trail file(s) in <code>").append(esc(r.dir())).append("</code>")
                .append(r.skippedLines() > 0 ? "; " + r.skippedLines()
                        + " unreadable line(s) skipped" : "")
                .append("<br>strategy: ").append(esc(r.strategy() == null ? "all"
                        : r.strategy())).append("; decision time from ")
                .append(esc(r.from() == null ? "the start" : r.from())).append(" to ")
                .append(esc(r.to() == null ? "the end" : r.to()))
                .append(" (to exclusive). Definitions: docs/shadow-report.md.</p>\n");

        h.append("<h2>Orders</h2>\n<table><tr><th>strategy</th><th>total</th><th>accepted</th>");
        for (String s : RESULTS) {
            h.append("<th>").append(s).append("</th>");
        }
        h.append("<th>fill rate</th><th>any-fill rate</th></tr>\n");
        rows.forEach((name, s) -> {
            ShadowReport.Counts c = s.orders();
            h.append("<tr><td>").append(esc(name)).append("</td>").append(td(c.total()))
                    .append(td(c.accepted()));
            for (String res : RESULTS) {
                h.append(td(c.byResult().getOrDefault(res, 0)));
            }
            h.append(td(pct(c.fillRate()))).append(td(pct(c.anyFillRate()))).append("</tr>\n");
        });
        h.append("</table>\n");

        h.append("<h2>Decision-to-ack latency (ms)</h2>\n<table><tr><th>strategy</th>")
                .append("<th>leg</th><th>n</th><th>p50</th><th>p95</th><th>p99</th>")
                .append("<th>max</th><th>mean</th></tr>\n");
        rows.forEach((name, s) -> {
            ShadowReport.Latency l = s.latencyMs();
            latencyRow(h, name, "shadow (all)", l.shadow());
            latencyRow(h, name, "shadow (A/B twins)", l.shadowPaired());
            latencyRow(h, name, "real (A/B)", l.real());
        });
        h.append("</table>\n");

        h.append("<h2>Slippage vs arrival mid (bps, positive = worse)</h2>\n<table><tr>")
                .append("<th>strategy</th><th>n</th><th>mean</th><th>95 % CI</th><th>sd</th>")
                .append("<th>mean |x|</th><th>interval</th></tr>\n");
        rows.forEach((name, s) -> meanRow(h, name, s.slippageBps()));
        h.append("</table>\n");

        h.append("<h2>A/B pairs: shadow minus real</h2>\n<table><tr><th>strategy</th>")
                .append("<th>pairs</th><th>real errors</th><th>fill agreement</th>")
                .append("<th>n priced</th><th>mean bps</th><th>95 % CI bps</th>")
                .append("<th>mean |bps|</th><th>mean price</th><th>95 % CI price</th>")
                .append("<th>mean |price|</th></tr>\n");
        rows.forEach((name, s) -> {
            ShadowReport.Pairs p = s.pairs();
            ShadowReport.FillAgreement a = p.fillAgreement();
            ShadowReport.MeanCi b = p.priceError().bps();
            ShadowReport.MeanCi q = p.priceError().price();
            h.append("<tr><td>").append(esc(name)).append("</td>").append(td(p.count()))
                    .append(td(p.realErrors())).append(td(a.compared() == 0 ? "–"
                            : a.agree() + "/" + a.compared() + " (" + pct(a.rate()) + ")"))
                    .append(td(b.n())).append(td(num(b.mean()))).append(td(ci(b)))
                    .append(td(num(b.meanAbs()))).append(td(num(q.mean()))).append(td(ci(q)))
                    .append(td(num(q.meanAbs()))).append("</tr>\n");
        });
        h.append("</table>\n");

        ShadowReport.Samples s = r.overall().samples();
        h.append("<h2>Charts (").append(esc(rows.keySet().iterator().next())).append(")</h2>\n");
        img(h, "latency histogram", ReportCharts.latencyHistogram(s.shadowLatencyMs(),
                s.realLatencyMs()));
        img(h, "slippage distribution", ReportCharts.slippageHistogram(s.slippageBps()));
        img(h, "shadow vs real price scatter", ReportCharts.priceScatter(s.realPrice(),
                s.shadowPrice()));
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void latencyRow(StringBuilder h, String name, String leg,
                                   ShadowReport.Percentiles p) {
        h.append("<tr><td>").append(esc(name)).append("</td><td>").append(leg).append("</td>")
                .append(td(p.n())).append(td(num(p.p50()))).append(td(num(p.p95())))
                .append(td(num(p.p99()))).append(td(num(p.max()))).append(td(num(p.mean())))
                .append("</tr>\n");
    }

    private static void meanRow(StringBuilder h, String name, ShadowReport.MeanCi m) {
        h.append("<tr><td>").append(esc(name)).append("</td>").append(td(m.n()))
                .append(td(num(m.mean()))).append(td(ci(m))).append(td(num(m.sd())))
                .append(td(num(m.meanAbs()))).append(td(esc(m.method()))).append("</tr>\n");
    }

    private static void img(StringBuilder h, String alt, byte[] png) {
        h.append("<img alt=\"").append(alt).append("\" width=\"").append(ReportCharts.WIDTH)
                .append("\" height=\"").append(ReportCharts.HEIGHT)
                .append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
    }

    private static String ci(ShadowReport.MeanCi m) {
        return m.ci95Low() == null ? "–" : "[" + num(m.ci95Low()) + ", " + num(m.ci95High())
                + "]";
    }

    private static String td(Object v) {
        return "<td>" + v + "</td>";
    }

    private static String num(Double d) {
        if (d == null) {
            return "–";
        }
        String s = String.format(java.util.Locale.ROOT, "%.4f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String pct(Double d) {
        return d == null ? "–" : num(d * 100) + " %";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
