package io.spark.day9.shadow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every order of the trail starts: a 64-bit hash of its {@code orderId} and of its
 * {@code clientOrderId}, each mapped to the trail {@link ShadowTrail.Position position} of the
 * order's {@code order} line. The executor keeps only a bounded window of orders in memory; this
 * index answers the rest (an idempotent retry of an old {@code clientOrderId}, a lookup of an
 * old order) by reading the trail at that position.
 *
 * <p>Layout: one open-addressing table (linear probing) of two primitive arrays, a hash
 * ({@code long}, 0 = empty slot) and a packed position ({@code long}: a segment number in the
 * top {@value #SEGMENT_BITS} bits, the byte offset in the rest), grown by doubling at a load of
 * 3/4. Each order takes two slots of 16 bytes, so 43 to 85 bytes an order depending on where
 * the table is between doublings (about 60 on average), against about 500 bytes for a decoded
 * order. Segment names are kept once each.
 *
 * <p>A hash may collide: {@link #find} returns every position recorded under the hash and the
 * caller checks the line it reads there names the key. So a collision costs one extra read,
 * never a wrong answer. Not thread-safe: the executor guards it with its monitor.
 */
final class OrderIndex {
    static final int SEGMENT_BITS = 20;
    private static final int OFFSET_BITS = 64 - SEGMENT_BITS;
    private static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;
    private static final int MAX_SEGMENTS = 1 << SEGMENT_BITS;

    private long[] keys = new long[1024];
    private long[] locs = new long[1024];
    private int used;
    private int orders;
    private final List<String> segments = new ArrayList<>();
    private final Map<String, Integer> segmentIds = new HashMap<>();

    /** Records that the order {@code orderId}/{@code clientOrderId} starts at {@code at}. */
    void add(String orderId, String clientOrderId, ShadowTrail.Position at) {
        long loc = pack(at);
        put(hash(orderId), loc);
        if (clientOrderId != null && !clientOrderId.equals(orderId)) {
            put(hash(clientOrderId), loc);
        }
        orders++;
    }

    /** Every position recorded under the hash of {@code key} (usually zero or one). */
    List<ShadowTrail.Position> find(String key) {
        if (key == null) {
            return List.of();
        }
        long h = hash(key);
        int mask = keys.length - 1;
        List<ShadowTrail.Position> out = new ArrayList<>(1);
        for (int i = (int) mix(h) & mask; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == h) {
                long loc = locs[i];
                out.add(new ShadowTrail.Position(segments.get((int) (loc >>> OFFSET_BITS)),
                        loc & MAX_OFFSET));
            }
        }
        return out;
    }

    /**
     * The index as the state snapshot keeps it (so that a start after a restore need not scan
     * the trail before the mark): the segment names and every used slot as a (hash, packed
     * position) pair, 16 bytes big-endian each, in {@code entries}.
     *
     * @param orders   orders recorded
     * @param segments trail file names; a packed position's segment number indexes this list
     * @param entries  (hash, packed position) pairs, 16 bytes each
     */
    record Image(int orders, List<String> segments, byte[] entries) {
        Image {
            segments = List.copyOf(segments);
            if (orders < 0) {
                throw new IllegalArgumentException("orders must be 0 or more, got " + orders);
            }
            if (entries.length % 16 != 0) {
                throw new IllegalArgumentException("entries must be 16-byte pairs, got "
                        + entries.length + " bytes");
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(entries);
            for (int i = 0; i < entries.length; i += 16) {
                long h = b.getLong(i);
                int seg = (int) (b.getLong(i + 8) >>> OFFSET_BITS);
                if (h == 0 || seg >= segments.size()) {
                    throw new IllegalArgumentException("entry " + i / 16 + " has hash " + h
                            + " and segment " + seg + " of " + segments.size()
                            + ": the hash must not be 0 and the segment must be listed");
                }
            }
        }
    }

    /** A copy of the whole index, for a state snapshot. */
    Image image() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 * used);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                b.putLong(keys[i]).putLong(locs[i]);
            }
        }
        return new Image(orders, segments, b.array());
    }

    /**
     * Adds a snapshot's image, leaving out entries in trail files not in {@code alive} (deleted
     * by retention since the snapshot: an order there can no longer be read back).
     */
    void load(Image image, java.util.Set<String> alive) {
        int[] remap = new int[image.segments().size()];
        for (int s = 0; s < remap.length; s++) {
            String name = image.segments().get(s);
            remap[s] = alive.contains(name) ? segmentId(name) : -1;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(image.entries());
        for (int i = 0; i < image.entries().length; i += 16) {
            long h = b.getLong(i);
            long loc = b.getLong(i + 8);
            int seg = remap[(int) (loc >>> OFFSET_BITS)];
            if (seg >= 0) {
                put(h, ((long) seg << OFFSET_BITS) | (loc & MAX_OFFSET));
            }
        }
        orders += image.orders();
    }

    /** Orders recorded. */
    int orders() {
        return orders;
    }

    /** Bytes held by the table's arrays (the segment names aside). */
    long tableBytes() {
        return 16L * keys.length;
    }

    private long pack(ShadowTrail.Position at) {
        int id = segmentId(at.segment());
        if (at.offset() > MAX_OFFSET) {
            throw new IllegalStateException("trail offset " + at.offset() + " in "
                    + at.segment() + " is beyond the index's limit " + MAX_OFFSET);
        }
        return ((long) id << OFFSET_BITS) | at.offset();
    }

    private int segmentId(String segment) {
        Integer id = segmentIds.get(segment);
        if (id == null) {
            if (segments.size() >= MAX_SEGMENTS) {
                throw new IllegalStateException("the shadow order index holds " + MAX_SEGMENTS
                        + " trail files already; restart to rebuild it from the files on disk");
            }
            id = segments.size();
            segments.add(segment);
            segmentIds.put(segment, id);
        }
        return id;
    }

    private void put(long h, long loc) {
        if ((used + 1) * 4L > keys.length * 3L) {
            grow();
        }
        int mask = keys.length - 1;
        int i = (int) mix(h) & mask;
        while (keys[i] != 0) {
            if (keys[i] == h && locs[i] == loc) {
                return; // already there (the same order indexed twice)
            }
            i = (i + 1) & mask;
        }
        keys[i] = h;
        locs[i] = loc;
        used++;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldLocs = locs;
        keys = new long[oldKeys.length * 2];
        locs = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long h = oldKeys[j];
            if (h != 0) {
                int i = (int) mix(h) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = h;
                locs[i] = oldLocs[j];
            }
        }
    }

    /** FNV-1a over the UTF-16 units, finished with a 64-bit mixer; never 0 (the empty slot). */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h = mix(h);
        return h == 0 ? 1 : h;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
