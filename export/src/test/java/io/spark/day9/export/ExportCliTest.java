package io.spark.day9.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.shadow.OrderRequest.Side;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code day9 export features}: clear one-line errors, exit codes, directory defaults. */
class ExportCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        CommandLine cli = ExportMain.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Map<String, String> env() {
        return Map.of("RUNTIME_DIR", dir.toString());
    }

    @Test
    void badFromIsOneLineNamingTheOptionWithoutAStackTrace() {
        Run r = run(env(), "export", "features", "--from", "yesterday", "--to", "2026-12-05",
                "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--from=yesterday is invalid")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void toBeforeFromIsRefused() {
        Run r = run(env(), "export", "features", "--from", "2026-12-06", "--to",
                "2026-12-05T00:00:00Z", "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--from (2026-12-06T00:00:00Z) must be before --to")
                .doesNotContain("\tat ");
    }

    @Test
    void missingInputDirectoriesAreNamed() throws Exception {
        Run r = run(env(), "export", "features", "--from", "2026-12-05", "--to", "2026-12-05",
                "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("shadow trail directory " + dir.resolve("shadow")
                + " does not exist").doesNotContain("\tat ");
        Files.createDirectories(dir.resolve("shadow"));
        r = run(env(), "export", "features", "--from", "2026-12-05", "--to", "2026-12-05",
                "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("market tape directory " + dir.resolve("tape"));
    }

    @Test
    void badFormatAndNonEmptyOutAreRefused() throws Exception {
        Files.createDirectories(dir.resolve("shadow"));
        Files.createDirectories(dir.resolve("tape"));
        Run r = run(env(), "export", "features", "--from", "2026-12-05", "--to", "2026-12-05",
                "--out", dir.resolve("o").toString(), "--format", "orc");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--format=orc is invalid: must be parquet or csv");
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full/x"), "x");
        r = run(env(), "export", "features", "--from", "2026-12-05", "--to", "2026-12-05",
                "--out", dir.resolve("full").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not empty");
    }

    @Test
    void exportsFromTheRuntimeDirectoriesByDefault() throws Exception {
        Fixtures.trail(dir.resolve("shadow"), "2026-12-05", Fixtures.order("a",
                Fixtures.DAY0 + 2_000, Fixtures.DAY0 + 2_001, Side.BUY, "1", "http"));
        Fixtures.tape(dir.resolve("tape"), "tape-2026-12-05-000.csv",
                Fixtures.top(Fixtures.DAY0 + 1_000, 1, 3, 1, 1));
        Run r = run(env(), "export", "features", "--from", "2026-12-05", "--to", "2026-12-05",
                "--out", dir.resolve("o").toString(), "--format", "csv", "--progress", "never");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("exported 1 rows");
        assertThat(dir.resolve("o/date=2026-12-05/part-0.csv")).exists();
    }
}
