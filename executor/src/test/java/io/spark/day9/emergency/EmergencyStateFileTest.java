package io.spark.day9.emergency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two state slots: writes alternate, the newest valid slot wins, a torn slot falls back to
 * the other, both corrupt refuse the start, growth, and the version 1 file of older builds.
 */
class EmergencyStateFileTest {
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("emergency");
    }

    private Path slotA() {
        return dir().resolve("state-a.json");
    }

    private Path slotB() {
        return dir().resolve("state-b.json");
    }

    /** The slot holding the newest valid state in {@code dir} (what a restart would read). */
    static Path newest(Path dir) {
        EmergencyStateFile f = new EmergencyStateFile(dir, Json.mapper());
        f.read();
        return f.path();
    }

    private EmergencyStateFile file() {
        return new EmergencyStateFile(dir(), Json.mapper());
    }

    private static EmergencyState stopped(String symbol, String reason) {
        return EmergencyState.INITIAL.withStop(new ActiveStop("stop-1-" + symbol,
                Scope.of(List.of(), List.of(symbol)), TradingMode.HALTED, reason, "admin", 1,
                false, false, true));
    }

    private static JsonNode json(Path slot) throws Exception {
        return Json.mapper().readTree(slot.toFile());
    }

    @Test
    void writesAlternateSlotsAtAFixedSizeAndTheNewestWins() throws Exception {
        EmergencyStateFile f = file();
        assertThat(f.read()).isEqualTo(EmergencyState.INITIAL);
        assertThat(Files.exists(slotA())).isFalse();
        f.write(stopped("BTCUSDT", "one"), 10);
        assertThat(Files.size(slotA())).isEqualTo(EmergencyStateFile.MIN_SLOT_BYTES);
        assertThat(Files.size(slotB())).isEqualTo(EmergencyStateFile.MIN_SLOT_BYTES);
        assertThat(f.path()).isEqualTo(slotA().toAbsolutePath());
        f.write(stopped("ETHUSDT", "two"), 20);
        assertThat(f.path()).isEqualTo(slotB().toAbsolutePath());
        f.write(stopped("SOLUSDT", "three"), 30);
        assertThat(f.path()).isEqualTo(slotA().toAbsolutePath());
        f.close();
        assertThat(json(slotA()).get("sequence").asLong()).isEqualTo(3);
        assertThat(json(slotB()).get("sequence").asLong()).isEqualTo(2);
        assertThat(json(slotA()).get("version").asInt()).isEqualTo(2);
        assertThat(json(slotA()).at("/stops/0/reason").asText()).isEqualTo("three");
        assertThat(Files.size(slotA())).isEqualTo(EmergencyStateFile.MIN_SLOT_BYTES);
        assertThat(Files.readString(slotA()).stripTrailing()).endsWith("}");
        EmergencyStateFile again = file();
        assertThat(again.read()).isEqualTo(stopped("SOLUSDT", "three"));
        assertThat(again.sequence()).isEqualTo(3);
        // the next write goes to the slot not holding the newest state
        again.write(stopped("XRPUSDT", "four"), 40);
        again.close();
        assertThat(json(slotB()).get("sequence").asLong()).isEqualTo(4);
        assertThat(json(slotA()).get("sequence").asLong()).isEqualTo(3);
    }

    @Test
    void theNewestOfTwoValidSlotsWinsWhicheverFileItIsIn() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "older"), 10);
        f.write(stopped("ETHUSDT", "newer"), 20);
        f.close();
        assertThat(file().read()).isEqualTo(stopped("ETHUSDT", "newer"));
        // swap the files: the sequence decides, not the name
        Path swap = dir().resolve("swap");
        Files.move(slotA(), swap);
        Files.move(slotB(), slotA());
        Files.move(swap, slotB());
        EmergencyStateFile swapped = file();
        assertThat(swapped.read()).isEqualTo(stopped("ETHUSDT", "newer"));
        assertThat(swapped.path()).isEqualTo(slotA().toAbsolutePath());
    }

    @Test
    void aTornNewestSlotFallsBackToTheOtherWithTheStateItHeld() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "acknowledged"), 10);
        f.write(stopped("ETHUSDT", "torn"), 20);
        f.close();
        String newest = Files.readString(slotB());
        // a write cut short: the first half of the new JSON over an old slot of spaces
        String truncated = newest.substring(0, newest.indexOf("torn"));
        Files.writeString(slotB(), truncated + " ".repeat(newest.length() - truncated.length()));
        EmergencyStateFile read = file();
        assertThat(read.read()).isEqualTo(stopped("BTCUSDT", "acknowledged"));
        assertThat(read.path()).isEqualTo(slotA().toAbsolutePath());
        // one flipped byte in the content fails the checksum
        Files.writeString(slotB(), newest.replace("\"torn\"", "\"tOrn\""));
        assertThat(file().read()).isEqualTo(stopped("BTCUSDT", "acknowledged"));
        // and the intact slot alone still reads as itself
        Files.writeString(slotB(), newest);
        assertThat(file().read()).isEqualTo(stopped("ETHUSDT", "torn"));
        // the next write replaces the torn slot, never the acknowledged one
        Files.writeString(slotB(), truncated);
        EmergencyStateFile next = file();
        next.read();
        next.write(stopped("SOLUSDT", "after"), 30);
        next.close();
        assertThat(json(slotA()).at("/stops/0/reason").asText()).isEqualTo("acknowledged");
        assertThat(json(slotB()).at("/stops/0/reason").asText()).isEqualTo("after");
        assertThat(json(slotB()).get("sequence").asLong()).isEqualTo(2);
    }

    @Test
    void bothSlotsCorruptRefusesTheStartNamingBothFiles() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "one"), 10);
        f.write(stopped("ETHUSDT", "two"), 20);
        f.close();
        for (Path slot : List.of(slotA(), slotB())) {
            String s = Files.readString(slot);
            Files.writeString(slot, s.replace("\"admin\"", "\"Admin\""));
        }
        assertThatThrownBy(() -> file().read()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(slotA().toAbsolutePath().toString())
                .hasMessageContaining(slotB().toAbsolutePath().toString())
                .hasMessageContaining("sha256")
                .hasMessageContaining("refusing to start");
        // one torn slot and nothing in the other: no valid state either, refused
        Files.writeString(slotB(), " ".repeat(EmergencyStateFile.MIN_SLOT_BYTES));
        assertThatThrownBy(() -> file().read()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(slotA().toAbsolutePath().toString())
                .hasMessageContaining("refusing to start");
    }

    @Test
    void aSlotThatCannotBeReadRefusesTheStartNamingIt() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "one"), 10);
        f.close();
        Files.delete(slotB());
        Files.createDirectories(slotB());
        assertThatThrownBy(() -> file().read()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(slotB().toAbsolutePath().toString())
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("refusing to start");
    }

    @Test
    void thePersistStepNamesTheSlotItWrote() {
        var time = new io.spark.day9.testing.ManualScheduler();
        Emergency e = new Emergency(dir(), new FakeDesk(), time.millisClock(), time,
                Json.mapper());
        StopResult r = e.stop(StopRequest.haltAll("r"), "admin");
        assertThat(r.steps().get(1).name()).isEqualTo("persist");
        assertThat(r.steps().get(1).detail()).contains(slotA().toAbsolutePath().toString())
                .contains("sequence 1");
        assertThat(e.stateFile()).isEqualTo(slotB().toAbsolutePath()); // completed: sequence 2
    }

    @Test
    void aChecksummedSlotOfAnotherVersionRefusesTheStart() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "one"), 10);
        f.write(stopped("ETHUSDT", "two"), 20);
        f.close();
        // re-encode slot b as version 3 with a correct checksum
        String s = Files.readString(slotB()).stripTrailing();
        String hash = json(slotB()).get("sha256").asText();
        String v3 = s.replace("\"version\" : 2", "\"version\" : 3")
                .replace(hash, "0".repeat(64));
        String sum = java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest(v3.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(slotB(), v3.replace("0".repeat(64), sum));
        assertThatThrownBy(() -> file().read()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(slotB().toAbsolutePath().toString())
                .hasMessageContaining("version 3")
                .hasMessageContaining("refusing to start");
    }

    @Test
    void aSlotGrowsByDoublingAndSurvivesAReopen() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "small"), 10);
        String big = "x".repeat(9_000);
        f.write(stopped("ETHUSDT", big), 20);
        assertThat(Files.size(slotB())).isEqualTo(16_384);
        assertThat(Files.size(slotA())).isEqualTo(EmergencyStateFile.MIN_SLOT_BYTES);
        f.close();
        EmergencyStateFile again = file();
        assertThat(again.read()).isEqualTo(stopped("ETHUSDT", big));
        again.write(stopped("SOLUSDT", big + big), 30); // slot a: 18 KB needs 32 KiB
        again.write(stopped("XRPUSDT", "small again"), 40); // slot b keeps its 16 KiB
        again.close();
        assertThat(Files.size(slotA())).isEqualTo(32_768);
        assertThat(Files.size(slotB())).isEqualTo(16_384);
        assertThat(file().read()).isEqualTo(stopped("XRPUSDT", "small again"));
        assertThat(json(slotA()).at("/stops/0/reason").asText()).isEqualTo(big + big);
    }

    @Test
    void aVersionOneFileIsReadUntilTheFirstSlotWriteThenRemoved() throws Exception {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("state.json"), """
                {"version": 1, "writtenAt": 1,
                 "stops": [{"id": "stop-1-BTCUSDT",
                            "scope": {"strategies": [], "symbols": ["BTCUSDT"]},
                            "mode": "HALTED", "reason": "legacy", "actor": "admin",
                            "since": 1, "flatten": false, "pauseQueue": false,
                            "completed": true}],
                 "deadMan": {"armed": false, "timeoutMs": 0,
                             "scope": {"strategies": [], "symbols": []}},
                 "shadowExecution": true, "lastVerification": null,
                 "verificationFailed": false}
                """);
        EmergencyStateFile f = file();
        assertThat(f.read()).isEqualTo(stopped("BTCUSDT", "legacy"));
        f.write(stopped("ETHUSDT", "slots"), 20);
        f.close();
        assertThat(Files.exists(dir().resolve("state.json"))).isFalse();
        assertThat(file().read()).isEqualTo(stopped("ETHUSDT", "slots"));
    }

    @Test
    void slotsRemovedWhileOpenAreCreatedAgainOnTheNextWrite() throws Exception {
        EmergencyStateFile f = file();
        f.read();
        f.write(stopped("BTCUSDT", "one"), 10);
        Files.delete(slotA());
        Files.delete(slotB());
        f.write(stopped("ETHUSDT", "two"), 20);
        f.close();
        assertThat(file().read()).isEqualTo(stopped("ETHUSDT", "two"));
    }
}
