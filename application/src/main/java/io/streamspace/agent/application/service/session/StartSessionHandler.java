package io.streamspace.agent.application.service.session;

import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.ContainerState;
import io.streamspace.agent.application.port.out.SessionRuntime.Mount;
import io.streamspace.agent.application.port.out.SessionRuntime.PortSpec;
import io.streamspace.agent.application.port.out.SessionRuntime.VolumeRef;
import io.streamspace.agent.application.service.CommandFailedException;
import io.streamspace.agent.application.service.CommandHandler;
import io.streamspace.agent.application.service.ControlPlaneMessages;
import io.streamspace.agent.domain.capacity.Reservation;
import io.streamspace.agent.domain.controlplane.InboundMessage;
import io.streamspace.agent.domain.resource.Quantities;
import io.streamspace.agent.domain.session.GoDuration;
import io.streamspace.agent.domain.session.SessionId;
import io.streamspace.agent.domain.session.SessionState;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code start_session}: validate, admit against capacity (before the runtime is touched for anything but
 * reading), pull the image when absent, ensure network and volumes, create and start
 * {@code streamspace-<sessionId>}, wait until it runs, report {@code status running}. On failure everything this
 * attempt created is removed (volumes only if this attempt created them), {@code status failed} is sent and the
 * command fails. A duplicate start of a running session succeeds without a second container.
 */
public final class StartSessionHandler implements CommandHandler {

    public static final String ACTION = "start_session";
    private static final System.Logger LOG = System.getLogger("DockerAgent");

    private final SessionSupport support;
    private final SessionRuntime runtime;
    private final SessionSettings settings;
    private final SessionRegistry registry;
    private final SessionCapacity capacity;
    private final Clock clock;
    private final SessionVnc vnc;

