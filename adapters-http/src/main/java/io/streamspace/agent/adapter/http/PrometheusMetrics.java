package io.streamspace.agent.adapter.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamspace.agent.application.port.in.QueryAgentStatus;
import io.streamspace.agent.domain.metrics.ActionCounts;
import io.streamspace.agent.domain.metrics.CommandMetricsSnapshot;
import io.streamspace.agent.domain.metrics.CommandOutcome;
import io.streamspace.agent.domain.metrics.ControlPlaneTag;
import io.streamspace.agent.domain.metrics.HostSnapshot;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus view of the status, through Micrometer: {@code agent_commands_total{control_plane,action,outcome}}
 * (from the command metrics, one series per plane, action and outcome seen), the host's load and memory gauges and,
 * in sidecar mode, {@code agent_sidecar_restarts} and {@code agent_sidecar_failed} (0 or 1) from the watchdog.
 * Each scrape reads the status once and the meters report from that reading. Beside them: Micrometer's JVM and
 * process binders (memory, GC, threads, class loading, CPU, uptime, open files) and the status API's own counters
 * (refused requests, session actions, event streams).
 */
final class PrometheusMetrics implements AutoCloseable {

    private final QueryAgentStatus status;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Set<String> registered = new HashSet<>();
    private volatile CommandMetricsSnapshot commands = CommandMetricsSnapshot.EMPTY;
    private volatile HostSnapshot host;
    private volatile QueryAgentStatus.Sidecar sidecar;
    private boolean sidecarRegistered;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    PrometheusMetrics(QueryAgentStatus status) {
        this.status = status;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        hostGauge("agent.host.load.average", null, h -> h.load1(), "window", "1m");
        hostGauge("agent.host.load.average", null, h -> h.load5(), "window", "5m");
        hostGauge("agent.host.load.average", null, h -> h.load15(), "window", "15m");
        hostGauge("agent.host.memory.total", "bytes", h -> h.memoryTotalBytes());
        hostGauge("agent.host.memory.available", "bytes", h -> h.memoryAvailableBytes());
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    /** A request without a valid token ({@code reason}: missing or invalid). */
    void unauthorized(String reason) {
        Counter.builder("agent.status.unauthorized").description("Status API requests refused with 401")
                .tag("reason", reason).register(registry).increment();
    }

    /** A session action asked for with a read-only token (403). */
    void forbidden() {
        Counter.builder("agent.status.forbidden").description("Status API requests refused with 403 (scope)")
                .register(registry).increment();
    }

    /** A session action from the status panel, by action and outcome. */
    void panelAction(String action, boolean success) {
        Counter.builder("agent.panel.actions").description("Session actions asked for on the status panel")
                .tag("action", action).tag("outcome", success ? "success" : "failure").register(registry).increment();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** The Prometheus text exposition of every meter, current as of this call. */
    synchronized String scrape() {
        commands = status.commandMetrics();
        host = status.host().orElse(null);
        sidecar = status.sidecar().orElse(null);
        if (sidecar != null && !sidecarRegistered) {
            sidecarRegistered = true;
            Gauge.builder("agent.sidecar.restarts", this, self -> self.sidecar == null ? Double.NaN
                            : self.sidecar.restartAttempts())
                    .description("Restarts of the compose-agent sidecar by the watchdog since its last reset")
                    .register(registry);
            Gauge.builder("agent.sidecar.failed", this, self -> self.sidecar == null ? Double.NaN
                            : self.sidecar.failed() ? 1 : 0)
                    .description("1 when the watchdog gave up on the compose-agent sidecar, else 0")
                    .register(registry);
        }
        for (Map.Entry<ControlPlaneTag, Map<String, ActionCounts>> plane : commands.byPlaneAndAction().entrySet()) {
            for (String action : plane.getValue().keySet()) {
                for (CommandOutcome outcome : CommandOutcome.values()) {
                    register(plane.getKey(), action, outcome);
                }
            }
        }
        return registry.scrape();
    }

    private void register(ControlPlaneTag plane, String action, CommandOutcome outcome) {
        if (!registered.add(plane.wireName() + '\u0000' + action + '\u0000' + outcome.wireName())) {
            return;
        }
        FunctionCounter.builder("agent.commands", this, self -> self.count(plane, action, outcome))
                .description("Commands answered by this process, by control plane, action and outcome")
                .tags("control_plane", plane.wireName(), "action", action, "outcome", outcome.wireName())
                .register(registry);
    }

    private double count(ControlPlaneTag plane, String action, CommandOutcome outcome) {
        ActionCounts counts = commands.byPlaneAndAction().getOrDefault(plane, Map.of()).get(action);
        if (counts == null) {
            return 0;
        }
        return outcome == CommandOutcome.SUCCESS ? counts.success() : counts.failure();
    }

    private void hostGauge(String name, String unit, ToDoubleFunction<HostSnapshot> value, String... tags) {
        Gauge.builder(name, this, self -> self.host == null ? Double.NaN : value.applyAsDouble(self.host))
                .baseUnit(unit).tags(tags).register(registry);
    }
}
