package io.streamspace.agent.adapter.docker;

import static io.streamspace.agent.adapter.docker.DockerAccess.carries;
import static io.streamspace.agent.adapter.docker.DockerAccess.labelFilter;
import static io.streamspace.agent.adapter.docker.DockerAccess.notOurs;
import static io.streamspace.agent.adapter.docker.DockerAccess.requireOwnerLabels;
import static io.streamspace.agent.adapter.docker.DockerAccess.requireText;

import com.github.dockerjava.api.command.CreateVolumeResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.command.ListVolumesResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.streamspace.agent.application.port.out.RuntimeOperationException;
import io.streamspace.agent.application.port.out.SessionRuntime.VolumeRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/** Volumes of {@link DockerSessionRuntime}: created with the owner labels, never adopted without them. */
final class DockerVolumes {

    private final DockerAccess access;

    DockerVolumes(DockerAccess access) {
        this.access = access;
    }

    VolumeRef ensureVolume(String name, String driver, Map<String, String> ownerLabels) {
        requireText(name, "volume name");
        requireOwnerLabels(ownerLabels);
        String wantedDriver = driver == null || driver.isBlank() ? "local" : driver;
        ReentrantLock lock = access.lockFor("volume:" + name);
        lock.lock();
        try {
            // One call: the engine's create returns the volume already there under that name (with its own labels
            // and driver) instead of failing, so its answer is judged like an inspect would be. It never changes an
            // existing volume. (Inspect, create, inspect cost three calls on every session start.)
            CreateVolumeResponse volume = access.call("create volume " + name, () -> access.docker().createVolumeCmd()
                    .withName(name)
                    .withDriver(wantedDriver)
                    .withLabels(ownerLabels)
                    .exec());
            Map<String, String> labels = volume.getLabels() == null ? Map.of() : volume.getLabels();
            if (!carries(labels, ownerLabels)) {
                throw notOurs("Volume", name, labels, ownerLabels, "configure another name");
            }
            if (!wantedDriver.equals(volume.getDriver())) {
                throw new RuntimeOperationException("Volume '" + name + "' exists with driver '" + volume.getDriver()
                        + "', not the requested '" + wantedDriver + "'; leaving it as it is");
            }
            return new VolumeRef(volume.getName(), volume.getDriver(), Map.copyOf(labels));
        } finally {
            lock.unlock();
        }
    }

    List<VolumeRef> findVolumes(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        List<String> filter = labelFilter(labels);
        ListVolumesResponse response = access.call("list volumes", () -> filter.isEmpty()
                ? access.docker().listVolumesCmd().exec()
                : access.docker().listVolumesCmd().withFilter("label", filter).exec());
        List<InspectVolumeResponse> volumes = response.getVolumes() == null ? List.of() : response.getVolumes();
        return volumes.stream()
                .filter(v -> carries(labelsOf(v), labels))
                .map(DockerVolumes::toRef)
                .toList();
    }

    boolean removeVolume(String name, Map<String, String> ownerLabels) {
        requireText(name, "volume name");
        requireOwnerLabels(ownerLabels);
        ReentrantLock lock = access.lockFor("volume:" + name);
        lock.lock();
        try {
            Optional<InspectVolumeResponse> existing = inspectVolume(name);
            if (existing.isEmpty()) {
                return false;
            }
            if (!carries(labelsOf(existing.get()), ownerLabels)) {
                throw notOurs("Volume", name, labelsOf(existing.get()), ownerLabels, "remove it by hand if it is stale");
            }
            try {
                access.call("remove volume " + name, () -> access.docker().removeVolumeCmd(name).exec());
                return true;
            } catch (RuntimeOperationException e) {
                if (e.getCause() instanceof NotFoundException) {
                    return false;
                }
                if (e.getCause() instanceof ConflictException conflict) {
                    // Docker says "volume is in use - [ids]", Podman "volume ... is being used by ...": one wording.
                    throw new RuntimeOperationException("Volume '" + name + "' is still in use on the engine at "
                            + access.dockerHost() + ": " + DockerErrors.engineMessage(conflict), conflict);
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The volume of exactly this name, if any (also used to check a container's mounts before creating it). */
    Optional<InspectVolumeResponse> inspectVolume(String name) {
        try {
            return Optional.of(access.docker().inspectVolumeCmd(name).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate("inspect volume " + name, access.dockerHost(), e);
        }
    }

    private static VolumeRef toRef(InspectVolumeResponse volume) {
        return new VolumeRef(volume.getName(), volume.getDriver(), Map.copyOf(labelsOf(volume)));
    }

    private static Map<String, String> labelsOf(InspectVolumeResponse volume) {
        return volume.getLabels() == null ? Map.of() : volume.getLabels();
    }
}
