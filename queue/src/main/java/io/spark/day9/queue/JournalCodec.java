package io.spark.day9.queue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes journal lines. The line format is documented in
 * {@link JournalWriter}; in short every line is a flat JSON object whose last member is
 * {@code "c":"<crc32c as 8 lowercase hex digits>"}, computed over every byte of the line before
 * {@code ,"c":}. An enqueue record's payload is its last member before the checksum: {@code "p"}
 * holding the payload verbatim when it is one compact JSON value in valid UTF-8 without line
 * breaks, else {@code "b"} holding it in base64. Not thread-safe: one instance per thread.
 */
final class JournalCodec {
    /** {@code ,"c":"} + 8 hex + {@code "}} = 16 bytes at the end of every line (before \n). */
    static final int SUFFIX_LENGTH = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_JSON_DEPTH = 200;

    /** One decoded line; fields not present in the type keep their defaults. */
    static final class Rec {
        char type;
        long id = -1;
        long ts;
        long at;
        long n;
        long r;
        long dl;
        long gen;
        long nid;
        long nseq;
        String key;
        String why;
        /** Job key ({@code "u"}) location, quotes included; uidStart < 0 when absent. */
        int uidStart = -1;
        int uidEnd;
        /** Attributes object ({@code "a"}) location; attrStart < 0 when absent. */
        int attrStart = -1;
        int attrEnd;
        /** Payload location inside the line buffer; payloadStart < 0 when absent. */
        int payloadStart = -1;
        int payloadEnd;
        boolean base64;

        void reset() {
            type = 0;
            id = -1;
            ts = at = n = r = dl = gen = nid = nseq = 0;
            key = why = null;
            payloadStart = -1;
            payloadEnd = 0;
            base64 = false;
            uidStart = -1;
            attrStart = -1;
        }

        /** The job key, or null when the record has none (written before keys existed). */
        String uid(byte[] line) {
            if (uidStart < 0) {
                return null;
            }
            for (int i = uidStart + 1; i < uidEnd - 1; i++) {
                if (line[i] == '\\') {
                    return readString(line, new int[] {uidStart}, uidEnd);
                }
            }
            // the usual key: plain ASCII (checked by the parse), one copy
            return new String(line, uidStart + 1, uidEnd - uidStart - 2,
                    StandardCharsets.ISO_8859_1);
        }

        /** The attributes, in written order; empty when the record has none. */
        java.util.Map<String, String> attributes(byte[] line) {
            if (attrStart < 0) {
                return java.util.Map.of();
            }
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            int[] pos = {attrStart + 1};
            if (line[pos[0]] != '}') {
                while (true) {
                    String k = readString(line, pos, attrEnd);
                    expect(line, pos, ':');
                    out.put(k, readString(line, pos, attrEnd));
                    if (line[pos[0]] == '}') {
                        break;
                    }
                    expect(line, pos, ',');
                }
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        /** The payload bytes, decoded from base64 when needed. */
        byte[] payload(byte[] line) {
            if (payloadStart < 0) {
                return new byte[0];
            }
            byte[] raw = Arrays.copyOfRange(line, payloadStart, payloadEnd);
            if (!base64) {
                return raw;
            }
            // raw is "...." including quotes
            return Base64.getDecoder().decode(Arrays.copyOfRange(raw, 1, raw.length - 1));
        }
    }

    private final CRC32C crc = new CRC32C();
    /** The last large number written (a time, usually) and its digits. */
    private long cachedValue = -1;
    private final byte[] cachedDigits = new byte[20];
    private int cachedLength;
    private byte[] buf = new byte[512];
    private int len;

    // ------------------------------------------------------------------ encoding

    /** Starts a record of {@code type}: {@code {"t":"E"}. */
    JournalCodec begin(char type) {
        len = 0;
        ascii("{\"t\":\"");
        put((byte) type);
        put((byte) '"');
        return this;
    }

    JournalCodec num(String name, long value) {
        ascii(",\"");
        ascii(name);
        ascii("\":");
        digits(value);
        return this;
    }

    /** Writes {@code value} in decimal straight into the line buffer (no String on the way). */
    private void digits(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                ascii(Long.toString(value));
                return;
            }
            put((byte) '-');
            value = -value;
        }
        ensure(20);
        if (value < 100_000_000L) {
            intDigits((int) value, 1);
        } else if (value == cachedValue) {
            // a timestamp repeats on every line written within the same millisecond
            System.arraycopy(cachedDigits, 0, buf, len, cachedLength);
            len += cachedLength;
        } else {
            int from = len;
            // times (13 digits) in two int halves: int division is cheaper than long division
            long hi = value / 100_000_000L;
            int lo = (int) (value - hi * 100_000_000L);
            if (hi < 100_000_000L) {
                intDigits((int) hi, 1);
            } else {
                long top = hi / 100_000_000L;
                intDigits((int) top, 1);
                intDigits((int) (hi - top * 100_000_000L), 8);
            }
            intDigits(lo, 8);
            cachedValue = value;
            cachedLength = len - from;
            System.arraycopy(buf, from, cachedDigits, 0, cachedLength);
        }
    }

