package io.spark.day9.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Binance's live subscription requests on an open market-stream connection, answered as
 * Binance answers them: {@code SUBSCRIBE} / {@code UNSUBSCRIBE} ({@code params}: stream names)
 * → {@code {"result":null,"id":N}}; {@code LIST_SUBSCRIPTIONS} → {@code {"result":[names],
 * "id":N}}; {@code SET_PROPERTY ["combined",bool]} and {@code GET_PROPERTY ["combined"]}.
 *
 * <p>Errors (Binance's "Error Messages" table): code 3 {@code Invalid JSON: …}; code 2
 * {@code Invalid request: …} for a missing or unknown {@code method}, a request id that is
 * neither a 64-bit integer, a string of up to 36 letters, digits, '-' or '_', nor null,
 * parameters that are not strings, or a stream name Binance does not
 * serve; code 0 {@code Unknown property}; code 1 {@code Invalid value type: expected Boolean}.
 * Error answers carry the request's {@code id} when it could be read.
 */
final class SimWsRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A request id may also be a string of up to 36 letters, digits, '-' and '_'. */
    private static final java.util.regex.Pattern ID =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,36}");
    /** Binance's limit of streams per request. */
    static final int MAX_PARAMS = 1024;

    /** The connection the request acts on. */
    interface Session {
        void add(List<String> names);

        void remove(List<String> names);

        List<String> list();

        boolean combined();

        void combined(boolean on);
    }

    private SimWsRequests() {
    }

    /** The answer to {@code text}. */
    static String answer(String text, Session session) {
        JsonNode req;
        try {
            req = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            return error(3, "Invalid JSON: expected value at line "
                    + (loc == null ? 1 : loc.getLineNr()) + " column "
                    + (loc == null ? 1 : loc.getColumnNr()), null);
        }
        if (req == null || !req.isObject()) {
            return error(3, "Invalid JSON: expected an object", null);
        }
        JsonNode id = req.get("id");
        if (id != null && !id.isNull() && !(id.isIntegralNumber() && id.canConvertToLong())
                && !(id.isTextual() && ID.matcher(id.asText()).matches())) {
            return error(2, "Invalid request: request ID must be an unsigned integer", null);
        }
        JsonNode method = req.get("method");
        if (method == null || !method.isTextual()) {
            return error(2, "Invalid request: missing field `method`", id);
        }
        JsonNode params = req.get("params");
        List<String> names = new ArrayList<>();
        if (params != null && !params.isNull()) {
            if (!params.isArray()) {
                return error(2, "Invalid request: params must be an array", id);
            }
            if (params.size() > MAX_PARAMS) {
                return error(2, "Invalid request: too many parameters", id);
            }
            for (JsonNode p : params) {
                if (!p.isTextual() && !p.isBoolean()) {
                    return error(2, "Invalid request: parameters must be strings", id);
                }
                names.add(p.asText());
            }
        }
        switch (method.asText()) {
            case "SUBSCRIBE", "UNSUBSCRIBE" -> {
                if (names.isEmpty()) {
                    return error(2, "Invalid request: missing field `params`", id);
                }
                for (String n : names) {
                    if (SimStreams.canonical(n).isEmpty()) {
                        return error(2, "Invalid request: unknown stream '" + n + "'", id);
                    }
                }
                if (method.asText().equals("SUBSCRIBE")) {
                    session.add(names);
                } else {
                    session.remove(names);
                }
                return result(JSON.nullNode(), id);
            }
            case "LIST_SUBSCRIPTIONS" -> {
                ArrayNode list = JSON.createArrayNode();
                session.list().stream().sorted().forEach(list::add);
                return result(list, id);
            }
            case "SET_PROPERTY" -> {
                if (names.isEmpty() || !names.get(0).equals("combined")) {
                    return error(0, "Unknown property", id);
                }
                if (names.size() != 2 || !params.get(1).isBoolean()) {
                    return error(1, "Invalid value type: expected Boolean", id);
                }
                session.combined(params.get(1).asBoolean());
                return result(JSON.nullNode(), id);
            }
            case "GET_PROPERTY" -> {
                if (names.size() != 1 || !names.get(0).equals("combined")) {
                    return error(0, "Unknown property", id);
                }
                return result(JSON.getNodeFactory().booleanNode(session.combined()), id);
            }
            default -> {
                return error(2, "Invalid request: unknown variant " + method.asText()
                        + ", expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, "
                        + "SET_PROPERTY, GET_PROPERTY", id);
            }
        }
    }

    private static String result(JsonNode result, JsonNode id) {
        ObjectNode o = JSON.createObjectNode();
        o.set("result", result);
        o.set("id", id == null ? JSON.nullNode() : id);
        return o.toString();
    }

    private static String error(int code, String msg, JsonNode id) {
        ObjectNode o = JSON.createObjectNode().put("code", code).put("msg", msg);
        if (id != null && !id.isNull()) {
            o.set("id", id);
        }
        return o.toString();
    }
}
