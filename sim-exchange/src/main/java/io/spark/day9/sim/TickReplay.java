package io.spark.day9.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replay of a recorded tick file for one symbol.
 *
 * <h2>Tick file format</h2>
 * UTF-8 text, one event per line; blank lines and lines starting with {@code #} are ignored;
 * fields are separated by spaces or tabs:
 * <pre>
 * step  symbol  kind  price          qty           [takerSide]
 * 0     BTCUSDT B     64999.99       0.51230       # bid level: absolute quantity, 0 removes
 * 0     BTCUSDT A     65000.00       0.20000       # ask level: absolute quantity, 0 removes
 * 3     BTCUSDT T     65000.00       0.01000  BUY  # trade print; the taker was the buyer
 * </pre>
 * <ul>
 *   <li>{@code step} is a non-negative integer; steps must not decrease down the file. Step 0 is
 *   the starting book. At every market update the replay applies the lines of the next step (a
 *   step with no lines changes nothing). After the last step it wraps: the book is reset to the
 *   step-0 state (through ordinary level changes, so the depth stream stays continuous) and
 *   replay continues at step 1.</li>
 *   <li>{@code symbol} is upper-case; lines for symbols that are not configured are skipped.
 *   Configured symbols with no lines use the random walk.</li>
 *   <li>{@code price} and {@code qty} are plain decimals and must be exact multiples of the
 *   symbol's tickSize and stepSize; a violation fails start-up with the line number.</li>
 *   <li>A {@code T} line only prints a trade; book changes are always explicit {@code B}/{@code A}
 *   lines (recorded books already contain the effect of their trades).</li>
 * </ul>
 * The sample {@code sample-ticks.txt} in this package is 40 steps of BTCUSDT.
 */
final class TickReplay implements MarketSource {
  private final TreeMap<Integer, List<Line>> steps;
  private final int lastStep;
  private int current;

  private TickReplay(TreeMap<Integer, List<Line>> steps) {
    this.steps = steps;
    this.lastStep = steps.lastKey();
  }

  /** Parses {@code source} (a path or {@code classpath:/x}) into one replay per symbol. */
  static Map<String, TickReplay> load(String source, Map<String, Book> books) {
    Map<String, TreeMap<Integer, List<Line>>> bySymbol = new HashMap<>();
    try (BufferedReader in = open(source)) {
      String raw;
      int lineNo = 0;
      int prevStep = 0;
      while ((raw = in.readLine()) != null) {
        lineNo++;
        String text = raw.strip();
        int hash = text.indexOf('#');
        if (hash >= 0) {
          text = text.substring(0, hash).strip();
        }
        if (text.isEmpty()) {
          continue;
        }
        String[] f = text.split("\\s+");
        if (f.length < 5) {
          throw bad(source, lineNo, "expected 'step symbol kind price qty', got " + raw);
        }
        int step;
        try {
          step = Integer.parseInt(f[0]);
        } catch (NumberFormatException e) {
          throw bad(source, lineNo, "step is not an integer: " + f[0]);
        }
        if (step < 0 || step < prevStep) {
          throw bad(source, lineNo, "step " + step + " after step " + prevStep);
        }
        prevStep = step;
        Book book = books.get(f[1]);
        if (book == null) {
          continue;
        }
        char kind = f[2].toUpperCase(Locale.ROOT).charAt(0);
        long price;
        long qty;
        try {
          price = book.toTicks(new BigDecimal(f[3]));
          qty = book.toUnits(new BigDecimal(f[4]));
        } catch (NumberFormatException e) {
          throw bad(source, lineNo, "price/qty is not a decimal: " + raw);
        }
        if (price <= 0 || qty < 0) {
          throw bad(source, lineNo, "price " + f[3] + " / qty " + f[4]
              + " not multiples of tickSize " + book.spec.tickSize() + " / stepSize "
              + book.spec.stepSize());
        }
        boolean buyerMaker = false;
        switch (kind) {
          case 'B', 'A' -> { }
          case 'T' -> {
            if (f.length < 6 || !(f[5].equals("BUY") || f[5].equals("SELL"))) {
              throw bad(source, lineNo, "a T line needs takerSide BUY or SELL");
            }
            buyerMaker = f[5].equals("SELL");
          }
          default -> throw bad(source, lineNo, "kind must be B, A or T, got " + f[2]);
        }
        bySymbol.computeIfAbsent(f[1], s -> new TreeMap<>())
            .computeIfAbsent(step, s -> new ArrayList<>())
            .add(new Line(kind, price, qty, buyerMaker));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tick file " + source, e);
    }
    Map<String, TickReplay> out = new HashMap<>();
    bySymbol.forEach((symbol, steps) -> {
      steps.putIfAbsent(0, new ArrayList<>());
      out.put(symbol, new TickReplay(steps));
    });
    return out;
  }

  private static BufferedReader open(String source) throws IOException {
    InputStream in;
    if (source.startsWith("classpath:")) {
      in = TickReplay.class.getResourceAsStream(source.substring("classpath:".length()));
      if (in == null) {
        throw new IOException("no such classpath resource: " + source);
      }
    } else {
      in = Files.newInputStream(Path.of(source));
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static IllegalArgumentException bad(String source, int line, String why) {
    return new IllegalArgumentException("tick file " + source + " line " + line + ": " + why);
  }

  @Override
  public void init(Book book) {
    apply(book, steps.get(0), null);
    current = 0;
  }

  @Override
  public void step(Book book, TradeSink trades) {
    current++;
    if (current > lastStep) {
      current = 1;
      reset(book);
    }
    List<Line> lines = steps.get(current);
    if (lines != null) {
      apply(book, lines, trades);
    }
  }

  /** Moves the book back to the step-0 state with ordinary level changes. */
  private void reset(Book book) {
    Map<Long, Long> bids = new HashMap<>();
    Map<Long, Long> asks = new HashMap<>();
    for (Line l : steps.get(0)) {
      if (l.kind == 'B') {
        bids.put(l.price, l.qty);
      } else if (l.kind == 'A') {
        asks.put(l.price, l.qty);
      }
    }
    for (Long p : new ArrayList<>(book.bids.keySet())) {
      if (!bids.containsKey(p)) {
        book.set(Side.BUY, p, 0);
      }
    }
    for (Long p : new ArrayList<>(book.asks.keySet())) {
      if (!asks.containsKey(p)) {
        book.set(Side.SELL, p, 0);
      }
    }
    bids.forEach((p, q) -> book.set(Side.BUY, p, q));
    asks.forEach((p, q) -> book.set(Side.SELL, p, q));
  }

  private static void apply(Book book, List<Line> lines, TradeSink trades) {
    for (Line l : lines) {
      switch (l.kind) {
        case 'B' -> book.set(Side.BUY, l.price, l.qty);
        case 'A' -> book.set(Side.SELL, l.price, l.qty);
        default -> {
          if (trades != null) {
            trades.trade(l.price, l.qty, l.buyerMaker);
          }
        }
      }
    }
  }

  private record Line(char kind, long price, long qty, boolean buyerMaker) {
  }
}
