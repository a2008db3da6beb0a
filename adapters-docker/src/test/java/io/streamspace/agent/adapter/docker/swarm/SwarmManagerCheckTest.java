package io.streamspace.agent.adapter.docker.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmInfo;
import com.sun.net.httpserver.HttpServer;
import io.streamspace.agent.application.port.out.LeaderLockUnavailableException;
import io.streamspace.agent.domain.election.LeaseTiming;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Only a manager of an active swarm can hold the swarm lock; every other node is refused with the way out. */
class SwarmManagerCheckTest {

    @Test
    void aManagerOfAnActiveSwarmIsAccepted() {
        assertThat(SwarmManagerCheck.refusal(new SwarmInfo()
                .withLocalNodeState(LocalNodeState.ACTIVE).withControlAvailable(true))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "ACTIVE,   false, this node is a worker",
        "INACTIVE, false, this node is not in a swarm",
        "EMPTY,    false, this node is not in a swarm",
        "PENDING,  false, still joining a swarm",
        "LOCKED,   true,  locked",
        "ERROR,    false, in error",
    })
    void everyOtherStateIsRefusedWithTheReasonAndTheWayOut(LocalNodeState state, boolean control, String reason) {
        assertThat(SwarmManagerCheck.refusal(new SwarmInfo().withLocalNodeState(state).withControlAvailable(control)))
                .hasValueSatisfying(message -> assertThat(message)
                        .startsWith("The swarm leader election backend needs a swarm manager node, but ")
                        .contains(reason)
                        .endsWith("or use --leader-election-backend redis"));
    }

    @Test
    void anEngineWithoutSwarmInformationIsNotInASwarm() {
        assertThat(SwarmManagerCheck.refusal(null)).hasValueSatisfying(message ->
                assertThat(message).contains("this node is not in a swarm"));
    }

    @Test
    void docker2010sStaleVersionAnswerIsAConflict() {
        assertThat(SwarmLeaderLock.isVersionConflict(500, "rpc error: code = Unknown desc = update out of sequence"))
                .isTrue();
        assertThat(SwarmLeaderLock.isVersionConflict(409, "version conflict")).isTrue();
        assertThat(SwarmLeaderLock.isVersionConflict(500, "rpc error: code = Unavailable")).isFalse();
    }

    /** The real client path: a docker-java client asks a stub engine whose /info says it is a worker. */
    @Test
    void openingTheLockOnAWorkerFailsAtOnceWithTheClearMessage() throws IOException {
        assertRefusedBy("{\"Swarm\":{\"NodeID\":\"n1\",\"LocalNodeState\":\"active\",\"ControlAvailable\":false}}",
                "needs a swarm manager node, but this node is a worker: run the agent on a manager node");
    }

    @Test
    void openingTheLockOutsideASwarmFailsAtOnceWithTheClearMessage() throws IOException {
        assertRefusedBy("{\"Swarm\":{\"NodeID\":\"\",\"LocalNodeState\":\"inactive\",\"ControlAvailable\":false}}",
                "needs a swarm manager node, but this node is not in a swarm");
    }

    private static void assertRefusedBy(String info, String message) throws IOException {
        HttpServer engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        engine.createContext("/", exchange -> {
            boolean isInfo = exchange.getRequestURI().getPath().endsWith("/info");
            byte[] body = (isInfo ? info : "{\"message\":\"not a swarm manager\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(isInfo ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        engine.start();
        try {
            String host = "tcp://127.0.0.1:" + engine.getAddress().getPort();
            assertThatThrownBy(() -> SwarmLeaderLock.open(host, "agents", "agent-1", LeaseTiming.DEFAULT))
                    .isInstanceOf(LeaderLockUnavailableException.class)
                    .hasMessageContaining(message)
                    .hasMessageContaining("--leader-election-backend redis");
        } finally {
            engine.stop(0);
        }
    }
}
