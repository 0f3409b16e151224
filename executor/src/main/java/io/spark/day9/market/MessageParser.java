package io.spark.day9.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spark.day9.market.MarketMessages.BookTicker;
import io.spark.day9.market.MarketMessages.DepthSnapshot;
import io.spark.day9.market.MarketMessages.DepthUpdate;
import io.spark.day9.market.MarketMessages.Message;
import io.spark.day9.market.MarketMessages.Other;
import io.spark.day9.market.MarketMessages.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses Binance market-data payloads with Jackson's streaming parser (no tree, one pass):
 * combined-stream envelopes {@code {"stream":…,"data":{…}}} and raw payloads alike, and REST
 * depth snapshots. Prices and quantities stay exact ({@link BigDecimal} from the strings).
 * Stateless and thread-safe.
 */
final class MessageParser {
    private static final JsonFactory JSON = new JsonFactory();

    /** One stream message; {@link Other} for what we do not use. */
    Message parse(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, p);
            Fields f = new Fields();
            String stream = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("stream") && t == JsonToken.VALUE_STRING) {
                    stream = p.getText();
                } else if (name.equals("data") && t == JsonToken.START_OBJECT) {
                    readFields(p, f);
                } else {
                    read(p, name, t, f);
                }
            }
            return build(f, stream);
        }
    }

    /** A REST {@code /api/v3/depth} answer. */
    DepthSnapshot parseSnapshot(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, p);
            long lastUpdateId = -1;
            List<PriceLevel> bids = List.of();
            List<PriceLevel> asks = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "lastUpdateId" -> lastUpdateId = p.getLongValue();
                    case "bids" -> bids = levels(p);
                    case "asks" -> asks = levels(p);
                    default -> p.skipChildren();
                }
            }
            if (lastUpdateId < 0) {
                throw new IOException("depth snapshot without lastUpdateId");
            }
            return new DepthSnapshot(lastUpdateId, bids, asks);
        }
    }

    private static final class Fields {
        String event;
        String symbol;
        long eventTime;
        long firstId = -1;
        long lastId = -1;
        long tradeId = -1;
        long tradeTime;
        boolean buyerMaker;
        List<PriceLevel> bids;
        List<PriceLevel> asks;
        String bidPrice;
        String bidQty;
        String askPrice;
        String askQty;
        String price;
        String qty;
    }

    private static void readFields(JsonParser p, Fields f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            read(p, name, p.nextToken(), f);
        }
    }

    private static void read(JsonParser p, String name, JsonToken t, Fields f)
            throws IOException {
        switch (name) {
            case "e" -> f.event = p.getText();
            case "s" -> f.symbol = p.getText();
            case "E" -> f.eventTime = p.getLongValue();
            case "U" -> f.firstId = p.getLongValue();
            case "u" -> f.lastId = p.getLongValue();
            case "t" -> f.tradeId = p.getLongValue();
            case "T" -> f.tradeTime = p.getLongValue();
            case "m" -> f.buyerMaker = t == JsonToken.VALUE_TRUE;
            case "p" -> f.price = p.getText();
            case "q" -> f.qty = p.getText();
            case "b" -> {
                if (t == JsonToken.START_ARRAY) {
                    f.bids = levelsInArray(p);
                } else {
                    f.bidPrice = p.getText();
                }
            }
            case "a" -> {
                if (t == JsonToken.START_ARRAY) {
                    f.asks = levelsInArray(p);
                } else {
                    f.askPrice = p.getText();
                }
            }
            case "B" -> f.bidQty = p.getText();
            case "A" -> f.askQty = p.getText();
            default -> p.skipChildren();
        }
    }

    private static Message build(Fields f, String stream) throws IOException {
        String symbol = f.symbol == null ? symbolOf(stream) : f.symbol.toUpperCase(Locale.ROOT);
        if ("depthUpdate".equals(f.event)) {
            if (f.firstId < 0 || f.lastId < 0) {
                throw new IOException("depthUpdate without U/u");
            }
            return new DepthUpdate(symbol, f.eventTime, f.firstId, f.lastId,
                    f.bids == null ? List.of() : f.bids, f.asks == null ? List.of() : f.asks);
        }
        if ("trade".equals(f.event)) {
            return new Trade(symbol, f.tradeId, new PriceLevel(dec(f.price), dec(f.qty)),
                    f.tradeTime, f.buyerMaker);
        }
        if (f.event == null && f.bidPrice != null && f.askPrice != null) {
            return new BookTicker(symbol, f.lastId, new PriceLevel(dec(f.bidPrice),
                    dec(f.bidQty)), new PriceLevel(dec(f.askPrice), dec(f.askQty)));
        }
        return new Other(symbol, f.event == null ? "unknown" : f.event);
    }

    private static String symbolOf(String stream) {
        if (stream == null) {
            return "";
        }
        int at = stream.indexOf('@');
        return (at < 0 ? stream : stream.substring(0, at)).toUpperCase(Locale.ROOT);
    }

    private static List<PriceLevel> levels(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("expected an array of [price, qty]");
        }
        return levelsInArray(p);
    }

    /** Reads {@code [["p","q"],…]}; the parser is on the outer START_ARRAY. */
    private static List<PriceLevel> levelsInArray(JsonParser p) throws IOException {
        List<PriceLevel> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_ARRAY) {
            p.nextToken();
            BigDecimal price = dec(p.getText());
            p.nextToken();
            BigDecimal qty = dec(p.getText());
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren(); // tolerate extra members, as Binance's old format had
            }
            out.add(new PriceLevel(price, qty));
        }
        return out;
    }

    private static BigDecimal dec(String s) throws IOException {
        if (s == null) {
            throw new IOException("missing price or quantity");
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new IOException("not a decimal: " + s);
        }
    }

    private static void expect(JsonToken got, JsonToken want, JsonParser p) throws IOException {
        if (got != want) {
            throw new IOException("expected " + want + " but got " + got + " at "
                    + p.currentLocation());
        }
    }
}
