package io.streamspace.agent.adapter.http;

import io.streamspace.agent.application.port.in.DescribeAgent;
import io.streamspace.agent.application.port.in.FollowAgentEvents;
import io.streamspace.agent.application.port.in.QuerySessions;
import io.streamspace.agent.domain.metrics.ActionCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the status panel's routes ({@code /api/v1/sessions}, {@code /api/v1/agent}, the events), with
 * snake_case names like the rest of the status API. Instants are RFC 3339 (UTC); durations are whole seconds.
 */
final class PanelJson {

    private PanelJson() {
    }

    static Map<String, Object> sessions(QuerySessions.SessionList list, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", list.source());
        body.put("unavailable", list.unavailable());
        body.put("read_at", text(list.readAt()));
        List<Object> sessions = new ArrayList<>();
        for (QuerySessions.SessionView s : list.sessions()) {
            sessions.add(session(s, now));
        }
        body.put("sessions", sessions);
        return body;
    }

    static Map<String, Object> session(QuerySessions.SessionView s, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session_id", s.sessionId());
        body.put("user", s.user());
        body.put("template", s.template());
        body.put("state", s.state());
        body.put("container", s.containerName());
        body.put("container_id", s.containerId());
        body.put("container_status", s.containerStatus());
        body.put("image", s.image());
        body.put("cpu_requested_millicores", s.cpuRequestedMillis());
        body.put("cpu_used_cores", s.cpuUsedCores() == null ? null : Math.round(s.cpuUsedCores() * 1000) / 1000.0);
        body.put("memory_requested_bytes", s.memoryRequestedBytes());
        body.put("memory_used_bytes", s.memoryUsedBytes());
        Map<String, Object> ports = new LinkedHashMap<>();
        s.ports().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> ports.put(String.valueOf(e.getKey()), e.getValue()));
        body.put("ports", ports);
        body.put("started_at", text(s.startedAt()));
        body.put("age_seconds", s.startedAt() == null ? null : seconds(s.startedAt(), now));
        body.put("last_activity", text(s.lastActivity()));
        body.put("operation", s.operation());
        List<Object> history = new ArrayList<>();
        for (QuerySessions.StateChange c : s.history()) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("at", text(c.at()));
            change.put("state", c.state());
            change.put("message", c.message());
            history.add(change);
        }
        body.put("history", history);
        return body;
    }

    static Map<String, Object> agent(DescribeAgent.AgentView view, Instant now, int eventSubscribers) {
        DescribeAgent.Identity id = view.identity();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", id.agentId());
        body.put("version", id.version());
        body.put("platform", id.platform());
        body.put("region", id.region());
        body.put("role", id.role());
        body.put("control_plane", id.controlPlane());
        body.put("mode", id.mode());
        body.put("instance_id", id.instanceId());
        body.put("started_at", text(id.startedAt()));
        body.put("uptime_seconds", id.startedAt() == null ? null : seconds(id.startedAt(), now));
        DescribeAgent.Leadership l = view.leadership();
        Map<String, Object> leadership = new LinkedHashMap<>();
        leadership.put("state", l.state());
        leadership.put("epoch", l.epoch());
        leadership.put("holder", l.holder());
        leadership.put("since", text(l.since()));
        leadership.put("terms", l.terms());
        body.put("leadership", leadership);
        DescribeAgent.Link k = view.link();
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("state", k.state());
        link.put("since", text(k.since()));
        link.put("last_heartbeat", text(k.lastHeartbeat()));
        link.put("last_heartbeat_age_seconds", k.lastHeartbeat() == null ? null : seconds(k.lastHeartbeat(), now));
        link.put("reconnects", k.reconnects());
        link.put("pending_results", k.pendingResults());
        body.put("link", link);
        DescribeAgent.Engine e = view.engine();
        if (e == null) {
            body.put("engine", null);
        } else {
            Map<String, Object> engine = new LinkedHashMap<>();
            engine.put("version", e.version());
            engine.put("api_version", e.apiVersion());
            engine.put("os", e.operatingSystem());
            engine.put("via", e.via());
            engine.put("error", e.error());
            body.put("engine", engine);
        }
        DescribeAgent.Capacity c = view.capacity();
        if (c == null) {
            body.put("capacity", null);
        } else {
            Map<String, Object> capacity = new LinkedHashMap<>();
            capacity.put("sessions", usedOf(c.sessions(), c.maxSessions()));
            capacity.put("cpu_millicores", usedOf(c.cpuMillis(), c.maxCpuMillis()));
            capacity.put("memory_bytes", usedOf(c.memoryBytes(), c.maxMemoryBytes()));
            body.put("capacity", capacity);
        }
        body.put("sidecar", view.sidecar() == null ? null : StatusJson.sidecar(view.sidecar()));
        DescribeAgent.Vault v = view.vault();
        Map<String, Object> vault = new LinkedHashMap<>();
        vault.put("enabled", v == null ? false : v.enabled());
        vault.put("token_age_seconds", v == null ? null : v.tokenAgeSeconds());
        vault.put("last_refresh_ok", v == null ? null : v.lastRefreshOk());
        vault.put("last_failure", v == null ? null : v.lastFailure());
        body.put("vault", vault);
        Map<String, Object> commands = new LinkedHashMap<>();
        view.commands().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(p -> commands.put(p.getKey(), counts(p.getValue())));
        body.put("commands", commands);
        body.put("panel_actions", counts(view.panelActions()));
        body.put("event_subscribers", eventSubscribers);
        return body;
    }

    static Map<String, Object> event(FollowAgentEvents.AgentEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sequence", event.sequence());
        body.put("at", text(event.at()));
        body.put("type", event.type());
        body.put("summary", event.summary());
        body.put("details", event.details());
        return body;
    }

    private static Map<String, Object> counts(Map<String, ActionCounts> byAction) {
        Map<String, Object> out = new LinkedHashMap<>();
        byAction.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(a -> {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("success", a.getValue().success());
            counts.put("failure", a.getValue().failure());
            out.put(a.getKey(), counts);
        });
        return out;
    }

    /** {@code limit} 0 means no limit and is written as null. */
    private static Map<String, Object> usedOf(long used, long limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used", used);
        out.put("limit", limit == 0 ? null : limit);
        return out;
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }
}
