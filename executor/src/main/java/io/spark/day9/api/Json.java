package io.spark.day9.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The one JSON configuration of the service (decimals are written as plain strings, as Binance
 * does: {@code "65000.5"}), and the one way handlers read a body: any
 * Jackson failure becomes a 400 problem naming the field at fault, never a 500.
 */
public final class Json {
    private static final ObjectMapper MAPPER = build();
    /** Request bodies only: also refuses {@code null} inside an array ({@code "ids":[null]}),
     *  which no handler expects (the shared mapper still reads files as before). */
    private static final ObjectMapper BODY_MAPPER = MAPPER.copy().setDefaultSetterInfo(
            com.fasterxml.jackson.annotation.JsonSetter.Value.forContentNulls(
                    com.fasterxml.jackson.annotation.Nulls.FAIL));
    private static final String BODY = "day9.body";

    private Json() {
    }

    /** The shared, thread-safe mapper (strict: unknown fields, duplicate keys, trailing tokens
     *  and nulls for primitives are errors; ISO-8601 dates). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper build() {
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("day9-decimals")
                        .addSerializer(java.math.BigDecimal.class,
                                new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(
                                        java.math.BigDecimal.class) {
                                    @Override
                                    public void serialize(java.math.BigDecimal v,
                                            com.fasterxml.jackson.core.JsonGenerator g,
                                            com.fasterxml.jackson.databind.SerializerProvider p)
                                            throws java.io.IOException {
                                        // as Binance does: prices and quantities are strings
                                        g.writeString(v.toPlainString());
                                    }
                                }))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // a key given twice is ambiguous (which one does a consumer read?): refused
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).maxNumberLength(64).build());
        return mapper;
    }

    /**
     * Reads the request body as {@code type}.
     *
     * @throws ProblemException 400 for an empty body, malformed JSON, a wrong type or an unknown
     *                          field, naming the field
     */
    public static <T> T read(Context ctx, Class<T> type) {
        byte[] body = body(ctx);
        if (body.length == 0) {
            throw ProblemException.invalidField("body", "a JSON body is required: "
                    + simpleType(type));
        }
        return parse(body, type);
    }

    /**
     * Reads the request body as {@code type}, or returns {@code whenEmpty} for an empty body
     * (a route whose body is optional). Any other body is read as by {@link #read}.
     */
    public static <T> T readOrDefault(Context ctx, Class<T> type, T whenEmpty) {
        byte[] body = body(ctx);
        return body.length == 0 ? whenEmpty : parse(body, type);
    }

    /**
     * The one body parser: a body that is not the expected shape - not JSON, truncated, a
     * scalar, an array, the literal {@code null}, wrong field types - is a 400 problem naming
     * {@code body} or the field at fault, so a handler never sees {@code null}.
     */
    static <T> T parse(byte[] body, Class<T> type) {
        requireUtf8(body);
        T value;
        try {
            value = BODY_MAPPER.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw ProblemException.malformedJson("body could not be read: " + e.getMessage());
        }
        if (value == null) {
            throw ProblemException.invalidField("body", "expected " + simpleType(type)
                    + ", got null");
        }
        return value;
    }

    /**
     * The raw body, checked to be exactly one JSON object and nothing else (a queue job,
     * stored byte for byte, so it is checked with one streaming pass, not parsed into a tree).
     *
     * @param what what the body is, for the message ("the job")
     * @throws ProblemException 400 naming {@code body} otherwise
     */
    public static byte[] rawObject(Context ctx, String what) {
        byte[] body = body(ctx);
        if (body.length == 0) {
            throw ProblemException.invalidField("body", what + " is required: a JSON object");
        }
        requireUtf8(body);
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw ProblemException.invalidField("body", what + " must be a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw ProblemException.malformedJson("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw ProblemException.malformedJson(e.getMessage());
        }
        return body;
    }

    /**
     * The raw body, at most {@code HTTP_MAX_BODY_BYTES}: a declared length over the limit is
     * refused before reading (by the server's filter), and a chunked body is cut off as soon as
     * it passes the limit.
     *
     * @throws ProblemException 413 past the limit
     */
    public static byte[] body(Context ctx) {
        byte[] cached = ctx.attribute(BODY);
        if (cached != null) {
            return cached;
        }
        long limit = ctx.appData(HttpServer.MAX_BODY_KEY);
        try (var in = ctx.req().getInputStream()) {
            long declared = ctx.req().getContentLengthLong();
            byte[] bytes;
            if (declared >= 0 && declared <= limit) {
                // the usual case: read exactly the declared length into one array (readNBytes
                // with a large bound allocates 8 KiB chunks and copies), then check the stream
                // really ends there
                bytes = new byte[(int) declared];
                int n = in.readNBytes(bytes, 0, bytes.length);
                if (n < bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, n);
                } else if (in.read() != -1) {
                    throw ProblemException.payloadTooLarge(limit);
                }
            } else {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            }
            if (bytes.length > limit) {
                throw ProblemException.payloadTooLarge(limit);
            }
            ctx.attribute(BODY, bytes);
            return bytes;
        } catch (IOException e) {
            throw ProblemException.malformedJson("body could not be read: " + e.getMessage());
        }
    }

    /**
     * Refuses a body Jackson would read in another encoding: JSON over HTTP is UTF-8 (RFC
     * 8259), and a queue job is stored and later embedded byte for byte, so a UTF-16 or UTF-32
     * body (a NUL in its first two bytes) or a byte-order mark would corrupt every answer that
     * embeds it. Two byte comparisons: a UTF-8 JSON text starts with an ASCII character and
     * has no NUL.
     */
    private static void requireUtf8(byte[] body) {
        if (body[0] <= 0 || (body.length > 1 && body[1] == 0)) {
            throw ProblemException.malformedJson("the body must be JSON in UTF-8, without a "
                    + "byte-order mark");
        }
    }

    /** Maps a Jackson failure to the problem a client should see. */
    static ProblemException translate(JsonProcessingException e) {
        if (e instanceof JsonParseException p) {
            var loc = p.getLocation();
            return ProblemException.malformedJson("line " + loc.getLineNr() + ", column "
                    + loc.getColumnNr() + ": " + p.getOriginalMessage());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return ProblemException.invalidField(path(u), "unknown field; known fields: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")));
        }
        if (e instanceof InvalidFormatException f) {
            return ProblemException.invalidField(path(f), "cannot read " + describe(f.getValue())
                    + " as " + simpleType(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m) {
            String field = path(m);
            if (field.isEmpty()) {
                return ProblemException.invalidField("body", "expected "
                        + simpleType(m.getTargetType()));
            }
            return ProblemException.invalidField(field, "expected " + simpleType(m.getTargetType()));
        }
        if (e instanceof JsonMappingException m) {
            String field = path(m);
            Throwable cause = m.getCause() instanceof IllegalArgumentException iae ? iae : m;
            String msg = cause == m ? m.getOriginalMessage() : cause.getMessage();
            return ProblemException.invalidField(field.isEmpty() ? "body" : field, msg);
        }
        return ProblemException.malformedJson(e.getOriginalMessage());
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == java.math.BigDecimal.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
