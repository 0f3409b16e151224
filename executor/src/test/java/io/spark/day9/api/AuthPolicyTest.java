package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spark.day9.testing.TestExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles from tokens, and the per-address limit on failed authentications (injected clock). */
class AuthPolicyTest {
    static final String TRADE = "trade-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AuthPolicy policy = new AuthPolicy(new AuthPolicy.Tokens(Optional.of(TRADE),
            Optional.of(ADMIN), Optional.of(READ)), new AuthPolicy.FailureLimit(3,
            Duration.ofSeconds(60)), now::get);

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ProblemException e) {
            return e.problem().status();
        }
    }

    @Test
    void eachTokenGivesItsRoleAndHigherRolesCoverLowerOnes() {
        assertThat(policy.authenticate("Bearer " + READ, "10.0.0.1").role()).isEqualTo(Role.READ);
        assertThat(policy.authenticate("Bearer " + TRADE, "10.0.0.1").role())
                .isEqualTo(Role.TRADE);
        assertThat(policy.authenticate("Bearer " + ADMIN, "10.0.0.1").role())
                .isEqualTo(Role.ADMIN);
        assertThat(Role.ADMIN.covers(Role.TRADE)).isTrue();
        assertThat(Role.TRADE.covers(Role.READ)).isTrue();
        assertThat(Role.READ.covers(Role.TRADE)).isFalse();
        assertThat(Role.TRADE.covers(Role.ADMIN)).isFalse();
    }

    @Test
    void loopbackWithoutATokenHasEveryRole() {
        AuthPolicy open = new AuthPolicy(Optional.empty());
        assertThat(open.authenticate(null, "127.0.0.1").role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void anAddressThatGuessesTooOftenIsToldToWaitEvenWithTheRightToken() {
        for (int i = 0; i < 3; i++) {
            assertThat(status(() -> policy.authenticate("Bearer guess-guess-guess-guess",
                    "10.0.0.9"))).isEqualTo(401);
        }
        assertThatThrownBy(() -> policy.authenticate("Bearer " + TRADE, "10.0.0.9"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(429);
                    assertThat(e.problem().type()).endsWith("too-many-auth-failures");
                    assertThat(e.headers()).containsEntry("Retry-After", "60");
                });
        assertThat(policy.failedAuthentications()).isEqualTo(3);
        assertThat(policy.refusedAuthentications()).isEqualTo(1);
        // another address is not affected
        assertThat(policy.authenticate("Bearer " + TRADE, "10.0.0.10").role())
                .isEqualTo(Role.TRADE);
        now.addAndGet(59_500);
        assertThat(status(() -> policy.authenticate("Bearer " + TRADE, "10.0.0.9")))
                .isEqualTo(429);
        now.addAndGet(500);
        assertThat(policy.authenticate("Bearer " + TRADE, "10.0.0.9").role())
                .isEqualTo(Role.TRADE);
    }

    @Test
    void aValidAdminTokenIsNeverRefusedForItsAddresssFailures() {
        for (int i = 0; i < 3; i++) {
            assertThat(status(() -> policy.authenticate("Bearer guess-guess-guess-guess",
                    "10.0.0.7"))).isEqualTo(401);
        }
        // over the limit: wrong and non-admin tokens wait, the admin (an emergency stop) not
        assertThat(status(() -> policy.authenticate("Bearer guess-guess-guess-guess",
                "10.0.0.7"))).isEqualTo(429);
        assertThat(status(() -> policy.authenticate("Bearer " + TRADE, "10.0.0.7")))
                .isEqualTo(429);
        assertThat(status(() -> policy.authenticate("Bearer " + READ, "10.0.0.7")))
                .isEqualTo(429);
        assertThat(policy.authenticate("Bearer " + ADMIN, "10.0.0.7").role())
                .isEqualTo(Role.ADMIN);
        assertThat(policy.refusedAuthentications()).isEqualTo(3);
        assertThat(policy.failedAuthentications()).isEqualTo(3);
    }

    @Test
    void failuresSpreadWiderThanTheWindowNeverBlock() {
        for (int i = 0; i < 10; i++) {
            assertThat(status(() -> policy.authenticate("Bearer guess-guess-guess-guess",
                    "10.0.0.7"))).isEqualTo(401);
            now.addAndGet(30_001);
        }
        assertThat(policy.authenticate("Bearer " + READ, "10.0.0.7").role())
                .isEqualTo(Role.READ);
    }

    @Test
    void requestsWithoutCredentialsAreNotCountedAsGuesses() {
        for (int i = 0; i < 10; i++) {
            assertThat(status(() -> policy.authenticate(null, "10.0.0.8"))).isEqualTo(401);
        }
        assertThat(policy.failedAuthentications()).isZero();
        assertThat(policy.authenticate("Bearer " + READ, "10.0.0.8").role())
                .isEqualTo(Role.READ);
    }

    @Test
    void aBruteForceLoopOverHttpGetsA429WithRetryAfter(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "QUEUE_WORKER_ENABLED", "false", "AUTH_MAX_FAILURES", "5"))) {
            for (int i = 0; i < 5; i++) {
                assertThat(s.get("/api/private/health", "Authorization", "Bearer guess-" + i
                        + "-0123456789abcdef").statusCode()).isEqualTo(401);
            }
            var r = s.get("/api/private/health", "Authorization", "Bearer "
                    + TestExecutor.TOKEN);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).get().asString()
                    .matches("[1-9][0-9]*");
            assertThat(r.headers().firstValue("Content-Type")).get().asString()
                    .startsWith(Problem.MEDIA_TYPE);
            assertThat(s.executor().http().auth().failedAuthentications()).isEqualTo(5);
            // scraping and liveness are public: never locked out
            assertThat(s.get("/healthz").statusCode()).isEqualTo(200);
            String scrape = s.get("/metrics").body();
            assertThat(scrape).contains("spark_http_auth_failures_total{result=\"wrong_token\"} 5.0")
                    .contains("spark_http_auth_failures_total{result=\"rate_limited\"} 1.0");
        }
    }

    @Test
    void theAuthFailureCounterExistsAtZeroFromTheStart(@TempDir Path dir) throws Exception {
        try (TestExecutor s = TestExecutor.start(dir, Map.of("API_TOKEN", TestExecutor.TOKEN,
                "QUEUE_WORKER_ENABLED", "false"))) {
            assertThat(s.get("/metrics").body())
                    .contains("spark_http_auth_failures_total{result=\"wrong_token\"} 0.0")
                    .contains("spark_http_auth_failures_total{result=\"rate_limited\"} 0.0");
        }
    }
}