    /** Writes {@code v} (0..99 999 999) with at least {@code width} digits, zero-padded. */
    private void intDigits(int v, int width) {
        int n = 1;
        for (int x = v; x >= 10; x /= 10) {
            n++;
        }
        n = Math.max(n, width);
        int p = len + n;
        for (int i = 0; i < n; i++) {
            buf[--p] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += n;
    }

    JournalCodec str(String name, String value) {
        ascii(",\"");
        ascii(name);
        ascii("\":");
        jsonString(value);
        return this;
    }

    /**
     * Appends {@code "u"} with a new job key ({@link JobKeys}) written straight into the line,
     * and returns the key.
     */
    String newKey() {
        ascii(",\"u\":\"");
        ensure(JobKeys.LENGTH + 1);
        int at = len;
        JobKeys.encode(buf, at);
        len += JobKeys.LENGTH;
        put((byte) '"');
        return new String(buf, at, JobKeys.LENGTH, StandardCharsets.ISO_8859_1);
    }

    /** Appends {@code "a"}: the attributes as a flat object of strings (nothing if empty). */
    JournalCodec attributes(java.util.Map<String, String> attrs) {
        if (attrs.isEmpty()) {
            return this;
        }
        ascii(",\"a\":{");
        boolean first = true;
        for (java.util.Map.Entry<String, String> e : attrs.entrySet()) {
            if (!first) {
                put((byte) ',');
            }
            first = false;
            jsonString(e.getKey());
            put((byte) ':');
            jsonString(e.getValue());
        }
        put((byte) '}');
        return this;
    }

    /** Appends member {@code name} whose encoded value is {@code line[from, to)}. */
    JournalCodec raw(String name, byte[] line, int from, int to) {
        ascii(",\"");
        ascii(name);
        ascii("\":");
        putBytes(line, from, to - from);
        return this;
    }

    /** Appends the payload member ({@code "p"} verbatim or {@code "b"} base64). */
    JournalCodec payload(byte[] payload, boolean verbatim) {
        if (verbatim) {
            ascii(",\"p\":");
            putBytes(payload, 0, payload.length);
        } else {
            ascii(",\"b\":\"");
            byte[] b64 = Base64.getEncoder().encode(payload);
            putBytes(b64, 0, b64.length);
            put((byte) '"');
        }
        return this;
    }

    /** Appends an already-encoded payload member taken from another line. */
    JournalCodec rawPayload(byte[] line, Rec rec) {
        ascii(rec.base64 ? ",\"b\":" : ",\"p\":");
        putBytes(line, rec.payloadStart, rec.payloadEnd - rec.payloadStart);
        return this;
    }

    /** Appends the checksum and newline, and returns a copy of the whole line. */
    byte[] end() {
        finish();
        return Arrays.copyOf(buf, len);
    }

    /**
     * Appends the checksum and newline and leaves the line in {@link #buffer()}, its length
     * {@link #length()}: for callers that copy it on at once (no intermediate array).
     */
    void finish() {
        crc.reset();
        crc.update(buf, 0, len);
        long c = crc.getValue();
        ascii(",\"c\":\"");
        for (int shift = 28; shift >= 0; shift -= 4) {
            put(HEX[(int) (c >>> shift) & 0xf]);
        }
        ascii("\"}\n");
    }

    /** The line buffer; valid up to {@link #length()} after {@link #finish()}. */
    byte[] buffer() {
        return buf;
    }

    int length() {
        return len;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra + 64));
        }
    }

    private void jsonString(String s) {
        put((byte) '"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                put((byte) '\\');
                put((byte) ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                ascii(String.format("\\u%04x", (int) ch));
            } else {
                put((byte) ch);
            }
        }
        put((byte) '"');
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Checks the checksum of {@code line[start, end)} (without the newline) and decodes it into
     * {@code rec}. Returns null when valid, else a short reason.
     */
    String decode(byte[] line, int start, int end, Rec rec) {
        rec.reset();
        int n = end - start;
        if (n < SUFFIX_LENGTH + 8) {
            return "line too short (" + n + " bytes)";
        }
        int sfx = end - SUFFIX_LENGTH;
        if (line[sfx] != ',' || line[sfx + 1] != '"' || line[sfx + 2] != 'c'
                || line[sfx + 3] != '"' || line[sfx + 4] != ':' || line[sfx + 5] != '"'
                || line[end - 2] != '"' || line[end - 1] != '}') {
            return "no checksum member";
        }
        long want = 0;
        for (int i = sfx + 6; i < sfx + 14; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                return "bad checksum digits";
            }
            want = (want << 4) | d;
        }
        crc.reset();
        crc.update(line, start, sfx - start);
        if (crc.getValue() != want) {
            return "checksum mismatch";
        }
        try {
            return parse(line, start, sfx, rec);
        } catch (RuntimeException e) {
            return "unparseable: " + e.getMessage();
        }
    }

    private String parse(byte[] b, int start, int end, Rec rec) {
        int[] pos = {start};
        expect(b, pos, '{');
        boolean first = true;
        while (pos[0] < end) {
            if (!first) {
                expect(b, pos, ',');
            }
            first = false;
            int name = memberName(b, pos, end);
            expect(b, pos, ':');
            switch (name) {
                case P -> {
                    rec.payloadStart = pos[0];
                    rec.payloadEnd = end;
                    rec.base64 = false;
                    pos[0] = end;
                }
                case B -> {
                    rec.payloadStart = pos[0];
                    readString(b, pos, end);
                    rec.payloadEnd = pos[0];
                    rec.base64 = true;
                }
                case T -> {
                    int p = pos[0];
                    if (p + 2 < end && b[p] == '"' && b[p + 2] == '"' && b[p + 1] != '\\') {
                        rec.type = (char) b[p + 1]; // the usual one-letter type, no String
                        pos[0] = p + 3;
                    } else {
                        String t = readString(b, pos, end);
                        if (t.length() != 1) {
                            return "bad type '" + t + "'";
                        }
                        rec.type = t.charAt(0);
                    }
                }
                case K -> rec.key = readString(b, pos, end);
                case U -> {
                    rec.uidStart = pos[0];
                    skipString(b, pos, end);
                    rec.uidEnd = pos[0];
                }
                case A -> {
                    rec.attrStart = pos[0];
                    skipStringObject(b, pos, end);
                    rec.attrEnd = pos[0];
                }
                case WHY -> rec.why = readString(b, pos, end);
                default -> {
                    long v = readLong(b, pos, end);
                    switch (name) {
                        case ID -> rec.id = v;
                        case TS -> rec.ts = v;
                        case AT -> rec.at = v;
                        case N -> rec.n = v;
                        case R -> rec.r = v;
                        case DL -> rec.dl = v;
                        case GEN -> rec.gen = v;
                        case NID -> rec.nid = v;
                        case NSEQ -> rec.nseq = v;
                        default -> { } // unknown numeric members are ignored (forward compat)
                    }
                }
            }
        }
        if (pos[0] != end) {
            return "trailing bytes";
        }
        if ("HECXNADRPK".indexOf(rec.type) < 0 || rec.type == 0) {
            return "unknown record type '" + rec.type + "'";
        }
        if (rec.type != 'H' && rec.type != 'K' && rec.id < 0) {
            return "record without id";
        }
        if (rec.type == 'E' && rec.payloadStart < 0) {
            return "enqueue record without payload";
        }
        return null;
    }

    // Member names packed big-endian into an int (names of up to 4 ASCII bytes), so decoding a
    // line allocates no String for its member names.
    private static final int P = 'p';
    private static final int B = 'b';
    private static final int T = 't';
    private static final int K = 'k';
    private static final int U = 'u';
    private static final int A = 'a';
    private static final int N = 'n';
    private static final int R = 'r';
    private static final int WHY = ('w' << 16) | ('h' << 8) | 'y';
    private static final int ID = ('i' << 8) | 'd';
    private static final int TS = ('t' << 8) | 's';
    private static final int AT = ('a' << 8) | 't';
    private static final int DL = ('d' << 8) | 'l';
    private static final int GEN = ('g' << 16) | ('e' << 8) | 'n';
    private static final int NID = ('n' << 16) | ('i' << 8) | 'd';
    private static final int NSEQ = ('n' << 24) | ('s' << 16) | ('e' << 8) | 'q';

    /**
     * Reads a member name; returns it packed as above, or 0 for any other name (longer, empty,
     * escaped or non-ASCII): such a member is treated as an unknown numeric one.
     */
    private static int memberName(byte[] b, int[] pos, int end) {
        int p = pos[0];
        if (p >= end || b[p] != '"') {
            throw new IllegalArgumentException("expected '\"' at " + p);
        }
        int key = 0;
        int n = 0;
        boolean plain = true;
        for (p++; ; p++) {
            if (p >= end) {
                throw new IllegalArgumentException("unterminated string");
            }
            byte c = b[p];
            if (c == '"') {
                break;
            }
            if (c == '\\' || (c & 0xff) < 0x20 || (c & 0x80) != 0) {
                plain = false;
                break;
            }
            key = (key << 8) | c;
            n++;
        }
        if (!plain) {
            readString(b, pos, end); // validates (or throws) exactly as before
            return 0;
        }
        pos[0] = p + 1;
        return n >= 1 && n <= 4 ? key : 0;
    }

    private static void expect(byte[] b, int[] pos, char c) {
        if (b[pos[0]] != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos[0]);
        }
        pos[0]++;
    }

    private static long readLong(byte[] b, int[] pos, int end) {
        int p = pos[0];
        boolean neg = false;
        if (p < end && b[p] == '-') {
            neg = true;
            p++;
        }
        int digits = 0;
        long v = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            v = Math.addExact(Math.multiplyExact(v, 10), b[p] - '0');
            p++;
            digits++;
        }
        if (digits == 0 || digits > 19) {
            throw new IllegalArgumentException("bad number at " + pos[0]);
        }
        pos[0] = p;
        return neg ? -v : v;
    }

    /** Checks a string (as {@link #readString} would) and moves past it, allocating nothing. */
    private static void skipString(byte[] b, int[] pos, int end) {
        expect(b, pos, '"');
        int p = pos[0];
        while (true) {
            if (p >= end) {
                throw new IllegalArgumentException("unterminated string");
            }
            byte c = b[p++];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (p >= end) {
                    throw new IllegalArgumentException("unterminated string");
                }
                byte e = b[p++];
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (p >= end || Character.digit(b[p++], 16) < 0) {
                            throw new IllegalArgumentException("bad \\u escape");
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
            } else if ((c & 0xff) < 0x20 || (c & 0x80) != 0) {
                throw new IllegalArgumentException("raw control or non-ASCII byte in string");
            }
        }
        pos[0] = p;
    }

    /** Checks a flat object of string members ({@code {"k":"v",...}}) and moves past it. */
    private static void skipStringObject(byte[] b, int[] pos, int end) {
        expect(b, pos, '{');
        if (pos[0] < end && b[pos[0]] == '}') {
            pos[0]++;
            return;
        }
        while (true) {
            skipString(b, pos, end);
            expect(b, pos, ':');
            skipString(b, pos, end);
            if (pos[0] >= end) {
                throw new IllegalArgumentException("unterminated object");
            }
            if (b[pos[0]] == '}') {
                pos[0]++;
                return;
            }
            expect(b, pos, ',');
        }
    }

    private static String readString(byte[] b, int[] pos, int end) {
        expect(b, pos, '"');
        StringBuilder sb = new StringBuilder();
        int p = pos[0];
        while (true) {
            if (p >= end) {
                throw new IllegalArgumentException("unterminated string");
            }
            byte c = b[p++];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                byte e = b[p++];
                switch (e) {
                    case '"', '\\', '/' -> sb.append((char) e);
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(
                                new String(b, p, 4, StandardCharsets.US_ASCII), 16));
                        p += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
            } else if ((c & 0xff) < 0x20 || (c & 0x80) != 0) {
                throw new IllegalArgumentException("raw control or non-ASCII byte in string");
            } else {
                sb.append((char) c);
            }
        }
        pos[0] = p;
        return sb.toString();
    }

    // ------------------------------------------------------------------ payload check

    /**
     * Whether {@code payload} can be embedded verbatim: one JSON value, valid UTF-8, no CR or
     * LF bytes, nesting at most 200 deep. Anything else is stored as base64.
     */
    static boolean isEmbeddableJson(byte[] payload) {
        if (payload.length == 0) {
            return false;
        }
        // One pass finds CR/LF and whether any byte has its high bit set: ASCII is valid UTF-8,
        // so the (JSON-typical) all-ASCII payload never touches a decoder.
        int highBits = 0;
        for (byte b : payload) {
            if (b == '\n' || b == '\r') {
                return false;
            }
            highBits |= b;
        }
        if (highBits < 0 && !isValidUtf8(payload)) {
            return false;
        }
        try {
            int[] pos = {0};
            skipWs(payload, pos);
            value(payload, pos, 0);
            skipWs(payload, pos);
            return pos[0] == payload.length;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A strict UTF-8 decoder and a small output buffer per thread, reused by every check. */
    private static final ThreadLocal<Utf8Check> UTF8 = ThreadLocal.withInitial(Utf8Check::new);

    private static final class Utf8Check {
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        final CharBuffer out = CharBuffer.allocate(1024);
    }

    /** Whether {@code b} is valid UTF-8, decoding in 1 K-char chunks with a cached decoder. */
    static boolean isValidUtf8(byte[] b) {
        Utf8Check u = UTF8.get();
        CharsetDecoder d = u.decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(b);
        while (true) {
            u.out.clear();
            CoderResult r = d.decode(in, u.out, true);
            if (r.isError()) {
                return false;
            }
            if (r.isUnderflow()) {
                u.out.clear();
                return !d.flush(u.out).isError();
            }
        }
    }

    private static void skipWs(byte[] b, int[] pos) {
        while (pos[0] < b.length && (b[pos[0]] == ' ' || b[pos[0]] == '\t')) {
            pos[0]++;
        }
    }

    private static void value(byte[] b, int[] pos, int depth) {
        if (depth > MAX_JSON_DEPTH) {
            throw new IllegalArgumentException("too deep");
        }
        byte c = b[pos[0]];
        switch (c) {
            case '{' -> {
                pos[0]++;
                skipWs(b, pos);
                if (b[pos[0]] == '}') {
                    pos[0]++;
                    return;
                }
                while (true) {
                    skipWs(b, pos);
                    jsonStringSyntax(b, pos, true);
                    skipWs(b, pos);
                    expect(b, pos, ':');
                    skipWs(b, pos);
                    value(b, pos, depth + 1);
                    skipWs(b, pos);
                    if (b[pos[0]] == ',') {
                        pos[0]++;
                    } else {
                        expect(b, pos, '}');
                        return;
                    }
                }
            }
            case '[' -> {
                pos[0]++;
                skipWs(b, pos);
                if (b[pos[0]] == ']') {
                    pos[0]++;
                    return;
                }
                while (true) {
                    skipWs(b, pos);
                    value(b, pos, depth + 1);
                    skipWs(b, pos);
                    if (b[pos[0]] == ',') {
                        pos[0]++;
                    } else {
                        expect(b, pos, ']');
                        return;
                    }
                }
            }
            case '"' -> jsonStringSyntax(b, pos, false);
            case 't' -> literal(b, pos, "true");
            case 'f' -> literal(b, pos, "false");
            case 'n' -> literal(b, pos, "null");
            default -> number(b, pos);
        }
    }

    private static void literal(byte[] b, int[] pos, String word) {
        for (int i = 0; i < word.length(); i++) {
            expect(b, pos, word.charAt(i));
        }
    }

    private static void number(byte[] b, int[] pos) {
        int p = pos[0];
        if (b[p] == '-') {
            p++;
        }
        if (b[p] == '0') {
            p++;
        } else {
            p = digits(b, p);
        }
        if (p < b.length && b[p] == '.') {
            p = digits(b, p + 1);
        }
        if (p < b.length && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < b.length && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            p = digits(b, p);
        }
        pos[0] = p;
    }

    private static int digits(byte[] b, int p) {
        int s = p;
        while (p < b.length && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        if (p == s) {
            throw new IllegalArgumentException("digit expected");
        }
        return p;
    }

    /**
     * Checks one JSON string. In a member name ({@code key}) an escaped surrogate must form a
     * pair ({@code \\uD8xx\\uDCxx}), as Jackson requires of field names; in a value a lone
     * escaped surrogate is accepted, as Jackson accepts it there.
     */
    private static void jsonStringSyntax(byte[] b, int[] pos, boolean key) {
        expect(b, pos, '"');
        int p = pos[0];
        boolean wantLow = false;
        while (true) {
            byte c = b[p++];
            if (c == '"') {
                break;
            }
            if ((c & 0xff) < 0x20) {
                throw new IllegalArgumentException("control character in string");
            }
            int unit = -1;
            if (c == '\\') {
                byte e = b[p++];
                if (e == 'u') {
                    unit = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(b[p++], 16);
                        if (d < 0) {
                            throw new IllegalArgumentException("bad \\u escape");
                        }
                        unit = unit << 4 | d;
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
            }
            if (key) {
                boolean low = unit >= 0xDC00 && unit <= 0xDFFF;
                if (wantLow != low) {
                    throw new IllegalArgumentException("broken surrogate pair in member name");
                }
                wantLow = unit >= 0xD800 && unit <= 0xDBFF;
            }
        }
        if (wantLow) {
            throw new IllegalArgumentException("broken surrogate pair in member name");
        }
        pos[0] = p;
    }
}
