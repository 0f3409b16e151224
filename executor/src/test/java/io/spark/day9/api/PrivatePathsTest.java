package io.spark.day9.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrivatePathsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "/api/private", "/api/private/", "/api/private/health", "//api/private/health",
        "/api/./private/health", "/api/x/../private/health", "/API/Private/Health",
        "/api/%70rivate/health", "/api%2Fprivate/health", "/api%2fprivate",
        "/api/%2e/private", "/%2e/api/private", "/api/private%2F..%2Fprivate",
        "/api/%252e/private", "/api;jsessionid=1/private/x", "/api\\private\\health",
        "/api/private/health?x=1", "/api/private/health#frag", "///api///private",
        "/api/%2570rivate", "/x/../api/private"})
    void everySpellingOfThePrivatePrefixIsPrivate(String raw) {
        assertThat(PrivatePaths.isPrivate(raw)).as(raw).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/readyz", "/metrics", "/api/privateer", "/api/public",
        "/api/private/..", "/", "", "/api"})
    void publicPathsStayPublic(String raw) {
        assertThat(PrivatePaths.isPrivate(raw)).as(raw).isFalse();
    }
}
