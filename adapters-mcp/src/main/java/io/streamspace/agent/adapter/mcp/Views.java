package io.streamspace.agent.adapter.mcp;

import io.streamspace.agent.application.port.in.ManageAgentSessions.AgentSession;
import io.streamspace.agent.application.port.in.ManageAgentSessions.SessionChange;
import io.streamspace.agent.application.port.in.ManageAgentSessions.SessionListing;
import io.streamspace.agent.application.port.in.ManageAgentStacks.StackRemoval;
import io.streamspace.agent.application.port.in.ManageAgentStacks.StackState;
import io.streamspace.agent.domain.host.ContainerDetails;
import io.streamspace.agent.domain.host.ContainerSummary;
import io.streamspace.agent.domain.host.ContainerUsage;
import io.streamspace.agent.domain.host.EngineInfo;
import io.streamspace.agent.domain.host.ImageSummary;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON objects the tools return: plain maps with snake_case keys, instants as ISO-8601 text. */
final class Views {

    private Views() {
    }

    static Map<String, Object> container(ContainerSummary c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", shortId(c.id()));
        m.put("name", c.name());
        m.put("image", c.image());
        m.put("state", c.state());
        m.put("status", c.status());
        m.put("created", text(c.created()));
        m.put("labels", c.labels());
        return m;
    }

    static Map<String, Object> container(ContainerDetails c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("image", c.image());
        m.put("state", c.state());
        m.put("exit_code", c.exitCode());
        m.put("restart_count", c.restartCount());
        m.put("error", c.error() == null || c.error().isEmpty() ? null : c.error());
        m.put("health", c.health());
        m.put("created", text(c.created()));
        m.put("started_at", text(c.startedAt()));
        m.put("command", c.command());
        m.put("environment", c.environment());
        m.put("ports", c.ports());
        m.put("networks", c.networks());
        m.put("mounts", c.mounts());
        m.put("labels", c.labels());
        return m;
    }

    static Map<String, Object> usage(String container, ContainerUsage u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("container", container);
        m.put("cpu_percent", u.cpuPercent());
        m.put("memory_usage_bytes", u.memoryUsageBytes());
        m.put("memory_limit_bytes", u.memoryLimitBytes());
        m.put("network_rx_bytes", u.networkRxBytes());
        m.put("network_tx_bytes", u.networkTxBytes());
        m.put("pids", u.pids());
        return m;
    }

    static Map<String, Object> image(ImageSummary i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("tags", i.tags());
        m.put("size_bytes", i.sizeBytes());
        m.put("created", text(i.created()));
        return m;
    }

    static Map<String, Object> engine(EngineInfo e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_version", e.serverVersion());
        m.put("api_version", e.apiVersion());
        m.put("operating_system", e.operatingSystem());
        m.put("kernel_version", e.kernelVersion());
        m.put("architecture", e.architecture());
        m.put("cpus", e.cpus());
        m.put("memory_bytes", e.memoryBytes());
        m.put("containers", e.containers());
        m.put("containers_running", e.containersRunning());
        m.put("containers_paused", e.containersPaused());
        m.put("containers_stopped", e.containersStopped());
        m.put("images", e.images());
        m.put("storage_driver", e.storageDriver());
        return m;
    }

    static Map<String, Object> sessions(SessionListing listing) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", listing.source());
        if (listing.agentUnavailable() != null) {
            m.put("agent_unavailable", listing.agentUnavailable());
        }
        List<Map<String, Object>> sessions = listing.sessions().stream().map(Views::session).toList();
        m.put("sessions", sessions);
        m.put("count", sessions.size());
        return m;
    }

    static Map<String, Object> session(AgentSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.sessionId());
        m.put("agent_id", s.agentId());
        m.put("container", s.container());
        m.put("image", s.image());
        m.put("state", s.state());
        m.put("container_state", s.containerState());
        m.put("user", s.user());
        m.put("template", s.template());
        m.put("created", text(s.created()));
        m.put("last_activity", text(s.lastActivity()));
        m.put("history", s.history().stream().map(h -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("at", text(h.at()));
            entry.put("state", h.state());
            entry.put("message", h.message());
            return entry;
        }).toList());
        m.put("source", s.source());
        if (s.note() != null) {
            m.put("note", s.note());
        }
        return m;
    }

    static Map<String, Object> change(SessionChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", c.sessionId());
        m.put("via", c.via());
        m.put("result", c.result());
        m.put("status_reports", c.statusReports());
        return m;
    }

    static Map<String, Object> stack(StackState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", s.project());
        if (!(s.created().isEmpty() && s.recreated().isEmpty() && s.unchanged().isEmpty() && s.started().isEmpty())) {
            m.put("created", s.created());
            m.put("recreated", s.recreated());
            m.put("unchanged", s.unchanged());
            m.put("started", s.started());
        }
        m.put("containers", s.containers().stream().map(c -> {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("name", c.name());
            member.put("service", c.service());
            member.put("state", c.state());
            member.put("health", c.health());
            member.put("image", c.image());
            return member;
        }).toList());
        return m;
    }

    static Map<String, Object> removal(StackRemoval r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", r.project());
        m.put("removed_containers", r.containers());
        m.put("removed_networks", r.networks());
        m.put("removed_volumes", r.volumes());
        return m;
    }

    static Map<String, Object> of(String key, List<?> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, values);
        m.put("count", values.size());
        return m;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String shortId(String id) {
        return id == null ? null : id.length() > 12 ? id.substring(0, 12) : id;
    }
}
