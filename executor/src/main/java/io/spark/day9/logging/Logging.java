package io.spark.day9.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.spark.day9.config.Day9Config;
import io.spark.day9.config.LogFormat;
import io.spark.day9.fs.SecureFiles;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Switches Logback from its start-up console configuration to the service's: console plus
 * {@code LOG_DIR/executor.log}, rolled by size (50 MB) and by day, kept 14 days and at most
 * 1 GB, as readable text or, with {@code LOG_FORMAT=json}, one JSON object a line. Every line
 * carries the request id (MDC {@code requestId}) when there is one.
 */
public final class Logging {
    private Logging() {
    }

    /** Applies the service's logging; returns the log file. */
    public static Path configureForService(Day9Config.Paths paths, Day9Config.Logging logging)
            throws IOException {
        Path dir = SecureFiles.ensureDirectory(paths.logDir());
        Path file = SecureFiles.ensureFile(dir.resolve("executor.log"));
        String resource = logging.format() == LogFormat.JSON
                ? "/day9-logback-json.xml" : "/day9-logback-text.xml";
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty("DAY9_LOG_DIR", dir.toString());
        context.putProperty("DAY9_LOG_LEVEL", logging.level());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL url = Logging.class.getResource(resource);
        try {
            configurator.doConfigure(url);
        } catch (JoranException e) {
            throw new IllegalStateException("bad logging configuration " + resource, e);
        }
        return file;
    }

    /** The configured level of {@code logger}, if any, and its effective level. */
    public static LevelInfo level(String logger) {
        var l = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(logger);
        return new LevelInfo(logger, Optional.ofNullable(l.getLevel()).map(Level::toString)
                .orElse(null), l.getEffectiveLevel().toString());
    }

    /** Sets {@code logger}'s level at run time; returns the state before. */
    public static LevelInfo setLevel(String logger, String level) {
        LevelInfo before = level(logger);
        var l = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(logger);
        l.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), null));
        return before;
    }

    /**
     * A logger's level.
     *
     * @param logger         name
     * @param level          explicitly configured level, or null when inherited
     * @param effectiveLevel the level in force
     */
    public record LevelInfo(String logger, String level, String effectiveLevel) {
    }
}
