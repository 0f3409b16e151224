package io.spark.day9.cli;

import io.spark.day9.sim.SimAccountConfig;
import io.spark.day9.sim.SimConfig;
import io.spark.day9.sim.server.SimServer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code day9 sim-exchange --port N}: the simulated exchange on its own, so an executor in
 * another process can use it ({@code MARKET_SOURCE=binance-testnet MARKET_REST_URL=http://
 * 127.0.0.1:N MARKET_WS_URL=ws://127.0.0.1:N}). Runs until SIGTERM or Ctrl-C.
 */
@Command(name = "sim-exchange", mixinStandardHelpOptions = true,
        description = {"Run the Binance-compatible simulated exchange on 127.0.0.1.",
                "Point an executor at it with MARKET_REST_URL and MARKET_WS_URL."})
final class SimExchangeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "4002", description = "TCP port (0 = any free).")
    int port;

    @Option(names = "--symbols", defaultValue = "BTCUSDT,ETHUSDT", split = ",",
            description = "Symbols to list and stream.")
    List<String> symbols;

    @Option(names = "--seed", defaultValue = "42", description = "Random-walk seed.")
    long seed;

    @Option(names = "--update-ms", defaultValue = "100", description = "Depth update period in ms.")
    long updateMs;

    @Option(names = "--balances", defaultValue = SimAccountConfig.DEFAULT_START_BALANCES,
            description = "Start balances of each account (ASSET=amount,...), as "
                    + "SIM_START_BALANCES.")
    String balances;

    @Option(names = "--weight-per-minute", defaultValue = "6000",
            description = "Request-weight budget per minute before 429 "
                    + "(as SIM_WEIGHT_PER_MINUTE).")
    int weightPerMinute;

    @Override
    public Integer call() throws InterruptedException {
        if (weightPerMinute < 1) {
            System.err.println("sim-exchange: --weight-per-minute must be at least 1, got "
                    + weightPerMinute);
            return 2;
        }
        List<String> upper = symbols.stream().map(s -> s.strip().toUpperCase(Locale.ROOT))
                .toList();
        SimAccountConfig account;
        try {
            account = SimAccountConfig.defaults().withStartBalances(
                    SimAccountConfig.parseBalances(balances));
        } catch (IllegalArgumentException e) {
            System.err.println("sim-exchange: --balances=" + balances + " is invalid: "
                    + e.getMessage());
            return 2;
        }
        SimServer sim = SimServer.start(SimConfig.of(upper, seed).withPort(port)
                .withUpdateIntervalMs(updateMs).withAccount(account)
                .withWeightPerMinute(weightPerMinute));
        System.out.println("sim-exchange: REST " + sim.restUrl() + "  WebSocket " + sim.wsUrl()
                + "  symbols " + upper + "  API key " + sim.config().apiKey());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }, "day9-sim-stop"));
        stop.await();
        return 0;
    }

}
