package io.streamspace.agent.adapter.http;

import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.domain.metrics.ActionCounts;
import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The status API's JSON bodies, with the exact names of the seed and of docs (ordered maps; nulls kept). */
final class StatusJson {

    private StatusJson() {
    }

    static Map<String, Object> health(QueryAgentStatus.Health health) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.status());
        body.put("token_age_seconds", health.tokenAgeSeconds());
        body.put("last_refresh_ok", health.lastRefreshOk());
        body.put("command_metrics", commandMetrics(health.commandMetrics()));
        if (health.sidecar() != null) {
            body.put("sidecar", sidecar(health.sidecar()));
        }
        return body;
    }

    /** The watchdog's view of the sidecar; {@code last_restart} is RFC 3339 (UTC) or null. */
    static Map<String, Object> sidecar(QueryAgentStatus.Sidecar sidecar) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("container", sidecar.container());
        body.put("state", sidecar.state());
        body.put("reason", sidecar.reason());
        body.put("restart_attempts", sidecar.restartAttempts());
        body.put("max_restart_attempts", sidecar.maxRestartAttempts());
        body.put("failed", sidecar.failed());
        body.put("last_restart", sidecar.lastRestart() == null ? null : sidecar.lastRestart().toString());
        return body;
    }

    static Map<String, Object> capabilities(QueryAgentStatus.Capabilities capabilities) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("compose_agent", capabilities.composeAgent());
        body.put("control_plane", capabilities.controlPlane().wireName());
        body.put("version", capabilities.version());
        body.put("features", capabilities.features());
        return body;
    }

    /** The capabilities plus {@code runtime} ({@code docker} or {@code podman}) once it is known. */
    static Map<String, Object> capabilities(QueryAgentStatus.Capabilities capabilities,
                                            java.util.Optional<String> runtime) {
        Map<String, Object> body = capabilities(capabilities);
        runtime.ifPresent(r -> body.put("runtime", r));
        return body;
    }

    static Map<String, Object> commandMetrics(CommandMetricsSnapshot metrics) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status_panel_count", metrics.statusPanelCount());
        body.put("compose_agent_count", metrics.composeAgentCount());
        body.put("total_count", metrics.totalCount());
        body.put("last_control_plane", metrics.lastControlPlane() == null ? null : metrics.lastControlPlane().wireName());
        body.put("last_command_timestamp_ms", metrics.lastCommandTimestampMs());
        Map<String, Object> byAction = new LinkedHashMap<>();
        for (Map.Entry<String, ActionCounts> entry : metrics.byAction().entrySet()) {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("success", entry.getValue().success());
            counts.put("failure", entry.getValue().failure());
            byAction.put(entry.getKey(), counts);
        }
        body.put("by_action", byAction);
        return body;
    }

    /** The command metrics' fields, then {@code host} (null where the host reports nothing). */
    static Map<String, Object> metrics(CommandMetricsSnapshot metrics, Optional<HostSnapshot> host) {
        Map<String, Object> body = commandMetrics(metrics);
        body.put("host", host.map(StatusJson::host).orElse(null));
        return body;
    }

    static Map<String, Object> host(HostSnapshot host) {
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("1m", host.load1());
        load.put("5m", host.load5());
        load.put("15m", host.load15());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("total_bytes", host.memoryTotalBytes());
        memory.put("available_bytes", host.memoryAvailableBytes());
        memory.put("used_bytes", host.memoryUsedBytes());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("load_average", load);
        body.put("memory", memory);
        body.put("cpus", host.cpus());
        return body;
    }

    static Map<String, Object> error(String error, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        return body;
    }
}
