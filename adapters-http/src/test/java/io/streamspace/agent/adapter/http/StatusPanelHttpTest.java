package io.streamspace.agent.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.in.ActOnSession;
import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.application.service.metrics.AgentStatusService;
import io.streamspace.agent.application.service.metrics.CommandMetricsRecorder;
import io.streamspace.agent.application.service.panel.AgentEventFeed;
import io.streamspace.agent.domain.metrics.CommandMetrics;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status panel's HTTP side over fakes of the use cases: tokens, the sign-in cookie, the event stream. */
class StatusPanelHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AgentEventFeed feed = new AgentEventFeed(Clock.systemUTC());
    private final AtomicInteger actions = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Socket> sockets = new ArrayList<>();
    private StatusHttpServer server;

    private void start(int maxEventClients) throws Exception {
        QueryAgentStatus status = new AgentStatusService(new CommandMetricsRecorder(ControlPlaneTag.STATUS_PANEL,
                new CommandMetrics(), Clock.systemUTC()), Optional::empty, new QueryAgentStatus.Capabilities(false,
                ControlPlaneTag.STATUS_PANEL, "test", List.of()));
        QuerySessions sessions = () -> new QuerySessions.SessionList("engine", null, List.of(), Instant.now());
        DescribeAgent agent = () -> new DescribeAgent.AgentView(new DescribeAgent.Identity("agent-1", "test", "docker",
                null, "agent", "status_panel", "legacy", null, Instant.now()),
                new DescribeAgent.Leadership("single", null, null, null, 0),
                new DescribeAgent.Link("connected", Instant.now(), null, 0, 0), null, null, null, null, Map.of(),
                Map.of());
        ActOnSession act = (id, action, by) -> {
            actions.incrementAndGet();
            return new ActOnSession.Outcome("done", null, Map.of());
        };
        StatusAccess access = StatusAccess.withTokens(() -> Optional.of("read-token"),
                () -> Optional.of("write-token"));
        server = StatusHttpServer.start("127.0.0.1", 0, status, JSON, new StatusPanel(sessions, agent, feed, act,
                access, Duration.ofMillis(200), maxEventClients));
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        client.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    /** An event stream on its own socket, read up to its first comment; no thread of ours waits on it. */
    private BufferedReader openStream(String token) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.port());
        sockets.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        return in;
    }

    private static String readUntil(BufferedReader in, String fragment) throws Exception {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.contains(fragment)) {
                return line;
            }
        }
        throw new AssertionError("the stream ended before " + fragment);
    }

    @Test
    void twoHundredEventStreamsHoldNoPlatformThreadEachAndAllGetTheNextEvent() throws Exception {
        start(500);
        var threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        List<BufferedReader> streams = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            BufferedReader in = openStream("read-token");
            readUntil(in, ": connected");
            streams.add(in);
        }
        Awaitility.await().atMost(WAIT).until(() -> feed.subscriberCount() == 200);
        int during = threads.getThreadCount();
        // platform threads only (the JVM counts no virtual thread here): the server's dispatcher and pollers
        assertThat(during - before).as("platform threads added for 200 open streams").isLessThan(20);

        feed.publish("session_state", "session s-1 is running", Map.of("session_id", "s-1"));
        for (BufferedReader in : streams) {
            assertThat(readUntil(in, "data: ")).contains("\"type\":\"session_state\"")
                    .contains("\"summary\":\"session s-1 is running\"");
        }
        for (Socket s : sockets) {
            s.close();
        }
        // a closed client is noticed at the next write (a heartbeat at the latest) and its queue is dropped
        Awaitility.await().atMost(WAIT).until(() -> feed.subscriberCount() == 0);
    }

    @Test
    void anIdleStreamGetsKeepAliveCommentsAndClosingTheServerEndsIt() throws Exception {
        start(5);
        BufferedReader in = openStream("write-token");
        readUntil(in, ": keepalive");
        readUntil(in, ": keepalive");
        server.close();
        server = null;
        Awaitility.await().atMost(WAIT).until(() -> {
            try {
                while (in.readLine() != null) {
                    // drain
                }
                return true;
            } catch (java.io.IOException e) {
                return true;
            }
        });
        assertThat(feed.subscriberCount()).isZero();
    }

    @Test
    void streamsBeyondTheLimitAreTurnedAwayAndAStreamNeedsTheToken() throws Exception {
        start(1);
        readUntil(openStream("read-token"), ": connected");
        assertThat(send(request("/api/v1/events").header("Authorization", "Bearer read-token")).statusCode())
                .isEqualTo(503);
        assertThat(send(request("/api/v1/events")).statusCode()).isEqualTo(401);
    }

    @Test
    void theSignInFormSetsAnHttpOnlyCookieThatOpensThePanelAndSigningOutClearsIt() throws Exception {
        start(5);
        HttpResponse<String> page = send(request("/"));
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("<form method=\"post\" action=\"login\">");

        HttpResponse<String> wrong = send(request("/login").header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=nope")));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("That token is not valid.");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> ok = send(request("/login").header("X-Forwarded-Proto", "https").header(
                "Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                "token=write-token")));
        assertThat(ok.statusCode()).isEqualTo(303);
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("streamspace_status=write-token;").contains("HttpOnly", "SameSite=Strict",
                "Secure", "Path=/");
        String pair = cookie.substring(0, cookie.indexOf(';'));

        HttpResponse<String> dashboard = send(request("/").header("Cookie", pair));
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("<script src=\"panel/app.js\" defer></script>");
        assertThat(dashboard.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe"));
        assertThat(JSON.readTree(send(request("/api/v1/whoami").header("Cookie", pair)).body()).get("scope").asText())
                .isEqualTo("write");
        HttpResponse<String> act = send(request("/api/v1/sessions/s-1/actions/hibernate").header("Cookie", pair)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(act.statusCode()).isEqualTo(200);
        assertThat(actions).hasValue(1);

        HttpResponse<String> out = send(request("/logout").header("Cookie", pair)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .startsWith("streamspace_status=;").contains("Max-Age=0"));
    }

    @Test
    void tokensDecideScopesAndAnEmptySourceOpensNothing() {
        StatusAccess access = StatusAccess.withTokens(() -> Optional.of("r"), Optional::empty);
        assertThat(access.decide("r").scope()).isEqualTo(StatusAccess.Scope.READ);
        assertThat(access.decide("").refusal()).isEqualTo("missing");
        assertThat(access.decide(null).refusal()).isEqualTo("missing");
        assertThat(access.decide("rr").refusal()).isEqualTo("invalid");
        assertThat(access.decide("R").refusal()).isEqualTo("invalid");
        StatusAccess writeOnly = StatusAccess.withTokens(null, () -> Optional.of("w"));
        assertThat(writeOnly.decide("w").scope()).isEqualTo(StatusAccess.Scope.WRITE);
        assertThat(writeOnly.decide("").allowed()).isFalse();
        StatusAccess open = StatusAccess.open();
        assertThat(open.tokenRequired()).isFalse();
        assertThat(open.decide(null).scope()).as("open, but read only").isEqualTo(StatusAccess.Scope.READ);
    }
}
