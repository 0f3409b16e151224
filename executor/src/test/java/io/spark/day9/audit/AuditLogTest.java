package io.spark.day9.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.api.Json;
import io.spark.day9.cli.Day9Command;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"),
            ZoneOffset.UTC);
    @TempDir
    Path dir;
    Path file;

    @BeforeEach
    void writeFiveEntries() throws Exception {
        try (AuditLog log = AuditLog.open(dir, CLOCK, Json.mapper())) {
            for (int i = 1; i <= 5; i++) {
                log.append("cli:test", "chaos.toggle", "http", Map.of("httpErrorPct", i - 1),
                        Map.of("httpErrorPct", i));
            }
        }
        file = dir.resolve("audit.ndjson");
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws Exception {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    @Test
    void anUntouchedChainVerifies() throws Exception {
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isTrue();
        assertThat(r.entries()).isEqualTo(5);
        assertThat(r.lastSeq()).isEqualTo(5);
        assertThat(lines().get(0)).startsWith("{\"seq\":1,\"ts\":\"2026-11-25T00:00:00Z\","
                + "\"actor\":\"cli:test\",\"action\":\"chaos.toggle\"");
    }

    @Test
    void anEditedLineIsCaughtAndNamed() throws Exception {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("\"httpErrorPct\":3}", "\"httpErrorPct\":0}"));
        write(lines);
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isFalse();
        assertThat(r.breakLine()).isEqualTo(3);
        assertThat(r.problem()).contains("edited");
    }

    @Test
    void anEditWithARecomputedHashIsStillCaughtByTheNextLine() throws Exception {
        List<String> lines = lines();
        String edited = lines.get(1).replace("cli:test", "cli:mallory");
        String body = edited.substring(0, edited.indexOf(",\"hash\":")) + "}";
        lines.set(1, body.substring(0, body.length() - 1) + ",\"hash\":\""
                + AuditVerifier.sha256(body) + "\"}");
        write(lines);
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isFalse();
        assertThat(r.breakLine()).isEqualTo(3);
    }

    @Test
    void aRemovedLineIsCaught() throws Exception {
        List<String> lines = lines();
        lines.remove(1);
        write(lines);
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isFalse();
        assertThat(r.breakLine()).isEqualTo(2);
        assertThat(r.problem()).contains("removed");
    }

    @Test
    void reorderedLinesAreCaught() throws Exception {
        List<String> lines = lines();
        Collections.swap(lines, 2, 3);
        write(lines);
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isFalse();
        assertThat(r.breakLine()).isEqualTo(3);
    }

    @Test
    void linesCutFromTheEndAreCaughtByTheHead() throws Exception {
        List<String> lines = lines();
        write(lines.subList(0, 3));
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isFalse();
        assertThat(r.problem()).contains("cut from the end");
    }

    @Test
    void aHeadOneBehindIsACrashNotATamper() throws Exception {
        List<String> lines = lines();
        String fourth = lines.get(3);
        String hash = fourth.substring(fourth.indexOf("\"hash\":\"") + 8, fourth.length() - 2);
        Files.writeString(dir.resolve("audit.head"), "4 " + hash + "\n");
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isTrue();
        assertThat(r.warning()).contains("one entry behind");
    }

    @Test
    void aHeadSeveralBehindIsABatchCrashNotATamper() throws Exception {
        // the batcher appends several entries with one force, then anchors the last one: a
        // crash in between leaves the anchor on the previous batch's last line
        List<String> lines = lines();
        Files.writeString(dir.resolve("audit.head"), "3 " + hashOf(lines.get(2)) + "\n");
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isTrue();
        assertThat(r.warning()).contains("2 entries behind");
    }

    @Test
    void aHeadBehindWhoseLineWasRewrittenIsCaught() throws Exception {
        List<String> lines = lines();
        Files.writeString(dir.resolve("audit.head"), "3 " + hashOf(lines.get(3)) + "\n");
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isFalse();
        assertThat(r.breakLine()).isEqualTo(3);
        assertThat(r.problem()).contains("rewritten");
    }

    private static String hashOf(String line) {
        return line.substring(line.indexOf("\"hash\":\"") + 8, line.length() - 2);
    }

    @Test
    void aTornLastLineIsSetAsideOnOpenAndTheChainContinues() throws Exception {
        Files.writeString(file, "{\"seq\":6,\"ts\":\"2026", StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(dir, CLOCK, Json.mapper())) {
            assertThat(log.openCheck().intact()).isTrue();
            assertThat(log.lastSeq()).isEqualTo(5);
            log.append("system", "test", "", null, null);
        }
        assertThat(Files.readString(dir.resolve("audit.ndjson.torn"))).contains("\"seq\":6");
        AuditVerifier.Result r = AuditVerifier.verify(dir);
        assertThat(r.intact()).isTrue();
        assertThat(r.lastSeq()).isEqualTo(6);
    }

    @Test
    void reopeningChainsOnFromTheLastEntry() throws Exception {
        try (AuditLog log = AuditLog.open(dir, CLOCK, Json.mapper())) {
            AuditEntry e = log.append("system", "x", "", null, null);
            assertThat(e.seq()).isEqualTo(6);
        }
        assertThat(AuditVerifier.verify(dir).intact()).isTrue();
    }

    @Test
    void filesArePrivate() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
    }

    @Test
    void theCliVerifyExitsZeroWhenIntactAndOneNamingTheLineWhenBroken() throws Exception {
        assertThat(Day9Command.execute("audit", "verify", "--dir", dir.toString())).isZero();
        List<String> lines = lines();
        lines.set(0, lines.get(0).replace("cli:test", "cli:other"));
        write(lines);
        var out = new java.io.ByteArrayOutputStream();
        var saved = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Day9Command.execute("audit", "verify", "--dir", dir.toString()))
                    .isEqualTo(1);
        } finally {
            System.setOut(saved);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("BROKEN at line 1");
    }
}
