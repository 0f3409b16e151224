package io.spark.day9.queue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-job options of {@link JobQueue#enqueue(byte[], EnqueueOptions)}.
 *
 * @param dedupKey optional key; see {@link JobQueue} for the exact deduplication rule. At most
 *     {@link #MAX_DEDUP_KEY_LENGTH} characters, no control characters.
 * @param delayMs the job becomes claimable this many milliseconds after the enqueue; 0 = now
 * @param attributes small string attributes stored with the job and returned on
 *     {@link ClaimedJob#attributes()} (for example the role that enqueued it): at most
 *     {@link #MAX_ATTRIBUTES} entries; names 1..{@link #MAX_ATTRIBUTE_NAME_LENGTH} of
 *     {@code [A-Za-z0-9_.-]}; values at most {@link #MAX_ATTRIBUTE_VALUE_LENGTH} characters
 *     without control characters. Never null (empty when none); copied, unmodifiable, in the
 *     given order
 */
public record EnqueueOptions(String dedupKey, long delayMs, Map<String, String> attributes) {
    /** Longest accepted dedup key, in characters. */
    public static final int MAX_DEDUP_KEY_LENGTH = 256;
    /** Longest accepted delay: 30 days. */
    public static final long MAX_DELAY_MS = 30L * 24 * 3600 * 1000;

    /** Most attributes per job. */
    public static final int MAX_ATTRIBUTES = 16;
    /** Longest attribute name, in characters. */
    public static final int MAX_ATTRIBUTE_NAME_LENGTH = 64;
    /** Longest attribute value, in characters. */
    public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 256;

    private static final EnqueueOptions NONE = new EnqueueOptions(null, 0);

    public EnqueueOptions {
        attributes = checkAttributes(attributes);
        if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
            throw new IllegalArgumentException(
                    "delayMs must be in 0.." + MAX_DELAY_MS + ", but got " + delayMs);
        }
        if (dedupKey != null) {
            if (dedupKey.isEmpty() || dedupKey.length() > MAX_DEDUP_KEY_LENGTH) {
                throw new IllegalArgumentException("dedupKey must have 1.." + MAX_DEDUP_KEY_LENGTH
                        + " characters, but has " + dedupKey.length());
            }
            for (int i = 0; i < dedupKey.length(); i++) {
                if (Character.isISOControl(dedupKey.charAt(i))) {
                    throw new IllegalArgumentException(
                            "dedupKey must not contain control characters (index " + i + ")");
                }
            }
        }
    }

    /** Options without attributes. */
    public EnqueueOptions(String dedupKey, long delayMs) {
        this(dedupKey, delayMs, Map.of());
    }

    /** A copy with the given attributes (replacing any). */
    public EnqueueOptions withAttributes(Map<String, String> newAttributes) {
        return new EnqueueOptions(dedupKey, delayMs, newAttributes);
    }

    private static Map<String, String> checkAttributes(Map<String, String> attrs) {
        if (attrs == null || attrs.isEmpty()) {
            return Map.of();
        }
        if (attrs.size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("attributes: at most " + MAX_ATTRIBUTES
                    + " entries, but got " + attrs.size());
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k == null || k.isEmpty() || k.length() > MAX_ATTRIBUTE_NAME_LENGTH
                    || !k.chars().allMatch(EnqueueOptions::nameChar)) {
                throw new IllegalArgumentException("attribute name must be 1.."
                        + MAX_ATTRIBUTE_NAME_LENGTH + " of [A-Za-z0-9_.-], but got '" + k + "'");
            }
            if (v == null || v.length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
                throw new IllegalArgumentException("attribute '" + k + "' value must have 0.."
                        + MAX_ATTRIBUTE_VALUE_LENGTH + " characters, but has "
                        + (v == null ? "none (null)" : v.length()));
            }
            for (int i = 0; i < v.length(); i++) {
                if (Character.isISOControl(v.charAt(i))) {
                    throw new IllegalArgumentException("attribute '" + k
                            + "' value must not contain control characters (index " + i + ")");
                }
            }
            copy.put(k, v);
        }
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static boolean nameChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-';
    }

    /** No dedup key, no delay. */
    public static EnqueueOptions none() {
        return NONE;
    }

    /** With the given dedup key and no delay. */
    public static EnqueueOptions dedup(String key) {
        return new EnqueueOptions(key, 0);
    }

    /** With the given delay and no dedup key. */
    public static EnqueueOptions delayed(long delayMs) {
        return new EnqueueOptions(null, delayMs);
    }
}
