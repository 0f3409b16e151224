package io.spark.day9.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * {@code LOG_FORMAT=json}: one JSON object a line, with the fields of Logback's own
 * {@code JsonEncoder} ({@code timestamp}, {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc}, {@code formattedMessage}, {@code throwable}) but written so that people and tools
 * can read them:
 * <ul>
 *   <li>{@code timestamp} is ISO-8601 in UTC with milliseconds
 *       ({@code 2026-12-05T14:54:47.123Z}), not epoch milliseconds;</li>
 *   <li>{@code /} is not escaped, so {@code grep /api/private/queue/enqueue} finds the lines
 *       (Jackson escapes only what JSON requires: quotes, backslashes, control characters);</li>
 *   <li>{@code mdc} is left out when empty; {@code throwable} is the stack trace as one string,
 *       left out when there is none.</li>
 * </ul>
 * Logback's {@code JsonEncoder} escapes {@code /} and writes epoch milliseconds with no option
 * to change either; Jackson (already in the build) does the JSON. Thread-safe: each call writes
 * to its own buffer.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] NO_BYTES = new byte[0];
    private final JsonFactory json = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return NO_BYTES;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", TIMESTAMP.format(Instant.ofEpochMilli(
                    event.getTimeStamp())));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("threadName", event.getThreadName());
            g.writeStringField("loggerName", event.getLoggerName());
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && !mdc.isEmpty()) {
                g.writeObjectFieldStart("mdc");
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeStringField("formattedMessage", event.getFormattedMessage());
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("throwable", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a log line as JSON", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NO_BYTES;
    }
}
