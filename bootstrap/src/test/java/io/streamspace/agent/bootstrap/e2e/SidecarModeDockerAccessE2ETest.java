package io.streamspace.agent.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamspace.agent.bootstrap.ComposeAgentRole;
import io.streamspace.agent.bootstrap.config.ConfigurationResolver;
import io.streamspace.agent.bootstrap.config.Setting;
import io.streamspace.agent.testkit.controlplane.CommandState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: in sidecar mode the session agent does its work without a Docker client of its own. Its
 * {@code --docker-host} is a recording proxy in front of the real engine: while sessions start and stop through the
 * compose-agent (which has the real socket), the agent's only engine requests are the watchdog's look at the sidecar
 * container. And a setting that would make the agent use Docker itself is refused.
 */
class SidecarModeDockerAccessE2ETest extends SessionE2E {

    /** What the watchdog may ask: find the sidecar container by name, inspect it, read its logs, restart it. */
    private static final Pattern WATCHDOG_REQUEST = Pattern.compile(
            "(GET /(v[\\d.]+/)?containers/json\\?.*|GET /(v[\\d.]+/)?containers/[0-9a-f]+/(json|logs)(\\?.*)?"
                    + "|POST /(v[\\d.]+/)?containers/[0-9a-f]+/restart(\\?.*)?)");

    @TempDir
    Path dir;
    private ComposeAgentRole.Running sidecar;
    private RecordingProxy proxy;

    @AfterEach
    void stopSidecarAndProxy() throws Exception {
        if (sidecar != null) {
            sidecar.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theAgentDoesItsWorkWithoutTheDockerSocketOnlyTheWatchdogLooksAtTheSidecar() throws Exception {
        Path token = dir.resolve("compose-agent.token");
        Files.writeString(token, "access-token\n");
        sidecar = ComposeAgentRole.start(ComposeAgentRole.resolve(Map.of(Setting.LISTEN, "127.0.0.1:0",
                Setting.ALLOWED_AGENTS, agentId, Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                Setting.DOCKER_HOST, dockerHost()), Map.of()));
        proxy = RecordingProxy.open(Path.of(dockerHost().substring("unix://".length())),
                Path.of("/tmp", "sst-agent-docker-" + hex8() + ".sock"));
        startAgent(Map.of(Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_URL, "http://127.0.0.1:" + sidecar.port(),
                Setting.COMPOSE_AGENT_TOKEN_FILE, token.toString(),
                Setting.DOCKER_HOST, proxy.uri()));

        String sessionId = sessionId("alice", "vnc-echo");
        assertThat(awaitCompleted(send("start_session", startPayload(sessionId))).status())
                .isEqualTo(CommandState.Status.COMPLETED);
        awaitCompleted(send("hibernate_session", sessionPayload(sessionId)));
        awaitCompleted(send("wake_session", sessionPayload(sessionId)));
        awaitCompleted(send("stop_session", Map.of("sessionId", sessionId, "deletePVC", true)));
        // the watchdog checks the sidecar container right away and then on its interval
        Awaitility.await().atMost(WAIT).until(() -> !proxy.requests().isEmpty());

        assertThat(proxy.requests()).as("the agent's own requests to the engine")
                .allSatisfy(r -> assertThat(r).matches(WATCHDOG_REQUEST));
    }

    @Test
    void theSwarmBackendWhichNeedsTheAgentsOwnDockerSocketIsRefusedInSidecarMode() {
        Map<Setting, String> flags = Map.of(Setting.AGENT_ID, agentId, Setting.CONTROL_PLANE_URL, "ws://127.0.0.1:9",
                Setting.API_KEY, KEY, Setting.COMPOSE_AGENT_ENABLED, "true",
                Setting.COMPOSE_AGENT_TOKEN_FILE, "/dev/null", Setting.ENABLE_HA, "true",
                Setting.LEADER_ELECTION_BACKEND, "swarm");
        assertThatThrownBy(() -> ConfigurationResolver.resolve(flags, Map.of(), null))
                .hasMessageContaining("in sidecar mode only the compose-agent uses Docker");
    }

    /** A Unix socket in front of the engine that records the request line of every HTTP request through it. */
    static final class RecordingProxy implements AutoCloseable {
        private static final Pattern REQUEST_LINE = Pattern.compile("(GET|POST|PUT|DELETE|HEAD) (\\S+) HTTP/1\\.[01]\\r\\n");
        private final Path engine;
        private final Path socket;
        private final ServerSocketChannel server;
        private final List<String> requests = new CopyOnWriteArrayList<>();

        private RecordingProxy(Path engine, Path socket) throws IOException {
            this.engine = engine;
            this.socket = socket;
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(this::acceptLoop);
        }

        static RecordingProxy open(Path engine, Path socket) throws IOException {
            return new RecordingProxy(engine, socket);
        }

        String uri() {
            return "unix://" + socket;
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        private void acceptLoop() {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (client; SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine))) {
                        Thread back = Thread.ofVirtual().start(() -> pump(upstream, client, null));
                        pump(client, upstream, new ByteArrayOutputStream());
                        back.join();
                    } catch (IOException | InterruptedException e) {
                        // either side went away
                    }
                });
            }
        }

        /** Copies bytes; when {@code seen} is given, records each request line found in them. */
        private void pump(SocketChannel from, SocketChannel to, ByteArrayOutputStream seen) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    if (seen != null) {
                        seen.write(buffer.array(), 0, buffer.limit());
                        Matcher m = REQUEST_LINE.matcher(seen.toString(StandardCharsets.ISO_8859_1));
                        List<String> found = new ArrayList<>();
                        int end = 0;
                        while (m.find()) {
                            found.add(m.group(1) + " " + m.group(2));
                            end = m.end();
                        }
                        requests.addAll(found);
                        byte[] rest = java.util.Arrays.copyOfRange(seen.toByteArray(), end, seen.size());
                        seen.reset();
                        seen.write(rest, 0, rest.length);
                    }
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            Files.deleteIfExists(socket);
        }
    }
}
