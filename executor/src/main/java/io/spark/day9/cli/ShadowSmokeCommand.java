package io.spark.day9.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spark.day9.experiment.Scrape;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code day9 shadow smoke}: the guide's shadow smoke test against a running executor. Places a
 * handful of shadow orders of each kind through {@code POST /api/private/order/shadow} — MARKET
 * buy and sell, a marketable LIMIT, a resting LIMIT then its cancel, an invalid order (expects
 * Binance's {@code -1013}) and an idempotent repeat by {@code clientOrderId} — then checks that
 * the shadow metrics, today's trail file and the positions moved. Prints every check; exits 0
 * only when all passed, 1 (loudly) otherwise.
 *
 * <p>It never sends an order to an exchange: the shadow endpoint only simulates, whatever the
 * mode. The orders carry the strategy {@code --strategy} (default {@code smoke}) so they are
 * easy to tell apart in positions and reports.
 */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = {"Place a handful of shadow orders of each type against a running "
                + "executor, then check that metrics, the trail file and positions moved.",
                "Exits 1 when a check fails."})
public final class ShadowSmokeCommand implements Callable<Integer> {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);

    @Mixin
    Remote remote;

    @Option(names = "--symbol", defaultValue = "BTCUSDT", description = "Symbol to trade.")
    String symbol;

    @Option(names = "--quantity", defaultValue = "0.001", description = "Quantity of each order.")
    String quantity;

    @Option(names = "--strategy", defaultValue = "smoke", description = "Strategy of the orders.")
    String strategy;

    @Option(names = "--shadow-dir", paramLabel = "DIR",
            description = "The executor's trail directory (default: its SHADOW_DIR, read over "
                    + "HTTP).")
    Path shadowDir;

    @Option(names = "--timeout-sec", defaultValue = "30",
            description = "How long to wait for a synced book, in seconds.")
    int timeoutSec;

    private final List<String> failures = new ArrayList<>();
    private int checks;

    /** For picocli. */
    public ShadowSmokeCommand() {
    }

    @Override
    public Integer call() throws Exception {
        ApiClient api = remote.client();
        String run = UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Answer mode;
        try {
            mode = api.get("/api/private/shadow");
        } catch (ApiClient.Unreachable e) {
            System.err.println("day9: " + e.getMessage());
            return 1;
        }
        say("against %s, symbol %s, strategy %s, run %s (token: %s)", api.base(), symbol,
                strategy, run, api.tokens().describe());
        try {
            smoke(api, mode, run);
        } catch (IOException e) {
            fail("the executor answered: " + e.getMessage());
        }
        if (failures.isEmpty()) {
            say("PASS: %d checks passed", checks);
            return 0;
        }
        System.err.println();
        System.err.println("shadow smoke: FAIL: " + failures.size() + " of " + checks
                + " checks failed:");
        failures.forEach(f -> System.err.println("  - " + f));
        return 1;
    }

    private void smoke(ApiClient api, ApiClient.Answer mode, String run) throws Exception {
        if (!mode.ok()) {
            fail("GET /api/private/shadow: " + mode.error());
            return;
        }
        check(!mode.body().path("mode").asText().equals("refuse"), "shadow execution enabled",
                "mode " + mode.body().path("mode").asText() + ": " + mode.body().path("why")
                        .asText());
        Path trail = trailFile(api);
        long trailBefore = size(trail);
        Scrape before = Scrape.parse(api.text("/metrics"));
        String positionsBefore = api.get("/api/private/shadow/positions").body().toString();
        JsonNode book = syncedBook(api);
        if (book == null) {
            fail("no synced " + symbol + " book within " + timeoutSec + " s");
            return;
        }
        BigDecimal bid = new BigDecimal(book.path("bids").path(0).path(0).asText());
        BigDecimal ask = new BigDecimal(book.path("asks").path(0).path(0).asText());
        // whole numbers are on any tick of 1 or finer
        String through = ask.multiply(new BigDecimal("1.002")).setScale(0, RoundingMode.CEILING)
                .toPlainString();
        String far = bid.multiply(new BigDecimal("0.9")).setScale(0, RoundingMode.FLOOR)
                .toPlainString();

        String id = "smoke-" + run + "-";
        JsonNode buy = place(api, "MARKET buy", body("BUY", "MARKET", null, id + "1"));
        check(buy != null && executed(buy) > 0, "MARKET buy filled", describe(buy));
        JsonNode sell = place(api, "MARKET sell", body("SELL", "MARKET", null, id + "2"));
        check(sell != null && executed(sell) > 0, "MARKET sell filled", describe(sell));
        JsonNode limit = place(api, "marketable LIMIT", body("BUY", "LIMIT", through, id + "3"));
        check(limit != null && executed(limit) > 0 && limit.path("order").hasNonNull(
                "priceImprovementBps"), "marketable LIMIT filled at the book with a price "
                + "improvement", describe(limit));
        JsonNode resting = place(api, "resting LIMIT", body("BUY", "LIMIT", far, id + "4"));
        check(resting != null && resting.path("order").path("status").asText().equals("NEW"),
                "resting LIMIT rests", describe(resting));
        ApiClient.Answer cancel = api.delete("/api/private/order/shadow/" + id + "4");
        check(cancel.ok() && cancel.body().path("status").asText().equals("CANCELED"),
                "resting LIMIT cancelled", cancel.ok() ? cancel.body().path("status").asText()
                        : cancel.error());
        ApiClient.Answer bad = api.post("/api/private/order/shadow",
                body("BUY", "MARKET", null, id + "5").replace("\"" + quantity + "\"",
                        "\"0.0000000001\""));
        check(bad.status() == 400 && bad.body().path("code").asInt() == -1013,
                "invalid quantity rejected with -1013", "HTTP " + bad.status() + " code "
                        + bad.body().path("code").asText() + " " + bad.body().path("msg").asText());
        ApiClient.Answer again = api.post("/api/private/order/shadow",
                body("BUY", "MARKET", null, id + "1"));
        check(again.ok() && again.body().path("duplicate").asBoolean() && buy != null
                && again.body().path("order").path("orderId").asText().equals(
                        buy.path("order").path("orderId").asText()),
                "repeat by clientOrderId returns the first order", again.ok()
                        ? "duplicate=" + again.body().path("duplicate").asText() : again.error());

        Scrape after = Scrape.parse(api.text("/metrics"));
        moved(before, after, "spark_shadow_orders_total", null, 4);
        moved(before, after, "spark_shadow_orders_total", "rejected", 1);
        moved(before, after, "spark_shadow_latency_ms_count", null, 4);
        moved(before, after, "spark_shadow_slippage_ms_count", null, 3);
        moved(before, after, "spark_shadow_slippage_bps_count", null, 3);
        long trailAfter = size(trail);
        check(trailAfter > trailBefore, "trail " + trail + " grew", trailBefore + " -> "
                + trailAfter + " bytes");
        JsonNode positions = api.get("/api/private/shadow/positions").body();
        check(!positions.toString().equals(positionsBefore)
                        && positions.toString().contains("\"" + strategy + "\""),
                "positions changed and show strategy " + strategy,
                positions.path("positions").size() + " positions");
    }

    private String body(String side, String type, String price, String clientOrderId) {
        return "{\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"type\":\"" + type
                + "\"," + (price == null ? "" : "\"price\":\"" + price + "\",")
                + "\"quantity\":\"" + quantity + "\",\"strategy\":\"" + strategy
                + "\",\"clientOrderId\":\"" + clientOrderId + "\"}";
    }

    private JsonNode place(ApiClient api, String what, String body) throws Exception {
        ApiClient.Answer a = api.post("/api/private/order/shadow", body);
        if (!a.ok()) {
            say("  %s: %s", what, a.error());
            return null;
        }
        JsonNode o = a.body().path("order");
        say("  %s: %s %s executed %s avg %s (latency %s ms)", what, o.path("orderId").asText(),
                o.path("status").asText(), o.path("executedQty").asText(),
                o.path("avgPrice").asText(), Numbers.format(a.body().path("latencyMs")));
        return a.body();
    }

    private static double executed(JsonNode placed) {
        return placed.path("order").path("executedQty").asDouble();
    }

    private static String describe(JsonNode placed) {
        if (placed == null) {
            return "not placed";
        }
        JsonNode o = placed.path("order");
        return o.path("status").asText() + ", executed " + o.path("executedQty").asText();
    }

    private JsonNode syncedBook(ApiClient api) throws Exception {
        long deadline = System.nanoTime() + timeoutSec * 1_000_000_000L;
        while (true) {
            ApiClient.Answer a = api.get("/api/private/market/book?limit=5&symbol=" + symbol);
            if (a.ok() && a.body().path("synced").asBoolean()
                    && a.body().path("bids").size() > 0 && a.body().path("asks").size() > 0) {
                return a.body();
            }
            if (!a.ok() && a.status() != 503) {
                fail("GET /api/private/market/book: " + a.error());
                return null;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(200);
        }
    }

    /** Today's trail file (UTC day), in {@code --shadow-dir} or the executor's SHADOW_DIR. */
    private Path trailFile(ApiClient api) throws Exception {
        Path d = shadowDir;
        if (d == null) {
            ApiClient.Answer cfg = api.get("/api/private/config");
            String v = cfg.ok() ? cfg.body().path("SHADOW_DIR").path("value").asText("") : "";
            d = Path.of(v.isEmpty() ? "runtime/shadow" : v);
        }
        return d.resolve("orders-" + DAY.format(Instant.now()) + ".ndjson");
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    /** {@code name}, or only its samples with {@code result="<result>"}, grew by atLeast. */
    private void moved(Scrape before, Scrape after, String name, String result, double atLeast) {
        Predicate<Map<String, String>> which = result == null
                ? labels -> true : labels -> result.equals(labels.get("result"));
        double b = before.sum(name, which);
        double a = after.sum(name, which);
        String series = result == null ? name : name + "{result=\"" + result + "\"}";
        check(a - b >= atLeast, series + " moved by at least " + (long) atLeast,
                String.format("%.0f -> %.0f", b, a));
    }

    private void check(boolean ok, String what, String detail) {
        checks++;
        say("%s %s (%s)", ok ? "ok  " : "FAIL", what, detail);
        if (!ok) {
            failures.add(what + " (" + detail + ")");
        }
    }

    private void fail(String what) {
        check(false, what, "aborted");
    }

    private static void say(String format, Object... args) {
        System.out.println("shadow smoke: " + String.format(format, args));
    }
}
