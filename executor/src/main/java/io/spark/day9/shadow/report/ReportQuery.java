package io.spark.day9.shadow.report;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What a report covers: one strategy or all ({@code strategy} null), and orders whose decision
 * time lies in {@code [from, to)} (either bound null = open).
 *
 * <p>Bounds are parsed by {@link #parse}: epoch milliseconds (digits only), an ISO-8601 instant
 * ({@code 2024-05-01T12:00:00Z}, or with an offset such as {@code +02:00}), or an ISO date
 * ({@code 2024-05-01}, a UTC day). A date as {@code from} starts at that day's midnight; a date
 * as {@code to} includes the whole day (the bound is the next midnight). Instants and millis
 * are exact: {@code from} inclusive, {@code to} exclusive.
 */
public record ReportQuery(String strategy, Instant from, Instant to) {

    /** Everything in the trail. */
    public static final ReportQuery ALL = new ReportQuery(null, null, null);

    public ReportQuery {
        if (strategy != null && strategy.isBlank()) {
            strategy = null;
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidReportParameter("to", "must be after from (" + from + "), got "
                    + to);
        }
    }

    /**
     * Parses the textual parameters (each may be null or blank: not given).
     *
     * @throws InvalidReportParameter naming {@code from} or {@code to} when a bound is not
     *                                epoch millis, an ISO instant or an ISO date, or when
     *                                {@code to} is not after {@code from}
     */
    public static ReportQuery parse(String strategy, String from, String to) {
        return new ReportQuery(strategy, bound("from", from, false), bound("to", to, true));
    }

    /** True when an order decided at {@code epochMs} is covered by the time range. */
    public boolean covers(long epochMs) {
        return (from == null || epochMs >= from.toEpochMilli())
                && (to == null || epochMs < to.toEpochMilli());
    }

    /** True when {@code s} is the strategy asked for (or all are). */
    public boolean wants(String s) {
        return strategy == null || strategy.equals(s);
    }

    private static Instant bound(String field, String text, boolean end) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            if (t.chars().allMatch(Character::isDigit)) {
                if (t.length() > 15) {
                    throw new InvalidReportParameter(field, "epoch milliseconds out of range: "
                            + t);
                }
                return Instant.ofEpochMilli(Long.parseLong(t));
            }
            if (t.indexOf('T') > 0 || t.indexOf('t') > 0) {
                return t.endsWith("Z") || t.endsWith("z") ? Instant.parse(t.toUpperCase())
                        : OffsetDateTime.parse(t).toInstant();
            }
            LocalDate day = LocalDate.parse(t);
            return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeException e) {
            throw new InvalidReportParameter(field, "expected epoch milliseconds, an ISO-8601 "
                    + "instant (2024-05-01T12:00:00Z) or a date (2024-05-01), got '" + t + "'");
        }
    }
}
