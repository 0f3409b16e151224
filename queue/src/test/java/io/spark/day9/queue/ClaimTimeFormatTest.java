package io.spark.day9.queue;

import static io.spark.day9.queue.JournalTestSupport.VIS;
import static io.spark.day9.queue.JournalTestSupport.bytes;
import static io.spark.day9.queue.JournalTestSupport.config;
import static io.spark.day9.queue.JournalTestSupport.journal;
import static io.spark.day9.queue.JournalTestSupport.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim line's optional claimed-at member ({@code ts}): written with every claim and kept
 * by compaction, and a journal written before it existed still opens, its claims of unknown
 * age.
 */
class ClaimTimeFormatTest {
    @TempDir
    Path tmp;

    @Test
    void claimLinesCarryTheClaimTimeAndCompactionKeepsIt() throws Exception {
        QueueConfig c = config(tmp);
        ManualClock clock = new ManualClock();
        long claimedAt;
        try (FileJournalQueue q = open(c, clock)) {
            q.enqueue(bytes("{\"a\":1}"));
            q.enqueue(bytes("{\"a\":2}"));
            claimedAt = clock.getAsLong();
            ClaimedJob first = q.claim(1, VIS).get(0);
            q.ack(first.id(), first.receipt());
            q.claim(1, VIS, "w");
            String claimLine = Files.readAllLines(journal(c), UTF_8).stream()
                    .filter(l -> l.startsWith("{\"t\":\"C\"")).reduce((x, y) -> y).orElseThrow();
            assertThat(claimLine).contains("\"ts\":" + claimedAt);
            clock.advance(2_000);
            q.compact();
            assertThat(Files.readAllLines(journal(c), UTF_8))
                    .anyMatch(l -> l.startsWith("{\"t\":\"C\"") && l.contains("\"ts\":"
                            + claimedAt));
            assertThat(q.inFlight(0, 10).get(0).ageMs()).isEqualTo(2_000);
        }
        try (FileJournalQueue q = open(c, clock)) {
            InFlightJob j = q.inFlight(0, 10).get(0);
            assertThat(j.claimedAt()).isEqualTo(claimedAt);
            assertThat(j.ageMs()).isEqualTo(2_000);
            assertThat(j.consumer()).isNull(); // consumers are not stored
        }
    }

    @Test
    void aJournalWrittenBeforeClaimTimesOpensWithClaimsOfUnknownAge() throws Exception {
        QueueConfig c = config(tmp);
        ManualClock clock = new ManualClock();
        long id;
        try (FileJournalQueue q = open(c, clock)) {
            id = q.enqueue(bytes("{\"a\":1}")).id();
            q.claim(1, VIS);
        }
        // rewrite every C line as the old format wrote it: id, r, n, dl and no ts
        JournalCodec codec = new JournalCodec();
        JournalCodec.Rec rec = new JournalCodec.Rec();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(journal(c), UTF_8)) {
            byte[] b = line.getBytes(UTF_8);
            if (line.startsWith("{\"t\":\"C\"")) {
                assertThat(codec.decode(b, 0, b.length, rec)).isNull();
                byte[] old = codec.begin('C').num("id", rec.id).num("r", rec.r).num("n", rec.n)
                        .num("dl", rec.dl).end();
                line = new String(old, 0, old.length - 1, UTF_8);
                assertThat(line).doesNotContain("\"ts\"");
            }
            out.add(line);
        }
        Files.write(journal(c), (String.join("\n", out) + "\n").getBytes(UTF_8));
        Files.deleteIfExists(c.queueDir().resolve(FileJournalQueue.CURSOR));
        clock.advance(1_000);
        try (FileJournalQueue q = open(c, clock)) {
            assertThat(q.stats().quarantinedLines()).isZero();
            List<InFlightJob> all = q.inFlight(0, 10);
            assertThat(all).singleElement().satisfies(j -> {
                assertThat(j.id()).isEqualTo(id);
                assertThat(j.claimedAt()).isEqualTo(-1);
                assertThat(j.ageMs()).isEqualTo(-1);
                assertThat(j.attempt()).isEqualTo(1);
            });
            assertThat(q.inFlight(1, 10)).isEmpty(); // unknown age is listed only without a filter
            clock.advance(VIS);
            assertThat(q.claim(1, VIS).get(0).attempt()).isEqualTo(2); // the claim still lapses
        }
    }
}
