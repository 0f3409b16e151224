package io.spark.day9.api;

import io.spark.day9.shadow.report.InvalidReportParameter;
import io.spark.day9.shadow.report.ReportQuery;
import io.spark.day9.shadow.report.ShadowReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * {@code GET /api/private/shadow/report?strategy=&from=&to=&format=json|html} (read role): the
 * A/B report of shadow execution, computed from the trail files in the shadow directory
 * ({@link ShadowReport}). A bad {@code from}, {@code to} or {@code format} is a 400 problem
 * naming the field.
 */
public final class ShadowReportRoutes implements ApiRoutes {
    private final Path shadowDir;
    private final LongSupplier clock;

    public ShadowReportRoutes(Path shadowDir, LongSupplier clock) {
        this.shadowDir = shadowDir;
        this.clock = clock;
    }

    @Override
    public void register(RouteTable r) {
        r.add(RouteSpec.get("/api/private/shadow/report", Role.READ)
                .summary("The A/B report of shadow execution, from the trail files.")
                .query("strategy", Schema.string(), "only this strategy")
                .query("from", Schema.string(),
                        "ISO-8601 instant, epoch millis or UTC date, inclusive")
                .query("to", Schema.string(),
                        "ISO-8601 instant, epoch millis (exclusive) or UTC date (inclusive)")
                .query("format", Schema.oneOf("json", "html"), "json (default) or html")
                .answer(200, "the report (JSON, or an HTML page)"), ctx -> {
            String format = ctx.queryParam("format");
            boolean html = "html".equals(format);
            if (format != null && !html && !"json".equals(format)) {
                throw ProblemException.invalidField("format", "must be json or html, got '"
                        + format + "'");
            }
            ReportQuery query;
            try {
                query = ReportQuery.parse(ctx.queryParam("strategy"), ctx.queryParam("from"),
                        ctx.queryParam("to"));
            } catch (InvalidReportParameter e) {
                throw ProblemException.invalidField(e.field(), e.reason());
            }
            ShadowReport report = ShadowReport.load(shadowDir, query,
                    Instant.ofEpochMilli(clock.getAsLong()), Json.mapper());
            if (html) {
                ctx.html(report.toHtml());
            } else {
                ctx.json(report);
            }
        });
    }
}