    public StartSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                               SessionCapacity capacity, Clock clock) {
        this(runtime, settings, registry, capacity, clock, SessionVnc.NONE);
    }

    /** With the VNC tunnel: {@code status running} waits (bounded) for the VNC port, then {@code vnc_ready}. */
    public StartSessionHandler(SessionRuntime runtime, SessionSettings settings, SessionRegistry registry,
                               SessionCapacity capacity, Clock clock, SessionVnc vnc) {
        this.vnc = vnc;
        this.support = new SessionSupport(runtime, settings);
        this.runtime = runtime;
        this.settings = settings;
        this.registry = registry;
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handle(InboundMessage.Command command, ControlPlaneMessages messages)
            throws CommandFailedException, InterruptedException {
        Object rawId = command.payload() == null ? null : command.payload().get("sessionId");
        StartRequest request;
        try {
            request = StartRequest.from(command.payload());
        } catch (CommandFailedException e) {
            // A bad payload for a valid session id still leaves that session failed in the control plane.
            if (rawId instanceof String id && SessionId.isValid(id)) {
                messages.send(SessionSupport.status(id, SessionState.FAILED, e.getMessage()));
            }
            throw e;
        }
        String sessionId = request.sessionId().value();
        registry.begin(sessionId, ACTION);
        try {
            return start(request, messages);
        } finally {
            registry.end(sessionId);
        }
    }

    private Map<String, Object> start(StartRequest request, ControlPlaneMessages messages)
            throws CommandFailedException, InterruptedException {
        String sessionId = request.sessionId().value();
        String name = SessionSettings.containerName(sessionId);
        Attempt attempt = new Attempt();
        try {
            Optional<ContainerState> existing = runtime.inspect(name);
            if (existing.isPresent()) {
                ContainerState found = existing.get();
                if (!support.owned(found)) {
                    throw new CommandFailedException(support.notOurs(name));
                }
                if (found.running()) {
                    LOG.log(Level.INFO, "Session {0} is already running in {1}; not starting a second container",
                            sessionId, name);
                    registry.expect(sessionId, SessionState.RUNNING);
                    reportRunning(sessionId, found, messages);
                    return SessionSupport.result(sessionId, SessionState.RUNNING, found);
                }
                // A leftover of an earlier life of this session (stopped, failed, half-created): start afresh,
                // keeping its volumes.
                LOG.log(Level.INFO, "Removing stale container {0} ({1}) before starting session {2}", name,
                        found.status(), sessionId);
                runtime.removeContainer(name, settings.ownerLabels());
            }

            capacity.admit(new Reservation(sessionId, request.cpuMillis(), request.memoryBytes()));
            attempt.reserved = true;

            if (!runtime.imagePresent(request.image())) {
                LOG.log(Level.INFO, "Pulling image {0} for session {1}", request.image(), sessionId);
                try {
                    runtime.pullImage(request.image(),
                            line -> LOG.log(Level.INFO, "Pulling {0}: {1}", request.image(), line));
                } catch (RuntimeOperationException e) {
                    throw new CommandFailedException("image " + request.image() + " not found and could not be pulled: "
                            + e.getMessage(), e);
                }
                LOG.log(Level.INFO, "Pulled image {0}", request.image());
            }

            runtime.ensureNetwork(settings.network(), settings.ownerLabels());

            List<Mount> mounts = new ArrayList<>();
            Map<String, String> volumeLabels = volumeLabels(request);
            Set<String> existingVolumes = new HashSet<>();
            for (VolumeRef v : runtime.findVolumes(settings.sessionSelector(sessionId))) {
                existingVolumes.add(v.name());
            }
            if (request.persistentHome()) {
                mounts.add(new Mount(volume(SessionSettings.homeVolumeName(sessionId), volumeLabels, existingVolumes,
                        attempt), settings.homeMountPath()));
            }
            for (StartRequest.TemplateMount m : request.mounts()) {
                mounts.add(new Mount(volume(SessionSettings.mountVolumeName(sessionId, m.name()), volumeLabels,
                        existingVolumes, attempt), m.mountPath()));
            }

            ContainerSpec spec = new ContainerSpec(name, request.image(), containerLabels(request),
                    request.environment(), request.memoryBytes(), Quantities.nanoCpus(request.cpuMillis()),
                    settings.network(), List.copyOf(mounts),
                    request.ports().stream().map(p -> new PortSpec(p.containerPort(), p.protocol())).toList(),
                    settings.hostAddress(), "unless-stopped", true, settings.pidsLimit());
            LOG.log(Level.INFO, "Creating container {0} (image {1}, memory {2}, cpu {3})", name, request.image(),
                    request.memoryBytes() == 0 ? "unlimited" : Quantities.formatBytes(request.memoryBytes()),
                    request.cpuMillis() == 0 ? "unlimited" : Quantities.formatCores(request.cpuMillis()));
            attempt.containerCreated = true; // even a failing create may leave a container behind
            ContainerState created = runtime.createAndStart(spec);
            LOG.log(Level.INFO, "Started container {0}; checking that it stays running", name);
            ContainerState running = support.awaitRunning(name, created,
                    () -> registry.exitDuringOperation(sessionId));

            Instant now = clock.instant();
            registry.expect(sessionId, SessionState.RUNNING);
            registry.limits(sessionId, request.idleTimeout(), request.maxDuration(), now, now);
            LOG.log(Level.INFO, "Session {0} is running in {1}", sessionId, name);
            reportRunning(sessionId, running, messages);
            return SessionSupport.result(sessionId, SessionState.RUNNING, running);
        } catch (CommandFailedException | RuntimeOperationException e) {
            String reason = e.getMessage();
            undo(sessionId, name, attempt);
            registry.expect(sessionId, SessionState.FAILED);
            messages.send(SessionSupport.status(sessionId, SessionState.FAILED, reason));
            throw e instanceof CommandFailedException cfe ? cfe : new CommandFailedException(reason, e);
        } catch (InterruptedException e) {
            undo(sessionId, name, attempt);
            throw e;
        } catch (RuntimeException e) {
            undo(sessionId, name, attempt);
            registry.expect(sessionId, SessionState.FAILED);
            messages.send(SessionSupport.status(sessionId, SessionState.FAILED, "start failed unexpectedly: " + e));
            throw e;
        }
    }

    /**
     * {@code status running} once the VNC port accepts connections (or the wait gave up: {@code vncReady false}),
     * then {@code vnc_ready} when it does.
     */
    private void reportRunning(String sessionId, ContainerState running, ControlPlaneMessages messages)
            throws InterruptedException {
        boolean ready = vnc.awaitReady(sessionId, running);
        messages.send(support.running(sessionId, running, null, ready));
        if (ready) {
            messages.send(SessionSupport.vncReady(sessionId, running));
        }
    }

    private String volume(String volumeName, Map<String, String> labels, Set<String> existing, Attempt attempt) {
        runtime.ensureVolume(volumeName, settings.volumeDriver(), labels);
        if (!existing.contains(volumeName)) {
            attempt.createdVolumes.add(volumeName);
        }
        return volumeName;
    }

    /** Removes what this attempt created; never fails (what it cannot remove is logged). */
    private void undo(String sessionId, String name, Attempt attempt) {
        if (attempt.containerCreated) {
            try {
                runtime.removeContainer(name, settings.ownerLabels());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not remove container {0} after a failed start: {1}", name,
                        e.getMessage());
            }
        }
        for (String volume : attempt.createdVolumes) {
            try {
                runtime.removeVolume(volume, settings.ownerLabels());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not remove volume {0} after a failed start: {1}", volume,
                        e.getMessage());
            }
        }
        if (attempt.reserved) {
            registry.release(sessionId);
        }
    }

    /**
     * Volumes carry the owner labels and the session id only: the runtime checks an existing volume against
     * exactly these, so they must be the same for every attempt of the session.
     */
    private Map<String, String> volumeLabels(StartRequest request) {
        return settings.sessionSelector(request.sessionId().value());
    }

    private Map<String, String> containerLabels(StartRequest request) {
        Map<String, String> labels = new LinkedHashMap<>(settings.ownerLabels());
        labels.put(SessionLabels.SESSION_ID, request.sessionId().value());
        labels.put(SessionLabels.USER, request.user());
        labels.put(SessionLabels.TEMPLATE, request.template());
        if (request.cpuMillis() > 0) {
            labels.put(SessionLabels.CPU_MILLIS, Long.toString(request.cpuMillis()));
        }
        if (request.memoryBytes() > 0) {
            labels.put(SessionLabels.MEMORY_BYTES, Long.toString(request.memoryBytes()));
        }
        if (request.vncPort() != null) {
            labels.put(SessionLabels.VNC_PORT, Integer.toString(request.vncPort()));
        }
        if (request.idleTimeout() != null) {
            labels.put(SessionLabels.IDLE_TIMEOUT, GoDuration.format(request.idleTimeout()));
        }
        if (request.maxDuration() != null) {
            labels.put(SessionLabels.MAX_DURATION, GoDuration.format(request.maxDuration()));
        }
        labels.put(SessionLabels.STARTED_AT, clock.instant().toString());
        return Map.copyOf(labels);
    }

    private static final class Attempt {
        boolean reserved;
        boolean containerCreated;
        final List<String> createdVolumes = new ArrayList<>();
    }
}
