package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.jobs.ProbeHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operations guide's crash drill: start an executor, enqueue N probe jobs from four
 * producers while its worker processes them, {@code kill -9} it once {@code --kill-at} of N
 * were processed, start it again on the same directories, wait until the queue is drained, and
 * check from the probe's record that every job whose enqueue was acknowledged (200) was
 * processed at least once. The kill lands while producers are still enqueuing, on purpose, so
 * usually only part of the N were enqueued (549 of 1 000 in one trial): the output says how
 * many, and those are what the check covers. Prints the numbers; exits 0 only when no
 * acknowledged job was lost.
 *
 * <p>It runs its own executor (same jar, a free loopback port) in {@code --dir} (kept), or in a
 * fresh temp directory that it removes when it ends, so it never touches the queue of an
 * executor you are running.
 *
 * <p>The probe's record ({@code processed.ndjson}) is read robustly: a torn last line, and two
 * records run together on one line after a kill (a record whose newline never reached the file,
 * then the restarted executor's next record), are split at each record's start, so a processed
 * job is never reported missing.
 */
@Command(name = "kill-resume", mixinStandardHelpOptions = true,
        description = {"Crash drill: enqueue N jobs, kill -9 the executor mid-processing, "
                + "restart it and verify every job was processed at least once.",
                "The kill lands while producers are still enqueuing: the check covers the jobs "
                        + "acknowledged by then, and the output says how many.",
                "A temp drill directory is removed at the end."})
final class KillResumeCommand implements Callable<Integer> {
    private static final int PRODUCERS = 4;

    @Option(names = "--jobs", defaultValue = "1000",
            description = "Jobs to enqueue, at most (1..100000).")
    int jobs;

    @Option(names = "--work-ms", defaultValue = "5",
            description = "Simulated work per job in ms (0..1000).")
    int workMs;

    @Option(names = "--kill-at", defaultValue = "0.3",
            description = "Kill once this share of the jobs was processed "
                    + "(0..0.95).")
    double killAt;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Working directory of the drill's executor, kept "
                    + "(default: a temp dir, removed at the end).")
    Path dir;

    @Option(names = "--timeout-sec", defaultValue = "120",
            description = "Give up after this many seconds.")
    int timeoutSec;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1 || jobs > 100_000 || workMs < 0 || workMs > 1000 || killAt < 0
                || killAt > 0.95) {
            System.err.println("day9: --jobs 1..100000, --work-ms 0..1000, --kill-at 0..0.95");
            return 2;
        }
        Path work = dir != null ? dir : Files.createTempDirectory("day9-kill-resume");
        Files.createDirectories(work);
        try {
            return drill(work);
        } finally {
            if (dir == null) {
                removeTree(work);
            }
        }
    }

    private int drill(Path work) throws Exception {
        Path probe = work.resolve("runtime/probe/processed.ndjson");
        String run = UUID.randomUUID().toString().substring(0, 8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSec);
        int port = freePort();
        ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + port), Optional.empty());
        say("drill %s in %s%s: up to %d jobs enqueued by %d producers while %d ms of work "
                + "each is processed; kill once %.0f %% of %d are processed", run, work,
                dir == null ? " (temp, removed at the end)" : "", jobs, PRODUCERS, workMs,
                killAt * 100, jobs);

        Process first = start(work, port);
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        long beforeKill;
        ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
        try {
            awaitReady(api, first, deadline);
            // producers and the worker run side by side; the kill lands in the middle of both
            List<Future<?>> lanes = enqueueAll(producers, api, run, acknowledged);
            long target = Math.max(1, Math.round(jobs * killAt));
            while (processed(probe, run).lines() < target) {
                check(deadline, "waiting for the worker to process " + target + " jobs");
                if (lanes.stream().allMatch(Future::isDone)) {
                    lanes.forEach(KillResumeCommand::rethrow);
                }
                Thread.sleep(2);
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no goodbye
            first.waitFor(30, TimeUnit.SECONDS);
            producers.shutdownNow();
            producers.awaitTermination(30, TimeUnit.SECONDS);
        }
        beforeKill = processed(probe, run).lines();
        say("killed the executor with SIGKILL (exit %d): %d of the %d jobs were enqueued and "
                + "acknowledged to producers by then, %d processed", first.exitValue(),
                acknowledged.size(), jobs, beforeKill);
        if (acknowledged.size() < jobs) {
            say("the other %d were never acknowledged (the kill lands while producers are "
                    + "still enqueuing, on purpose): the check covers the %d acknowledged",
                    jobs - acknowledged.size(), acknowledged.size());
        }

        long restarted = System.nanoTime();
        Process second = start(work, port);
        try {
            awaitReady(api, second, deadline);
            long opened = System.nanoTime();
            JsonNode stats = api.get("/api/private/queue/stats").body();
            say("restarted: ready again after %.2f s (JVM start and journal replay); depth at "
                    + "first look %d (in flight %d)", (opened - restarted) / 1e9,
                    stats.path("depth").asLong(), stats.path("inFlight").asLong());
            while (api.get("/api/private/queue/stats").body().path("depth").asLong() > 0) {
                check(deadline, "waiting for the restarted executor to drain the queue");
                Thread.sleep(20);
            }
            double drained = (System.nanoTime() - restarted) / 1e9;
            Processed p = processed(probe, run);
            Set<Long> lost = new HashSet<>(acknowledged);
            lost.removeAll(p.seqs());
            long missing = lost.size();
            long dead = api.get("/api/private/queue/stats").body().path("dead").asLong();
            say("drained %.2f s after the restart", drained);
            say("acknowledged %d | processed before kill %d | after restart %d | distinct %d | "
                    + "duplicates %d (in flight at the kill) | acknowledged but missing %d | "
                    + "dead letters %d", acknowledged.size(), beforeKill,
                    p.lines() - beforeKill, p.distinct(), p.lines() - p.distinct(), missing,
                    dead);
            if (missing > 0) {
                say("lost: %s", lost.stream().sorted().limit(20).toList());
            }
            System.out.println(missing == 0 && dead == 0
                    ? "kill-resume: PASS: every acknowledged job was processed at least once"
                    : "kill-resume: FAIL: " + missing + " jobs lost");
            return missing == 0 && dead == 0 ? 0 : 1;
        } finally {
            second.destroy(); // SIGTERM: graceful
            if (!second.waitFor(30, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    /** Producer lanes; each records the seqs whose enqueue was acknowledged (HTTP 200). */
    private List<Future<?>> enqueueAll(ExecutorService pool, ApiClient api, String run,
                                       Set<Long> acknowledged) {
        List<Future<?>> lanes = new java.util.ArrayList<>();
        for (int t = 0; t < PRODUCERS; t++) {
            int lane = t;
            lanes.add(pool.submit(() -> {
                for (long i = lane; i < jobs && !Thread.currentThread().isInterrupted();
                        i += PRODUCERS) {
                    String body = "{\"job\":\"test-kill-resume\",\"data\":{\"run\":\"" + run
                            + "\",\"seq\":" + i + ",\"workMs\":" + workMs + "}}";
                    ApiClient.Answer a;
                    try {
                        a = api.post("/api/private/queue/enqueue", body);
                    } catch (IOException e) {
                        return null; // the executor was killed under us: not acknowledged
                    }
                    if (!a.ok()) {
                        throw new IllegalStateException("enqueue failed: " + a.error());
                    }
                    acknowledged.add(i);
                }
                return null;
            }));
        }
        return lanes;
    }

    private static void rethrow(Future<?> f) {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Probe lines of this run, and how many distinct jobs they cover. */
    record Processed(long lines, Set<Long> seqs) {
        long distinct() {
            return seqs.size();
        }
    }

    /**
     * The probe records of {@code run} in {@code probe}, read with
     * {@link ProbeHandler#parseLine}: a torn record (being written as we read, or cut by a kill)
     * is skipped, and a whole record after it on the same line still counts.
     */
    static Processed processed(Path probe, String run) throws IOException {
        if (!Files.exists(probe)) {
            return new Processed(0, Set.of());
        }
        long lines = 0;
        Set<Long> seqs = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(probe, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.contains(run)) {
                    continue;
                }
                // robust to a torn line (skipped) and to records run together on one line
                for (JsonNode rec : ProbeHandler.parseLine(line, Json.mapper())) {
                    JsonNode data = rec.path("data");
                    if (run.equals(data.path("run").asText())) {
                        lines++;
                        seqs.add(data.path("seq").asLong());
                    }
                }
            }
        }
        return new Processed(lines, seqs);
    }

    /** Deletes the drill's temp directory; what cannot be deleted is named, not fatal. */
    private static void removeTree(Path root) {
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            say("could not remove %s entirely: %s", root, e.getMessage());
        }
    }

    private Process start(Path work, int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Day9Command.class.getName(), "serve")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("serve.out")
                        .toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("QUEUE_") || k.startsWith("CHAOS_")
                || k.equals("API_TOKEN") || k.equals("ADMIN_TOKEN") || k.equals("READ_TOKEN")
                || k.equals("HOST") || k.equals("DAY9_ENV"));
        env.putAll(new HashMap<>(Map.of("PORT", Integer.toString(port),
                "RUNTIME_DIR", work.resolve("runtime").toString(),
                "LOG_DIR", work.resolve("logs").toString(),
                "QUEUE_VISIBILITY_MS", "2000",
                "QUEUE_WORKER_THREADS", "2")));
        return pb.start();
    }

    private static void awaitReady(ApiClient api, Process p, long deadline) throws Exception {
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the drill's executor exited with "
                        + p.exitValue() + "; see serve.out in the drill directory");
            }
            try {
                if (api.get("/readyz").ok()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            check(deadline, "waiting for the executor to become ready");
            Thread.sleep(50);
        }
    }

    private static void check(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out " + what);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void say(String format, Object... args) {
        System.out.println("kill-resume: " + String.format(format, args));
    }
}
