package io.spark.day9.cli;

import io.spark.day9.api.Role;
import io.spark.day9.api.RouteSpec;
import io.spark.day9.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A child process for shutdown tests: {@code day9 serve} plus {@code GET /slow?ms=N}, which
 * writes a marker file when it starts and answers after N ms.
 */
public final class SlowServeMain {
    public static void main(String[] args) throws Exception {
        Path marker = Path.of(args[0]);
        int code = ServeCommand.serve(ConfigLoader.fromProcess(), List.of(r ->
                r.add(RouteSpec.get("/slow", Role.PUBLIC).summary("Answers after ms."), ctx -> {
                    org.slf4j.LoggerFactory.getLogger(SlowServeMain.class)
                            .info("slow request started");
                    Files.writeString(marker, "started");
                    Thread.sleep(Long.parseLong(ctx.queryParam("ms")));
                    ctx.json(Map.of("slow", "done"));
                })));
        System.exit(code);
    }
}
