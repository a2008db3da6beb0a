package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.application.service.FakeRuntime;
import io.streamspace.agent.domain.capacity.CapacityAdmission;
import io.streamspace.agent.domain.capacity.CapacityLimits;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Everything the session services need, wired against the fake runtime and a recording message sink. */
final class SessionFixture {

    static final String AGENT = "agent-1";
    static final Map<String, String> OWNER = Map.of(SessionLabels.AGENT_ID, AGENT, SessionLabels.MANAGED, "true");

    final FakeRuntime runtime = new FakeRuntime();
    final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    final ControlPlaneMessages messages = sent::add;
    final ManualClock clock = new ManualClock(Instant.parse("2025-12-04T17:00:00Z"));
    final SessionRegistry registry = new SessionRegistry();
    SessionSettings settings;
    SessionCapacity capacity;
    StartSessionHandler start;
    StopSessionHandler stop;
    HibernateSessionHandler hibernate;
    WakeSessionHandler wake;

    SessionFixture() {
        this(CapacityLimits.of(10, 16, 64), HibernateMode.STOP);
    }

    SessionFixture(CapacityLimits limits, HibernateMode mode) {
        settings = SessionSettings.defaults(AGENT).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(2))
                .withHibernateMode(mode);
        capacity = new SessionCapacity(runtime, settings, registry, new CapacityAdmission(limits));
        start = new StartSessionHandler(runtime, settings, registry, capacity, clock);
        stop = new StopSessionHandler(runtime, settings, registry);
        hibernate = new HibernateSessionHandler(runtime, settings, registry);
        wake = new WakeSessionHandler(runtime, settings, registry, capacity, clock);
    }


    static InboundMessage.Command command(String id, String action, Map<String, Object> payload) {
        return new InboundMessage.Command(id, action, payload);
    }

    /** The control plane's own example payload (protocol §4.1), with a chosen session id. */
    static Map<String, Object> startPayload(String sessionId) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("displayName", "Firefox");
        spec.put("baseImage", "lscr.io/linuxserver/firefox:latest");
        spec.put("defaultResources", Map.of("memory", "1Gi", "cpu", "500m"));
        spec.put("ports", List.of(Map.of("name", "http", "containerPort", 8080),
                Map.of("name", "vnc", "containerPort", 3000, "protocol", "TCP")));
        spec.put("env", List.of(Map.of("name", "K", "value", "V")));
        spec.put("volumeMounts", List.of(Map.of("name", "data", "mountPath", "/data")));
        spec.put("capabilities", List.of("Network", "Audio", "Clipboard"));
        Map<String, Object> payload = new HashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("user", "alice");
        payload.put("template", "firefox");
        payload.put("templateManifest", Map.of("apiVersion", "stream.space/v1alpha1", "kind", "Template",
                "metadata", Map.of("name", "firefox"), "spec", spec));
        payload.put("namespace", "streamspace");
        payload.put("memory", "2Gi");
        payload.put("cpu", "1000m");
        payload.put("persistentHome", true);
        payload.put("idleTimeout", "");
        payload.put("maxSessionDuration", "");
        payload.put("tags", null);
        return payload;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(Map<String, Object> payload) {
        return (Map<String, Object>) ((Map<String, Object>) payload.get("templateManifest")).get("spec");
    }

    static Map<String, Object> withSpec(Map<String, Object> payload, String key, Object value) {
        Map<String, Object> spec = new HashMap<>(spec(payload));
        if (value == null) {
            spec.remove(key);
        } else {
            spec.put(key, value);
        }
        Map<String, Object> copy = new HashMap<>(payload);
        copy.put("templateManifest", Map.of("spec", spec));
        return copy;
    }

    static Map<String, Object> with(Map<String, Object> payload, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(payload);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    List<OutboundMessage.SessionStatus> statuses() {
        return sent.stream().filter(OutboundMessage.SessionStatus.class::isInstance)
                .map(OutboundMessage.SessionStatus.class::cast).toList();
    }

    List<String> states(String sessionId) {
        return statuses().stream().filter(s -> s.sessionId().equals(sessionId))
                .map(OutboundMessage.SessionStatus::state).toList();
    }

    OutboundMessage.SessionStatus lastStatus() {
        List<OutboundMessage.SessionStatus> all = statuses();
        return all.get(all.size() - 1);
    }

    Map<String, Object> startRunning(String sessionId) throws Exception {
        return start.handle(command("cmd-start-" + sessionId, StartSessionHandler.ACTION, startPayload(sessionId)),
                messages);
    }

    /** Starts a session directly (not through a router) and forgets the messages it produced. */
    void startRunningQuietly(String sessionId) {
        try {
            startRunning(sessionId);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        sent.clear();
    }

    static Map<String, Object> idPayload(String sessionId) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("sessionId", sessionId);
        payload.put("namespace", "streamspace");
        return payload;
    }

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
