package io.spark.day9.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spark.day9.lifecycle.Component;
import io.spark.day9.lifecycle.Health;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Owns the {@link AuditLog} for the executor's lifetime. Health is DEGRADED when the chain was
 * found broken on open (the executor still records new entries; an operator must look).
 */
public final class AuditComponent implements Component {
    private final Path dir;
    private final Clock clock;
    private final ObjectMapper json;
    private volatile AuditLog log;

    public AuditComponent(Path dir, Clock clock, ObjectMapper json) {
        this.dir = dir;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public void start() throws Exception {
        log = AuditLog.open(dir, clock, json);
    }

    @Override
    public void stop() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    /** The open log; only valid between start and stop. */
    public AuditLog log() {
        if (log == null) {
            throw new IllegalStateException("audit log is not open");
        }
        return log;
    }

    @Override
    public Health health() {
        AuditLog current = log;
        if (current == null) {
            return Health.down(Map.of("reason", "not open"));
        }
        AuditVerifier.Result check = current.openCheck();
        Map<String, Object> details = Map.of("file", current.file().toString(),
                "lastSeq", current.lastSeq(), "chainAtOpen", check.summary());
        return check.intact() ? Health.up(details) : Health.degraded(details);
    }
}
