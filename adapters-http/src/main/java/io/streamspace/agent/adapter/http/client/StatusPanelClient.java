package io.streamspace.agent.adapter.http.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamspace.agent.application.port.out.SessionAgentPanel;
import io.streamspace.agent.application.port.out.SessionAgentPanel.PanelException.Problem;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link SessionAgentPanel} over a session agent's status panel API: {@code GET /api/v1/agent} (its id, read once),
 * {@code GET /api/v1/sessions}, and {@code POST /api/v1/sessions/{id}/actions/{action}} with a bearer token that
 * carries the write scope. The token is read from its source on every request (a rotated file applies at once) and
 * never appears in a message.
 */
public final class StatusPanelClient implements SessionAgentPanel {

    /** Reads answer quickly; an action waits for the agent's handler, which answers within 3 minutes. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    static final Duration ACTION_TIMEOUT = Duration.ofMinutes(4);

    private final URI base;
    private final String location;
    private final Supplier<Optional<String>> token;
    private final ObjectMapper json;
    private final HttpClient http;
    private volatile String agentId;

    /**
     * @param base  the panel's URL, e.g. {@code http://127.0.0.1:5001} (a path prefix behind a proxy is kept)
     * @param token the token to present, as of now; empty when there is none
     */
    public StatusPanelClient(URI base, Supplier<Optional<String>> token, ObjectMapper json) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.location = (base.getScheme() + "://" + base.getRawAuthority() + (base.getRawPath() == null ? ""
                : base.getRawPath())).replaceAll("/+$", "").replaceFirst("//[^/@]*@", "//");
        this.token = token;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Listing sessions() {
        String id = agentId();
        JsonNode body = read("api/v1/sessions");
        List<Session> sessions = new ArrayList<>();
        for (JsonNode s : body.path("sessions")) {
            List<StateChange> history = new ArrayList<>();
            for (JsonNode h : s.path("history")) {
                history.add(new StateChange(instant(h.path("at")), text(h.path("state")), text(h.path("message"))));
            }
            sessions.add(new Session(text(s.path("session_id")), text(s.path("user")), text(s.path("template")),
                    text(s.path("state")), text(s.path("container")), text(s.path("container_status")),
                    text(s.path("image")), instant(s.path("started_at")), instant(s.path("last_activity")),
                    history));
        }
        return new Listing(id, text(body.path("unavailable")), sessions);
    }

    @Override
    public ActionAnswer act(String sessionId, String action) throws InterruptedException {
        Optional<String> bearer = presented(true);
        URI uri = base.resolve("api/v1/sessions/" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/actions/" + URLEncoder.encode(action, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ACTION_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", "Bearer " + bearer.orElseThrow())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpResponse<String> response = send(request);
        int code = response.statusCode();
        refusal(code, true, response);
        JsonNode body = parse(response);
        String status = text(body.path("status"));
        if (status == null || !(code == 200 || code == 400 || code == 409 || code == 422)) {
            throw new PanelException(Problem.UNREACHABLE, "the status panel at " + location + " answered " + code
                    + " to " + action + " of session " + sessionId + ": " + detail(body));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        body.path("result").properties().stream().filter(e -> !e.getValue().isNull())
                .forEach(e -> result.put(e.getKey(), json.convertValue(e.getValue(), Object.class)));
        return new ActionAnswer(status, text(body.path("message")), result);
    }

    /** The agent id of the panel, asked once (it does not change while the agent runs). */
    private String agentId() {
        String id = agentId;
        if (id == null) {
            id = text(read("api/v1/agent").path("agent_id"));
            if (id == null) {
                throw new PanelException(Problem.UNREACHABLE, "the status panel at " + location
                        + " did not name its agent (is it a session agent's panel?)");
            }
            agentId = id;
        }
        return id;
    }

    private JsonNode read(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(READ_TIMEOUT)
                .header("Accept", "application/json").GET();
        presented(false).ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = send(request.build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PanelException(Problem.UNREACHABLE, "interrupted while asking the status panel at " + location,
                    e);
        }
        refusal(response.statusCode(), false, response);
        if (response.statusCode() != 200) {
            throw new PanelException(Problem.UNREACHABLE, "the status panel at " + location + " answered "
                    + response.statusCode() + " to GET /" + path + ": " + detail(parse(response)));
        }
        return parse(response);
    }

    /** The token to present; for an action, a missing token is an error at once. */
    private Optional<String> presented(boolean write) {
        Optional<String> t;
        try {
            t = token.get().filter(s -> !s.isBlank());
        } catch (RuntimeException e) {
            throw new PanelException(Problem.NO_TOKEN, "the token for the status panel at " + location
                    + " cannot be read: " + e.getMessage(), e);
        }
        if (write && t.isEmpty()) {
            throw new PanelException(Problem.NO_TOKEN, "no token for the status panel at " + location
                    + ": its session actions need the agent's write token");
        }
        return t;
    }

    private void refusal(int code, boolean write, HttpResponse<String> response) {
        if (code == 401) {
            boolean sent = response.request().headers().firstValue("Authorization").isPresent();
            throw new PanelException(sent ? Problem.TOKEN_REFUSED : Problem.NO_TOKEN, "the status panel at "
                    + location + (sent ? " refused the token (401): it is not the agent's status token (any more)"
                    : " needs a token (401) and none is configured"));
        }
        if (code == 403 && write) {
            throw new PanelException(Problem.NO_WRITE_SCOPE, "the status panel at " + location + " refused the"
                    + " action (403): the token has no write scope; use the agent's status write token"
                    + " (--status-write-token)");
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PanelException(Problem.UNREACHABLE, "the status panel at " + location + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new PanelException(Problem.UNREACHABLE, "the status panel at " + location + " answered "
                    + response.statusCode() + " with a body that is not JSON (is it a session agent's panel?)", e);
        }
    }

    private static String detail(JsonNode body) {
        String detail = text(body.path("detail"));
        return detail != null ? detail : String.valueOf(text(body.path("message")));
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static Instant instant(JsonNode node) {
        String text = text(node);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
