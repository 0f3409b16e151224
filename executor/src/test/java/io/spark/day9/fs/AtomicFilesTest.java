package io.spark.day9.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writeReplacesTheTargetWithTheWholeNewContent() throws IOException {
        Path target = dir.resolve("report.json");
        Files.writeString(target, "old");

        AtomicFiles.writeString(target, "new content");

        assertThat(Files.readString(target)).isEqualTo("new content");
        assertThat(names()).containsExactly("report.json");
    }

    @Test
    void targetKeepsItsOldContentWhileTheNewOneIsBeingWritten() throws IOException {
        Path target = dir.resolve("head");
        Files.writeString(target, "old");

        AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // mid-write: a reader (or a crash) still finds the old file at the target
            assertThat(Files.readString(target)).isEqualTo("old");
            assertThat(tempFiles()).hasSize(1);
            out.write(" and the rest".getBytes(StandardCharsets.UTF_8));
        });

        assertThat(Files.readString(target)).isEqualTo("half and the rest");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void failedWriteLeavesTheTargetUntouchedAndRemovesItsTempFile() throws IOException {
        Path target = dir.resolve("head");
        Files.writeString(target, "old");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(names()).containsExactly("head");
    }

    @Test
    void failedFirstWriteCreatesNoTarget() {
        Path target = dir.resolve("new.json");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            throw new IOException("boom");
        })).isInstanceOf(IOException.class);

        assertThat(target).doesNotExist();
        assertThat(names()).isEmpty();
    }

    @Test
    void writeCreatesMissingParentsAndAPrivateFile() throws IOException {
        Path target = dir.resolve("a/b/report.md");

        AtomicFiles.writeString(target, "x");

        assertThat(Files.readString(target)).isEqualTo("x");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void moveRenamesOverAnExistingFile() throws IOException {
        Path from = dir.resolve("processed.ndjson");
        Path to = dir.resolve("processed.ndjson.1");
        Files.writeString(from, "current");
        Files.writeString(to, "older");

        AtomicFiles.move(from, to);

        assertThat(from).doesNotExist();
        assertThat(Files.readString(to)).isEqualTo("current");
    }

    private List<String> names() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> tempFiles() {
        return names().stream().filter(n -> n.endsWith(AtomicFiles.TEMP_SUFFIX)).toList();
    }
}
