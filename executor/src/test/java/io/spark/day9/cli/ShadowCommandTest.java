package io.spark.day9.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code day9 shadow report} over trail files, with no service running. */
class ShadowCommandTest {


    private static Path fixture(Path dir) throws Exception {
        Path trail = Files.createDirectories(dir.resolve("shadow"));
        for (String f : List.of("orders-2024-05-01.ndjson", "orders-2024-05-02.ndjson")) {
            try (InputStream in = ShadowCommandTest.class.getResourceAsStream(
                    "/shadow-report/" + f)) {
                Files.copy(in, trail.resolve(f));
            }
        }
        return trail;
    }

    @Test
    void reportWritesTheHtmlAndJsonFiles(@TempDir Path dir) throws Exception {
        Path trail = fixture(dir);
        Path html = dir.resolve("out/report.html");
        Path json = dir.resolve("out/report.json");
        CliRun r = CliRun.of("shadow", "report", "--dir", trail.toString(), "--strategy", "alpha",
                "--html", html.toString(), "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("7 orders", "5 A/B pairs");
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>")
                .contains("data:image/png;base64,");
        assertThat(Files.readString(json)).contains("\"strategy\" : \"alpha\"");
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "report.html", "report.json"); // no temp files left behind
        }
    }

    @Test
    void withoutOutputFilesTheJsonGoesToStdout(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("shadow", "report", "--dir", fixture(dir).toString(), "--from",
                "2024-05-02");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"beta\"").doesNotContain("\"alpha\"");
    }

    @Test
    void aBadBoundIsAUsageErrorNamingTheOption(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("shadow", "report", "--dir", fixture(dir).toString(), "--to", "soon");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--to");
    }

    @Test
    void aDirThatDoesNotExistIsAnErrorNotAnEmptyReport(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-trail");
        CliRun r = CliRun.of("shadow", "report", "--dir", missing.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly("day9: --dir " + missing
                + ": no such directory");
    }

    @Test
    void shadowAndReportHaveHelp() {
        assertThat(CliRun.of("shadow", "--help").out()).contains("Usage: day9 shadow", "report");
        assertThat(CliRun.of("shadow", "report", "--help").out()).contains("--html", "--dir");
    }
}
