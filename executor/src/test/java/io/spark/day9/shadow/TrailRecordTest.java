package io.spark.day9.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The typed trail records read old trails and write the very same bytes. */
class TrailRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("src/test/resources/shadow-report");

    private static List<String> fixtureLines() throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(FIXTURES)) {
            for (Path f : files.sorted().toList()) {
                Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).forEach(lines::add);
            }
        }
        return lines;
    }

    @Test
    void everyRecordOfTheReportFixturesIsWrittenBackByteForByte() throws Exception {
        List<String> kinds = new ArrayList<>();
        for (String line : fixtureLines()) {
            JsonNode node = JSON.readTree(line);
            TrailRecord record = TrailRecord.parse(node).orElseThrow();
            kinds.add(record.kind().id());
            if (record instanceof TrailRecord.Real) {
                // the real leg's fills were written from an unordered map: compare as JSON
                assertThat(JSON.valueToTree(record.toMap()).toString())
                        .isEqualTo(JSON.readTree(line).toString());
            } else {
                assertThat(JSON.writeValueAsString(record.toMap())).isEqualTo(line);
            }
        }
        assertThat(kinds).contains("order", "fill");
    }

    @Test
    void orderRecordsCarryTypedStatusSideAndDecimals() throws Exception {
        TrailRecord r = TrailRecord.parse(JSON.readTree("""
                {"kind":"order","ts":"2024-05-01T10:00:02.001Z","orderId":"S-A3",\
                "clientOrderId":"c","strategy":"alpha","symbol":"BTCUSDT","side":"BUY",\
                "type":"LIMIT","timeInForce":"GTC","price":"99.9","quantity":"1",\
                "decisionAt":5,"ackAt":7,"status":"PARTIALLY_FILLED"}""")).orElseThrow();
        assertThat(r).isInstanceOfSatisfying(TrailRecord.Order.class, o -> {
            assertThat(o.status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
            assertThat(o.side()).isEqualTo(OrderRequest.Side.BUY);
            assertThat(o.timeInForce()).isEqualTo(OrderRequest.TimeInForce.GTC);
            assertThat(o.price()).isEqualByComparingTo(new BigDecimal("99.9"));
            assertThat(o.head().at()).isEqualTo(1714557602001L);
            assertThat(o.latencyMs()).isNull();
        });
    }

    @Test
    void readingIsTolerantOfMissingAndMalformedFields() throws Exception {
        TrailRecord fill = TrailRecord.parse(JSON.readTree("""
                {"kind":"fill","ts":"2024-05-01T10:00:00.002Z","orderId":"S1",\
                "price":"abc","qty":"1"}""")).orElseThrow();
        assertThat(fill).isInstanceOfSatisfying(TrailRecord.Fill.class, f -> {
            assertThat(f.price()).isNull();
            assertThat(f.fillAt()).isEqualTo(1714557600002L); // no fillAt: the line's ts
            assertThat(f.head().strategy()).isEqualTo("default");
        });
        assertThat(TrailRecord.parse(JSON.readTree("{\"kind\":\"from-the-future\"}"))).isEmpty();
    }

    @Test
    void endRecordsNameTheStatusTheyLeave() throws Exception {
        TrailRecord.End cancel = (TrailRecord.End) TrailRecord.parse(JSON.readTree(
                "{\"kind\":\"cancel\",\"orderId\":\"S1\"}")).orElseThrow();
        TrailRecord.End expire = (TrailRecord.End) TrailRecord.parse(JSON.readTree(
                "{\"kind\":\"expire\",\"orderId\":\"S1\"}")).orElseThrow();
        assertThat(cancel.status()).isEqualTo(OrderStatus.CANCELED);
        assertThat(expire.status()).isEqualTo(OrderStatus.EXPIRED);
    }

    @Test
    void aRealLegThatGotNoAnswerIsWrittenWithItsError() throws Exception {
        var real = new TrailRecord.Real(new TrailRecord.Head(0, "S1", "c1", "alpha", "BTCUSDT"),
                "P1", 5, 1.5, 10L, 12L, 7.5, TrailRecord.Real.ERROR, "timeout", null,
                BigDecimal.ZERO, null, List.of());
        Map<String, Object> m = real.toMap();
        assertThat(JSON.writeValueAsString(m)).isEqualTo("{\"kind\":\"real\","
                + "\"ts\":\"1970-01-01T00:00:00Z\",\"orderId\":\"S1\",\"clientOrderId\":\"c1\","
                + "\"strategy\":\"alpha\",\"symbol\":\"BTCUSDT\",\"pairId\":\"P1\","
                + "\"decisionAt\":5,\"rttMs\":1.5,\"sentAt\":10,\"ackAt\":12,"
                + "\"decisionToAckMs\":7.5,\"status\":\"ERROR\",\"error\":\"timeout\","
                + "\"exchangeOrderId\":null,\"executedQty\":\"0\",\"avgPrice\":null,"
                + "\"fills\":[]}");
        assertThat(real.answered()).isFalse();
        assertThat(real.latencyMs()).isEqualTo(7.5);
    }

    @Test
    void statusesKnowWhichRest() {
        assertThat(OrderStatus.NEW.resting()).isTrue();
        assertThat(OrderStatus.PARTIALLY_FILLED.resting()).isTrue();
        assertThat(OrderStatus.FILLED.resting()).isFalse();
        assertThat(OrderStatus.afterFill(BigDecimal.ZERO)).isEqualTo(OrderStatus.FILLED);
        assertThat(OrderStatus.afterFill(BigDecimal.ONE)).isEqualTo(OrderStatus.PARTIALLY_FILLED);
    }
}
