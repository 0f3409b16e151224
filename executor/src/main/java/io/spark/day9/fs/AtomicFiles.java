package io.spark.day9.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The one way Day9 replaces or renames a file, so that a crash at any instant leaves either the
 * old file or the complete new one at the target path, never a torn mix.
 *
 * <p>The commit rule of {@link #write(Path, Body)}, step by step:
 * <ol>
 *   <li>write the content to a fresh temp file beside the target (same directory, so the rename
 *       stays on one file system), created {@code 0600};</li>
 *   <li>fsync the temp file: its bytes are on disk before any name points at them;</li>
 *   <li>rename it over the target ({@code ATOMIC_MOVE}): readers see the old or the new file;</li>
 *   <li>fsync the directory: the rename itself survives a power cut.</li>
 * </ol>
 * If any step before the rename fails, the temp file is deleted and the target is untouched.
 * Temp names start with the target's name and end in {@code .tmp}, each unique, so two writers
 * of the same target never share a temp file.
 *
 * <p>Threading: stateless; concurrent writers of one target each commit whole files (the last
 * rename wins).
 */
public final class AtomicFiles {
    /** Suffix of the temp files this class creates (and removes when a write fails). */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /** Writes the bytes of a file's new content. */
    @FunctionalInterface
    public interface Body {
        /** Writes the whole content to {@code out}; the stream is closed by the caller. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code target} with {@code content} atomically and durably. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Replaces {@code target} with {@code text} in UTF-8, atomically and durably. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code target} with what {@code body} writes, atomically and durably (see the
     * class doc). Missing parent directories are created {@code 0700}.
     *
     * @throws IOException from {@code body} or the file system; the target is then unchanged and
     *                     no temp file is left behind
     */
    public static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = SecureFiles.ensureDirectory(abs.getParent());
        Path tmp = Files.createTempFile(dir, abs.getFileName() + ".", TEMP_SUFFIX,
                SecureFiles.fileAttributes());
        boolean committed = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING))) {
                OutputStream out = Channels.newOutputStream(ch);
                body.writeTo(out);
                out.flush();
                ch.force(true); // the bytes are durable before any name points at them
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING); // the commit point
            committed = true;
        } finally {
            if (!committed) {
                Files.deleteIfExists(tmp);
            }
        }
        SecureFiles.fsyncDirectory(dir); // the rename itself is durable
    }

    /**
     * Renames {@code from} to {@code to} (replacing it) atomically, then fsyncs the directories
     * involved so the rename survives a crash. Used for roll-overs ({@code file} to
     * {@code file.1}).
     */
    public static void move(Path from, Path to) throws IOException {
        Path src = from.toAbsolutePath().normalize();
        Path dst = to.toAbsolutePath().normalize();
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SecureFiles.fsyncDirectory(dst.getParent());
        if (!dst.getParent().equals(src.getParent())) {
            SecureFiles.fsyncDirectory(src.getParent());
        }
    }
}
