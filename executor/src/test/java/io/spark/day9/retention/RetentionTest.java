package io.spark.day9.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.spark.day9.retention.RetainedKind.RetainedFile;
import io.spark.day9.retention.RetentionPolicy.Candidate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    private RetainedKind kind(String name, RetentionPolicy policy, List<RetainedFile> files) {
        return new RetainedKind() {
            public String kind() {
                return name;
            }

            public RetentionPolicy policy() {
                return policy;
            }

            public List<RetainedFile> candidates() {
                return files;
            }
        };
    }

    private RetainedFile file(String name, Duration age) throws IOException {
        Path p = Files.writeString(dir.resolve(name), name);
        return new RetainedFile(p, Candidate.of(name, "g", NOW.minus(age)));
    }

    @Test
    void applyDeletesOnlyWhatThePlanMarksAndPublishesEachDeletion() throws IOException {
        var retention = new Retention(Clock.fixed(NOW, ZoneOffset.UTC));
        retention.register(kind("report", new RetentionPolicy(7, 1), List.of(
                file("a", Duration.ofDays(1)), file("b", Duration.ofDays(8)),
                file("c", Duration.ofDays(3)))));
        List<RetentionEvent> events = new ArrayList<>();
        retention.subscribe(events::add);

        assertThat(retention.plan()).extracting(p -> p.verdict().keep())
                .containsExactly(true, true, false);
        var deleted = retention.apply();

        assertThat(deleted).extracting(p -> p.path().getFileName().toString())
                .containsExactly("b");
        assertThat(dir.resolve("a")).exists();
        assertThat(dir.resolve("c")).exists();
        assertThat(dir.resolve("b")).doesNotExist();
        assertThat(events).containsExactly(new RetentionEvent.Deleted("report", dir.resolve("b"),
                "deleted as older than 7 days (age 8d 0h)"));
    }

    @Test
    void aKindThatCannotBeListedDeletesNothingAndTheOthersGoOn() throws IOException {
        var retention = new Retention(Clock.fixed(NOW, ZoneOffset.UTC));
        retention.register(new RetainedKind() {
            public String kind() {
                return "broken";
            }

            public RetentionPolicy policy() {
                return new RetentionPolicy(1, 1);
            }

            public List<RetainedFile> candidates() throws IOException {
                throw new IOException("permission denied");
            }
        });
        RetainedFile old = file("old", Duration.ofDays(30));
        retention.register(kind("probe", new RetentionPolicy(1, 1),
                List.of(file("new", Duration.ZERO), old)));
        List<RetentionEvent> events = new ArrayList<>();
        retention.subscribe(events::add);

        assertThat(retention.apply()).hasSize(1);
        assertThat(events).first().isInstanceOf(RetentionEvent.ListFailed.class);
        assertThat(old.path()).doesNotExist();
    }
}
