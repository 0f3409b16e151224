package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.snapshot.InvalidSnapshotFile;
import io.spark.day9.snapshot.SnapshotInfo;
import io.spark.day9.snapshot.SnapshotIo;
import io.spark.day9.snapshot.SnapshotKind;
import io.spark.day9.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code day9 snapshot once|list|verify|restore <file>|prune [--dry-run]}. {@code once},
 * {@code list} and {@code prune} call the running executor; {@code verify} and {@code restore}
 * work offline on {@code SNAPSHOT_DIR}.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Snapshots: take one, list, verify, stage a restore, prune.",
        subcommands = {SnapshotCommand.Once.class, SnapshotCommand.ListCmd.class,
                SnapshotCommand.Verify.class, SnapshotCommand.Restore.class,
                SnapshotCommand.Prune.class})
final class SnapshotCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "once", mixinStandardHelpOptions = true,
            description = "Take a state snapshot now (the running executor writes it).")
    static final class Once implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = "state",
                description = "Snapshot name: 1-64 of A-Z a-z 0-9 . _ -, no leading dot.")
        String name;

        @Override
        public Integer call() throws Exception {
            String body = Json.mapper().writeValueAsString(java.util.Map.of("name", name));
            return remote.call(api -> api.post("/api/private/snapshot", body),
                    a -> "snapshot " + a.path("file").asText() + " (" + a.path("size").asLong()
                            + " bytes, sha256 " + a.path("sha256").asText() + ")\n");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the executor's snapshots: time, kind, name, size, valid, file.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Override
        public Integer call() throws Exception {
            return remote.call(api -> api.get("/api/private/snapshots"), SnapshotCommand::table);
        }
    }

    static String table(JsonNode a) {
        StringBuilder s = new StringBuilder();
        s.append("snapshots in ").append(a.path("dir").asText()).append(" (restore at start: ")
                .append(a.path("restore").asText()).append(")\n");
        for (JsonNode n : a.path("snapshots")) {
            s.append(String.format("%-24s %-6s %-20s %10d %-7s %s%n",
                    n.path("createdAt").asText(), n.path("kind").asText(),
                    n.path("name").asText(), n.path("size").asLong(),
                    n.path("valid").asBoolean() ? "valid" : "INVALID",
                    n.path("file").asText() + (n.has("problem") ? " (" + n.path("problem")
                            .asText() + ")" : "")));
        }
        return s.toString();
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check every snapshot file's hash and parse (offline: no executor "
                    + "needed).", "Exit 1 naming each bad file."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Snapshot directory (default: SNAPSHOT_DIR).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path d = dir != null ? dir : Remote.processConfig().paths().snapshotDir();
            SnapshotStore store = new SnapshotStore(d, SnapshotIo.FILES, Json.mapper());
            List<SnapshotInfo> all = store.list();
            int bad = 0;
            for (SnapshotInfo s : all) {
                if (s.valid()) {
                    System.out.println("ok   " + s.fileName() + " (" + s.size() + " bytes)");
                } else {
                    bad++;
                    System.err.println("day9: BAD " + s.file() + ": " + s.problem());
                }
            }
            System.out.println(all.size() + " snapshot file(s) in " + store.dir() + ", "
                    + (all.size() - bad) + " valid, " + bad + " bad");
            return bad == 0 ? 0 : 1;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Stage a state snapshot so the next start restores from it.",
                    "The file is verified first (nothing is touched if it is bad). The executor "
                            + "must be stopped: a running one is refused (it would write newer "
                            + "snapshots).",
                    "The staged copy is written into SNAPSHOT_DIR as the newest state snapshot "
                            + "of its name; start the executor to restore from it."})
    static final class Restore implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(index = "0", paramLabel = "FILE", description = "The snapshot file.")
        Path file;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Snapshot directory to stage into (default: SNAPSHOT_DIR).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                System.err.println("day9: " + file + ": no such file");
                return 1;
            }
            SnapshotStore.Loaded loaded;
            try {
                loaded = new SnapshotStore(file.toAbsolutePath().getParent(), SnapshotIo.FILES,
                        Json.mapper()).read(file);
            } catch (InvalidSnapshotFile e) {
                System.err.println("day9: " + file + " is not a valid snapshot: " + e.problem()
                        + "; nothing was changed");
                return 1;
            }
            if (loaded.info().kind() != SnapshotKind.STATE) {
                System.err.println("day9: " + file + " is a manual snapshot; only state "
                        + "snapshots are restored at start; nothing was changed");
                return 1;
            }
            if (running()) {
                System.err.println("day9: the executor at " + remote.client().base()
                        + " is running; stop it first (a running executor writes newer "
                        + "snapshots), then run restore again; nothing was changed");
                return 1;
            }
            Path d = dir != null ? dir : remote.config().paths().snapshotDir();
            SnapshotStore store = new SnapshotStore(d, SnapshotIo.FILES, Json.mapper());
            Instant at = Instant.now();
            for (SnapshotInfo s : store.list()) {
                if (!s.createdAt().isBefore(at)) {
                    at = s.createdAt().plusMillis(1); // newest of all, so it is picked first
                }
            }
            SnapshotInfo staged = store.write(loaded.info().name(), SnapshotKind.STATE, at,
                    store.canonical(loaded.data()));
            System.out.println("staged " + file + " as " + staged.file() + " (" + staged.size()
                    + " bytes); the next start restores from it");
            return 0;
        }

        private boolean running() throws InterruptedException {
            try {
                remote.client().get("/healthz");
                return true;
            } catch (ApiClient.Unreachable e) {
                return false;
            } catch (IOException e) {
                return true; // something answers there: do not stage under it
            }
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Apply retention now to every retained kind (the executor does it).",
                    "--dry-run lists each file's verdict and reason without deleting."})
    static final class Prune implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(names = "--dry-run", description = "Only list verdicts; delete nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            String body = "{\"dryRun\":" + dryRun + "}";
            return remote.call(api -> api.post("/api/private/snapshots/prune", body), a -> {
                StringBuilder s = new StringBuilder();
                for (JsonNode f : a.path("files")) {
                    s.append(String.format("%-10s %-7s %s: %s%n", f.path("kind").asText(),
                            f.path("keep").asBoolean() ? "keep" : "delete",
                            f.path("file").asText(), f.path("explain").asText()));
                }
                s.append(a.path("dryRun").asBoolean() ? "dry run: nothing deleted\n"
                        : "deleted " + a.path("deleted").asInt() + " file(s)\n");
                return s.toString();
            });
        }
    }
}
