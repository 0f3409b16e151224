package io.spark.day9.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotStoreTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private SnapshotStore store() {
        return new SnapshotStore(dir, SnapshotIo.FILES, Json.mapper());
    }

    private ObjectNode data() throws Exception {
        return (ObjectNode) Json.mapper().readTree(
                "{\"note\":\"manual snapshot\",\"timestamp\":\"2024-01-01T00:00:00Z\","
                        + "\"n\":[1,2.5,-3e10,{\"x\":null,\"u\":\"\\u00e9\"}]}");
    }

    @Test
    void aWrittenSnapshotReadsBackVerifiedWithItsEnvelope() throws Exception {
        SnapshotStore store = store();
        SnapshotInfo info = store.write("state", SnapshotKind.MANUAL, T0,
                store.canonical(data()));
        assertThat(info.fileName()).isEqualTo("state@manual@20240101T000000000Z.snapshot.json");
        SnapshotStore.Loaded loaded = store.read(info.file());
        assertThat(loaded.data()).isEqualTo(data());
        assertThat(loaded.info().sha256()).isEqualTo(info.sha256()).hasSize(64);
        assertThat(loaded.info().createdAt()).isEqualTo(T0);
        assertThat(loaded.info().size()).isEqualTo(Files.size(info.file()));
        String text = Files.readString(info.file());
        assertThat(text).startsWith("{\"format\":1,\"kind\":\"manual\",\"name\":\"state\","
                + "\"createdAt\":\"2024-01-01T00:00:00Z\",").endsWith("}\n");
        // the hash is over the data bytes exactly as stored
        int start = text.indexOf("\"data\":") + 7;
        byte[] dataBytes = text.substring(start, text.length() - 2)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SnapshotStore.sha256(dataBytes, 0, dataBytes.length))
                .isEqualTo(info.sha256());
    }

    @Test
    void twoSnapshotsInOneMillisecondGetDistinctFilesAndTimes() throws Exception {
        SnapshotStore store = store();
        SnapshotInfo a = store.write("s", SnapshotKind.STATE, T0, store.canonical(data()));
        SnapshotInfo b = store.write("s", SnapshotKind.STATE, T0, store.canonical(data()));
        assertThat(b.file()).isNotEqualTo(a.file());
        assertThat(b.createdAt()).isEqualTo(T0.plusMillis(1));
        assertThat(store.list()).extracting(SnapshotInfo::valid).containsExactly(true, true);
    }

    @Test
    void aFlippedByteAnywhereIsCaughtByVerify() throws Exception {
        SnapshotStore store = store();
        SnapshotInfo info = store.write("state", SnapshotKind.STATE, T0,
                store.canonical(data()));
        byte[] good = Files.readAllBytes(info.file());
        for (int i = 0; i < good.length; i++) {
            for (int bit : new int[] {0x01, 0x20, 0x80}) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) bit;
                int pos = i;
                assertThatThrownBy(() -> store.verify(info.file(), bad))
                        .as("byte %d flipped with %x", pos, bit)
                        .isInstanceOf(InvalidSnapshotFile.class);
            }
        }
        assertThat(store.verify(info.file(), good).info().valid()).isTrue();
    }

    @Test
    void aTruncatedFileIsInvalidAndStillDatedFromItsName() throws Exception {
        SnapshotStore store = store();
        SnapshotInfo info = store.write("state", SnapshotKind.STATE, T0,
                store.canonical(data()));
        byte[] good = Files.readAllBytes(info.file());
        Files.write(info.file(), java.util.Arrays.copyOf(good, good.length / 2));
        List<SnapshotInfo> all = store.list();
        assertThat(all).singleElement().satisfies(s -> {
            assertThat(s.valid()).isFalse();
            assertThat(s.problem()).contains("does not parse");
            assertThat(s.createdAt()).isEqualTo(T0);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".", ".hidden", "../x", "a/b", "a\\b", "a b", "a@b",
            "x\u0000", "é", "0123456789012345678901234567890123456789012345678901234567890123x"})
    void badNamesAreRefusedNamingNameAndNothingIsWritten(String name) throws Exception {
        SnapshotStore store = store();
        assertThatThrownBy(() -> store.write(name, SnapshotKind.MANUAL, T0,
                store.canonical(data())))
                .isInstanceOfSatisfying(InvalidSnapshotRequest.class,
                        e -> assertThat(e.field()).isEqualTo("name"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void tempFilesLeftByACrashAreRemovedAndNeverListed() throws Exception {
        SnapshotStore store = store();
        store.write("state", SnapshotKind.STATE, T0, store.canonical(data()));
        Path tmp = dir.resolve("state@state@20240101T000001000Z.snapshot.json.123.tmp");
        Files.writeString(tmp, "{\"format\":1,");
        Path other = dir.resolve("notes.txt");
        Files.writeString(other, "kept");
        assertThat(store.list()).hasSize(1);
        assertThat(store.removeTempFiles()).isEqualTo(1);
        assertThat(tmp).doesNotExist();
        assertThat(other).exists();
    }
}
