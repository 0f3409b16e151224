package io.spark.day9.jobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe file keeps one record per line, and its readers survive a torn line. */
class ProbeHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static JobHandler.Job job(long id) throws Exception {
        return new JobHandler.Job("signals", id, 1, "test-job",
                JSON.readTree("{\"job\":\"test-job\",\"data\":{\"seq\":" + id + "}}"), 0);
    }

    private static List<JsonNode> records(Path file) throws Exception {
        return Files.readAllLines(file, UTF_8).stream()
                .flatMap(l -> ProbeHandler.parseLine(l, JSON).stream()).toList();
    }

    @Test
    void aTornLastLineIsTerminatedBeforeTheNextRecordIsAppended() throws Exception {
        Path file = dir.resolve("probe").resolve(ProbeHandler.FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"queue\":\"signals\",\"id\":1,\"attempt\":1,\"job\":\"te");
        try (ProbeHandler probe = new ProbeHandler(dir, JSON, () -> 7)) {
            probe.handle(job(2));
            probe.handle(job(3));
        }
        List<String> lines = Files.readAllLines(file, UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).endsWith("\"te"); // the torn fragment stays on its own line
        assertThat(Files.readString(file)).endsWith("}\n");
        assertThat(records(file)).extracting(r -> r.get("id").asLong()).containsExactly(2L, 3L);
    }

    @Test
    void everyRecordIsOneWholeLine() throws Exception {
        Path file;
        try (ProbeHandler probe = new ProbeHandler(dir, JSON, () -> 7)) {
            for (int i = 1; i <= 5; i++) {
                probe.handle(job(i));
            }
            file = probe.file();
        }
        List<String> lines = Files.readAllLines(file, UTF_8);
        assertThat(lines).hasSize(5).allSatisfy(l ->
                assertThat(ProbeHandler.parseLine(l, JSON)).hasSize(1));
    }

    @Test
    void aReaderSplitsRecordsRunTogetherAndSkipsTornFragments() {
        String torn = "{\"queue\":\"signals\",\"id\":1,\"att";
        String whole = "{\"queue\":\"signals\",\"id\":2,\"attempt\":1}";
        assertThat(ProbeHandler.parseLine(torn + whole, JSON))
                .extracting(r -> r.get("id").asLong()).containsExactly(2L);
        assertThat(ProbeHandler.parseLine(whole + whole, JSON)).hasSize(2);
        assertThat(ProbeHandler.parseLine(torn, JSON)).isEmpty();
        assertThat(ProbeHandler.parseLine("", JSON)).isEmpty();
    }
}
