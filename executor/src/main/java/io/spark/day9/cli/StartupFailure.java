package io.spark.day9.cli;

import io.spark.day9.config.Day9Config;
import io.spark.day9.queue.QueueLockedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Turns why {@code day9 serve} could not start into one line an operator can act on: the port
 * and host already in use, the file or directory that cannot be used and why, the queue another
 * process holds. Searches the whole cause chain (causes and suppressed exceptions), because the
 * root cause is often wrapped (Jetty, Javalin) or suppressed by a later failure while stopping.
 * A failure it does not recognise is reported as its exception's class and message.
 */
final class StartupFailure {
    private StartupFailure() {
    }

    /** The one-line cause, without the "start-up failed: " prefix. */
    static String describe(Throwable failure, Day9Config.Server server) {
        return explain(failure, server).orElseGet(() -> failure.toString());
    }

    /** True when {@link #describe} recognised the failure (no stack trace is needed). */
    static boolean expected(Throwable failure, Day9Config.Server server) {
        return explain(failure, server).isPresent();
    }

    private static Optional<String> explain(Throwable failure, Day9Config.Server server) {
        Iterable<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof BindException || t.getClass().getSimpleName()
                    .equals("JavalinBindException")) {
                return Optional.of(bind(t, server));
            }
        }
        for (Throwable t : chain) {
            if (t instanceof QueueLockedException q) {
                return Optional.of(q.getMessage());
            }
        }
        for (Throwable t : chain) {
            if (t instanceof FileSystemException f) {
                return Optional.of(file(f));
            }
        }
        for (Throwable t : chain) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return Optional.of(t.getMessage() + rootReason(t));
            }
        }
        return Optional.empty();
    }

    private static String bind(Throwable t, Day9Config.Server server) {
        String msg = String.valueOf(t.getMessage());
        if (msg.contains("in use")) {
            return "port " + server.port() + " on " + server.host() + " is already in use";
        }
        return "cannot listen on port " + server.port() + " on " + server.host() + ": " + msg;
    }

    private static String file(FileSystemException f) {
        String reason = f instanceof AccessDeniedException ? "permission denied"
                : f.getReason() != null ? f.getReason()
                : f.getClass().getSimpleName().replace("Exception", "");
        String where = f.getOtherFile() == null ? f.getFile()
                : f.getFile() + " -> " + f.getOtherFile();
        return "cannot use " + where + ": " + reason;
    }

    /** ": the root cause's message" when it adds something to {@code t}'s own message. */
    private static String rootReason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == t || root.getMessage() == null
                || String.valueOf(t.getMessage()).contains(root.getMessage())) {
            return "";
        }
        return root instanceof FileSystemException f ? " (" + file(f) + ")"
                : " (" + root.getMessage() + ")";
    }

    /** Every throwable reachable through causes and suppressed exceptions, breadth first. */
    private static Iterable<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(failure);
        java.util.List<Throwable> out = new java.util.ArrayList<>();
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (t == null || !seen.add(t)) {
                continue;
            }
            out.add(t);
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            Collections.addAll(todo, t.getSuppressed());
        }
        return out;
    }
}
