package io.spark.day9.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.snapshot.StateSection;

/**
 * The {@code market} member of a state snapshot: per symbol, whether the book is synced, its
 * last update id and age, best bid and ask, mid, spread and level counts. For the record only:
 * a book is rebuilt from the exchange at start, never restored.
 */
public final class BookSummarySection implements StateSection {
    private final MarketData market;
    private final ObjectMapper mapper;

    public BookSummarySection(MarketData market, ObjectMapper mapper) {
        this.market = market;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "market";
    }

    @Override
    public JsonNode capture() {
        ObjectNode out = mapper.createObjectNode();
        for (String symbol : market.symbols()) {
            ObjectNode one = out.putObject(symbol);
            market.book(symbol, 1).ifPresentOrElse(b -> {
                one.put("synced", b.synced());
                one.put("lastUpdateId", b.lastUpdateId());
                one.put("ageMs", b.ageMs());
                b.bestBid().ifPresent(l -> one.put("bestBid", l.price().toPlainString()));
                b.bestAsk().ifPresent(l -> one.put("bestAsk", l.price().toPlainString()));
                b.mid().ifPresent(m -> one.put("mid", m.toPlainString()));
                b.spread().ifPresent(s -> one.put("spread", s.toPlainString()));
                one.put("bidLevels", b.bidLevels());
                one.put("askLevels", b.askLevels());
            }, () -> one.put("synced", false));
        }
        return out;
    }
}
