package io.spark.day9.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.market.MarketMessages.BookTicker;
import io.spark.day9.market.MarketMessages.DepthSnapshot;
import io.spark.day9.market.MarketMessages.DepthUpdate;
import io.spark.day9.market.MarketMessages.Trade;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Binance's own documented examples (src/test/resources/binance, sources in its README). */
class MessageParserTest {
    private final MessageParser parser = new MessageParser();

    private static String fixture(String name) throws IOException {
        try (InputStream in = MessageParserTest.class.getResourceAsStream("/binance/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static PriceLevel level(String p, String q) {
        return new PriceLevel(new BigDecimal(p), new BigDecimal(q));
    }

    @Test
    void parsesTheDocumentedDepthUpdate() throws Exception {
        DepthUpdate d = (DepthUpdate) parser.parse(fixture("depth-update.json"));
        assertThat(d.symbol()).isEqualTo("BNBBTC");
        assertThat(d.eventTime()).isEqualTo(1672515782136L);
        assertThat(d.firstId()).isEqualTo(157);
        assertThat(d.lastId()).isEqualTo(160);
        assertThat(d.bids()).containsExactly(level("0.0024", "10"));
        assertThat(d.asks()).containsExactly(level("0.0026", "100"));
    }

    @Test
    void parsesTheCombinedStreamEnvelope() throws Exception {
        DepthUpdate d = (DepthUpdate) parser.parse(fixture("combined-depth.json"));
        assertThat(d.symbol()).isEqualTo("BNBBTC");
        assertThat(d.lastId()).isEqualTo(160);
    }

    @Test
    void parsesTheDocumentedBookTicker() throws Exception {
        BookTicker t = (BookTicker) parser.parse(fixture("book-ticker.json"));
        assertThat(t.symbol()).isEqualTo("BNBUSDT");
        assertThat(t.updateId()).isEqualTo(400900217L);
        assertThat(t.bid()).isEqualTo(level("25.35190000", "31.21000000"));
        assertThat(t.ask()).isEqualTo(level("25.36520000", "40.66000000"));
    }

    @Test
    void parsesTheDocumentedTrade() throws Exception {
        Trade t = (Trade) parser.parse(fixture("trade.json"));
        assertThat(t.symbol()).isEqualTo("BNBBTC");
        assertThat(t.tradeId()).isEqualTo(12345);
        assertThat(t.trade()).isEqualTo(level("0.001", "100"));
        assertThat(t.time()).isEqualTo(1672515782136L);
        assertThat(t.buyerMaker()).isTrue();
    }

    @Test
    void parsesTheDocumentedDepthSnapshot() throws Exception {
        DepthSnapshot s = parser.parseSnapshot(fixture("depth-snapshot.json"));
        assertThat(s.lastUpdateId()).isEqualTo(1027024);
        assertThat(s.bids()).containsExactly(level("4.00000000", "431.00000000"));
        assertThat(s.asks()).containsExactly(level("4.00000200", "12.00000000"));
    }

    @Test
    void unknownEventsAreOtherAndGarbageIsAnError() throws Exception {
        assertThat(parser.parse("{\"result\":null,\"id\":1}"))
                .isInstanceOf(MarketMessages.Other.class);
        assertThatThrownBy(() -> parser.parse("{\"e\":\"depthUpdate\",\"s\":\"X\"}"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> parser.parse("not json")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> parser.parse("{\"e\":\"trade\",\"s\":\"X\",\"p\":\"abc\","
                + "\"q\":\"1\"}")).isInstanceOf(IOException.class);
    }
}
