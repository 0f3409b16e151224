package io.spark.day9.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON Schema (the subset OpenAPI 3.1 needs here) for a request body or a parameter.
 * Immutable. {@link #of(Class)} derives an object schema from the record type a handler reads
 * the body into, so the document shows exactly the fields Jackson accepts (unknown fields are
 * refused, hence {@code additionalProperties: false}).
 *
 * @param type       JSON Schema type: object, array, string, integer, number, boolean
 * @param properties for objects, each field's schema in declaration order
 * @param items      for arrays, the element schema
 * @param open       for objects, whether fields beyond {@code properties} are allowed
 * @param choices    for strings, the allowed values (empty: any)
 */
public record Schema(String type, Map<String, Schema> properties, Schema items, boolean open,
                     List<String> choices) {
    private static final int MAX_DEPTH = 8;

    public Schema {
        properties = properties == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (!List.of("object", "array", "string", "integer", "number", "boolean")
                .contains(type)) {
            throw new IllegalArgumentException("unknown schema type '" + type + "'");
        }
    }

    public static Schema string() {
        return new Schema("string", null, null, false, null);
    }

    /** A string that must be one of {@code values}. */
    public static Schema oneOf(String... values) {
        return new Schema("string", null, null, false, List.of(values));
    }

    public static Schema integer() {
        return new Schema("integer", null, null, false, null);
    }

    public static Schema number() {
        return new Schema("number", null, null, false, null);
    }

    public static Schema bool() {
        return new Schema("boolean", null, null, false, null);
    }

    public static Schema array(Schema items) {
        return new Schema("array", null, items, false, null);
    }

    /** Any JSON object (a queue job is stored byte for byte, whatever its fields). */
    public static Schema anyObject() {
        return new Schema("object", null, null, true, null);
    }

    /** The object schema of a record type: one property per component, no others allowed. */
    public static Schema of(Class<? extends Record> type) {
        return ofClass(type, 0);
    }

    private static Schema ofClass(Class<?> type, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("record nesting deeper than " + MAX_DEPTH
                    + " at " + type.getName());
        }
        Map<String, Schema> props = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            props.put(c.getName(), ofType(c.getGenericType(), depth + 1));
        }
        return new Schema("object", props, null, false, null);
    }

    private static Schema ofType(Type t, int depth) {
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw)) {
            return array(ofType(p.getActualTypeArguments()[0], depth));
        }
        Class<?> c = t instanceof Class<?> k ? k : Object.class;
        if (c == String.class) {
            return string();
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return integer();
        }
        if (c == double.class || c == Double.class || c == BigDecimal.class) {
            return number();
        }
        if (c == boolean.class || c == Boolean.class) {
            return bool();
        }
        if (c.isEnum()) {
            return oneOf(java.util.Arrays.stream(c.getEnumConstants()).map(String::valueOf)
                    .toArray(String[]::new));
        }
        if (c.isRecord()) {
            return ofClass(c, depth);
        }
        if (com.fasterxml.jackson.databind.node.ObjectNode.class.isAssignableFrom(c)) {
            return anyObject(); // free-form data kept as given (a manual snapshot's data)
        }
        throw new IllegalArgumentException("no schema for field type " + t.getTypeName());
    }

    /** The schema as JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (type.equals("object")) {
            if (!properties.isEmpty()) {
                Map<String, Object> props = new LinkedHashMap<>();
                properties.forEach((k, v) -> props.put(k, v.toJson()));
                m.put("properties", props);
            }
            m.put("additionalProperties", open);
        }
        if (items != null) {
            m.put("items", items.toJson());
        }
        if (!choices.isEmpty()) {
            m.put("enum", choices);
        }
        return m;
    }
}
