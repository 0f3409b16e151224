package io.spark.day9.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spark.day9.queue.QueueStats;
import io.spark.day9.snapshot.StateSection;

/**
 * The {@code queues} member of a state snapshot: every open queue's counters, as
 * {@link Queues#describe} shows them. For the record only: the queue's journal is its own
 * durable state, so this section is never restored.
 */
public final class QueueStatsSection implements StateSection {
    private final Queues queues;
    private final ObjectMapper mapper;

    public QueueStatsSection(Queues queues, ObjectMapper mapper) {
        this.queues = queues;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "queues";
    }

    @Override
    public JsonNode capture() {
        ObjectNode out = mapper.createObjectNode();
        for (QueueStats s : queues.stats()) {
            out.set(s.queue(), mapper.valueToTree(Queues.describe(s)));
        }
        return out;
    }
}
