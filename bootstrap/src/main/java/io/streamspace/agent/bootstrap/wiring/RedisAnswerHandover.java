package io.streamspace.agent.bootstrap.wiring;

import io.streamspace.agent.adapter.host.OutboxLines;
import io.streamspace.agent.adapter.redis.RedisLeaderLock;
import io.streamspace.agent.application.port.out.AnswerHandover;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link AnswerHandover} of the Redis backend: outbox lines in a list next to the leader key (ADR 0015). */
final class RedisAnswerHandover implements AnswerHandover {

    private static final Logger LOG = LoggerFactory.getLogger("DockerAgent");

    private final RedisLeaderLock redis;
    private final OutboxLines lines = new OutboxLines();

    RedisAnswerHandover(RedisLeaderLock redis) {
        this.redis = redis;
    }

    @Override
    public void handOver(List<OutboundMessage> messages) {
        redis.handOver(messages.stream().map(lines::encode).toList());
    }

    @Override
    public List<OutboundMessage> take(int max) {
        List<OutboundMessage> taken = new ArrayList<>();
        for (String line : redis.takeHandedOver(max)) {
            try {
                taken.add(lines.decode(line));
            } catch (IllegalArgumentException e) {
                LOG.warn("Skipping an unreadable handed-over result: {}", e.getMessage());
            }
        }
        return taken;
    }

    @Override
    public String toString() {
        return "hand-over list of the " + redis;
    }
}
