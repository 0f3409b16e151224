package io.spark.day9.queue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The I/O seam of the file journal: every byte the queue writes, forces or reads goes through
 * here (except the lock file), so tests can inject failed and partial writes, failed fsyncs and
 * ENOSPC. {@link #system()} is the real thing. Package-private on purpose.
 */
interface JournalIo {

    /** A file opened for positional reads and writes. */
    interface JournalFile extends Closeable {
        /** Writes some bytes of {@code src} at {@code position}; may write fewer. */
        int write(ByteBuffer src, long position) throws IOException;

        /** Reads into {@code dst} from {@code position}; -1 at end of file. */
        int read(ByteBuffer dst, long position) throws IOException;

        /** Forces written data to stable storage (fdatasync). */
        void force() throws IOException;

        long size() throws IOException;

        void truncate(long size) throws IOException;
    }

    /** Opens (creating with mode 0600 if missing) {@code path} for reading and writing. */
    JournalFile open(Path path) throws IOException;

    /** Renames {@code from} over {@code to} atomically. */
    void moveAtomically(Path from, Path to) throws IOException;

    /** Forces a directory's entries (after create or rename). */
    void syncDirectory(Path dir) throws IOException;

    void deleteIfExists(Path path) throws IOException;

    /** The real file system. */
    static JournalIo system() {
        return SystemIo.INSTANCE;
    }

    /** Writes all of {@code src} at {@code position}, looping over partial writes. */
    static void writeFully(JournalFile f, ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            int n = f.write(src, pos);
            if (n <= 0 && src.hasRemaining()) {
                throw new IOException("write made no progress at offset " + pos);
            }
            pos += n;
        }
    }

    /** Reads exactly {@code dst.remaining()} bytes at {@code position} or throws EOFException. */
    static void readFully(JournalFile f, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = f.read(dst, pos);
            if (n < 0) {
                throw new java.io.EOFException("end of journal at offset " + pos + ", expected "
                        + dst.remaining() + " more bytes");
            }
            pos += n;
        }
    }

    /** The real file system: FileChannel, 0600 files, 0700 directories where POSIX. */
    final class SystemIo implements JournalIo {
        static final SystemIo INSTANCE = new SystemIo();
        static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString(
                "rw-------");
        static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString(
                "rwx------");

        @Override
        public JournalFile open(Path path) throws IOException {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            restrict(path, FILE_MODE);
            return new JournalFile() {
                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    return ch.write(src, position);
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return ch.read(dst, position);
                }

                @Override
                public void force() throws IOException {
                    ch.force(false);
                }

                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void truncate(long size) throws IOException {
                    ch.truncate(size);
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void moveAtomically(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (FileSystemException | UnsupportedOperationException e) {
                // Some platforms (Windows) cannot open a directory; rename is durable there.
            }
        }

        @Override
        public void deleteIfExists(Path path) throws IOException {
            Files.deleteIfExists(path);
        }

        /** Sets POSIX permissions when the file system has them; ignores others. */
        static void restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
            try {
                Files.setPosixFilePermissions(path, mode);
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        }
    }
}
