package io.spark.day9.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Runtime directories are created {@code 0700} and files {@code 0600}: queue payloads, audit
 * entries and orders are nobody else's business. Replacing a file atomically (temp file, fsync,
 * rename, directory fsync) is {@link AtomicFiles}'s job.
 */
public final class SecureFiles {
    private static final boolean POSIX =
            java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /** Creates {@code dir} and missing parents with mode 0700 (existing ones are left alone). */
    public static Path ensureDirectory(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            return abs;
        }
        Path parent = abs.getParent();
        if (parent != null && !Files.exists(parent)) {
            ensureDirectory(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR));
                Files.setPosixFilePermissions(abs, DIR); // umask may have narrowed or not applied
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw new IOException(abs + " exists and is not a directory", e);
            }
        }
        return abs;
    }

    /** Creates {@code file} empty with mode 0600 if it does not exist yet. */
    public static Path ensureFile(Path file) throws IOException {
        ensureDirectory(file.toAbsolutePath().getParent());
        try {
            Files.createFile(file, fileAttributes());
        } catch (FileAlreadyExistsException e) {
            // keep the existing file and its content
        }
        return file;
    }

    /** File attributes for a new private file. */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    /**
     * Replaces {@code target} with {@code content} so that a crash leaves either the old or the
     * new file, never a mix; see {@link AtomicFiles#write(Path, byte[])}.
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        AtomicFiles.write(target, content);
    }

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (!POSIX) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
