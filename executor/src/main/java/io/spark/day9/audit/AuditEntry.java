package io.spark.day9.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit log: who did what, when, the state before and after, chained to the
 * previous entry by hash.
 *
 * @param seq    1, 2, 3… with no gaps
 * @param ts     when it was recorded
 * @param actor  who: {@code token@10.0.0.5}, {@code loopback@127.0.0.1}, {@code cli:alice}…
 * @param action what, dotted lower case: {@code log.level}, {@code chaos.toggle}…
 * @param target what it acted on ("" when nothing in particular)
 * @param before state before (JSON null when none)
 * @param after  state after (JSON null when none)
 * @param prev   hash of the previous entry, 64 zeros for the first
 * @param hash   SHA-256 (hex) of this line's text without its {@code hash} member
 */
public record AuditEntry(long seq, Instant ts, String actor, String action, String target,
                         JsonNode before, JsonNode after, String prev, String hash) {
    public AuditEntry {
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(prev, "prev");
        Objects.requireNonNull(hash, "hash");
    }
}
