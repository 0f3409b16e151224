package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.api.Json;
import io.spark.day9.config.ConfigLoader;
import io.spark.day9.config.Day9Config;
import java.io.IOException;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The options every remote command shares, as one picocli mixin ({@code @Mixin Remote remote}),
 * and the one call-and-print helper they all use.
 *
 * <ul>
 *   <li>{@code --url}: the executor (default {@code http://HOST:PORT} of the configuration).</li>
 *   <li>{@code --raw}: print the executor's JSON answer exactly as it came.</li>
 *   <li>The token: picked per call by {@link ApiClient.Tokens} from {@code ADMIN_TOKEN},
 *       {@code API_TOKEN} and {@code READ_TOKEN} in the environment or {@code ./.env}.</li>
 * </ul>
 *
 * <p>{@link #call} guarantees the CLI's output rules: a success prints the answer (numbers
 * rounded, unless {@code --raw}) and returns 0; a problem answer prints one or two lines on
 * stderr (status, title, type, detail, fields at fault) and returns 1; no answer at all throws
 * {@link ApiClient.Unreachable}, which {@link Day9Command} prints as one line, exit 1.
 */
final class Remote {
    /** Where the configuration comes from; tests point it at a test executor's. */
    static volatile Supplier<Day9Config> configSource = Remote::processConfig;

    /**
     * This process's configuration. A remote command says on stderr which {@code .env} it read
     * and warns about unknown look-alike variables; a missing {@code .env} is not mentioned (it
     * is the usual case; {@code day9 config} shows where it was looked for), so that an
     * answer or a failure stays one line.
     */
    static Day9Config processConfig() {
        return ConfigLoader.fromProcess(note -> {
            if (!ConfigLoader.isMissingDotEnvNote(note)) {
                System.err.println("day9: " + note);
            }
        });
    }

    @Option(names = "--url", paramLabel = "URL",
            description = "Executor base URL (default: http://HOST:PORT of the configuration).")
    String url;

    @Option(names = "--raw", description = "Print the executor's JSON answer as it came.")
    boolean raw;

    /** One HTTP call. */
    @FunctionalInterface
    interface Call {
        ApiClient.Answer send(ApiClient api) throws IOException, InterruptedException;
    }

    Day9Config config() {
        return configSource.get();
    }

    /** The executor, with the tokens of the configuration. */
    ApiClient client() {
        return ApiClient.of(config(), url);
    }

    /** Calls and prints the answer as (rounded) JSON. */
    int call(Call call) throws IOException, InterruptedException {
        return call(call, null);
    }

    /**
     * Calls and prints the answer: as JSON with {@code --raw} or without {@code readable},
     * else as {@code readable} makes it. A problem answer goes to stderr and returns 1.
     */
    int call(Call call, Function<JsonNode, String> readable)
            throws IOException, InterruptedException {
        ApiClient api = client();
        ApiClient.Answer a = call.send(api);
        if (!a.ok()) {
            return fail(a, api.tokens());
        }
        if (raw) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(a.body()));
        } else if (readable == null) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(Numbers.rounded(a.body())));
        } else {
            System.out.print(readable.apply(a.body()));
        }
        return 0;
    }

    /** Prints a problem answer to stderr (with a token hint on 401/403); returns 1. */
    static int fail(ApiClient.Answer a, ApiClient.Tokens tokens) {
        System.err.println("day9: " + a.error());
        if (a.status() == 401 || a.status() == 403) {
            System.err.println("day9: the CLI sends ADMIN_TOKEN when set, else API_TOKEN (else "
                    + "READ_TOKEN for reads); " + tokens.describe() + ": set the token this "
                    + "route needs in the environment or ./.env");
        }
        return 1;
    }
}
