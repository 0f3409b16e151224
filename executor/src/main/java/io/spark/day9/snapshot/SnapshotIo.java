package io.spark.day9.snapshot;

import io.spark.day9.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file operations the {@link SnapshotStore} uses: the seam where tests inject a full disk,
 * a denied permission or a read-only file system without root tricks. {@link #FILES} is the real
 * one.
 *
 * <p>Contract: {@link #writeAtomically} leaves either no file at {@code target} or the whole
 * content (temp file, fsync, rename, directory fsync; see {@link AtomicFiles}); when it throws,
 * the target does not exist and its temp file is removed when it can be.
 */
public interface SnapshotIo {

    /** Writes {@code content} to {@code target} atomically and durably. */
    void writeAtomically(Path target, byte[] content) throws IOException;

    /** The whole content of {@code file}. */
    byte[] read(Path file) throws IOException;

    /** The regular files directly in {@code dir}; a missing directory is an empty list. */
    List<Path> list(Path dir) throws IOException;

    /** Deletes {@code file}; true when it existed. */
    boolean delete(Path file) throws IOException;

    /** The real file system, through {@link AtomicFiles}. */
    SnapshotIo FILES = new SnapshotIo() {
        @Override
        public void writeAtomically(Path target, byte[] content) throws IOException {
            AtomicFiles.write(target, content);
        }

        @Override
        public byte[] read(Path file) throws IOException {
            return Files.readAllBytes(file);
        }

        @Override
        public List<Path> list(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(Files::isRegularFile).sorted().toList();
            }
        }

        @Override
        public boolean delete(Path file) throws IOException {
            return Files.deleteIfExists(file);
        }
    };
}
