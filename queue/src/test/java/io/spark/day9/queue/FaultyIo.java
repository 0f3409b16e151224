package io.spark.day9.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link JournalIo} over the real file system that fails on demand, like Tape's
 * BrokenRandomAccessFile: partial writes, ENOSPC, failed fsync, or a failure at the n-th
 * operation (to stop a compaction at every step).
 */
final class FaultyIo implements JournalIo {
    private final JournalIo real = JournalIo.system();
    /** Each write call writes at most this many bytes (short writes). */
    volatile int maxBytesPerWrite = Integer.MAX_VALUE;
    /** After this many more bytes are written, writes fail with ENOSPC (-1 = never). */
    volatile long bytesUntilEnospc = -1;
    volatile boolean failForce;
    volatile boolean failReads;
    /** Fail the operation with this index (counted from {@link #countFromNow()}); -1 = none. */
    volatile int failAtOp = -1;
    final AtomicInteger ops = new AtomicInteger();
    final List<String> log = new CopyOnWriteArrayList<>();

    void countFromNow() {
        ops.set(0);
        log.clear();
    }

    void heal() {
        maxBytesPerWrite = Integer.MAX_VALUE;
        bytesUntilEnospc = -1;
        failForce = false;
        failReads = false;
        failAtOp = -1;
    }

    private void op(String what) throws IOException {
        int n = ops.getAndIncrement();
        log.add(what);
        if (n == failAtOp) {
            throw new IOException("injected failure at operation " + n + " (" + what + ")");
        }
    }

    @Override
    public JournalFile open(Path path) throws IOException {
        op("open " + path.getFileName());
        JournalFile f = real.open(path);
        String name = path.getFileName().toString();
        return new JournalFile() {
            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                op("write " + name);
                int n = Math.min(src.remaining(), maxBytesPerWrite);
                long left = bytesUntilEnospc;
                if (left >= 0) {
                    if (left == 0) {
                        throw new IOException("No space left on device");
                    }
                    n = (int) Math.min(n, left);
                    bytesUntilEnospc = left - n;
                }
                ByteBuffer slice = src.duplicate();
                slice.limit(slice.position() + n);
                int w = f.write(slice, position);
                src.position(src.position() + w);
                return w;
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                if (failReads) {
                    throw new IOException("Input/output error");
                }
                return f.read(dst, position);
            }

            @Override
            public void force() throws IOException {
                op("force " + name);
                if (failForce) {
                    throw new IOException("fsync failed: Input/output error");
                }
                f.force();
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                op("truncate " + name);
                f.truncate(size);
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public void moveAtomically(Path from, Path to) throws IOException {
        op("move " + from.getFileName());
        real.moveAtomically(from, to);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        op("syncdir");
        real.syncDirectory(dir);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
        op("delete " + path.getFileName());
        real.deleteIfExists(path);
    }
}
