package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.chaos.ChaosException;
import io.spark.day9.queue.QueueClosedException;
import io.spark.day9.queue.QueueStorageException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One mapper: each domain and policy exception becomes one catalogued problem type. */
class ProblemMapperTest {

    private static Problem map(Throwable e) {
        return ProblemMapper.map(e).orElseThrow().problem();
    }

    @Test
    void domainExceptionsMapToTheirCataloguedTypeAndStatus() {
        Map<Throwable, String> cases = Map.of(
                QueueStorageException.of("q", "journal write", new IOException("disk full")),
                "queue-storage",
                QueueClosedException.of("q"), "queue-closed",
                new ChaosException.Invalid("httpErrorPct", "must be 0..100"), "validation",
                new ChaosException.Forbidden("production"), "forbidden");
        cases.forEach((e, slug) -> {
            Problem p = map(e);
            assertThat(p.type()).as(e.toString()).isEqualTo(ProblemTypes.of(slug).uri());
            assertThat(ProblemTypes.of(slug).statuses()).as(slug).contains(p.status());
            assertThat(p.title()).isEqualTo(ProblemTypes.of(slug).title());
        });
    }

    @Test
    void aChaosValidationProblemNamesTheField() {
        Problem p = map(new ChaosException.Invalid("latencyMs", "must be 0..60000"));
        assertThat(p.errors()).containsExactly(new Problem.FieldError("latencyMs",
                "must be 0..60000"));
    }

    @Test
    void storageAndClosedQueuesSayWhenToRetry() {
        assertThat(ProblemMapper.map(QueueClosedException.of("q")).orElseThrow().headers())
                .containsKey("Retry-After");
    }

    @Test
    void anUnexpectedExceptionIsNotMappedSoItBecomesAnInternalError() {
        for (Throwable e : List.of(new NullPointerException(), new IllegalStateException("x"),
                new IllegalArgumentException("y"))) {
            assertThat(ProblemMapper.map(e)).as(e.toString()).isEmpty();
        }
    }

    @Test
    void aPublicRouteUnderThePrivatePrefixIsRefusedAtDeclaration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                RouteSpec.get("/api/private/x", Role.PUBLIC).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                RouteSpec.get("/x", Role.READ).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read");
    }
}
