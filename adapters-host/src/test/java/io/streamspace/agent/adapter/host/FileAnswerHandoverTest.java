package io.streamspace.agent.adapter.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Complete;
import io.streamspace.agent.domain.controlplane.OutboundMessage.Failed;
import io.streamspace.agent.domain.controlplane.OutboundMessage.SessionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAnswerHandoverTest {

    @TempDir
    Path dir;

    @Test
    void whatOneReplicaHandsOverAnotherTakesOnceInOrderWithEveryField() {
        Path lock = dir.resolve("agent.lock");
        FileAnswerHandover fenced = FileAnswerHandover.beside(lock);
        FileAnswerHandover leader = FileAnswerHandover.beside(lock);
        assertThat(fenced.directory()).isEqualTo(dir.resolve("agent.lock.handover"));
        SessionStatus running = new SessionStatus("alice-firefox-1", "running", true, 3000,
                Map.of("podName", "streamspace-alice-firefox-1"), null);
        Complete complete = new Complete("cmd-1", Map.of("sessionId", "alice-firefox-1", "vncPort", 3000));
        Failed failed = new Failed("cmd-2", "image x not found");

        fenced.handOver(List.of(running, complete));
        fenced.handOver(List.of(failed));
        fenced.handOver(List.of());

        assertThat(leader.take(100)).containsExactly(running, complete, failed);
        assertThat(leader.take(100)).isEmpty();
        assertThat(fenced.take(100)).isEmpty();
    }

    @Test
    void twoTakersAtOnceNeverGetTheSameMessage() throws Exception {
        Path lock = dir.resolve("agent.lock");
        FileAnswerHandover fenced = FileAnswerHandover.beside(lock);
        List<OutboundMessage> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            List<OutboundMessage> batch = List.of(new Failed("cmd-" + i, "e" + i));
            sent.addAll(batch);
            fenced.handOver(batch);
        }
        ExecutorService takers = Executors.newFixedThreadPool(2);
        try {
            Callable<List<OutboundMessage>> drain = () -> {
                FileAnswerHandover mine = FileAnswerHandover.beside(lock);
                List<OutboundMessage> got = new ArrayList<>();
                for (List<OutboundMessage> b = mine.take(3); !b.isEmpty(); b = mine.take(3)) {
                    got.addAll(b);
                }
                return got;
            };
            Future<List<OutboundMessage>> a = takers.submit(drain);
            Future<List<OutboundMessage>> b = takers.submit(drain);
            List<OutboundMessage> all = new ArrayList<>(a.get());
            all.addAll(b.get());
            assertThat(all).containsExactlyInAnyOrderElementsOf(sent);
        } finally {
            takers.shutdownNow();
        }
        try (var left = Files.list(fenced.directory())) {
            assertThat(left).as("nothing left behind").isEmpty();
        }
    }
}
