package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.domain.controlplane.OutboundMessage;
import io.streamspace.agent.domain.session.SessionState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What the session handlers, the reconciler and the event monitor share. */
final class SessionSupport {

    /** How many more looks {@link #awaitRunning} takes at a container that restarts, to learn its exit code. */
    private static final int MAX_FLAP_LOOKS = 8;

    private final SessionRuntime runtime;
    private final SessionSettings settings;

    SessionSupport(SessionRuntime runtime, SessionSettings settings) {
        this.runtime = runtime;
        this.settings = settings;
    }

    SessionRuntime runtime() {
        return runtime;
    }

    SessionSettings settings() {
        return settings;
    }

    boolean owned(ContainerState container) {
        return owned(container.labels());
    }

    boolean owned(Map<String, String> containerLabels) {
        Map<String, String> labels = containerLabels == null ? Map.of() : containerLabels;
        return settings.ownerLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    String notOurs(String name) {
        return "a container named " + name + " exists but is not managed by this agent (it lacks the labels "
                + SessionLabels.AGENT_ID + "=" + settings.agentId() + ", " + SessionLabels.MANAGED
                + "=true); refusing to touch it";
    }

    /**
     * Polls the container until it runs. Fails fast when it exits, dies, restarts or disappears, and after
     * {@link SessionSettings#startTimeout()}. "Running" must be seen twice, one poll interval apart, without a
     * restart in between: a process that exits at once is briefly "running" right after the start, and with
     * restart policy {@code unless-stopped} the engine keeps bringing it back, so one look can catch it running.
     * Once it is seen restarting, a few more looks try to catch it stopped, so the reason carries its exit code;
     * when no look shows one (Podman shows 0 on a container it keeps restarting), the reason takes the exit code of
     * the last {@code die} event seen meanwhile, from {@code exitSeen}.
     */
    ContainerState awaitRunning(String name, ContainerState first, Supplier<OptionalInt> exitSeen)
            throws CommandFailedException, InterruptedException {
        // the engine's work of this start is done: the looks below wait, and the next start may use the engine
        io.streamspace.agent.application.service.StartPermit.releaseEarly();
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        ContainerState current = first;
        ContainerState seenRunning = null;
        int firstRestarts = first == null ? 0 : first.restartCount();
        int flaps = 0;
        while (true) {
            if (current == null) {
                throw new CommandFailedException("container " + name + " disappeared while starting");
            }
            switch (current.status() == null ? "" : current.status()) {
                case "running" -> {
                    if (seenRunning != null && current.restartCount() == seenRunning.restartCount()) {
                        return current;
                    }
                    if (seenRunning != null || current.restartCount() > firstRestarts) {
                        // Restarted in between: it exits at once. Look a few more times to catch it between two
                        // restarts, when the engine shows its exit code (a running container shows 0).
                        if (++flaps > MAX_FLAP_LOOKS) {
                            // A running container shows exit code 0 on Docker, and on Podman either its last
                            // exit code or 0: the die events tell when the looks do not.
                            OptionalInt exit = current.exitCode() != 0 ? OptionalInt.of(current.exitCode())
                                    : exitSeen.get();
                            throw new CommandFailedException("container " + name + " keeps exiting while starting"
                                    + " (the engine restarted it " + (current.restartCount() - firstRestarts)
                                    + " time(s)" + (exit.isPresent() ? ", last exit code " + exit.getAsInt() : "")
                                    + ")" + errorSuffix(current));
                        }
                        seenRunning = null;
                    } else {
                        seenRunning = current;
                    }
                }
                case "exited", "dead" -> throw new CommandFailedException("container " + name + " exited with code "
                        + current.exitCode() + " while starting" + errorSuffix(current));
                case "restarting" -> throw new CommandFailedException("container " + name
                        + " keeps exiting while starting (last exit code " + current.exitCode() + ")"
                        + errorSuffix(current));
                default -> {
                    // created, paused: keep waiting
                    seenRunning = null;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 && seenRunning == null && flaps == 0) {
                throw new CommandFailedException("container " + name + " did not reach running within "
                        + settings.startTimeout().toSeconds() + " s (status: " + current.status() + ")");
            }
            // the confirming look after "running" always waits one full interval, even past the deadline
            TimeUnit.NANOSECONDS.sleep(seenRunning != null || flaps > 0 ? settings.pollInterval().toNanos()
                    : Math.min(left, settings.pollInterval().toNanos()));
            current = runtime.inspect(name).orElse(null);
        }
    }

    private static String errorSuffix(ContainerState c) {
        return c.error() == null || c.error().isBlank() ? "" : ": " + c.error();
    }

    /** The {@code vnc_ready} that follows {@code status running} once the VNC port accepts connections. */
    static OutboundMessage.VncReady vncReady(String sessionId, ContainerState container) {
        return new OutboundMessage.VncReady(sessionId, vncPort(container).orElseThrow(), container.name());
    }

    /** The VNC port the template declared (recorded in the container's labels). */
    static Optional<Integer> vncPort(ContainerState container) {
        String label = container.labels() == null ? null : container.labels().get(SessionLabels.VNC_PORT);
        try {
            return label == null ? Optional.empty() : Optional.of(Integer.parseInt(label));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code status running} with the VNC port and {@code platformMetadata} (podName, podIP, published port). */
    OutboundMessage.SessionStatus running(String sessionId, ContainerState container, String message) {
        return running(sessionId, container, message, vncPort(container).isPresent());
    }

    /** {@code status running} whose {@code vncReady} says whether the VNC port was seen accepting connections. */
    OutboundMessage.SessionStatus running(String sessionId, ContainerState container, String message,
                                          boolean vncReady) {
        Integer vncPort = vncPort(container).orElse(null);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("podName", container.name());
        metadata.put("podIP", container.ipAddress() == null ? "" : container.ipAddress());
        metadata.put("containerId", container.id());
        metadata.put("hostIP", settings.hostAddress());
        if (vncPort != null && container.publishedPorts() != null && container.publishedPorts().get(vncPort) != null) {
            metadata.put("vncHostPort", container.publishedPorts().get(vncPort));
        }
        if (container.publishedPorts() != null && !container.publishedPorts().isEmpty()) {
            Map<String, Object> published = new LinkedHashMap<>();
            container.publishedPorts().forEach((c, h) -> published.put(String.valueOf(c), h));
            metadata.put("publishedPorts", published);
        }
        return new OutboundMessage.SessionStatus(sessionId, SessionState.RUNNING.wireName(),
                vncPort != null && vncReady, vncPort, metadata, message);
    }

    static OutboundMessage.SessionStatus status(String sessionId, SessionState state, String message) {
        return new OutboundMessage.SessionStatus(sessionId, state.wireName(), null, null, null, message);
    }

    static Map<String, Object> result(String sessionId, SessionState state, ContainerState container) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sessionId", sessionId);
        result.put("state", state.wireName());
        if (container != null) {
            result.put("containerId", container.id());
            vncPort(container).ifPresent(p -> result.put("vncPort", p));
        }
        return result;
    }
}
