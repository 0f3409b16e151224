package io.spark.day9.cli;

import io.spark.day9.audit.AuditVerifier;
import io.spark.day9.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code day9 audit verify}: checks the audit log's hash chain. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Inspect the hash-chained audit log.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify the audit log's hash chain.",
                    "Exit 0 when intact, 1 naming the line where it breaks (an edited, removed "
                            + "or reordered line, or a cut end)."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Audit directory (default: AUDIT_DIR, i.e. RUNTIME_DIR/audit).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path auditDir = dir != null ? dir : ConfigLoader.fromProcess().paths().auditDir();
            AuditVerifier.Result result = AuditVerifier.verify(auditDir);
            System.out.println(result.summary() + " (" + auditDir.resolve("audit.ndjson") + ")");
            return result.intact() ? 0 : 1;
        }
    }
}
