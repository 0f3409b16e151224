package io.spark.day9.api;

import io.javalin.http.Context;
import io.spark.day9.market.BookView;
import io.spark.day9.market.MarketData;
import io.spark.day9.market.PriceLevel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Market data over HTTP. {@code GET /api/private/market/book?symbol=BTCUSDT&limit=20} answers
 * Binance's depth shape ({@code bids}/{@code asks} as {@code [price, qty]} string pairs and
 * {@code lastUpdateId}) plus {@code symbol}, {@code ageMs} and {@code synced}.
 * {@code GET /api/private/market} summarises every symbol.
 */
public final class MarketRoutes implements ApiRoutes {
    private final MarketData market;

    public MarketRoutes(MarketData market) {
        this.market = market;
    }

    @Override
    public void register(RouteTable r) {
        r.add(RouteSpec.get("/api/private/market/book", Role.READ)
                .summary("One symbol's local order book, in Binance's depth shape.")
                .query("symbol", Schema.string(), "required, e.g. BTCUSDT")
                .query("limit", Schema.integer(), "levels per side, 1..5000, default 100")
                .answer(200, "{symbol, lastUpdateId, bids, asks, ageMs, synced}"), this::book);
        r.add(RouteSpec.get("/api/private/market", Role.READ)
                .summary("Every followed symbol: sync state, best prices, last trade.")
                .answer(200, "{connected, symbols}"), this::summary);
    }

    private void book(Context ctx) {
        String symbol = ctx.queryParam("symbol");
        if (symbol == null || symbol.isBlank()) {
            throw ProblemException.invalidField("symbol", "required, one of " + market.symbols());
        }
        int limit = SystemRoutes.intParam(ctx, "limit", 100, 1, 5000);
        BookView v = market.book(symbol, limit).orElseThrow(() -> ProblemException.invalidField(
                "symbol", "unknown symbol " + symbol.toUpperCase(Locale.ROOT) + "; followed: "
                        + market.symbols()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("symbol", v.symbol());
        out.put("lastUpdateId", v.lastUpdateId());
        out.put("bids", pairs(v.bids()));
        out.put("asks", pairs(v.asks()));
        out.put("ageMs", v.ageMs());
        out.put("synced", v.synced());
        ctx.json(out);
    }

    private void summary(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connected", market.connected());
        Map<String, Object> symbols = new LinkedHashMap<>();
        for (String s : market.symbols()) {
            market.book(s, 1).ifPresent(v -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("synced", v.synced());
                one.put("ageMs", v.ageMs());
                one.put("lastUpdateId", v.lastUpdateId());
                v.bestBid().ifPresent(b -> one.put("bestBid", pair(b)));
                v.bestAsk().ifPresent(a -> one.put("bestAsk", pair(a)));
                v.mid().ifPresent(m -> one.put("mid", m.toPlainString()));
                v.spread().ifPresent(sp -> one.put("spread", sp.toPlainString()));
                if (v.lastTrade() != null) {
                    one.put("lastTrade", pair(v.lastTrade()));
                    one.put("lastTradeTime", v.lastTradeTime());
                }
                one.put("bidLevels", v.bidLevels());
                one.put("askLevels", v.askLevels());
                symbols.put(s, one);
            });
        }
        out.put("symbols", symbols);
        ctx.json(out);
    }

    private static List<List<String>> pairs(List<PriceLevel> levels) {
        return levels.stream().map(MarketRoutes::pair).toList();
    }

    private static List<String> pair(PriceLevel l) {
        return List.of(l.price().toPlainString(), l.qty().toPlainString());
    }
}
