package io.spark.day9.snapshot;

import java.nio.file.Path;

/** A snapshot file that does not verify: it names the file and what is wrong with it. */
public final class InvalidSnapshotFile extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public InvalidSnapshotFile(Path file, String problem) {
        super(file.getFileName() + ": " + problem, null, false, false);
        this.file = file;
        this.problem = problem;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
