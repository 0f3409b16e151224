package io.spark.day9.shadow;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A settled order (filled, expired or cancelled: it will not change again) as the executor
 * keeps it for lookups and {@code clientOrderId} idempotency: its view encoded once into one
 * byte array, about 300 bytes, instead of the thirty-odd objects of a live order.
 *
 * <p>Why: every order placed since start stays in memory, and a young collection copies each
 * surviving object until it is tenured. At 1 000 orders/s the live objects made those copies
 * (10 MB and more a collection, 10-20 ms pauses); a byte array without references is copied in
 * one move and never scanned.
 *
 * <p>The encoding is Jackson's array shape of {@link ShadowOrderView}: values in component
 * order, no field names, numbers exact (a {@link java.math.BigDecimal} keeps its scale).
 */
record SettledOrder(String orderId, String clientOrderId, String strategy, long createdAt,
                    byte[] encoded) implements KnownOrder {
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    private interface AsArray {
    }

    private static final ObjectMapper CODEC = new ObjectMapper()
            .addMixIn(ShadowOrderView.class, AsArray.class)
            .addMixIn(ShadowOrderView.FillView.class, AsArray.class);

    static SettledOrder of(ShadowOrderView view, long createdAt) {
        return new SettledOrder(view.orderId(), view.clientOrderId(), view.strategy(),
                createdAt, encode(view));
    }

    /** An order encoded by {@link #encode}, from its text (the state snapshot keeps it so). */
    static ShadowOrderView decode(String text) {
        try {
            return CODEC.readValue(text, ShadowOrderView.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }

    @Override
    public ShadowOrderView view() {
        try {
            return CODEC.readValue(encoded, ShadowOrderView.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a settled shadow order could not be decoded", e);
        }
    }

    static byte[] encode(ShadowOrderView view) {
        try {
            return CODEC.writeValueAsBytes(view);
        } catch (IOException e) {
            throw new UncheckedIOException("a shadow order could not be encoded", e);
        }
    }
}
